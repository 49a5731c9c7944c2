"""Discovery helpers: robots.txt, sitemaps, feeds, page links, origin mapping."""

from __future__ import annotations

import gzip

from harvester.discovery import (
    OriginMap,
    clean_url,
    feed_entry_links,
    page_links,
    parse_sitemap,
    sitemaps_in_robots,
)

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.org/wp-sitemap-posts-post-1.xml</loc></sitemap>
  <sitemap><loc> https://example.org/wp-sitemap-taxonomies-category-1.xml </loc></sitemap>
</sitemapindex>"""

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.org/first-post/</loc><lastmod>2025-03-01T06:09:00+00:00</lastmod></url>
  <url><loc>https://example.org/second-post/</loc></url>
</urlset>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>One</title><link>https://example.org/one/</link></item>
<item><title>Two</title><link>/two/</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>A</title><link href="https://example.org/a"/><id>1</id><updated>2025-01-01T00:00:00Z</updated></entry>
</feed>"""


def test_sitemaps_in_robots_reads_every_sitemap_line() -> None:
    robots = b"User-agent: *\nDisallow: /wp-admin/\nSitemap: https://example.org/wp-sitemap.xml\nsitemap: /news.xml\n"
    assert sitemaps_in_robots(robots, "https://example.org/robots.txt") == [
        "https://example.org/wp-sitemap.xml",
        "https://example.org/news.xml",
    ]


def test_parse_sitemap_index_and_urlset() -> None:
    index = parse_sitemap(INDEX)
    assert index is not None
    assert index.pages == []
    assert index.sitemaps == [
        "https://example.org/wp-sitemap-posts-post-1.xml",
        "https://example.org/wp-sitemap-taxonomies-category-1.xml",
    ]
    urlset = parse_sitemap(URLSET)
    assert urlset is not None
    assert urlset.sitemaps == []
    assert urlset.pages == ["https://example.org/first-post/", "https://example.org/second-post/"]


def test_parse_sitemap_accepts_gzip_and_rejects_junk() -> None:
    gz = parse_sitemap(gzip.compress(URLSET))
    assert gz is not None and len(gz.pages) == 2
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>") is None
    assert parse_sitemap(b"") is None
    assert parse_sitemap(b"\x1f\x8bgarbage") is None


def test_feed_entry_links_rss_and_atom() -> None:
    assert feed_entry_links(RSS, "https://example.org/feed/") == [
        "https://example.org/one/",
        "https://example.org/two/",
    ]
    assert feed_entry_links(ATOM, "https://example.org/feed/") == ["https://example.org/a"]
    assert feed_entry_links(b"<html><body><p>hello</p></body></html>", "https://example.org/") is None


def test_page_links_finds_links_and_declared_feeds() -> None:
    html = b"""<html><head>
      <link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
      <link rel="alternate" hreflang="de" href="/de/">
    </head><body><a href="/a/">A</a><a href="https://other.org/b">B</a><a href="  ">blank</a></body></html>"""
    links, feeds = page_links(html, "https://example.org/")
    assert links == ["https://example.org/a/", "https://other.org/b"]
    assert feeds == ["https://example.org/feed/"]


def test_page_links_of_empty_or_broken_input() -> None:
    assert page_links(b"", "https://example.org/") == ([], [])
    links, _ = page_links(b"<html><body><a href='/x/'>x</a><div><p>unclosed", "https://example.org/")
    assert links == ["https://example.org/x/"]


def test_clean_url_drops_tracking_parameters_and_fragment() -> None:
    assert clean_url("https://example.org/a/?utm_source=x&id=3&fbclid=y#top") == "https://example.org/a/?id=3"
    assert clean_url("https://example.org/a/") == "https://example.org/a/"


def test_origin_map_rebases_both_ways() -> None:
    origins = OriginMap("https://example.org", "http://127.0.0.1:8123")
    assert origins.to_fetch("https://example.org/a/") == "http://127.0.0.1:8123/a/"
    assert origins.to_fetch("https://www.example.org/a/?p=1") == "http://127.0.0.1:8123/a/?p=1"
    assert origins.to_fetch("https://other.org/a/") == "https://other.org/a/"
    assert origins.to_real("http://127.0.0.1:8123/a/") == "https://example.org/a/"
    assert origins.is_site_url("http://127.0.0.1:8123/x")
    assert not origins.is_site_url("http://127.0.0.1:9999/x")


def test_origin_map_without_base_url_is_identity() -> None:
    origins = OriginMap("https://example.org")
    assert origins.to_fetch("https://example.org/a/") == "https://example.org/a/"
    assert origins.to_real("https://example.org/a/") == "https://example.org/a/"
