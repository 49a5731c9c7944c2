"""The generic news spider: any site, through every discovery channel, with generic rules.

    scrapy crawl news -a site=https://example.com
    scrapy crawl news -a sites=https://a.example,https://b.example -a since=2025-01-01
    scrapy crawl news -a sites_file=sites.txt      # one URL a line; '#' starts a comment

Discovery, fetching and extraction are those of the site spiders (``SiteSpider``); what differs
is that article and listing URLs are recognised by generic URL rules and pages are extracted
by the generic path. A site URL with a path (``https://example.com/tech/``) also starts the
listing crawl there.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harvester.discovery import OriginMap, looks_like_article_url, looks_like_listing_url
from harvester.site_spider import SiteSpider


MAX_SITE_KEY = 64
"""The length of the store's ``sites.key`` column (PostgreSQL refuses a longer value)."""


class NewsSpider(SiteSpider):
    name = "news"
    sitemap_paths = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml",
                     "/wp-sitemap.xml")
    feed_paths = ("/feed/", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")

    def __init__(
        self, *args: Any, site: str | None = None, sites: str | None = None, sites_file: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.site_urls = _site_list(site, sites, sites_file)
        super().__init__(*args, **kwargs)
        self.listing_paths = tuple(dict.fromkeys(["/", *(urlsplit(u).path or "/" for u in self.site_urls)]))

    def make_origin_maps(self, base_url: str | None) -> list[OriginMap]:
        if base_url:
            raise ValueError("the news spider takes site URLs (-a site=...), not base_url")
        return [OriginMap(_origin(url)) for url in self.site_urls]

    def site_key(self, url: str) -> str:
        """The host (and port), without "www."; a host longer than a site key may be (64
        characters: ``sites.key``) keeps its first 55 and a digest of the whole."""
        host = urlsplit(url).netloc.lower()
        host = host[4:] if host.startswith("www.") else host
        if len(host) > MAX_SITE_KEY:
            host = f"{host[:MAX_SITE_KEY - 9]}-{hashlib.sha1(host.encode()).hexdigest()[:8]}"
        return host

    def is_article_url(self, url: str) -> bool:
        return looks_like_article_url(url)

    def is_listing_url(self, url: str) -> bool:
        return looks_like_listing_url(url)


def _site_list(site: str | None, sites: str | None, sites_file: str | None) -> list[str]:
    urls = [u.strip() for u in [site or "", *(sites or "").split(",")] if u.strip()]
    if sites_file:
        for line in Path(sites_file).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                urls.append(line)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not a site URL: {url!r} (expected e.g. https://example.com)")
    if not urls:
        raise ValueError("no site given: use -a site=URL, -a sites=URL,URL or -a sites_file=FILE")
    return urls


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
