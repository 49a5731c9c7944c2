"""Redirect chains (harvester.redirects): a chain may come back once to one of its URLs (a consent
gate, see tests/test_cookies.py); a loop ends at its second return, as ``redirect_loop``."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from harvester.db.testing import sqlite_at_head
from tests.crawling import scrapy_crawl
from tests.hostile.server import HostileServer, Route, html_route

LOOP_A, LOOP_B = "/news/2026/04/01/loop-a/", "/news/2026/04/01/loop-b/"


def test_a_two_url_loop_ends_at_its_second_return(tmp_path: Path) -> None:
    """A -> B -> A is let through (a gate sends the reader back), A -> B -> A -> B -> A is not:
    each URL is requested twice, not until REDIRECT_MAX_TIMES (the one return let past the
    duplicate filter used to be handed down the rest of the chain: ten hops)."""
    server = HostileServer()
    server.routes[LOOP_A] = Route("redirect", 302, location=LOOP_B)
    server.routes[LOOP_B] = Route("redirect", 302, location=LOOP_A)
    database = sqlite_at_head(tmp_path / "loop.db")
    with server:
        base = server.base_url
        server.routes["/sitemap.xml"] = html_route(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}{LOOP_A}</loc></url></urlset>", content_type="application/xml")
        done = scrapy_crawl("news", base, database, tmp_path, site_arg=True)
        hits = list(server.hits)
    assert done.returncode == 0, done.log[-2000:]
    assert (hits.count(LOOP_A), hits.count(LOOP_B)) == (2, 2), hits
    with closing(sqlite3.connect(database.removeprefix("sqlite:///"))) as conn:
        rows = conn.execute("SELECT url, outcome, reason FROM fetch_log WHERE url LIKE '%loop-%'").fetchall()
    assert rows == [(base + LOOP_A, "error", "redirect_loop")]
