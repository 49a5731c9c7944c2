"""End to end: the generic spider crawls a site whose every article carries the same disclaimer
and box (no rule names them) and stores none of it, keeps the quote two articles share, and lists
what it learned in ``site_boilerplate`` (real ``scrapy crawl news -a site=...``, real server on
127.0.0.1, real SQLite file).

This needs the store writer to pass each article through ``HoldBack`` and save its knowledge
(``harvester.db.boilerplate.save_site_blocks``): until that wiring lands it fails, by design.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from harvester.db.testing import sqlite_at_head
from harvester.extraction.learned import block_key
from harvester.mirror_server import serve_mirror
from tests.boilerplate_site import BOX_HEADING, BOX_TEXT, DISCLAIMER, QUOTE, QUOTED_ARTICLES, BoilerplateSite
from tests.crawling import scrapy_crawl


def test_generic_crawl_stores_no_learned_boilerplate_and_keeps_a_shared_quote(tmp_path: Path) -> None:
    site = BoilerplateSite()
    site.write(tmp_path / "site")
    db_path = tmp_path / "harvest.db"
    with serve_mirror(tmp_path / "site") as base_url:
        outcome = scrapy_crawl("news", base_url, sqlite_at_head(db_path), tmp_path / "run", site_arg=True)
    assert outcome.returncode == 0, outcome.log[-3000:]
    with closing(sqlite3.connect(db_path)) as db:
        bodies = dict(db.execute("SELECT url, body_text || ' ' || body_html FROM articles"))
        learned = db.execute(
            "SELECT s.key, b.block_key, b.position, b.sample_text, b.pages_seen "
            "FROM site_boilerplate b JOIN sites s ON s.id = b.site_id ORDER BY b.pages_seen DESC"
        ).fetchall()
        pages = db.execute("SELECT count(*) FROM site_boilerplate_pages").fetchone()[0]
    assert set(bodies) == {base_url + path for path in site.articles}
    for url, text in bodies.items():
        for boilerplate in (DISCLAIMER, BOX_TEXT, BOX_HEADING, "Riverside Ledger newsroom"):
            assert boilerplate not in text, (url, boilerplate)
    for n, path in enumerate(site.articles):
        assert (QUOTE in bodies[base_url + path]) == (n in QUOTED_ARTICLES), path
    site_key = base_url.split("//", 1)[1]
    by_text = {sample: (key, position, seen, host) for host, key, position, sample, seen in learned}
    assert by_text[DISCLAIMER] == (block_key(DISCLAIMER), "tail", 12, site_key)
    assert by_text[BOX_TEXT][2] == 12 and by_text[BOX_HEADING][2] == 12
    assert by_text[QUOTE][2] == 2  # stored as seen twice, and not boilerplate
    assert pages == 12
