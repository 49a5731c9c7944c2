"""The generic ``news`` spider finds every article through each discovery channel alone and
through all together, and stores no non-article page (real server on 127.0.0.1, real SQLite)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from harvester.db.testing import sqlite_at_head
from harvester.mirror_server import serve_mirror
from tests.crawling import scrapy_crawl
from tests.generic_sites import CHANNELS, GenericSite


def stored_urls(db_path: Path) -> set[str]:
    with closing(sqlite3.connect(db_path)) as db:
        return {url for (url,) in db.execute("SELECT url FROM articles")}


@pytest.mark.parametrize("channels", [(c,) for c in CHANNELS] + [CHANNELS], ids=[*CHANNELS, "all"])
def test_news_spider_finds_every_article_through_each_channel(channels: tuple[str, ...], tmp_path: Path) -> None:
    site = GenericSite(channels)
    site.write(tmp_path / "site")
    db_path = tmp_path / "harvest.db"
    with serve_mirror(tmp_path / "site") as base_url:
        outcome = scrapy_crawl("news", base_url, sqlite_at_head(db_path), tmp_path / "run", site_arg=True)
    assert outcome.returncode == 0, outcome.log[-3000:]
    assert stored_urls(db_path) == {base_url + path for path in site.articles}
    assert outcome.stat("articles_extracted") == len(site.articles)


def test_since_skips_older_sitemap_entries(tmp_path: Path) -> None:
    site = GenericSite(("news_sitemap",))
    site.write(tmp_path / "site")
    db_path = tmp_path / "harvest.db"
    cutoff = sorted(site.dates.values())[2]  # keeps the two newest of four
    with serve_mirror(tmp_path / "site") as base_url:
        outcome = scrapy_crawl("news", base_url, sqlite_at_head(db_path), tmp_path / "run", "-a", f"since={cutoff}",
                               site_arg=True)
    assert outcome.returncode == 0, outcome.log[-3000:]
    expected = {base_url + p for p, d in site.dates.items() if d >= cutoff}
    assert len(expected) == 2
    assert stored_urls(db_path) == expected
    assert outcome.stat("discovery/skipped_before_since") == 2


def test_bad_site_argument_is_a_clear_error(tmp_path: Path) -> None:
    outcome = scrapy_crawl("news", "not-a-url", f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "run", site_arg=True)
    assert outcome.returncode != 0
    assert "not a site URL: 'not-a-url'" in outcome.log


def test_a_site_key_fits_the_store_whatever_the_host() -> None:
    """Hosts may have 253 characters; ``sites.key`` takes 64 (PostgreSQL refuses a longer value,
    which would fail every article of the site)."""
    from spiders.news import MAX_SITE_KEY, NewsSpider

    spider = NewsSpider(site="http://127.0.0.1:8000")
    assert spider.site_key("https://www.example.com/news/") == "example.com"
    assert spider.site_key("http://127.0.0.1:8000/") == "127.0.0.1:8000"
    long_a = "https://" + "regional-" * 12 + "a.example.com/"
    long_b = "https://" + "regional-" * 12 + "b.example.com/"
    key_a, key_b = spider.site_key(long_a), spider.site_key(long_b)
    assert len(key_a) == len(key_b) == MAX_SITE_KEY
    assert key_a != key_b and key_a == spider.site_key(long_a.upper())
