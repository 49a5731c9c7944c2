"""End to end, per site: a real HTTP server on 127.0.0.1 serves the mirror, ``scrapy crawl`` stores
into a fresh SQLite file, and SQL checks what was stored."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from harvester.db.testing import sqlite_at_head
from harvester.mirror_server import bundled_mirror, resolve_path, serve_mirror
from tests.crawling import CrawlOutcome, scrapy_crawl
from tests.goldens import ORIGINS, SITES, mirror_goldens, non_articles, seed_dump

# Lines of each seed dump that are article body (1-based, SITES.md §4.7, §5.4, §6.4); every other
# non-empty line of the dump is boilerplate that must never reach a stored body.
SEED_BODY_LINES = {
    "worldofsoftware": {64, 66, 68, 70, 74, 76, 80, 82, 84, 86, 88, 90, 92, 94, 100, 102, 104, 106, 108, 110,
                        112, 114, 116, 118, 122},
    "itpostnews": {5, 7, 9, 11, 13, 15, 17},
    "budapestpost": {10, 11, *range(13, 38, 2)},
}
# A boilerplate line at least this long must not occur anywhere inside a body; shorter ones
# ("Share", "News") must not be a whole paragraph.
SUBSTRING_MIN = 20


def boilerplate_lines(site: str) -> list[str]:
    lines = seed_dump(site).split("\n")
    return [
        " ".join(line.replace("\u00a0", " ").replace("•", " ").split())
        for number, line in enumerate(lines, start=1)
        if number not in SEED_BODY_LINES[site] and line.strip()
    ]


def unique_body_phrase(paragraphs: list[str], html: str) -> str:
    """Five consecutive body words that occur exactly once in the page's HTML."""
    for paragraph in paragraphs:
        words = paragraph.split()
        for start in range(0, max(len(words) - 4, 0)):
            phrase = " ".join(words[start : start + 5])
            if html.count(phrase) == 1:
                return phrase
    raise AssertionError("no unique five-word body phrase on the page")


@dataclass
class Crawled:
    site: str
    mirror: Path
    base_url: str
    db_path: Path
    outcome: CrawlOutcome

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with closing(sqlite3.connect(self.db_path)) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module", params=SITES)
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    site = request.param
    work = tmp_path_factory.mktemp(site)
    mirror = work / "mirror"
    shutil.copytree(bundled_mirror(site), mirror)
    db_path = work / "harvest.db"
    with serve_mirror(mirror) as base_url:
        outcome = scrapy_crawl(site, base_url, sqlite_at_head(db_path), work / "run1")
        yield Crawled(site, mirror, base_url, db_path, outcome)


def test_crawl_finishes_cleanly(crawled: Crawled) -> None:
    assert crawled.outcome.returncode == 0, crawled.outcome.log[-3000:]
    assert crawled.outcome.stats.get("finish_reason") == "finished"
    assert "Traceback" not in crawled.outcome.log, crawled.outcome.log


def test_exactly_the_mirror_articles_are_stored_once(crawled: Crawled) -> None:
    expected = sorted(golden.url for golden in mirror_goldens(crawled.site))
    assert len(expected) >= 6
    stored = sorted(
        url for (url,) in crawled.rows(
            "SELECT a.url FROM articles a JOIN sites s ON s.id = a.site_id WHERE s.key = ?", crawled.site
        )
    )
    assert stored == expected


def test_stored_bodies_and_metadata_match_the_goldens(crawled: Crawled) -> None:
    for golden in mirror_goldens(crawled.site):
        rows = crawled.rows(
            "SELECT title, body_text, section, lead_image_url FROM articles WHERE url = ?", golden.url
        )
        assert len(rows) == 1, golden.url
        title, body_text, section, lead_image = rows[0]
        assert title == golden.expected["title"], golden.name
        assert body_text == golden.body_text, golden.name
        assert section == golden.expected["section"], golden.name
        assert lead_image == golden.expected["lead_image"], golden.name
        authors = [
            name for (name,) in crawled.rows(
                "SELECT au.name FROM authors au JOIN article_authors aa ON aa.author_id = au.id "
                "JOIN articles a ON a.id = aa.article_id WHERE a.url = ? ORDER BY aa.position", golden.url
            )
        ]
        assert authors == golden.expected["authors"], golden.name
        tags = sorted(
            name for (name,) in crawled.rows(
                "SELECT t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id "
                "JOIN articles a ON a.id = at.article_id WHERE a.url = ?", golden.url
            )
        )
        assert tags == sorted(golden.expected["tags"]), golden.name


def test_no_body_contains_seed_boilerplate(crawled: Crawled) -> None:
    lines = boilerplate_lines(crawled.site)
    assert lines, "seed dump has no boilerplate lines?"
    bodies = crawled.rows("SELECT url, body_text FROM articles")
    assert bodies
    for url, body in bodies:
        paragraphs = set(body.split("\n\n"))
        for line in lines:
            assert line not in paragraphs, (url, line)
            if len(line) >= SUBSTRING_MIN:
                assert line not in body, (url, line)


def test_non_article_pages_are_logged_and_counted(crawled: Crawled) -> None:
    cases = non_articles(crawled.site)
    assert {case["expect"] for case in cases} >= {"http_404", "malformed", "empty", "listing"}
    stored = {url for (url,) in crawled.rows("SELECT url FROM articles")}
    log = crawled.outcome.log
    for case in cases:
        url = ORIGINS[crawled.site] + case["path"]
        assert url not in stored, url
        assert url in log, f"{url} not logged"
        line = next(line for line in log.splitlines() if url in line and ("not an article" in line or "fetch failed" in line))
        if case["expect"] == "http_404":
            assert "[http_404]" in line
        elif case["expect"] == "listing":
            assert "[listing]" in line
        elif case["expect"] == "empty":
            assert "[empty]" in line
        elif case["expect"] in ("soft_404", "blocked", "paywall", "too_short"):
            assert f"[{case['expect']}]" in line, line
        else:
            assert any(f"[{cls}]" in line for cls in ("malformed", "empty", "too_short")), line
    assert crawled.outcome.stat("error/http_404") >= sum(c["expect"] == "http_404" for c in cases)
    non_article_count = sum(
        value for key, value in crawled.outcome.stats.items() if key.startswith("harvester/non_article/")
    )
    assert non_article_count >= sum(c["expect"] != "http_404" for c in cases)
    assert crawled.outcome.stat("non_article/listing") >= 1
    assert crawled.outcome.stat("non_article/empty") >= 1


def test_recrawl_is_idempotent_and_a_changed_page_updates_its_row(crawled: Crawled, tmp_path: Path) -> None:
    def snapshot() -> list[tuple]:
        return crawled.rows(
            "SELECT url, title, body_text, published_at, modified_at, first_seen_at FROM articles ORDER BY url"
        )

    before = snapshot()
    with serve_mirror(crawled.mirror) as base_url:
        # a full re-crawl: incremental re-checks off (tests/test_incremental.py covers them)
        again = scrapy_crawl(crawled.site, base_url, f"sqlite:///{crawled.db_path}", tmp_path / "run2",
                             "-s", "HARVESTER_INCREMENTAL=False")
        assert again.returncode == 0, again.log[-3000:]
        assert snapshot() == before
        assert again.stat("stored/new") == 0
        assert again.stat("stored/changed") == 0
        assert again.stat("stored/unchanged") == len(before)

        golden = mirror_goldens(crawled.site)[0]
        page = resolve_path(crawled.mirror, golden.path)
        assert page is not None
        html = page.read_text(encoding="utf-8")
        phrase = unique_body_phrase(golden.expected["body"], html)
        page.write_text(html.replace(phrase, "CHANGED " + phrase), encoding="utf-8")

        changed = scrapy_crawl(crawled.site, base_url, f"sqlite:///{crawled.db_path}", tmp_path / "run3",
                               "-s", "HARVESTER_INCREMENTAL=False")
        assert changed.returncode == 0, changed.log[-3000:]
    assert changed.stat("stored/changed") == 1
    assert changed.stat("stored/new") == 0
    after = snapshot()
    assert len(after) == len(before)
    (body,) = crawled.rows("SELECT body_text FROM articles WHERE url = ?", golden.url)[0]
    assert "CHANGED" in body
    assert body != golden.body_text


def test_crawl_into_an_outdated_database_stops_with_the_command_to_run(tmp_path: Path) -> None:
    from harvester.db import upgrade

    db_path = tmp_path / "old.db"
    upgrade(f"sqlite:///{db_path}", "0001")
    with serve_mirror(bundled_mirror("itpostnews")) as base_url:
        outcome = scrapy_crawl("itpostnews", base_url, f"sqlite:///{db_path}", tmp_path / "run")
    # our `scrapy crawl` checks the store first: one line naming the command, nothing crawled
    assert outcome.returncode == 1 and outcome.stats == {}
    assert "scrapy crawl: error: database at revision 0001" in outcome.log and "harvester db upgrade" in outcome.log
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (0,)
