"""Incremental re-crawls: a downloader middleware that re-checks known articles cheaply.

The state lives in the store (``url_state``, see ``harvester.db.urlstate``), read once when the
spider opens. For each article request (``meta["harvester_article"]``, set by the base spider):

* an unknown URL (or one whose last fetch failed) is fetched as usual;
* a known URL whose article was published (else first seen) more than ``HARVESTER_RECHECK_DAYS``
  days ago is not fetched at all (counted ``harvester/incremental/skipped_known``);
* a known URL within the window is re-checked, newest first (it goes back to the scheduler once
  with a priority by age, below new articles), with ``If-None-Match`` / ``If-Modified-Since``
  from its stored validators. A 304, or a 200 whose body has the stored SHA-256, reaches the
  spider marked ``meta["harvester_incremental"] = "not_modified" | "unchanged"``: the spider
  logs it without extracting or storing anything.

Discovery pages (robots.txt, sitemaps, feeds, listings) are always fetched. Opt out with
``HARVESTER_INCREMENTAL = False``; it is off too when the store is (``HARVESTER_STORE_ENABLED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet.threads import deferToThread

from harvester.db import make_engine, resolve_database_url
from harvester.db.urlstate import KnownUrl, body_hash, load_known, load_pending
from harvester.spider_sites import site_keys


ARTICLE_META = "harvester_article"  # set on article requests by the base spider
OUTCOME_META = "harvester_incremental"  # "not_modified" / "unchanged", read by the spider
_KNOWN_META = "harvester_known_sha256"  # the stored body hash of a re-checked URL
_RECHECK_META = "harvester_recheck"  # a re-check already given its priority
SKIPPED_META = "harvester_skipped_known"  # on the IgnoreRequest of a known URL outside the window

#: Re-checks come after new articles (priority 0): newest first, one step per hour of age.
RECHECK_BASE_PRIORITY = -1


@dataclass(frozen=True)
class Window:
    """Known URLs whose reference date is at most ``days`` old are re-checked."""

    days: float
    now: datetime

    def contains(self, known: KnownUrl) -> bool:
        return known.reference_at >= self.now - timedelta(days=self.days)

    def priority(self, known: KnownUrl) -> int:
        age_hours = max(0.0, (self.now - known.reference_at).total_seconds() / 3600)
        return RECHECK_BASE_PRIORITY - int(age_hours)


def conditional_headers(known: KnownUrl) -> dict[str, str]:
    """The validators to send back for a known URL (none when the server gave none)."""
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


def recheck_outcome(status: int, body: bytes, known_sha256: str | None) -> str | None:
    """What a re-check response says: "not_modified" (304), "unchanged" (same body) or None."""
    if status == 304:
        return "not_modified"
    if status == 200 and known_sha256 is not None and body_hash(body) == known_sha256:
        return "unchanged"
    return None


class IncrementalMiddleware:
    def __init__(self, crawler: Any, database_url: str, days: float) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.days = days
        self.known: dict[str, KnownUrl] = {}
        self.window = Window(days, datetime.now(UTC))

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalMiddleware:
        settings = crawler.settings
        if not settings.getbool("HARVESTER_INCREMENTAL", True):
            raise NotConfigured("incremental re-crawls disabled by HARVESTER_INCREMENTAL")
        if not settings.getbool("HARVESTER_STORE_ENABLED", True):
            raise NotConfigured("incremental re-crawls need the store (HARVESTER_STORE_ENABLED)")
        middleware = cls(
            crawler, resolve_database_url(settings.get("DATABASE_URL")), settings.getfloat("HARVESTER_RECHECK_DAYS", 3.0)
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    async def spider_opened(self, spider: Any) -> None:
        if self.crawler.stats.get_value("harvester/run_skipped") or self.crawler.stats.get_value("finish_reason"):
            return
        self._loaded(await deferred_to_future(deferToThread(self._load, spider)), spider)

    def _load(self, spider: Any) -> tuple[dict[str, KnownUrl], list[tuple[str, datetime]]]:
        """The known and the pending URLs of the spider's sites (runs in a thread)."""
        engine = make_engine(self.database_url)
        try:
            known = load_known(engine, site_keys(spider))
            frontier = getattr(spider, "frontier", None)
            pending = load_pending(engine, site_keys(spider), frontier.max_per_run) if frontier is not None else []
        finally:
            engine.dispose()
        return known, pending

    def _loaded(self, loaded: tuple[dict[str, KnownUrl], list[tuple[str, datetime]]], spider: Any) -> None:
        self.known, pending = loaded
        if pending and hasattr(spider, "add_carryover"):
            taken = spider.add_carryover(pending)
            self.crawler.stats.set_value("harvester/incremental/carried_over", taken)
            spider.logger.info("incremental: %d article URLs left pending by earlier runs", taken)
        self.window = Window(self.days, datetime.now(UTC))
        in_window = sum(1 for known in self.known.values() if self.window.contains(known))
        spider.logger.info(
            "incremental: %d known article URLs, %d within the %g-day re-check window",
            len(self.known), in_window, self.days,
        )

    def process_request(self, request: Request) -> Request | None:
        if not request.meta.get(ARTICLE_META) or request.meta.get(_RECHECK_META):
            return None
        known = self.known.get(_real_url(self.crawler.spider, request.url))
        if known is None:
            return None
        stats = self.crawler.stats
        if not self.window.contains(known):
            stats.inc_value("harvester/incremental/skipped_known")
            request.meta[SKIPPED_META] = True
            raise IgnoreRequest(f"known article outside the {self.days:g}-day re-check window")
        stats.inc_value("harvester/incremental/rechecked")
        headers = dict(request.headers.to_unicode_dict())
        headers.update(conditional_headers(known))
        handled = [*request.meta.get("handle_httpstatus_list", []), 304]
        meta = request.meta | {_RECHECK_META: True, _KNOWN_META: known.body_sha256, "handle_httpstatus_list": handled}
        # back to the scheduler once, with a priority by age: newest re-checks first
        return request.replace(headers=headers, meta=meta, priority=self.window.priority(known), dont_filter=True)

    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get(_RECHECK_META):
            return response
        outcome = recheck_outcome(response.status, response.body, request.meta.get(_KNOWN_META))
        if outcome is not None:
            request.meta[OUTCOME_META] = outcome
            self.crawler.stats.inc_value(f"harvester/incremental/{outcome}")
        return response


def _real_url(spider: Any, url: str) -> str:
    to_real = getattr(spider, "_to_real", None)
    return to_real(url) if to_real is not None else url
