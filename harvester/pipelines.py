"""Scrapy item pipelines: thin glue from spider items to validation and the store."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import reactor

from harvester.cluster.run import ClusterRun
from harvester.db import ArticleStore, SchemaOutdated, ensure_schema, make_engine, redact_url, resolve_database_url
from harvester.db.batch import Entry, write_batch
from harvester.db.lock import RunLock, try_lock_sites
from harvester.db.rawpages import RawResponse
from harvester.db.runs import (
    DISCOVERY,
    ERROR,
    INVALID,
    SKIPPED,
    FetchOutcome,
    finish_run,
    record_skipped_run,
    start_run,
)
from harvester.db.store import FetchedArticle
from harvester.db.urlstate import Validators
from harvester.items import ArticleItem, FetchOutcomeItem
from harvester.spider_sites import site_keys
from harvester.validation import validation_errors


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
    origins = getattr(spider, "origins", None)
    return origins.to_real(url) if origins is not None else url


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
    """Stores what a crawl saw in the configured database (``HARVESTER_DATABASE_URL`` / ``DATABASE_URL``).

    * the run takes its sites' locks first (``harvester.db.lock``); when another run holds one,
      this run writes a ``crawl_runs`` row with status ``skipped`` and nothing else, and the
      spider closes at once with that reason;
    * a ``crawl_runs`` row is written when the spider opens and completed when it closes;
    * articles (with their raw page) and every other fetch outcome (non-article, invalid
      article, failed fetch) are buffered and written in batches of
      ``HARVESTER_STORE_BATCH_SIZE`` items (or after ``HARVESTER_STORE_BATCH_SECONDS``), one
      transaction per batch with its ``fetch_log`` rows (see ``harvester.db.batch``).

    A new, empty database gets the current schema on the first crawl; one at an older schema
    revision stops the crawl with a message naming ``harvester db upgrade``.
    Set ``HARVESTER_STORE_ENABLED = False`` to crawl without storing.
    """

    def __init__(self, crawler: Any, database_url: str, batch_size: int, batch_seconds: float) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.batch_size = max(1, batch_size)
        self.batch_seconds = batch_seconds
        self.store: ArticleStore | None = None
        self.run_id: int | None = None
        self.lock: RunLock | None = None
        self._pending: list[Entry] = []
        self._pending_since = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        if not settings.getbool("HARVESTER_STORE_ENABLED", True):
            raise NotConfigured("store disabled by HARVESTER_STORE_ENABLED")
        pipeline = cls(
            crawler,
            resolve_database_url(settings.get("DATABASE_URL")),
            settings.getint("HARVESTER_STORE_BATCH_SIZE", 50),
            settings.getfloat("HARVESTER_STORE_BATCH_SECONDS", 10.0),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        return pipeline

    # --- lifecycle ----------------------------------------------------------------------------

    def open_spider(self) -> None:
        engine = make_engine(self.database_url)
        try:
            ensure_schema(engine)
        except SchemaOutdated as exc:
            engine.dispose()
            self.crawler.spider.logger.error("%s (database %s)", exc, redact_url(self.database_url))
            self.crawler.stats.set_value("harvester/error/schema_outdated", 1)
            reactor.callLater(0, self._stop, "schema_outdated")
            return
        spider = self.crawler.spider
        sites = site_keys(spider)
        cluster = ClusterRun.of(self.crawler)  # harvester.cluster: one run shared by all workers, or None
        self.lock = cluster.lock(engine, sites) if cluster else try_lock_sites(engine, sites)
        if self.lock is None:
            run_id = record_skipped_run(engine, spider.name, datetime.now(UTC))
            engine.dispose()
            self.crawler.stats.set_value("harvester/crawl_run_id", run_id)
            self.crawler.stats.set_value("harvester/run_skipped", 1)
            spider.logger.warning(
                "another run of %s holds the lock: this run is skipped (crawl run %d)", ", ".join(sites), run_id
            )
            raise CloseSpider(SKIPPED)
        self.store = ArticleStore(engine)
        self.store.register_site(spider.name, getattr(spider, "site_name", "") or spider.name, getattr(spider, "origin", None))
        self.run_id = cluster.start(engine, spider.name) if cluster else start_run(engine, spider.name, datetime.now(UTC))
        self.crawler.stats.set_value("harvester/crawl_run_id", self.run_id)
        spider.logger.info("storing articles in %s (crawl run %d)", redact_url(self.database_url), self.run_id)

    def _stop(self, reason: str) -> None:
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def close_spider(self) -> None:
        self._flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Complete the run's row once Scrapy knows why the spider closed, then let go."""
        if self.store is None:
            return
        self._flush()
        if self.run_id is not None:
            pages: int | None = int(self.crawler.stats.get_value("response_received_count", 0) or 0)
            cluster = ClusterRun.of(self.crawler)
            if cluster is not None:  # only the run's last worker completes it, with every worker's pages
                pages = cluster.leave(pages or 0, reason)
            try:
                if pages is not None:
                    finish_run(self.store.engine, self.run_id, finished_at=datetime.now(UTC), status=reason, pages_fetched=pages)
            except Exception as exc:  # noqa: BLE001 - the articles are stored; say what is missing
                spider.logger.error("crawl run %d not completed in the store: %s", self.run_id, exc)
        self._release()
        self.store.close()
        self.store = None

    def _release(self) -> None:
        if self.lock is not None:
            lock, self.lock = self.lock, None
            lock.release()

    # --- items --------------------------------------------------------------------------------

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchOutcomeItem):
            self._add(FetchOutcome(
                url=item.url, fetched_at=item.fetched_at, outcome=item.outcome, reason=item.reason,
                detail=item.detail, status=item.status, size=item.size, site=item.site,
                validators=Validators(item.etag, item.last_modified, item.body_sha256),
            ))
            return item
        if not isinstance(item, ArticleItem):
            return item
        if self.store is None:
            raise DropItem(f"not stored (database schema outdated): {item.article.url}")
        raw = RawResponse(item.raw_body, item.status, item.headers) if item.raw_body else None
        self._add(FetchedArticle(item.site, item.article, item.fetched_url, item.fetched_at, raw))
        return item

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        """An article that validation refused still gets its fetch log row."""
        if not isinstance(item, ArticleItem) or not isinstance(exception, InvalidArticle):
            return
        self._add(FetchOutcome(
            url=item.fetched_url, fetched_at=item.fetched_at, outcome=INVALID,
            reason=",".join(exception.fields)[:64], detail=str(exception), status=item.status,
            size=len(item.raw_body), site=item.site, validators=Validators.of(item.headers, item.raw_body),
        ))

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        """Log the pages fetched for discovery (robots.txt, sitemaps, feeds, listings).

        Article pages are logged from their items (stored, not an article, failed), not here.
        """
        callback = getattr(request.callback, "__name__", None)
        if callback in ARTICLE_CALLBACKS:
            return
        channel = DISCOVERY_CHANNELS.get(callback or "", "robots" if response.url.endswith("/robots.txt") else "other")
        status = int(response.status)
        failed = status >= 400 and channel != "robots" and not request.meta.get("harvester_probe")
        self._add(FetchOutcome(
            url=_real_url(spider, response.url), fetched_at=datetime.now(UTC),
            outcome=ERROR if failed else DISCOVERY, reason=f"http_{status}" if failed else channel,
            status=status, size=len(response.body),
        ))

    def _add(self, entry: Entry) -> None:
        if self.store is None:
            return
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append(entry)
        if len(self._pending) >= self.batch_size or time.monotonic() - self._pending_since >= self.batch_seconds:
            self._flush()

    def _flush(self) -> None:
        if self.store is None or not self._pending:
            return
        entries, self._pending = self._pending, []
        stats = self.crawler.stats
        report = write_batch(self.store, self.run_id, entries)
        stats.inc_value("harvester/store/batches")
        if report.attempts > 1:
            stats.inc_value("harvester/store/batches_retried")
        for _, outcome in report.saved:
            stats.inc_value(f"harvester/stored/{outcome.result}")
        for entry, message in report.failed:
            stats.inc_value("harvester/store/failed")
            url = entry.fetched_url if isinstance(entry, FetchedArticle) else entry.url
            self.crawler.spider.logger.error("not stored [store_failed]: %s (%s)", url, message)
