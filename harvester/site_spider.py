"""The shared base of the site spiders: discovery channels, article parsing, crawl stats.

A site spider (``spiders/<site>.py``) sets its name, real origin, extraction rules, where its
sitemaps/feeds/listings are, and which URLs are articles or listings. This base does the rest:

* ``robots.txt`` ``Sitemap:`` lines first (else the site's fallback sitemap paths), sitemap
  indexes recursively, then feeds (declared and discovered through ``<link rel=alternate>``),
  then listing pages with pagination up to ``HARVESTER_LISTING_DEPTH`` pages deep;
* every page whose URL matches the article pattern is fetched once and extracted;
* a page that is not an article, or a fetch that failed, is logged with its reason and
  counted under ``harvester/non_article/<class>`` or ``harvester/error/<reason>``.

``-a base_url=http://127.0.0.1:PORT`` crawls a mirror that has the real site's paths: links
to the real origin are fetched from the mirror, and stored URLs use the real origin.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from harvester.discovery import (
    OriginMap,
    clean_url,
    feed_entry_links,
    page_links,
    parse_sitemap,
    sitemaps_in_robots,
)
from harvester.extract import Article, SiteRules, extract
from harvester.items import ArticleItem, FetchOutcomeItem


class SiteSpider(scrapy.Spider):
    """Base class; subclasses set the class attributes below and the two URL predicates."""

    origin: ClassVar[str] = ""  # the real site, e.g. "https://worldofsoftware.org"
    rules: ClassVar[SiteRules]
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

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.origin:
            raise ValueError(f"{type(self).__name__} has no origin")
        self.origins = OriginMap(self.origin, base_url)
        self.allowed_domains = [urlsplit(self.origins.base_url).hostname or ""]
        self._seen_articles: set[str] = set()

    # --- site hooks ---------------------------------------------------------------------------

    def is_article_url(self, url: str) -> bool:
        """Whether a real-origin URL is an article page (default: ``article_path`` and ``reserved_slugs``)."""
        parts = urlsplit(url)
        match = self.article_path.fullmatch(parts.path) if self.article_path else None
        return bool(match) and not parts.query and match.group(1) not in self.reserved_slugs

    def is_listing_url(self, url: str) -> bool:
        """Whether a real-origin URL is a listing page worth following for links (default: ``listing_path``)."""
        parts = urlsplit(url)
        return bool(self.listing_path and self.listing_path.fullmatch(parts.path)) and not parts.query

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
        yield self._request(self.origin + "/robots.txt", self.parse_robots, priority=30)
        for path in self.feed_paths:
            yield self._request(self.origin + path, self.parse_feed, priority=20, probe=True)
        for path in self.listing_paths:
            yield self._request(self.origin + path, self.parse_listing, priority=10, depth=0)

    def _request(
        self, real_url: str, callback: Any, *, priority: int = 0, probe: bool = False, **cb_kwargs: Any
    ) -> scrapy.Request:
        """A request for a real-site URL; a ``probe`` (a guessed path) may be missing without error."""
        return scrapy.Request(
            self.origins.to_fetch(real_url),
            callback=callback,
            errback=self.on_error,
            priority=priority,
            cb_kwargs=cb_kwargs,
            meta={"harvester_probe": probe},
        )

    def _real(self, response: Response) -> str:
        return self.origins.to_real(response.url)

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"harvester/{key}")

    # --- discovery ----------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        sitemaps = sitemaps_in_robots(response.body, self._real(response))
        if sitemaps:
            for url in sitemaps:
                yield self._request(url, self.parse_sitemap, priority=25)
        else:
            yield from self._sitemap_probes()

    def _sitemap_probes(self) -> Iterator[scrapy.Request]:
        for path in self.sitemap_paths:
            yield self._request(self.origin + path, self.parse_sitemap, priority=25, probe=True)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        entries = parse_sitemap(response.body)
        if entries is None:
            self.logger.warning("not a sitemap: %s", response.url)
            self._count("discovery/bad_sitemap")
            return
        for url in entries.sitemaps:
            if self.origins.is_site_url(url) and self.is_wanted_sitemap(url):
                yield self._request(url, self.parse_sitemap, priority=25)
        yield from self._article_requests(entries.pages, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        links = feed_entry_links(response.body, self._real(response))
        if links is None:
            self.logger.warning("not a feed: %s", response.url)
            self._count("discovery/bad_feed")
            return
        yield from self._article_requests(links, "feed")

    def parse_listing(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        links, feeds = page_links(response.body, self._real(response))
        for feed in feeds:
            if self.origins.is_site_url(feed):
                yield self._request(self.origins.to_real(feed), self.parse_feed, priority=20)
        yield from self._article_requests(links, "listing")
        if depth >= self.listing_depth:
            return
        for link in links:
            real = clean_url(self.origins.to_real(link))
            if self.origins.is_site_url(real) and self.is_listing_url(real):
                yield self._request(real, self.parse_listing, priority=10, depth=depth + 1)

    def _article_requests(self, urls: Iterable[str], channel: str) -> Iterator[scrapy.Request]:
        for url in urls:
            real = clean_url(self.origins.to_real(url))
            if not self.origins.is_site_url(real) or not self.is_article_url(real):
                continue
            key = self.article_key(real)
            if key in self._seen_articles:
                continue
            self._seen_articles.add(key)
            self._count(f"discovery/{channel}")
            yield self._request(real, self.parse_article, priority=0)

    # --- articles -----------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[ArticleItem | FetchOutcomeItem | scrapy.Request]:
        real_url = self._real(response)
        if self.follow_article_links:
            links, _ = page_links(response.body, real_url)
            yield from self._article_requests(links, "article_links")
        result = extract(response.body, real_url, self.rules)
        fetched_at = datetime.now(UTC)
        if isinstance(result, Article):
            self._count("articles_extracted")
            yield ArticleItem(
                site=self.name,
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
            site=self.name, url=real_url, fetched_at=fetched_at, outcome="not_article",
            reason=result.page_class.value, detail=result.reason, status=response.status, size=len(response.body),
        )

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request | FetchOutcomeItem]:
        request = failure.request  # type: ignore[attr-defined]
        url = self.origins.to_real(request.url)
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
            yield from self._sitemap_probes()
            return
        if request.meta.get("harvester_probe") and reason.startswith("http_4"):
            self.logger.info("probe missed [%s]: %s", reason, url)
            self._count("discovery/probe_missed")
            return
        self._count(f"error/{reason}")
        self.logger.warning("fetch failed [%s]: %s", reason, url)
        if request.callback == self.parse_article:
            yield FetchOutcomeItem(
                site=self.name, url=url, fetched_at=datetime.now(UTC), outcome="error",
                reason=reason, detail=str(failure.value), status=status,
            )


def _headers(response: Response) -> dict[str, str]:
    """Response headers as text, the first value of each."""
    return {
        key.decode("latin-1"): values[0].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }
