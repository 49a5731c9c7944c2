"""The shared base of all spiders: discovery channels, article parsing, crawl stats.

A site spider (``spiders/<site>.py``) sets its name, real origin, extraction rules, where its
sitemaps/feeds/listings are, and which URLs are articles or listings. The generic ``news``
spider crawls any sites with generic URL rules. This base does the rest:

* ``robots.txt`` ``Sitemap:`` lines first (else the fallback sitemap paths), sitemap indexes
  recursively, news sitemaps with their publication dates; then feeds (probed paths and those
  declared through ``<link rel=alternate>``); then listing pages with pagination, up to
  ``HARVESTER_LISTING_DEPTH`` links deep;
* every page whose URL is an article URL is fetched once per run and extracted;
* ``-a since=DATE`` skips sitemap and feed entries dated before DATE;
* known articles are re-checked or skipped by the incremental middleware
  (``harvester.incremental``); a re-check found unchanged is logged, not extracted;
* a page that is not an article, or a fetch that failed, is logged with its reason, counted
  under ``harvester/non_article/<class>`` or ``harvester/error/<reason>``, and yielded as a
  ``FetchOutcomeItem`` for the store's fetch log.

``-a base_url=http://127.0.0.1:PORT`` crawls a mirror that has the real site's paths: links
to the real origin are fetched from the mirror, and stored URLs use the real origin.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from harvester.cluster.config import frontier_url
from harvester.discovery import (
    MAX_CHILD_SITEMAPS,
    MAX_PAGE_LINKS,
    MAX_SITEMAP_URLS,
    OriginMap,
    clean_url,
    feed_entries,
    page_links,
    parse_sitemap,
    parse_w3c_date,
    sitemaps_in_robots,
)
from harvester.extraction import Article, SiteRules
from harvester.fetch_errors import NOT_FETCHED_BY_RULE, failure_reason
from harvester.frontier import Frontier
from harvester.incremental import ARTICLE_META, OUTCOME_META, SKIPPED_META
from harvester.items import ArticleItem, DiscoveredItem, FetchOutcomeItem
from harvester.loopback import unthrottle_loopback
from harvester.robotstxt import readable_part
from harvester.signals import urls_not_fetched
from harvester.urls import fetchable_url
from harvester.workers import EXTRACT_INTERRUPTED, ExtractFailure, PageJob, acquire_pool, default_workers, release_pool

#: meta key: the discovery channel of a request ("robots", "sitemap", "feed", "listing", "article")
CHANNEL_META = "harvester_channel"
PROBE_META = "harvester_probe"
SOURCE_META = "harvester_source"  # the frontier source an article URL came from
ADMIT_SLICE = 250  # URLs admitted to the frontier per turn of the event loop


class SiteSpider(scrapy.Spider):
    """Base class; a site spider sets the class attributes, the generic spider overrides the hooks."""

    origin: ClassVar[str] = ""  # the real site, e.g. "https://worldofsoftware.org"
    rules: ClassVar[SiteRules | None] = None  # None: generic extraction
    site_name: ClassVar[str] = ""
    sitemap_paths: ClassVar[tuple[str, ...]] = ("/sitemap.xml",)  # probed when robots.txt names none
    feed_paths: ClassVar[tuple[str, ...]] = ()  # probed; a missing one is not an error
    listing_paths: ClassVar[tuple[str, ...]] = ("/",)
    follow_article_links: ClassVar[bool] = False  # also discover articles linked from articles
    # URL shapes on the real origin: an article path whose group 1 (its slug) is not reserved,
    # and listing paths worth following for links. URLs with a query string are neither.
    article_path: ClassVar[re.Pattern[str] | None] = None
    reserved_slugs: ClassVar[frozenset[str]] = frozenset()
    listing_path: ClassVar[re.Pattern[str] | None] = None
    bypass_dupefilter = False  # set from the crawl's settings (JOBDIR) in from_crawler
    run_failure: str | None = None  # why this run cannot go on (the store's pipeline records it as the run's failure)

    def __init__(self, *args: Any, base_url: str | None = None, since: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin_maps = self.make_origin_maps(base_url)
        if not self.origin_maps:
            raise ValueError(f"{type(self).__name__} has no site to crawl")
        self.allowed_domains = sorted({urlsplit(m.base_url).hostname or "" for m in self.origin_maps})
        self.since = parse_w3c_date(since) if since else None
        if since and self.since is None:
            raise ValueError(f"since: not a date: {since!r} (use YYYY-MM-DD or ISO 8601)")
        self._seen: set[str] = set()  # article keys admitted to the frontier in this run
        self._discovery_seen: set[str] = set()  # robots, sitemaps, feeds, listings requested in this run
        self._child_sitemaps = 0  # sitemaps requested because an index listed them, in this run
        self._pending_items: list[DiscoveredItem] = []
        self._articles_queued = 0  # article requests handed to Scrapy and not yet done

    # --- site hooks ---------------------------------------------------------------------------

    def make_origin_maps(self, base_url: str | None) -> list[OriginMap]:
        """The sites this spider crawls (a site spider: its one origin, maybe at a mirror)."""
        return [OriginMap(self.origin, base_url)] if self.origin else []

    def site_key(self, url: str) -> str:
        """The site key stored with an article from ``url``."""
        return self.name

    def is_article_url(self, url: str) -> bool:
        """Whether a real-origin URL is an article page (default: ``article_path`` and ``reserved_slugs``)."""
        parts = urlsplit(url)
        match = self.article_path.fullmatch(parts.path) if self.article_path else None
        return bool(match) and not parts.query and match.group(1) not in self.reserved_slugs

    def is_listing_url(self, url: str) -> bool:
        """Whether a real-origin URL is a listing page worth following for links (default: ``listing_path``)."""
        parts = urlsplit(url)
        return bool(self.listing_path and self.listing_path.fullmatch(parts.path)) and not parts.query

    def next_listing_page(self, url: str) -> str | None:
        """The next page of a listing that the site serves whether or not the page links it
        (e.g. behind an AJAX "Show More" button); None: only linked pages are followed."""
        return None

    def is_wanted_sitemap(self, url: str) -> bool:
        """Whether a child sitemap of an index can list articles (override to skip taxonomies)."""
        return True

    def article_key(self, url: str) -> str:
        """The identity of an article URL for de-duplication within a run (override to merge forms)."""
        return url

    # --- scheduling ---------------------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.listing_depth = settings.getint("HARVESTER_LISTING_DEPTH", 5)
        spider.max_sitemap_urls = settings.getint("HARVESTER_MAX_SITEMAP_URLS", MAX_SITEMAP_URLS)
        spider.max_page_links = settings.getint("HARVESTER_MAX_PAGE_LINKS", MAX_PAGE_LINKS)
        spider.max_child_sitemaps = settings.getint("HARVESTER_MAX_CHILD_SITEMAPS", MAX_CHILD_SITEMAPS)
        spider.max_sitemap_bytes = settings.getint("DOWNLOAD_MAXSIZE", 10 * 1024 * 1024)
        spider.frontier = Frontier(settings.getint("HARVESTER_MAX_ARTICLES_PER_RUN", 10_000))
        spider.queue_target = max(1, settings.getint("HARVESTER_ARTICLE_QUEUE", 2 * settings.getint("CONCURRENT_REQUESTS", 16)))
        if frontier_url(settings):
            # a shared frontier (harvester.cluster) holds every admitted URL in Redis, ordered by
            # priority, and survives this process: nothing is kept back in this worker's memory
            spider.queue_target = 2**62
        spider.pool = acquire_pool(
            settings.getint("HARVESTER_EXTRACT_WORKERS", 0) or default_workers(),
            settings.getfloat("HARVESTER_EXTRACT_TIMEOUT", 20.0),
            settings.getint("HARVESTER_EXTRACT_MEMORY_MB", 2048),
        )
        if unthrottle_loopback(settings, (urlsplit(m.base_url).hostname for m in spider.origin_maps)):
            spider.logger.info("every site is on a loopback address: no download delay, no AutoThrottle "
                               "(HARVESTER_THROTTLE_LOOPBACK=True keeps them)")
        _recover_jobdir(settings.get("JOBDIR"), spider.logger)
        spider.bypass_dupefilter = bool(settings.get("JOBDIR"))
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._on_engine_started, signal=signals.engine_started)
        crawler.signals.connect(spider._on_dropped, signal=signals.request_dropped)
        return spider

    def _on_engine_started(self) -> None:
        self.pool.start()
        self._watch = _ShutdownWatch(self)

    def _on_closed(self, spider: Any, reason: str) -> None:
        watch = getattr(self, "_watch", None)
        if watch is not None:
            watch.stop()
        release_pool(self.pool)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.origin_maps:
            for request in (
                *self._once(site.origin + "/robots.txt", self.parse_robots, "robots", priority=30),
                *(r for path in self.feed_paths
                  for r in self._once(site.origin + path, self.parse_feed, "feed", priority=20, probe=True)),
                *(r for path in self.listing_paths
                  for r in self._once(site.origin + path, self.parse_listing, "listing", priority=10, depth=0)),
            ):
                yield request

    def add_carryover(self, urls: Iterable[tuple[str, datetime | None]]) -> int:
        """Article URLs an earlier run found but did not fetch (kept in ``url_state``): queued
        like newly discovered ones, as their own source."""
        return self._admit(((url, date, False) for url, date in urls), "carryover", record=False)

    def _site_of(self, url: str) -> OriginMap | None:
        return next((site for site in self.origin_maps if site.is_site_url(url)), None)

    def _request(
        self, real_url: str, callback: Any, channel: str, *, priority: int = 0, probe: bool = False,
        article: bool = False, **cb_kwargs: Any,
    ) -> scrapy.Request:
        """A request for a real-site URL; a ``probe`` (a guessed path) may be missing without error;
        an ``article`` request may be re-checked or skipped by the incremental middleware.

        With a JOBDIR, requests bypass Scrapy's duplicate filter (``dont_filter``): discovery pages
        are fetched once per run by construction and article URLs are de-duplicated by the spider,
        so a JOBDIR's filter left by a killed run cannot hide a page from the next one. Otherwise
        the filter stays on (it is the cluster's shared one on a shared frontier)."""
        site = self._site_of(real_url)
        return scrapy.Request(
            site.to_fetch(real_url) if site else real_url,
            callback=callback,
            errback=self.on_error,
            priority=priority,
            cb_kwargs=cb_kwargs,
            dont_filter=self.bypass_dupefilter,
            # robots.txt itself is not held back until Scrapy's robots.txt middleware has fetched it
            meta={PROBE_META: probe, ARTICLE_META: article, CHANNEL_META: channel,
                  **({"dont_obey_robotstxt": True} if channel == "robots" else {})},
        )

    def _once(self, real_url: str, callback: Any, channel: str, **kwargs: Any) -> Iterator[scrapy.Request]:
        """The request for a discovery page, unless this run requested that page already."""
        if real_url in self._discovery_seen:
            return
        self._discovery_seen.add(real_url)
        yield self._request(real_url, callback, channel, **kwargs)

    def _to_real(self, url: str) -> str:
        site = self._site_of(url)
        return site.to_real(url) if site else url

    def _count(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"harvester/{key}", count)

    def _too_old(self, date: datetime | None) -> bool:
        return self.since is not None and date is not None and date < self.since

    # --- the article frontier -------------------------------------------------------------------

    def _admit(self, urls: Iterable[tuple[str, datetime | None, bool]], source: str, *, record: bool = True) -> int:
        """Put article URLs into the frontier (new ones only); record them as pending in the store."""
        admitted: list[tuple[str, datetime | None]] = []
        refused: list[tuple[str, datetime | None]] = []
        channel = source.split(":", 1)[0]
        for url, date, fresh in urls:
            real = clean_url(self._to_real(url))
            if not self._site_of(real) or not self.is_article_url(real):
                continue
            key = self.article_key(real)
            if key in self._seen:
                continue
            self._seen.add(key)
            self._count(f"discovery/{channel}")
            if self.frontier.add(real, source, date, fresh=fresh):
                admitted.append((real, date))
            else:
                refused.append((real, date))
        if admitted and record:
            self._pending_items.append(DiscoveredItem(site=self.site_key(admitted[0][0]), urls=admitted))
        if refused:
            reason = "source_set_aside" if source in self.frontier.set_aside else "over_budget"
            self._not_fetched(refused, reason)
        self._pump()
        return len(admitted) + len(refused)

    def _not_fetched(self, urls: list[tuple[str, datetime | None]], reason: str) -> None:
        """URLs found and left for a later run: logged (skipped, ``reason``) and kept pending by the store."""
        self._count(f"frontier/{reason}", len(urls))
        self.crawler.signals.send_catch_log(
            signal=urls_not_fetched, site=self.site_key(urls[0][0]), urls=urls, reason=reason)

    async def _admit_in_slices(self, urls: Iterable[tuple[str, datetime | None, bool]], source: str) -> int:
        """``_admit`` a slice at a time, letting the event loop run between slices: a sitemap of
        50,000 URLs must not hold the loop while each URL is normalised and checked."""
        admitted = 0
        batch: list[tuple[str, datetime | None, bool]] = []
        for entry in urls:
            batch.append(entry)
            if len(batch) >= ADMIT_SLICE:
                admitted += self._admit(batch, source)
                batch = []
                await asyncio.sleep(0)
        return admitted + self._admit(batch, source)

    def _pump(self) -> None:
        """Keep about ``queue_target`` article requests in Scrapy's queue, no more: discovery
        pages and retries are never stuck behind thousands of queued articles."""
        engine = self.crawler.engine
        if engine is None or not engine.running:
            return
        while self._articles_queued < self.queue_target:
            taken = self.frontier.pop()
            if taken is None:
                return
            self._articles_queued += 1
            request = self._request(taken[0], self.parse_article, "article", article=True)
            request.meta[SOURCE_META] = taken[2]
            engine.crawl(request)

    def _article_done(self, request: scrapy.Request, productive: bool = False) -> None:
        if request.meta.get(ARTICLE_META) and not request.meta.get("harvester_done"):
            request.meta["harvester_done"] = True
            self._articles_queued = max(0, self._articles_queued - 1)
            source = request.meta.get(SOURCE_META)
            if source is not None:
                before = len(self.frontier.set_aside)
                self.frontier.report(source, productive)
                if len(self.frontier.set_aside) > before:
                    self._count("frontier/sources_set_aside")
                    if self.frontier.set_aside_urls:
                        self._not_fetched(self.frontier.set_aside_urls, "source_set_aside")
                    fetched, productive = self.frontier.results(source)
                    self.logger.warning("frontier: %s yields almost no articles (%d of %d fetched); its other %d "
                                        "URLs stay pending for a later run", source, productive, fetched,
                                        self.frontier.set_aside[source])
            self._pump()

    def _on_dropped(self, request: scrapy.Request, spider: Any = None) -> None:
        self._article_done(request)

    def _on_idle(self, spider: Any = None) -> None:
        if self.frontier and not self.pool._closing:
            self._articles_queued = 0  # nothing is in flight when the spider is idle
            self._pump()
            raise DontCloseSpider
        # the run's budget is spent: what is left is already pending in url_state for the next run

    def _flush_discovered(self) -> Iterator[DiscoveredItem]:
        while self._pending_items:
            yield self._pending_items.pop()

    # --- discovery ----------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        real = self._to_real(response.url)
        sitemaps = sitemaps_in_robots(readable_part(response.body), real)  # on the loop: bounded
        if not sitemaps:
            yield from self._sitemap_probes(real)
            return
        for url in sitemaps:
            real_sitemap = self._to_real(url)
            if self._site_of(real_sitemap):
                yield from self._once(real_sitemap, self.parse_sitemap, "sitemap", priority=25)
            else:
                yield self._outcome(real_sitemap, "skipped", "off_site", detail="sitemap on another site (robots.txt)")

    def _sitemap_probes(self, url: str) -> Iterator[scrapy.Request]:
        site = self._site_of(url)
        if site is None:
            return
        for path in self.sitemap_paths:
            yield from self._once(site.origin + path, self.parse_sitemap, "sitemap", priority=25, probe=True)

    async def parse_sitemap(self, response: Response) -> AsyncIterator[Any]:
        here = self._to_real(response.url)
        read = partial(parse_sitemap, max_urls=self.max_sitemap_urls, max_bytes=self.max_sitemap_bytes)
        entries = await self.pool.run(read, response.body, owner=self)
        if isinstance(entries, ExtractFailure):
            yield self._not_extracted(here, entries, response.status, len(response.body), article=False)
            return
        if entries is not None and entries.too_large:
            self._count("error/too_large")
            self.logger.warning("sitemap over the size limit once decompressed: %s", here)
            yield self._outcome(here, "error", "too_large", detail="decompressed sitemap over DOWNLOAD_MAXSIZE",
                                status=response.status)
            return
        if entries is None:
            self.logger.warning("not a sitemap: %s", here)
            self._count("discovery/bad_sitemap")
            yield self._outcome(here, "error", "bad_sitemap", status=response.status)
            return
        if entries.dropped:
            self._count("discovery/sitemap_urls_over_cap", entries.dropped)
            self.logger.warning("sitemap %s: %d entries past the cap of %d not read", here, entries.dropped,
                                self.max_sitemap_urls)
        unreadable = over_cap = 0
        for url in entries.sitemaps:
            joined = fetchable_url(url, here)
            if joined is None:
                unreadable += 1
                continue
            real = self._to_real(joined)
            if self._site_of(real) and self.is_wanted_sitemap(real) and real not in self._discovery_seen:
                if self._child_sitemaps >= self.max_child_sitemaps:
                    over_cap += 1
                    continue
                self._child_sitemaps += 1
                for request in self._once(real, self.parse_sitemap, "sitemap", priority=25):
                    yield request
        if over_cap:  # an index of indexes without end (each lists new ones) would never let the run finish
            self._count("discovery/child_sitemaps_over_cap", over_cap)
            self.logger.warning("sitemap index %s: %d child sitemaps past HARVESTER_MAX_CHILD_SITEMAPS (%d) not read",
                                here, over_cap, self.max_child_sitemaps)
        self._count_skipped(sum(1 for page in entries.pages if self._too_old(page.newest_date)))

        def fresh() -> Iterator[tuple[str, datetime | None, bool]]:  # lazy: admitted in slices, off a long loop turn
            nonlocal unreadable
            for page in entries.pages:
                if not self._too_old(page.newest_date):
                    url = fetchable_url(page.url, here)
                    if url is None:
                        unreadable += 1
                    else:
                        yield url, page.newest_date, False

        await self._admit_in_slices(fresh(), f"sitemap:{here}")
        if unreadable:  # not even a URL to log a row under: counted, and said in the log
            self._count("discovery/unreadable_urls", unreadable)
            self.logger.warning("sitemap %s: %d entries are not readable http(s) URLs", here, unreadable)
        for item in self._flush_discovered():
            yield item

    async def parse_feed(self, response: Response) -> AsyncIterator[Any]:
        here = self._to_real(response.url)
        entries = await self.pool.run(feed_entries, response.body, here, owner=self)
        if isinstance(entries, ExtractFailure):
            yield self._not_extracted(here, entries, response.status, len(response.body), article=False)
            return
        if entries is None:
            self.logger.warning("not a feed: %s", here)
            self._count("discovery/bad_feed")
            return
        fresh = [(entry.url, entry.published, True) for entry in entries if not self._too_old(entry.published)]
        self._count_skipped(len(entries) - len(fresh))
        await self._admit_in_slices(fresh, f"feed:{here}")
        for item in self._flush_discovered():
            yield item

    def _count_skipped(self, count: int) -> None:
        if count:
            self.crawler.stats.inc_value("harvester/discovery/skipped_before_since", count)

    async def parse_listing(self, response: Response, depth: int) -> AsyncIterator[Any]:
        here = self._to_real(response.url)
        found = await self.pool.run(page_links, response.body, here, self.max_page_links, _content_type(response),
                                    owner=self)
        if isinstance(found, ExtractFailure):
            yield self._not_extracted(here, found, response.status, len(response.body), article=False)
            return
        links, feeds = found
        for feed in feeds:
            real = self._to_real(feed)
            if self._site_of(real):
                for request in self._once(real, self.parse_feed, "feed", priority=20):
                    yield request
        await self._admit_in_slices(((link, None, True) for link in links), "listing")
        for item in self._flush_discovered():
            yield item
        if depth >= self.listing_depth:
            return
        for link in links:
            real = clean_url(self._to_real(link))
            if self._site_of(real) and self.is_listing_url(real) and not self.is_article_url(real):
                for request in self._once(real, self.parse_listing, "listing", priority=10, depth=depth + 1):
                    yield request
        following = self.next_listing_page(here)
        if following and any(self.is_article_url(clean_url(self._to_real(link))) for link in links):
            for request in self._once(following, self.parse_listing, "listing", priority=10, probe=True,
                                      depth=depth + 1):
                yield request

    # --- articles -----------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        productive = False
        try:
            async for item in self._article_items(response):
                productive = productive or isinstance(item, ArticleItem) or (
                    isinstance(item, FetchOutcomeItem) and item.outcome in ("not_modified", "unchanged"))
                yield item
        finally:
            self._article_done(response.request, productive)

    async def _article_items(self, response: Response) -> AsyncIterator[Any]:
        real_url = self._to_real(response.url)
        site = self.site_key(real_url)
        redirected_from = response.meta.get("redirect_urls") or []
        if redirected_from:  # the URL discovery found answered with a redirect: account for it too
            original = self._to_real(redirected_from[0])
            yield FetchOutcomeItem(
                site=self.site_key(original), url=original, fetched_at=datetime.now(UTC), outcome="skipped",
                reason="redirected", detail=f"redirected to {real_url}",
                status=(response.meta.get("redirect_reasons") or [None])[0],
            )
        unchanged = response.meta.get(OUTCOME_META)
        if unchanged:  # a known article re-checked: 304, or the very bytes stored last time
            yield FetchOutcomeItem(
                site=site, url=real_url, fetched_at=datetime.now(UTC), outcome=unchanged,
                reason="http_304" if response.status == 304 else "content_hash", status=response.status,
                size=len(response.body),
            )
            return
        if self.follow_article_links:
            found = await self.pool.run(page_links, response.body, real_url, self.max_page_links,
                                        _content_type(response), owner=self)
            if not isinstance(found, ExtractFailure):
                await self._admit_in_slices(((link, None, True) for link in found[0]), "article_links")
                for item in self._flush_discovered():
                    yield item
        job = PageJob(body=response.body, url=real_url, content_type=_content_type(response), rules=self.rules)
        extracted = await self.pool.extract(job, owner=self)
        fetched_at = datetime.now(UTC)
        if isinstance(extracted, ExtractFailure):
            yield self._not_extracted(real_url, extracted, response.status, len(response.body), article=True)
            return
        result = extracted.result
        if isinstance(result, Article):
            self._count("articles_extracted")
            yield ArticleItem(
                site=site,
                fetched_url=real_url,
                fetched_at=fetched_at,
                article=result,
                status=response.status,
                raw_body=response.body,
                headers=_headers(response),
                body_sha256=extracted.body_sha256,
                raw_compressed=extracted.raw_compressed,
                fingerprint=extracted.fingerprint,
            )
            return
        self._count(f"non_article/{result.page_class.value}")
        self.logger.info("not an article [%s]: %s (%s)", result.page_class.value, real_url, result.reason)
        yield FetchOutcomeItem(
            site=site, url=real_url, fetched_at=fetched_at, outcome="not_article",
            reason=result.page_class.value, detail=result.reason, status=response.status, size=len(response.body),
            etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
            body_sha256=extracted.body_sha256,
        )

    def _not_extracted(
        self, url: str, failure: ExtractFailure, status: int | None, size: int, *, article: bool
    ) -> FetchOutcomeItem:
        """A page fetched but not extracted: over its budget (an error), or left by a shutdown
        (skipped; its URL stays pending, to be fetched by the next run)."""
        interrupted = failure.reason == EXTRACT_INTERRUPTED
        if not interrupted:
            self._count(f"error/{failure.reason}")
            self.logger.warning("not extracted [%s]: %s (%s)", failure.reason, url, failure.detail)
        self._stop_if_extraction_broken()
        item = self._outcome(url, "skipped" if interrupted else "error", failure.reason, detail=failure.detail,
                             status=status, article=article and not interrupted)
        item.size = size
        return item

    def _stop_if_extraction_broken(self) -> None:
        """No page can be extracted any more (every worker died as it started): the run stops,
        failed with the pool's reason, rather than fetch the site for nothing."""
        if self.pool.broken is not None and self.run_failure is None:
            self.run_failure = self.pool.broken
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="failed"))

    def _outcome(
        self, url: str, outcome: str, reason: str, *, detail: str = "", status: int | None = None,
        article: bool = False,
    ) -> FetchOutcomeItem:
        """A fetch_log row for ``url``; ``article``: the URL's url_state row is updated too."""
        return FetchOutcomeItem(
            site=self.site_key(url) if article else None, url=url, fetched_at=datetime.now(UTC),
            outcome=outcome, reason=reason, detail=detail, status=status,
        )

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request | FetchOutcomeItem]:
        request = failure.request  # type: ignore[attr-defined]
        article = bool(request.meta.get(ARTICLE_META))
        try:
            if failure.check(IgnoreRequest) and request.meta.get(SKIPPED_META):
                return  # a known article outside the re-check window: counted by the middleware
            yield from self._failed(failure, request, article)
        finally:
            self._article_done(request)

    def _failed(self, failure: Failure, request: scrapy.Request, article: bool) -> Iterator[Any]:
        chain = request.meta.get("redirect_urls") or []
        url = self._to_real(chain[0] if chain else request.url)  # the URL the crawl asked for
        reason, status = failure_reason(failure)
        if request.callback == self.parse_robots:
            yield from self._sitemap_probes(url)  # whatever the failure; a 5xx or a timeout is also recorded below
            if reason.startswith("http_4") or reason == "robots_disallow":
                self.logger.info("no robots.txt at %s; probing fallback sitemaps", url)
                return
        if request.meta.get(PROBE_META) and reason.startswith("http_4"):
            self.logger.info("probe missed [%s]: %s", reason, url)
            self._count("discovery/probe_missed")
            return
        skipped = reason in NOT_FETCHED_BY_RULE
        if skipped:
            self._count(f"skipped/{reason}")
            self.logger.info("not fetched [%s]: %s (%s)", reason, url, failure.value)
        else:
            self._count(f"error/{reason}")
            self.logger.warning("fetch failed [%s]: %s", reason, url)
        detail = str(failure.value)[:500]
        if chain:
            detail = f"redirected to {self._to_real(request.url)}: {detail}"[:500]
        yield self._outcome(url, "skipped" if skipped else "error", reason, detail=detail, status=status, article=article)


def _headers(response: Response) -> dict[str, str]:
    """Response headers as text, the first value of each."""
    return {
        key.decode("latin-1"): values[0].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class _ShutdownWatch:
    """Notices a stop request (Ctrl-C, SIGTERM, ``CloseSpider``) within ``interval`` seconds and
    stops waiting for pages still being extracted, so that a shutdown never waits on them."""

    def __init__(self, spider: SiteSpider, interval: float = 0.25, clock: Any = None) -> None:
        from twisted.internet import task

        self.spider = spider
        self._started = False  # the engine was seen running
        self._call = task.LoopingCall(self._check)
        if clock is not None:  # a test's clock
            self._call.clock = clock
        self._call.start(interval, now=False)

    def _check(self) -> None:
        engine = self.spider.crawler.engine
        if not self._started:
            # engine_started handlers run before the engine counts as running: a tick in between
            # (a slow handler, a loaded machine) is not a stop
            if engine is not None and engine.running:
                self._started = True
            return
        slot = getattr(engine, "_slot", None) if engine is not None else None
        stopping = engine is None or not engine.running or (slot is not None and slot.closing is not None)
        if stopping:
            cancelled = self.spider.pool.cancel_pending(self.spider)  # this crawler's pages only
            if cancelled:
                self.spider.logger.info("shutdown: %d page(s) left unextracted (fetched again next run)", cancelled)
            self.stop()

    def stop(self) -> None:
        if self._call.running:
            self._call.stop()


def _content_type(response: Response) -> str | None:
    """The response's Content-Type header (its charset wins over the page's own declaration)."""
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _recover_jobdir(jobdir: str | None, logger: Any) -> None:
    """Start a JOBDIR's request queue afresh: the run resumes from the store instead.

    Scrapy writes a queue's index (``active.json``) only when a run closes cleanly, so after a
    ``kill -9`` the queue cannot be resumed, and after a clean stop its requests would duplicate
    what the store already knows. Everything a run needs to go on is durable in the store: the
    articles discovered and not fetched are ``pending`` in ``url_state`` (taken up by the next
    run), and discovery starts again from robots.txt, feeds and listings.
    """
    if not jobdir:
        return
    queue = Path(jobdir) / "requests.queue"
    if queue.is_dir() and any(queue.iterdir()):
        resumable = (queue / "active.json").exists()
        logger.log(logging.INFO if resumable else logging.WARNING,
                   "JOBDIR %s: %s; this run resumes from the store (pending URLs) instead", jobdir,
                   "the request queue of the last run is not replayed" if resumable
                   else "left by a killed run, its request queue cannot be resumed")
        shutil.rmtree(queue, ignore_errors=True)
