"""Finding article URLs: robots.txt, sitemaps, feeds and listing pages.

Pure functions over response bodies; the spider base wires them to requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from datetime import UTC, datetime

import courlan
import feedparser
import lxml.html
from dateutil.parser import isoparse
from lxml import etree
from w3lib.encoding import html_to_unicode

from harvester.urls import canonical_url, fetchable_url

# document.py has the same pattern; importing it would load the extraction package into the crawling
# process (14 ms of every crawl's start-up) for one line
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)

# Scrapy's helpers below are imported where used: this module runs in the extraction workers,
# which otherwise never load Scrapy (a fifth of a second for every crawl's worker fork server).


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json")


@dataclass(frozen=True)
class SitemapPage:
    """One page a sitemap lists, with the dates it gives (timezone-aware, or None)."""

    url: str
    lastmod: datetime | None = None
    published: datetime | None = None  # <news:publication_date> of a news sitemap

    @property
    def newest_date(self) -> datetime | None:
        dates = [d for d in (self.published, self.lastmod) if d is not None]
        return max(dates) if dates else None


@dataclass(frozen=True)
class SitemapEntries:
    """What one sitemap document lists: child sitemaps (an index) or pages.

    ``dropped``: entries past the per-sitemap cap, not read."""

    sitemaps: list[str]
    pages: list[SitemapPage]
    dropped: int = 0
    too_large: bool = False  # decompressed, it would be over the size limit: nothing read


#: Read at most this many entries of one sitemap document (the sitemap protocol's own limit).
MAX_SITEMAP_URLS = 50_000
#: A sitemap is at most this large once decompressed (the protocol's limit is 50 MB).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
#: Read at most this many links of one page.
MAX_PAGE_LINKS = 5_000
MAX_CHILD_SITEMAPS = 10_000
"""Sitemaps a run requests because a sitemap index listed them: far above a real site's (ten years of
daily sitemaps is 3,650), and a bound on an index of indexes that lists new ones without end."""


def clean_url(url: str) -> str:
    """The URL without fragment and tracking parameters: the project's one canonical form."""
    return canonical_url(url)


def sitemaps_in_robots(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt (as Scrapy reads them: any case, relative ones resolved);
    a line whose URL cannot be read is left out."""
    found = []
    for line in body.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and (url := fetchable_url(value, base_url)) is not None:
            found.append(url)
    return found


def parse_sitemap(
    body: bytes, *, max_urls: int = MAX_SITEMAP_URLS, max_bytes: int = MAX_SITEMAP_BYTES
) -> SitemapEntries | None:
    """Parse a sitemap, news sitemap or sitemap index (gzip accepted), or a plain-text sitemap (one
    URL per line); None when it is not one.

    A gzip body is decompressed to at most ``max_bytes`` (a gzip bomb is not a sitemap); at most
    ``max_urls`` entries are read, the rest counted in ``dropped``. Entities are never expanded
    and nothing is fetched from the network (no XXE, no "billion laughs").
    """
    if body[:2] == b"\x1f\x8b":
        from scrapy.utils.gz import gunzip

        try:
            body = gunzip(body, max_size=max_bytes)
        except ValueError as exc:  # scrapy's _DecompressionMaxSizeExceeded
            if "max" in str(exc).lower() or "exceed" in str(exc).lower():
                return SitemapEntries(sitemaps=[], pages=[], too_large=True)
            return None
        except (OSError, EOFError):
            return None
    if len(body) > max_bytes:
        return SitemapEntries(sitemaps=[], pages=[], too_large=True)
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _text_sitemap(body, max_urls)
    parser = etree.XMLParser(
        recover=True, remove_comments=True, resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    kind = etree.QName(root).localname
    entries = [entry for entry in root if isinstance(entry.tag, str)]
    dropped = max(0, len(entries) - max_urls)
    entries = entries[:max_urls]
    if kind == "sitemapindex":
        sitemaps = [loc for entry in entries if (loc := _child_text(entry, "loc"))]
        return SitemapEntries(sitemaps=sitemaps, pages=[], dropped=dropped)
    if kind != "urlset":
        return None
    pages = [
        SitemapPage(
            url=loc,
            lastmod=parse_w3c_date(_child_text(entry, "lastmod")),
            published=parse_w3c_date(_descendant_text(entry, "publication_date")),
        )
        for entry in entries
        if (loc := _child_text(entry, "loc"))
    ]
    return SitemapEntries(sitemaps=[], pages=pages, dropped=dropped)


def _text_sitemap(body: bytes, max_urls: int) -> SitemapEntries | None:
    """A plain-text sitemap (sitemaps.org: one absolute URL per line, UTF-8); None when no line is one."""
    lines = body.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    urls = [url for line in lines if (url := fetchable_url(line, "")) is not None]  # absolute http(s) only
    if not urls:
        return None
    pages = [SitemapPage(url=url, lastmod=None, published=None) for url in urls[:max_urls]]
    return SitemapEntries(sitemaps=[], pages=pages, dropped=max(0, len(urls) - max_urls))


def _child_text(element: etree._Element, name: str) -> str:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip()
    return ""


def _descendant_text(element: etree._Element, name: str) -> str:
    for child in element.iter():
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip()
    return ""


def parse_w3c_date(text: str | None) -> datetime | None:
    """A W3C / ISO 8601 date as an aware datetime (a date or time without offset is taken as UTC)."""
    if not text:
        return None
    try:
        value = isoparse(text.strip())
    except (ValueError, OverflowError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FeedEntry:
    url: str
    published: datetime | None = None


def feed_entries(body: bytes, base_url: str) -> list[FeedEntry] | None:
    """The entries of an RSS/Atom/JSON feed, with their dates; None when the body is not a feed."""
    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        return None
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*stamp[:6], tzinfo=UTC) if stamp else None
        url = fetchable_url(link, base_url)
        if url is not None:
            entries.append(FeedEntry(url, published))
    return entries


def page_links(html: str | bytes, base_url: str, max_links: int = MAX_PAGE_LINKS,
               content_type: str | None = None) -> tuple[list[str], list[str]]:
    """(links, feed links) of an HTML page, absolute, in document order; at most ``max_links`` links.

    Bytes are decoded as the page itself is (w3lib: BOM, the HTTP ``content_type``'s charset,
    ``<meta charset>``, detection): lxml left alone reads undeclared bytes as Latin-1, which turned
    a link to ``/über/`` on a page whose charset only the header names into one to ``/Ã¼ber/``."""
    if isinstance(html, bytes):
        html = html_to_unicode(content_type, html)[1]
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses a str that declares its encoding
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return [], []
    declared = doc.xpath("//base/@href")  # relative links resolve against <base href>, as in a browser
    base_url = (fetchable_url(declared[0], base_url) if declared else None) or base_url
    links: list[str] = []
    for href in doc.xpath("//a/@href"):
        if len(links) >= max_links:
            break
        url = fetchable_url(href, base_url)  # None for mailto:, javascript:, an unreadable URL ...
        if url is not None:
            links.append(url)
    feeds = [
        url for link in doc.xpath("//link[@rel='alternate'][@href]")
        if (link.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES
        and (url := fetchable_url(link.get("href"), base_url)) is not None
    ]
    return links, feeds


class OriginMap:
    """Maps a site's real origin to the address it is crawled at (a mirror) and back.

    With no base URL both directions are the identity. ``www.`` and scheme differences on the
    real host are treated as the same origin.
    """

    def __init__(self, origin: str, base_url: str | None = None) -> None:
        if base_url:  # empty: the real site itself, as without one
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"base_url: not an http(s) address: {base_url!r} (expected e.g. http://127.0.0.1:8000)")
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


# --- generic URL rules (for sites without a spider of their own) --------------------------------

_DATE_IN_PATH = re.compile(r"/(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)")
_LONG_ID = re.compile(r"(?:^|[^0-9])\d{5,}(?:[^0-9]|$)")
_NOT_ARTICLE_SEGMENTS = frozenset({
    "about", "about-us", "contact", "contact-us", "privacy", "privacy-policy", "terms", "terms-of-use",
    "imprint", "impressum", "login", "register", "signup", "subscribe", "newsletter", "search", "feed",
    "rss", "sitemap", "tag", "tags", "topic", "topics", "author", "authors", "category", "categories",
    "page", "advertise", "jobs", "careers", "cookie-policy", "wp-admin", "wp-content", "wp-json",
})
_FILE_SUFFIX = re.compile(r"\.(?!html?$|php$|aspx?$)[a-z0-9]{2,5}$", re.IGNORECASE)


def looks_like_article_url(url: str) -> bool:
    """Generic rule: a crawlable, non-navigation URL whose path looks like a story.

    A story path has a slug of three or more words, a date, or a long numeric id, and no
    segment that names a site page, taxonomy or feed. Query strings are not articles.
    """
    parts = urlsplit(url)
    if parts.query or not courlan.validate_url(url)[0]:
        return False
    if courlan.is_navigation_page(url) or courlan.is_not_crawlable(url):
        return False
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments or any(s in _NOT_ARTICLE_SEGMENTS for s in segments) or _FILE_SUFFIX.search(segments[-1]):
        return False
    slug = max(segments, key=lambda s: len(re.split(r"[-_]", s)))
    words = [w for w in re.split(r"[-_.]", slug) if w and w not in ("default", "index", "htm", "html")]
    return len(words) >= 3 or bool(_DATE_IN_PATH.search(parts.path)) or bool(_LONG_ID.search(slug))


def looks_like_listing_url(url: str) -> bool:
    """Generic rule: the home page, a section, or a paginated / taxonomy listing."""
    parts = urlsplit(url)
    if parts.query or courlan.is_not_crawlable(url):
        return False
    if courlan.is_navigation_page(url):
        return True
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments:
        return True
    return (
        len(segments) <= 2
        and not _FILE_SUFFIX.search(segments[-1])
        and all(len(s.split("-")) <= 2 and s not in _NOT_ARTICLE_SEGMENTS for s in segments)
    )
