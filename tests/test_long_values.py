"""Values longer than any real one: URLs of thousands of characters, a tag or a byline word as long.

PostgreSQL cannot index a value much over 2,700 bytes: one 6,000-character URL in a sitemap, a
redirect or a canonical link used to stop the whole store (its index refused the row, the writer
took that for an outage and retried for ten minutes). Now the crawl neither requests nor stores a
URL over ``MAX_URL_LENGTH``; a redirect to one is recorded ``skipped`` / ``url_too_long``; a tag or an
author name that long is dropped by extraction. A real crawl on each configured backend.
"""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from harvester.db import make_engine
from harvester.db.batch import write_batch
from harvester.db.runs import ERROR, FetchOutcome, start_run
from harvester.db.testing import backends, database_at_head_url
from harvester.extraction import Article, extract
from harvester.extraction.authors import clean_author
from harvester.extraction.taxonomy import clean_tags
from harvester.urls import MAX_URL_LENGTH, absolute_url, fetchable_url
from tests.crawling import scrapy_crawl
from tests.hostile import pages
from tests.hostile.articles import STORIES
from tests.hostile.server import HostileServer, Route, html_route
from tests.stores import fresh_store, rows, scalar

_RNG = random.Random(11)
NOISE = "".join(_RNG.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6000))
"""Incompressible: PostgreSQL compresses a long index value before it measures it."""
LONG_PATH = f"/news/2026/05/01/{NOISE}/"


def test_urls_over_the_limit_are_neither_fetchable_nor_absolute() -> None:
    base = "http://127.0.0.1:8000/"
    at_limit = base + "a" * (MAX_URL_LENGTH - len(base))
    assert fetchable_url(at_limit, base) == at_limit
    assert absolute_url(at_limit, base) == at_limit
    assert fetchable_url(at_limit + "a", base) is None
    assert absolute_url(at_limit + "a", base) is None
    assert fetchable_url("/" + "a" * (MAX_URL_LENGTH - 10), base) is None  # long once joined to its base
    # escaping makes it longer: 700 non-ASCII characters are 4,200 once percent-encoded
    assert absolute_url("/" + "é" * 700 + "/", base) is None


def test_over_long_tags_and_author_names_are_dropped() -> None:
    assert clean_tags(["Harbour", NOISE, "Tram"]) == ["Harbour", "Tram"]
    assert clean_author(f"By {NOISE}") == []
    assert clean_author("By Anna Kovács") == ["Anna Kovács"]


def test_a_page_with_an_over_long_canonical_url_and_tag_keeps_its_own_url_and_its_other_tags() -> None:
    story = STORIES[1]
    url = "http://127.0.0.1:8000" + story.path
    page = pages.article_page(story, canonical="http://127.0.0.1:8000" + LONG_PATH).replace(
        "</head>", f'<meta property="article:tag" content="{NOISE}"><meta property="article:tag" content="Harbour">'
                   "</head>", 1)
    result = extract(page, url)
    assert isinstance(result, Article), result
    assert result.url == url
    assert result.tags == ["Harbour"]


@pytest.mark.parametrize("backend", backends())
def test_the_store_logs_an_over_long_url_cut_to_the_limit_and_keeps_no_state_for_it(backend: str,
                                                                                    tmp_path: Path) -> None:
    """The store's own guard, for a caller that hands it such a URL (a start URL typed that long)."""
    url = "http://127.0.0.1:8000" + LONG_PATH
    at = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    with fresh_store(backend, tmp_path) as store:
        run_id = start_run(store.engine, "longsite", at)
        report = write_batch(store, run_id, [FetchOutcome(url, at, ERROR, "http_414", status=414, site="longsite")])
        assert not report.failed
        logged = rows(store.engine, "SELECT url, reason, detail FROM fetch_log")
        assert logged == [(url[:MAX_URL_LENGTH], "http_414",
                           f"URL cut to its first {MAX_URL_LENGTH:,} of {len(url):,} characters")]
        assert scalar(store.engine, "SELECT count(*) FROM url_state") == 0


@pytest.mark.parametrize("backend", backends())
def test_a_crawl_meeting_over_long_urls_stores_the_good_articles_and_records_the_rest(backend: str,
                                                                                        tmp_path: Path) -> None:
    good, canonical_long, redirected = STORIES[0], STORIES[1], STORIES[2]
    server = HostileServer()
    server.routes[good.path] = html_route(pages.article_page(good))
    server.routes[canonical_long.path] = html_route(pages.article_page(canonical_long, canonical=LONG_PATH).replace(
        "</head>", f'<meta property="article:tag" content="{NOISE}"></head>', 1))
    server.routes[redirected.path] = Route("redirect", 301, location=LONG_PATH)
    server.routes[LONG_PATH] = html_route(pages.article_page(STORIES[3]))
    with server:
        base = server.base_url
        listed = [base + s.path for s in (good, canonical_long, redirected)] + [base + LONG_PATH]
        server.routes["/sitemap.xml"] = html_route(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in listed) + "</urlset>",
            content_type="application/xml")
        server.routes["/"] = html_route(f'<html><body><a href="{LONG_PATH}">a long link</a></body></html>')
        database = database_at_head_url(backend, tmp_path)
        done = scrapy_crawl("news", base, database, tmp_path, site_arg=True)
        hits = list(server.hits)
    assert done.returncode == 0, done.log[-3000:]
    assert LONG_PATH not in hits  # neither the sitemap's entry, the link nor the redirect was requested
    assert "Traceback" not in done.log
    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT url FROM articles ORDER BY url")).scalars().all()
            log = conn.execute(text("SELECT url, outcome, reason, detail FROM fetch_log")).all()
            tags = conn.execute(text("SELECT name FROM tags")).scalars().all()
    finally:
        engine.dispose()
    assert sorted(stored) == sorted(base + s.path for s in (good, canonical_long))  # its own URL, not the canonical
    assert NOISE not in "".join(tags)
    too_long = [row for row in log if row.reason == "url_too_long"]
    assert len(too_long) == 1, log
    url, outcome, _, detail = too_long[0]
    assert outcome == "skipped"
    assert url == base + redirected.path  # the URL the crawl asked for; the detail names the target
    assert detail.startswith(f"redirected to {base}{LONG_PATH[:40]}")
    assert not [row for row in log if row.outcome == "error"], log


def test_a_page_listing_thousands_of_tags_and_authors_keeps_the_first_ones() -> None:
    """Each would be a row of the store: 20,000 of each made one article 40,000 rows."""
    from harvester.extraction.authors import MAX_AUTHORS
    from harvester.extraction.taxonomy import MAX_TAGS

    from harvester.extraction.authors import clean_authors

    story = STORIES[0]
    many = 2_000
    tags = "".join(f'<meta property="article:tag" content="Tag {i}">' for i in range(many))
    page = pages.article_page(story).replace("</head>", f"{tags}</head>", 1)
    result = extract(page, "http://127.0.0.1:8000" + story.path)
    assert isinstance(result, Article), result
    assert result.tags == [f"Tag {i}" for i in range(MAX_TAGS)]
    people = clean_authors([f"Anna Person{i}" for i in range(many)])
    assert people == [f"Anna Person{i}" for i in range(MAX_AUTHORS)]
