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

import hashlib
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from harvester.discovery import (
    OriginMap,
    clean_url,
    feed_entries,
    page_links,
    parse_sitemap,
    parse_w3c_date,
    sitemaps_in_robots,
)
from harvester.extraction import Article, SiteRules, extract
from harvester.incremental import ARTICLE_META, OUTCOME_META, SKIPPED_META
from harvester.items import ArticleItem, FetchOutcomeItem


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

    def __init__(self, *args: Any, base_url: str | None = None, since: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin_maps = self.make_origin_maps(base_url)
        if not self.origin_maps:
            raise ValueError(f"{type(self).__name__} has no site to crawl")
        self.allowed_domains = sorted({urlsplit(m.base_url).hostname or "" for m in self.origin_maps})
        self.since = parse_w3c_date(since) if since else None
        if since and self.since is None:
            raise ValueError(f"since: not a date: {since!r} (use YYYY-MM-DD or ISO 8601)")
        self._seen: set[str] = set()

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
        spider.listing_depth = crawler.settings.getint("HARVESTER_LISTING_DEPTH", 5)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.origin_maps:
            yield self._request(site.origin + "/robots.txt", self.parse_robots, priority=30)
            for path in self.feed_paths:
                yield self._request(site.origin + path, self.parse_feed, priority=20, probe=True)
            for path in self.listing_paths:
                yield self._request(site.origin + path, self.parse_listing, priority=10, depth=0)

    def _site_of(self, url: str) -> OriginMap | None:
        return next((site for site in self.origin_maps if site.is_site_url(url)), None)

    def _request(
        self, real_url: str, callback: Any, *, priority: int = 0, probe: bool = False, article: bool = False,
        **cb_kwargs: Any,
    ) -> scrapy.Request:
        """A request for a real-site URL; a ``probe`` (a guessed path) may be missing without error;
        an ``article`` request may be re-checked or skipped by the incremental middleware."""
        site = self._site_of(real_url)
        return scrapy.Request(
            site.to_fetch(real_url) if site else real_url,
            callback=callback,
            errback=self.on_error,
            priority=priority,
            cb_kwargs=cb_kwargs,
            meta={"harvester_probe": probe, ARTICLE_META: article},
        )

    def _to_real(self, url: str) -> str:
        site = self._site_of(url)
        return site.to_real(url) if site else url

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"harvester/{key}")

    @property
    def _seen_articles(self) -> set[str]:
        """Article keys requested in this run; kept in the job state when a JOBDIR is used."""
        state = getattr(self, "state", None)  # set by Scrapy's SpiderState extension with JOBDIR
        if state is None:
            return self._seen
        return state.setdefault("harvester_seen_articles", self._seen)

    def _too_old(self, date: datetime | None) -> bool:
        return self.since is not None and date is not None and date < self.since

    # --- discovery ----------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        real = self._to_real(response.url)
        sitemaps = sitemaps_in_robots(response.body, real)
        if not sitemaps:
            yield from self._sitemap_probes(real)
            return
        for url in sitemaps:
            yield self._request(self._to_real(url), self.parse_sitemap, priority=25)

    def _sitemap_probes(self, url: str) -> Iterator[scrapy.Request]:
        site = self._site_of(url)
        if site is None:
            return
        for path in self.sitemap_paths:
            yield self._request(site.origin + path, self.parse_sitemap, priority=25, probe=True)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        here = self._to_real(response.url)
        entries = parse_sitemap(response.body)
        if entries is None:
            self.logger.warning("not a sitemap: %s", here)
            self._count("discovery/bad_sitemap")
            return
        for url in entries.sitemaps:
            real = self._to_real(urljoin(here, url))
            if self._site_of(real) and self.is_wanted_sitemap(real):
                yield self._request(real, self.parse_sitemap, priority=25)
        fresh = [urljoin(here, page.url) for page in entries.pages if not self._too_old(page.newest_date)]
        self._count_skipped(len(entries.pages) - len(fresh))
        yield from self._article_requests(fresh, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = feed_entries(response.body, self._to_real(response.url))
        if entries is None:
            self.logger.warning("not a feed: %s", self._to_real(response.url))
            self._count("discovery/bad_feed")
            return
        fresh = [entry.url for entry in entries if not self._too_old(entry.published)]
        self._count_skipped(len(entries) - len(fresh))
        yield from self._article_requests(fresh, "feed")

    def _count_skipped(self, count: int) -> None:
        if count:
            self.crawler.stats.inc_value("harvester/discovery/skipped_before_since", count)

    def parse_listing(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        links, feeds = page_links(response.body, self._to_real(response.url))
        for feed in feeds:
            real = self._to_real(feed)
            if self._site_of(real):
                yield self._request(real, self.parse_feed, priority=20)
        yield from self._article_requests(links, "listing")
        if depth >= self.listing_depth:
            return
        for link in links:
            real = clean_url(self._to_real(link))
            if self._site_of(real) and self.is_listing_url(real) and not self.is_article_url(real):
                yield self._request(real, self.parse_listing, priority=10, depth=depth + 1)
        following = self.next_listing_page(self._to_real(response.url))
        if following and any(self.is_article_url(clean_url(self._to_real(link))) for link in links):
            yield self._request(following, self.parse_listing, priority=10, probe=True, depth=depth + 1)

    def _article_requests(self, urls: Iterable[str], channel: str) -> Iterator[scrapy.Request]:
        for url in urls:
            real = clean_url(self._to_real(url))
            if not self._site_of(real) or not self.is_article_url(real):
                continue
            key = self.article_key(real)
            if key in self._seen_articles:
                continue
            self._seen_articles.add(key)
            self._count(f"discovery/{channel}")
            yield self._request(real, self.parse_article, priority=0, article=True)

    # --- articles -----------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[ArticleItem | FetchOutcomeItem | scrapy.Request]:
        real_url = self._to_real(response.url)
        unchanged = response.meta.get(OUTCOME_META)
        if unchanged:  # a known article re-checked: 304, or the very bytes stored last time
            yield FetchOutcomeItem(
                site=self.site_key(real_url), url=real_url, fetched_at=datetime.now(UTC), outcome=unchanged,
                reason="http_304" if response.status == 304 else "content_hash", status=response.status,
                size=len(response.body),
            )
            return
        if self.follow_article_links:
            links, _ = page_links(response.body, real_url)
            yield from self._article_requests(links, "article_links")
        result = extract(response.body, real_url, self.rules)
        fetched_at = datetime.now(UTC)
        site = self.site_key(real_url)
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
            )
            return
        self._count(f"non_article/{result.page_class.value}")
        self.logger.info("not an article [%s]: %s (%s)", result.page_class.value, real_url, result.reason)
        yield FetchOutcomeItem(
            site=site, url=real_url, fetched_at=fetched_at, outcome="not_article",
            reason=result.page_class.value, detail=result.reason, status=response.status, size=len(response.body),
            etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
            body_sha256=hashlib.sha256(response.body).hexdigest(),
        )

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request | FetchOutcomeItem]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(IgnoreRequest) and request.meta.get(SKIPPED_META):
            return  # a known article outside the re-check window: counted by the middleware
        url = self._to_real(request.url)
        status: int | None = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"http_{status}"
        elif failure.check(DNSLookupError):
            reason = "dns"
        elif failure.check(TimeoutError, TCPTimedOutError):
            reason = "timeout"
        else:
            reason = type(failure.value).__name__
        if request.callback == self.parse_robots and reason.startswith("http_4"):
            self.logger.info("no robots.txt at %s; probing fallback sitemaps", url)
            yield from self._sitemap_probes(url)
            return
        if request.meta.get("harvester_probe") and reason.startswith("http_4"):
            self.logger.info("probe missed [%s]: %s", reason, url)
            self._count("discovery/probe_missed")
            return
        self._count(f"error/{reason}")
        self.logger.warning("fetch failed [%s]: %s", reason, url)
        if request.callback == self.parse_article:
            yield FetchOutcomeItem(
                site=self.site_key(url), url=url, fetched_at=datetime.now(UTC), outcome="error",
                reason=reason, detail=str(failure.value), status=status,
            )


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
