"""Scrapy item pipelines: thin glue from spider items to validation and the store."""

from __future__ import annotations

import atexit
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro, deferred_to_future
from twisted.internet import reactor, task
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from harvester import rawcodec
from harvester.cluster.run import ClusterRun
from harvester.db import ArticleStore, SchemaOutdated, ensure_schema, make_engine, redact_url, resolve_database_url
from harvester.db.batch import BatchReport, StoreUnavailable, entry_url
from harvester.db.errors import classify, describe
from harvester.db.lock import LOST, REACQUIRED, RunLock, try_lock_sites
from harvester.db.rawpages import RawResponse
from harvester.db.runs import (
    complete_distributed_run,
    DISCOVERY,
    ERROR,
    FAILED,
    FINISHED,
    INVALID,
    SHUTDOWN,
    SKIPPED,
    SKIPPED_BY_RULE,
    FetchOutcome,
    RunEnd,
    close_dead_runs,
    record_skipped_run,
    start_run,
)
from harvester.db.store import FetchedArticle
from harvester.db.url import default_spool_dir
from harvester.db.urlstate import PendingUrls, Validators
from harvester.db.boilerplate import site_knowledge
from harvester.db.writer import (
    Preparer,
    RetryPolicy,
    SpoolHeader,
    StoreWriter,
    forget_mark,
    replay_spool,
    write_records,
)
from harvester.extraction.holdback import HoldBack
from harvester.extraction.learned import Thresholds
from harvester.handoff import Handoff
from harvester.incremental import ARTICLE_META
from harvester.items import ArticleItem, DiscoveredItem, FetchOutcomeItem
from harvester.signals import urls_not_fetched
from harvester.spider_sites import site_keys
from harvester.spool import Spool, SpoolError, spool_files
from harvester.validation import validation_errors

logger = logging.getLogger(__name__)

#: Spider callbacks whose pages are articles (logged from their items, not from the response).
ARTICLE_CALLBACKS = frozenset({"parse_article"})
DISCOVERY_CHANNELS = {
    "parse_robots": "robots",
    "parse_sitemap": "sitemap",
    "parse_feed": "feed",
    "parse_listing": "listing",
}


def _real_url(spider: Any, url: str) -> str:
    """The real-site URL of a fetched URL (a mirror's URL is mapped back to the origin)."""
    to_real = getattr(spider, "_to_real", None)
    return to_real(url) if to_real is not None else url


class InvalidArticle(DropItem):
    """An article that failed validation; ``fields`` names what failed."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


class ValidationPipeline:
    """Drops items that must not be stored, counting each reason in the crawl stats."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        errors = validation_errors(item.article)
        if errors:
            for error in errors:
                self.crawler.stats.inc_value(f"harvester/invalid/{error.field}")
            reasons = "; ".join(str(error) for error in errors)
            raise InvalidArticle(f"invalid article {item.article.url}: {reasons}", sorted({e.field for e in errors}))
        return item


class StorePipeline:
    """Stores what a crawl saw in the configured database (``DATABASE_URL`` / ``HARVESTER_DATABASE_URL``).

    When the spider opens (off the event loop, in a thread):

    * a new, empty database gets the current schema; one at an older revision stops the crawl
      with a message naming ``harvester db upgrade``;
    * spool files left by killed or failed runs on this database are written first (replay);
    * the run takes its sites' locks (``harvester.db.lock``); when another run holds one, this
      run writes a ``crawl_runs`` row with status ``skipped`` and closes at once;
    * ``running`` rows of this spider whose process is gone are closed as ``crashed``;
    * the run's ``crawl_runs`` row is written, its spool file created and its writer started.

    Each item is handed over through the spool (``harvester.handoff``): durable, then written by
    the store writer's thread in batches. When the spider closes, a ``RunEnd`` record completes
    the run's row with its status: ``finished`` only when everything extracted was stored,
    ``failed`` when items could not be stored or no page could be fetched, ``shutdown`` when
    stopped by a signal. Set ``HARVESTER_STORE_ENABLED = False`` to crawl without storing.
    """

    def __init__(self, crawler: Any, settings: StoreSettings) -> None:
        self.crawler = crawler
        self.settings = settings
        self.store: ArticleStore | None = None
        self.run_id: int | None = None
        self.lock: RunLock | None = None
        self.handoff: Handoff | None = None
        self.writer: StoreWriter | None = None
        self.failure: str | None = None
        self.cluster: ClusterRun | None = None
        self._ended = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        if not settings.getbool("HARVESTER_STORE_ENABLED", True):
            raise NotConfigured("store disabled by HARVESTER_STORE_ENABLED")
        pipeline = cls(crawler, StoreSettings.from_settings(settings))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        crawler.signals.connect(pipeline.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(pipeline.urls_not_fetched, signal=urls_not_fetched)
        atexit.register(pipeline._at_exit)
        return pipeline

    # --- lifecycle ----------------------------------------------------------------------------

    async def open_spider(self) -> None:
        spider = self.crawler.spider
        try:
            opened = await deferred_to_future(deferToThread(self._open_store, spider))
        except SchemaOutdated as exc:
            spider.logger.error("%s (database %s)", exc, redact_url(self.settings.database_url))
            self.crawler.stats.set_value("harvester/error/schema_outdated", 1)
            raise CloseSpider("schema_outdated") from None
        except StoreUnavailable as exc:
            spider.logger.error("cannot open the store %s: %s", redact_url(self.settings.database_url), exc)
            self.crawler.stats.set_value("harvester/error/store_unavailable", 1)
            self.crawler.stats.set_value("harvester/run_status", FAILED)
            raise CloseSpider(FAILED) from None
        if opened is None:  # another run holds a site's lock
            raise CloseSpider(SKIPPED)

    def _open_store(self, spider: Any) -> int | None:
        """Everything the store needs before the crawl starts (runs in a thread)."""
        engine = make_engine(self.settings.database_url)
        try:
            ensure_schema(engine)
        except Exception as exc:
            engine.dispose()
            if isinstance(exc, SchemaOutdated) or classify(exc) == "data":
                raise
            raise StoreUnavailable(describe(exc), classify(exc)) from exc
        store = ArticleStore(engine, dedupe_content=self.settings.dedupe_content)
        self._replay(store, spider)
        sites = site_keys(spider)
        self.cluster = cluster = ClusterRun.of(self.crawler)  # harvester.cluster: one run for all workers, or None
        self.lock = cluster.lock(engine, sites) if cluster else try_lock_sites(engine, sites)
        if self.lock is None:
            run_id = record_skipped_run(engine, spider.name, datetime.now(UTC))
            engine.dispose()
            self.crawler.stats.set_value("harvester/crawl_run_id", run_id)
            self.crawler.stats.set_value("harvester/run_skipped", 1)
            spider.logger.warning(
                "another run of %s holds the lock: this run is skipped (crawl run %d)", ", ".join(sites), run_id
            )
            return None
        cluster = self.cluster
        for crashed in ([] if cluster is not None and not cluster.first
                        else close_dead_runs(engine, spider.name, lock_held=cluster is None)):
            spider.logger.warning("crawl run %d of %s had died without completing its row: closed as crashed",
                                  crashed, spider.name)
        store.register_site(spider.name, getattr(spider, "site_name", "") or spider.name, getattr(spider, "origin", None))
        self.run_id = cluster.start(engine, spider.name) if cluster else start_run(engine, spider.name, datetime.now(UTC))
        self.crawler.stats.set_value("harvester/crawl_run_id", self.run_id)
        spool = Spool.create(self.settings.spool_dir, spider.name)
        header = SpoolHeader(self.run_id, spider.name)
        header_seqs = spool.append([header])
        self.writer = StoreWriter(
            store, spool, self.run_id, policy=self.settings.policy, max_batch=self.settings.batch_size,
            preparer=self._preparer(engine),
            on_failure=lambda message: reactor.callFromThread(self._writer_failed, message),
            on_written=lambda report: reactor.callFromThread(self._count_written, report),
        )
        self.writer.submit(zip(header_seqs, [header]))  # its mark starts the spool's watermark
        self.handoff = Handoff(spool, self.writer, self.settings.backlog)
        self.store = store
        reactor.callFromThread(self._watch_lock)
        spider.logger.info("storing articles in %s (crawl run %d, spool %s)", redact_url(self.settings.database_url),
                           self.run_id, spool.path)
        return self.run_id

    def _preparer(self, engine: Any) -> Preparer:
        thresholds = self.settings.boilerplate
        return Preparer(HoldBack(thresholds, site_knowledge(engine, thresholds)) if thresholds is not None else None)

    def _watch_lock(self) -> None:
        """Check the run lock every few seconds (off the loop): a PostgreSQL restart drops it."""
        self._lock_check = task.LoopingCall(self._check_lock)
        self._lock_check.start(self.settings.lock_check_seconds, now=False)

    def _check_lock(self) -> Deferred[None] | None:
        if self.lock is None or self._ended:
            return None
        return deferToThread(self.lock.check).addCallback(self._lock_checked)

    def _lock_checked(self, state: str) -> None:
        spider = self.crawler.spider
        if state == REACQUIRED:
            spider.logger.warning("the run lock was lost with its database connection and has been taken again")
        elif state == LOST:
            self.crawler.stats.set_value("harvester/error/lock_lost", 1)
            self._writer_failed("the run lock was lost with its database connection and another run holds it now")

    def _replay(self, store: ArticleStore, spider: Any) -> None:
        for path in spool_files(self.settings.spool_dir):
            try:
                written = replay_spool(store, path, self._preparer(store.engine))
            except StoreUnavailable:
                raise
            except Exception as exc:  # noqa: BLE001 - a damaged spool must not block every later crawl
                spider.logger.error("cannot replay the spool %s: %s", path, describe(exc))
                continue
            if written is not None:
                self.crawler.stats.inc_value("harvester/store/replayed", written)
                log = spider.logger.warning if written else spider.logger.info
                log("replayed %d record(s) left in %s by an earlier run", written, path.name)

    def _stop(self, reason: str) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def _writer_failed(self, message: str) -> None:
        self.failure = message
        self.crawler.stats.set_value("harvester/store/writer_failed", 1)
        self.crawler.spider.logger.error("store failed: %s", message)
        self._stop(FAILED)

    def _count_written(self, report: BatchReport) -> None:
        stats = self.crawler.stats
        stats.inc_value("harvester/store/batches")
        if report.attempts > 1:
            stats.inc_value("harvester/store/batches_retried")
        for _, outcome in report.saved:
            stats.inc_value(f"harvester/stored/{outcome.result}")
        for entry, message in report.failed:
            stats.inc_value("harvester/store/failed")
            self.crawler.spider.logger.error("not stored [store_failed]: %s (%s)", entry_url(entry), message)

    async def spider_closed(self, spider: Any, reason: str) -> None:
        """Complete the run: spool its end, let the writer finish (off the loop), then let go."""
        if self.handoff is None or self.run_id is None or self._ended:
            return
        self._ended = True
        if getattr(self, "_lock_check", None) is not None and self._lock_check.running:
            self._lock_check.stop()
        stats = self.crawler.stats
        pages = int(stats.get_value("response_received_count", 0) or 0)
        failure = self.failure or getattr(spider, "run_failure", None)
        status, detail = run_status(reason, pages, failure, int(stats.get_value("harvester/store/failed", 0) or 0))
        # A worker of a distributed run only flushes its part; the run's last worker completes the row.
        end = RunEnd(self.run_id, datetime.now(UTC), status, pages, detail, complete=self.cluster is None,
                     skipped=_skipped_known(stats))
        stats.set_value("harvester/run_status", status)
        if detail:
            stats.set_value("harvester/run_status_detail", detail)
        self.handoff.put_nowait(end)
        wait = self.settings.policy.retry_seconds if reason == "finished" else self.settings.close_wait
        await deferred_to_future(deferToThread(self._finish, end, wait))

    def _finish(self, end: RunEnd, wait: float) -> None:
        """Runs in a thread: drain the writer within ``wait`` seconds, then close everything."""
        assert self.handoff is not None and self.writer is not None and self.store is not None
        self.handoff.flush_now()
        complete = self.writer.drain(wait) if self.writer.failure is None else False
        final_status = end.status
        if not complete:
            final_status = FAILED if end.status == FINISHED else end.status
            self.crawler.stats.set_value("harvester/store/left_in_spool", self.writer.backlog)
            if self.writer.failure and not self.crawler.stats.get_value("harvester/run_status_detail"):
                self.crawler.stats.set_value("harvester/run_status_detail", self.writer.failure)
            logger.error("%d record(s) could not be written and stay in the spool %s for the next run",
                         self.writer.backlog, self.handoff.spool.path)
        self.writer.stop()
        self.handoff.close()
        self.handoff.spool.close(remove=complete)
        if complete:
            with contextlib.suppress(Exception):
                forget_mark(self.store, self.handoff.spool.name)
            # a worker of this machine that died meanwhile (a distributed run) left its spool: write it
            # now, before the run's counts are final
            with contextlib.suppress(Exception):
                self._replay(self.store, self.crawler.spider)
        if self.cluster is not None and complete:
            self._leave_cluster(end, final_status)
        self.crawler.stats.set_value("harvester/run_status", final_status)
        self._release()
        self.store.close()

    def _leave_cluster(self, end: RunEnd, status: str) -> None:
        """This worker's writes are in: leave the distributed run; the last worker completes it."""
        assert self.cluster is not None and self.store is not None
        try:
            pages = self.cluster.leave(end.pages_fetched, status)
            if pages is not None:
                complete_distributed_run(self.store.engine, end, pages_fetched=pages, status=status)
        except Exception as exc:  # noqa: BLE001 - the articles are stored; say what is missing
            logger.error("distributed crawl run %d not completed: %s", end.run_id, describe(exc))

    def _release(self) -> None:
        if self.lock is not None:
            lock, self.lock = self.lock, None
            try:
                lock.release()
            except Exception as exc:  # noqa: BLE001 - a lock lost with its connection is gone already
                logger.warning("releasing the run lock: %s", describe(exc))

    def _at_exit(self) -> None:
        """The process is exiting without the spider having closed (a forced stop: Ctrl-C twice):
        complete the run's row as ``shutdown`` if the database takes it within a few seconds.

        At this point the thread pools refuse new work, so this runs on the exiting thread."""
        if self.handoff is None or self.writer is None or self.store is None or self.run_id is None or self._ended:
            return
        self._ended = True
        pages = int(self.crawler.stats.get_value("response_received_count", 0) or 0)
        end = RunEnd(self.run_id, datetime.now(UTC), SHUTDOWN, pages, "forced stop (interrupted twice)",
                     skipped=_skipped_known(self.crawler.stats))
        spool = self.handoff.spool
        with contextlib.suppress(Exception):
            self.writer.drain(self.settings.close_wait)
            self.writer.stop()
            (seq,) = spool.append([end])
            write_records(self.store, spool.name, self.run_id, [(seq, end)])
            spool.close(remove=not self.writer.backlog)
            if not self.writer.backlog:
                forget_mark(self.store, spool.name)
        self._release()

    # --- items --------------------------------------------------------------------------------

    async def process_item(self, item: Any) -> Any:
        record = self._record(item)
        if record is None:
            return item
        if self.handoff is None:
            raise DropItem(f"not stored (the store is not open): {getattr(item, 'url', '')}")
        try:
            await self.handoff.put(record)
        except SpoolError as exc:
            if self.failure is None:
                self._writer_failed(f"the spool cannot be written: {exc}")
            raise DropItem(f"not stored (spool failed): {exc}") from exc
        if isinstance(record, FetchOutcome):
            self._count_row(record.outcome, record.reason)
        return item

    def _count_row(self, outcome: str, reason: str, count: int = 1) -> None:
        """Count the fetch_log rows handed over that harvester runs reads as "not fetched by rule"
        (outcome ``skipped``) and as "failed" (``error``, ``invalid``), so the summary agrees."""
        if outcome == SKIPPED_BY_RULE:
            self.crawler.stats.inc_value(f"harvester/not_fetched/{reason}", count)
        elif outcome in (ERROR, INVALID):
            self.crawler.stats.inc_value(f"harvester/failed/{'invalid' if outcome == INVALID else reason}", count)

    def _record(self, item: Any) -> Any:
        if isinstance(item, FetchOutcomeItem):
            return FetchOutcome(
                url=item.url, fetched_at=item.fetched_at, outcome=item.outcome, reason=item.reason,
                detail=item.detail, status=item.status, size=item.size, site=item.site,
                validators=Validators(item.etag, item.last_modified, item.body_sha256),
            )
        if isinstance(item, DiscoveredItem):
            return PendingUrls(item.site, tuple(item.urls), datetime.now(UTC))
        if isinstance(item, ArticleItem):
            raw = None
            if item.raw_compressed is not None:
                raw = RawResponse(b"", item.status, item.headers, compressed=item.raw_compressed,
                                  size=len(item.raw_body), sha256=item.body_sha256, codec=rawcodec.COMPRESSION)
            elif item.raw_body:
                raw = RawResponse(item.raw_body, item.status, item.headers)
            return FetchedArticle(item.site, item.article, item.fetched_url, item.fetched_at, raw, item.fingerprint)
        return None

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        """An article that validation refused still gets its fetch log row."""
        if not isinstance(item, ArticleItem) or not isinstance(exception, InvalidArticle) or self.handoff is None:
            return
        self.handoff.put_nowait(FetchOutcome(
            url=item.fetched_url, fetched_at=item.fetched_at, outcome=INVALID,
            reason=",".join(exception.fields)[:64], detail=str(exception), status=item.status,
            size=len(item.raw_body), site=item.site, validators=Validators.of(item.headers, item.raw_body),
        ))
        self._count_row(INVALID, "")

    def urls_not_fetched(self, site: str, urls: list[tuple[str, datetime | None]], reason: str) -> None:
        if self.handoff is not None and urls:
            self.handoff.put_nowait(PendingUrls(site, tuple(urls), datetime.now(UTC), not_fetched=reason))
            self._count_row(SKIPPED_BY_RULE, reason, len(urls))

    def request_dropped(self, request: Any, spider: Any) -> None:
        """A request the scheduler refused as a duplicate (e.g. a redirect to a page fetched already)."""
        if self.handoff is None:
            return
        chain = request.meta.get("redirect_urls") or []
        url = _real_url(spider, chain[0] if chain else request.url)  # the URL the crawl asked for
        site = spider.site_key(url) if request.meta.get(ARTICLE_META) and hasattr(spider, "site_key") else None
        if request.url in chain:  # a redirect back to a URL of its own chain
            self.crawler.stats.inc_value("harvester/error/redirect_loop")
            self.handoff.put_nowait(FetchOutcome(
                url=url, fetched_at=datetime.now(UTC), outcome=ERROR, reason="redirect_loop",
                detail=" -> ".join([*chain, request.url])[:500], site=site,
            ))
            self._count_row(ERROR, "redirect_loop")
            return
        self.crawler.stats.inc_value("harvester/skipped/duplicate")
        self.handoff.put_nowait(FetchOutcome(
            url=url, fetched_at=datetime.now(UTC), outcome=SKIPPED_BY_RULE, reason="duplicate",
            detail=f"redirected to {request.url}, already requested in this run" if chain
            else "already requested in this run", site=site,
        ))
        self._count_row(SKIPPED_BY_RULE, "duplicate")

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        """Log the pages fetched for discovery (robots.txt, sitemaps, feeds, listings).

        Article pages are logged from their items (stored, not an article, failed), and failed
        discovery fetches by the spider's errback, not here.
        """
        if self.handoff is None:
            return
        callback = getattr(request.callback, "__name__", None)
        if callback in ARTICLE_CALLBACKS:
            return
        channel = DISCOVERY_CHANNELS.get(callback or "", "robots" if response.url.endswith("/robots.txt") else "other")
        status = int(response.status)
        if status >= 400 and channel != "robots" and not request.meta.get("harvester_probe"):
            return  # an error: logged by the spider's errback with its reason
        self.handoff.put_nowait(FetchOutcome(
            url=_real_url(spider, response.url), fetched_at=datetime.now(UTC), outcome=DISCOVERY,
            reason=channel, status=status, size=len(response.body),
        ))


@dataclass(frozen=True)
class StoreSettings:
    """The store's settings, read once."""

    database_url: str
    spool_dir: Path
    batch_size: int
    backlog: int
    close_wait: float
    lock_check_seconds: float
    policy: RetryPolicy
    boilerplate: Thresholds | None  # None: learned boilerplate off (HARVESTER_BOILERPLATE_LEARNING)
    dedupe_content: bool = True  # HARVESTER_DEDUPE_CONTENT: a site's article under a second URL is a duplicate

    @classmethod
    def from_settings(cls, settings: Any) -> StoreSettings:
        url = resolve_database_url(settings.get("DATABASE_URL"))
        spool_dir = settings.get("HARVESTER_SPOOL_DIR")
        return cls(
            database_url=url,
            spool_dir=Path(spool_dir) if spool_dir else default_spool_dir(url),
            batch_size=settings.getint("HARVESTER_STORE_BATCH_SIZE", 200),
            backlog=settings.getint("HARVESTER_STORE_BACKLOG", 500),
            close_wait=settings.getfloat("HARVESTER_STORE_CLOSE_WAIT", 10.0),
            lock_check_seconds=settings.getfloat("HARVESTER_LOCK_CHECK_SECONDS", 5.0),
            policy=RetryPolicy(
                retry_seconds=settings.getfloat("HARVESTER_STORE_RETRY_SECONDS", 600.0),
                refused_seconds=settings.getfloat("HARVESTER_STORE_REFUSED_SECONDS", 5.0),
            ),
            boilerplate=Thresholds.from_settings(settings.get)
            if settings.getbool("HARVESTER_BOILERPLATE_LEARNING", True) else None,
            dedupe_content=settings.getbool("HARVESTER_DEDUPE_CONTENT", True),
        )


def run_status(reason: str, pages: int, failure: str | None, failed_items: int) -> tuple[str, str | None]:
    """The ``crawl_runs`` status of a run that closed for Scrapy's ``reason``, with a detail line."""
    if failure is not None:
        return FAILED, failure
    if failed_items:
        return FAILED, f"{failed_items} item(s) could not be stored (see fetch_log reason store_failed)"
    if reason == "finished" and pages == 0:
        return FAILED, "no page could be fetched"
    if reason == "finished":
        return FINISHED, None
    if reason in ("shutdown", "cancelled"):
        return SHUTDOWN, None
    return reason, None


def _skipped_known(stats: Any) -> int:
    """Known articles the run did not fetch (outside the re-check window), for its crawl_runs row."""
    return int(stats.get_value("harvester/incremental/skipped_known", 0) or 0)
