"""Downloader middleware: Scrapy's cookie handling, offline and bounded (it takes Scrapy's place).

* **Offline.** A cookie set for a public suffix (``co.uk``, ``github.io``) is refused, as Scrapy
  does, but against the Public Suffix List bundled with tldextract. Scrapy's own check fetches the
  list from publicsuffix.org on the first cookie a crawl meets, on the event loop: a crawl asked
  for one site contacted another, and without a network logged three tracebacks (with one that
  drops packets, it would wait for the connect timeout).
* **Bounded.** A site's cookies stop at ``HARVESTER_MAX_COOKIE_BYTES`` (8 KiB by default, what nginx
  takes in a request header line). A site that sets more (a cookie bomb: 40 new cookies of 4 KB an
  answer) would otherwise grow the jar with every page and get every later request refused
  (431, or 400 "Request Header Or Cookie Too Large") for the rest of the crawl. Cookies beyond the
  cap are not kept (counted in ``harvester/cookies/refused_over_cap``); a cookie replacing one of
  the same name counts in its place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from http.cookiejar import Cookie
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.http.cookies import CookieJar
from scrapy.utils.httpobj import urlparse_cached

DEFAULT_MAX_COOKIE_BYTES = 8 * 1024


@functools.cache
def _suffixes() -> Any:
    """tldextract with its bundled list only (no HTTP request, no cache directory)."""
    from tldextract import TLDExtract

    return TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def is_public_suffix(domain: str) -> bool:
    """True for a domain no site owns (``co.uk``), which no cookie may be set for."""
    return not _suffixes()(domain).domain


def cookie_bytes(cookie: Cookie) -> int:
    """What the cookie adds to a ``Cookie`` header: ``name=value; ``."""
    return len(cookie.name) + len(cookie.value or "") + 3


class BoundedCookiesMiddleware(CookiesMiddleware):
    max_bytes: int = DEFAULT_MAX_COOKIE_BYTES

    @classmethod
    def from_crawler(cls, crawler: Any) -> BoundedCookiesMiddleware:
        middleware = super().from_crawler(crawler)  # NotConfigured unless COOKIES_ENABLED
        middleware.max_bytes = crawler.settings.getint("HARVESTER_MAX_COOKIE_BYTES", DEFAULT_MAX_COOKIE_BYTES)
        return middleware

    def _process_cookies(self, cookies: Iterable[Cookie], *, jar: CookieJar, request: Request) -> None:
        host = urlparse_cached(request).hostname
        if host is None:
            return
        host = host.lower()
        for cookie in cookies:
            domain = cookie.domain.removeprefix(".")
            if domain and is_public_suffix(domain):
                if domain != host:
                    continue
                cookie.domain = host
            if self.max_bytes > 0 and not self._fits(cookie, jar):
                self.crawler.stats.inc_value("harvester/cookies/refused_over_cap")
                continue
            jar.set_cookie_if_ok(cookie, request)

    def _fits(self, cookie: Cookie, jar: CookieJar) -> bool:
        """Whether the cookie's domain stays within the cap with it (the cookie it replaces, of the
        same domain, path and name, no longer counts)."""
        domain = cookie.domain.removeprefix(".")
        held = sum(cookie_bytes(c) for c in jar.jar if c.domain.removeprefix(".") == domain
                   and (c.name, c.path) != (cookie.name, cookie.path))
        return held + cookie_bytes(cookie) <= self.max_bytes
