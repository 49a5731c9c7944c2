"""Downloader middleware: nothing is fetched outside the spider's own sites.

A request whose URL is not on one of the spider's origins (scheme, host *and port*; a mirror's
crawl address counts as its site) is not sent: a redirect to another host or port, or a sitemap
entry pointing elsewhere, ends here with ``IgnoreRequest`` and a ``fetch_log`` row ``skipped`` /
``off_site`` (``bad_scheme`` for ``file:``, ``ftp:`` and the like; ``url_too_long`` for a URL over
``harvester.urls.MAX_URL_LENGTH`` characters, a redirect's included). It runs before every other
downloader middleware, so not even the other host's robots.txt is requested. Scrapy's own
``OffsiteMiddleware`` compares host names only; this one is exact.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from harvester.urls import MAX_URL_LENGTH


class OriginGuard:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> OriginGuard:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site_of = getattr(self.crawler.spider, "_site_of", None)
        if site_of is None:
            return None
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in ("http", "https"):
            raise IgnoreRequest(f"unsupported URL scheme {scheme!r}: {request.url[:200]}")
        if len(request.url) > MAX_URL_LENGTH:
            raise IgnoreRequest(f"URL too long: {len(request.url):,} characters, over {MAX_URL_LENGTH:,}")
        if site_of(request.url) is None:
            raise IgnoreRequest(f"Filtered offsite request to {urlsplit(request.url).netloc!r}")
        return None
