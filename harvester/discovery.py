"""Finding article URLs: robots.txt, sitemaps, feeds and listing pages.

Pure functions over response bodies; the spider base wires them to requests.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import lxml.html
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from w3lib.url import url_query_cleaner

# Query parameters that only track where a click came from; never part of an article's identity.
TRACKING_PARAMETERS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src",
)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


@dataclass(frozen=True)
class SitemapEntries:
    """What one sitemap document lists: child sitemaps (an index) or page URLs."""

    sitemaps: list[str]
    pages: list[str]


def clean_url(url: str) -> str:
    """The URL without fragment and tracking parameters."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMETERS, remove=True, keep_fragments=False)
    return cleaned


def sitemaps_in_robots(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt."""
    return list(sitemap_urls_from_robots(body, base_url=base_url))


def parse_sitemap(body: bytes) -> SitemapEntries | None:
    """Parse a sitemap or sitemap index (gzip accepted); None when it is not one."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError):
            return None
    try:
        sitemap = Sitemap(body)
    except Exception:  # lxml raises several types on junk input
        return None
    locs = [entry["loc"].strip() for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        return SitemapEntries(sitemaps=locs, pages=[])
    if sitemap.type == "urlset":
        return SitemapEntries(sitemaps=[], pages=locs)
    return None


def feed_entry_links(body: bytes, base_url: str) -> list[str] | None:
    """The entry links of an RSS/Atom feed; None when the body is not a feed."""
    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        return None
    links: list[str] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            links.append(urljoin(base_url, link.strip()))
    return links


def page_links(html: str | bytes, base_url: str) -> tuple[list[str], list[str]]:
    """(links, feed links) of an HTML page, absolute, in document order."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return [], []
    links = [urljoin(base_url, href.strip()) for href in doc.xpath("//a/@href") if href.strip()]
    feeds = [
        urljoin(base_url, link.get("href", "").strip())
        for link in doc.xpath("//link[@rel='alternate'][@href]")
        if (link.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES
    ]
    return links, feeds


class OriginMap:
    """Maps a site's real origin to the address it is crawled at (a mirror) and back.

    With no base URL both directions are the identity. ``www.`` and scheme differences on the
    real host are treated as the same origin.
    """

    def __init__(self, origin: str, base_url: str | None = None) -> None:
        self.origin = origin.rstrip("/")
        self.base_url = (base_url or origin).rstrip("/")
        self._real_host = _bare_host(urlsplit(self.origin).netloc)
        self._base = urlsplit(self.base_url)

    def is_site_url(self, url: str) -> bool:
        """True for URLs on the real site or on the crawl address."""
        netloc = urlsplit(url).netloc.lower()
        return _bare_host(netloc) == self._real_host or netloc == self._base.netloc.lower()

    def to_fetch(self, url: str) -> str:
        """The URL to request for a real-site (or crawl-address) URL."""
        parts = urlsplit(url)
        if not self.is_site_url(url):
            return url
        return urlunsplit((self._base.scheme, self._base.netloc, parts.path or "/", parts.query, ""))

    def to_real(self, url: str) -> str:
        """The real-site URL for a crawl-address URL."""
        parts = urlsplit(url)
        if not self.is_site_url(url):
            return url
        real = urlsplit(self.origin)
        return urlunsplit((real.scheme, real.netloc, parts.path or "/", parts.query, ""))


def _bare_host(netloc: str) -> str:
    host = netloc.lower()
    return host[4:] if host.startswith("www.") else host
