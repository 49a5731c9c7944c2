"""Response headers no server should send: NUL and control characters in ETag and Last-Modified,
a 200 KB ETag. PostgreSQL's text columns take no NUL: the ETag was stored in ``url_state`` as
received, so the article failed to store (``store_failed``) on every run. Validators that cannot be
sent back are not kept now. A real crawl, twice (the second sends the validators back), on each
configured backend."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from sqlalchemy import text

from harvester.db import make_engine
from harvester.db.testing import backends, database_at_head_url
from harvester.db.urlstate import MAX_VALIDATOR_CHARS, usable_validator
from tests.crawling import scrapy_crawl
from tests.hostile import pages
from tests.hostile.articles import STORIES
from tests.hostile.server import HostileServer, html_route

HOSTILE_HEADERS = [
    {"ETag": '"a\x00b"'},
    {"Last-Modified": "Mon\x00, 01 Jan 2026 00:00:00 GMT"},
    {"ETag": '"tab\there"', "X-Evil": "\x01\x02\x1b[31m"},
    {"ETag": '"' + "e" * 5000 + '"', "Last-Modified": "Mon, 01 Jan 2026 00:00:00 GMT"},
]


def test_a_validator_is_kept_only_when_it_can_be_sent_back() -> None:
    assert usable_validator('"abc"') == '"abc"'
    assert usable_validator('W/"tab\there"') == 'W/"tab\there"'  # a tab is allowed in a header value
    assert usable_validator('"a\x00b"') is None
    assert usable_validator('"a\r\nSet-Cookie: x=1"') is None
    assert usable_validator('"' + "e" * MAX_VALIDATOR_CHARS + '"') is None
    assert usable_validator(None) is None and usable_validator("") is None


@pytest.mark.parametrize("backend", backends())
def test_articles_with_hostile_validators_are_stored_and_checked_again(backend: str, tmp_path: Path) -> None:
    server = HostileServer()
    stories = STORIES[: len(HOSTILE_HEADERS)]
    for story, headers in zip(stories, HOSTILE_HEADERS, strict=True):
        route = html_route(pages.article_page(story))
        route.headers.update(headers)
        server.routes[story.path] = route
    server.routes["/"] = html_route("<html><body><p>Harbour Gazette</p></body></html>")
    database = database_at_head_url(backend, tmp_path)
    with server:
        base = server.base_url
        server.routes["/sitemap.xml"] = html_route(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{html.escape(base + s.path)}</loc></url>" for s in stories) + "</urlset>",
            content_type="application/xml")
        for run in (1, 2):
            done = scrapy_crawl("news", base, database, tmp_path / f"run{run}", "-s", "HARVESTER_RECHECK_DAYS=30",
                                site_arg=True)
            assert done.returncode == 0, done.log[-2000:]
    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
            failed = conn.execute(text("SELECT count(*) FROM fetch_log WHERE outcome = 'error'")).scalar_one()
            rechecked = conn.execute(text("SELECT count(*) FROM fetch_log f JOIN crawl_runs r ON r.id = f.run_id "
                                          "WHERE r.id = (SELECT max(id) FROM crawl_runs) AND f.outcome = 'unchanged'"
                                          )).scalar_one()
            kept = conn.execute(text("SELECT etag, last_modified FROM url_state WHERE etag IS NOT NULL "
                                     "OR last_modified IS NOT NULL")).all()
    finally:
        engine.dispose()
    assert stored == len(stories)
    assert failed == 0
    assert rechecked == len(stories)  # the second run fetched each again and found it unchanged
    assert sorted(kept, key=str) == sorted([('"tab\there"', None), (None, "Mon, 01 Jan 2026 00:00:00 GMT")], key=str)
