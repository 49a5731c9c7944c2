"""Discovery helpers: robots.txt, sitemaps, feeds, page links, origin mapping."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from harvester.discovery import (
    OriginMap,
    clean_url,
    looks_like_article_url,
    looks_like_listing_url,
    feed_entries,
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
    assert [page.url for page in urlset.pages] == ["https://example.org/first-post/", "https://example.org/second-post/"]
    assert urlset.pages[0].lastmod == datetime(2025, 3, 1, 6, 9, tzinfo=UTC)
    assert urlset.pages[1].lastmod is None


def test_parse_sitemap_accepts_gzip_and_rejects_junk() -> None:
    gz = parse_sitemap(gzip.compress(URLSET))
    assert gz is not None and len(gz.pages) == 2
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>") is None
    assert parse_sitemap(b"") is None
    assert parse_sitemap(b"\x1f\x8bgarbage") is None


def test_parse_sitemap_reads_a_plain_text_sitemap() -> None:
    """sitemaps.org's text format: one absolute URL per line (a BOM, blank lines and CRLF allowed)."""
    text = b"\xef\xbb\xbfhttps://example.org/one/\r\n\r\n  https://example.org/two/  \nnot a url\nftp://example.org/x\n"
    found = parse_sitemap(text)
    assert found is not None and [p.url for p in found.pages] == ["https://example.org/one/", "https://example.org/two/"]
    capped = parse_sitemap(gzip.compress(b"\n".join(b"https://example.org/%d/" % i for i in range(10))), max_urls=4)
    assert capped is not None and len(capped.pages) == 4 and capped.dropped == 6
    assert parse_sitemap(b"just some words\nno addresses here") is None


def test_feed_entries_rss_and_atom() -> None:
    rss = feed_entries(RSS, "https://example.org/feed/")
    assert rss is not None
    assert [e.url for e in rss] == ["https://example.org/one/", "https://example.org/two/"]
    atom = feed_entries(ATOM, "https://example.org/feed/")
    assert atom is not None
    assert [(e.url, e.published) for e in atom] == [("https://example.org/a", datetime(2025, 1, 1, tzinfo=UTC))]
    assert feed_entries(b"<html><body><p>hello</p></body></html>", "https://example.org/") is None


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://example.org/a-story</loc>
    <news:news><news:publication><news:name>X</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-06-01T10:00:00+02:00</news:publication_date><news:title>A</news:title></news:news>
  </url>
  <url><loc>https://example.org/b-story</loc><lastmod>2025-05-02</lastmod></url>
</urlset>"""


def test_news_sitemap_keeps_publication_dates() -> None:
    entries = parse_sitemap(NEWS_SITEMAP)
    assert entries is not None
    first, second = entries.pages
    assert first.url == "https://example.org/a-story"
    assert first.published == datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    assert first.newest_date == first.published
    assert second.published is None
    assert second.lastmod == datetime(2025, 5, 2, tzinfo=UTC)


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


@pytest.mark.parametrize(
    "url, article",
    [
        ("https://example.com/2024/05/03/council-approves-new-budget/", True),
        ("https://example.com/news/council-approves-new-budget-for-2025", True),
        ("https://example.com/world/europe-68123456", True),
        ("http://127.0.0.1:8080/tech/chip-maker-posts-record-profit/", True),
        ("https://example.com/", False),
        ("https://example.com/news/", False),
        ("https://example.com/category/tech/page/2/", False),
        ("https://example.com/tag/artificial-intelligence/", False),
        ("https://example.com/author/jane-doe-smith/", False),
        ("https://example.com/about-us/", False),
        ("https://example.com/privacy-policy/", False),
        ("https://example.com/?s=council+approves+budget", False),
        ("https://example.com/wp-content/uploads/2024/05/some-big-photo-file.jpg", False),
        ("https://example.com/council-approves-new-budget/feed/", False),
    ],
)
def test_generic_article_url_rule(url: str, article: bool) -> None:
    assert looks_like_article_url(url) is article


@pytest.mark.parametrize(
    "url, listing",
    [
        ("https://example.com/", True),
        ("https://example.com/news/", True),
        ("https://example.com/news/page/2/", True),
        ("https://example.com/category/tech/", True),
        ("https://example.com/2024/05/03/council-approves-new-budget/", False),
        ("https://example.com/news/?page=2", False),
    ],
)
def test_generic_listing_url_rule(url: str, listing: bool) -> None:
    assert looks_like_listing_url(url) is listing


def test_page_links_decode_bytes_with_the_header_charset_and_skip_unreadable_urls() -> None:
    page = ('<html><body><a href="/über/">u</a><a href="http://[oops/">x</a><a href="mailto:a@b">m</a>'
            '<a href="http://127.0.0.1:99999/">p</a><a href="/two/">t</a></body></html>').encode()
    links, _ = page_links(page, "https://example.org/", content_type="text/html; charset=utf-8")
    assert links == ["https://example.org/über/", "https://example.org/two/"]  # not /Ã¼ber/
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><body><a href="/x/">x</a></body></html>'
    assert page_links(xhtml, "https://example.org/")[0] == ["https://example.org/x/"]


def test_sitemaps_in_robots_reads_lines_of_any_case_and_leaves_out_unreadable_ones() -> None:
    robots = b"\xef\xbb\xbfUser-agent: *\r\nsitemap: /a.xml\r\nSITEMAP: https://example.org/b.xml\r\nSitemap: http://[oops/\r\n"
    assert sitemaps_in_robots(robots, "https://example.org/robots.txt") == [
        "https://example.org/a.xml", "https://example.org/b.xml"]


def test_page_links_resolve_against_base_href() -> None:
    page = b'<html><head><base href="https://example.org/section/"></head><body><a href="story/">s</a></body></html>'
    assert page_links(page, "https://example.org/")[0] == ["https://example.org/section/story/"]
    broken = b'<html><head><base href="http://[oops/"></head><body><a href="story/">s</a></body></html>'
    assert page_links(broken, "https://example.org/a/")[0] == ["https://example.org/a/story/"]
