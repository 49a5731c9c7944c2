"""Incremental re-crawls on each database: a second run of an unchanged mirror re-checks only the
known articles within the window (conditional requests, 304), fetches none beyond it and writes
no revision; without validators an unchanged body is recognised by its hash; a changed article
within the window is picked up, one outside it is not fetched."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from harvester.db import make_engine
from harvester.db.testing import backends, database_at_head_url
from harvester.db.urlstate import KnownUrl
from harvester.incremental import Window, conditional_headers, recheck_outcome
from harvester.mirror_server import bundled_mirror, resolve_path, serve_mirror
from tests.crawling import CrawlOutcome, scrapy_crawl
from tests.goldens import ORIGINS, Golden, mirror_goldens

SITE = "worldofsoftware"
CUTOFF = datetime(2025, 6, 1, tzinfo=UTC)  # articles published since then are within the window


def published(golden: Golden) -> datetime:
    return datetime.fromisoformat(golden.expected["published"])


def window_days() -> str:
    return f"{(datetime.now(UTC) - CUTOFF).total_seconds() / 86400:.4f}"


@dataclass
class Mirror:
    url: str
    engine: Engine
    root: Path
    base: str
    work: Path
    first: CrawlOutcome

    def crawl(self, name: str) -> CrawlOutcome:
        outcome = scrapy_crawl(SITE, self.base, self.url, self.work / name, "-s", f"HARVESTER_RECHECK_DAYS={window_days()}")
        assert outcome.returncode == 0, outcome.log[-3000:]
        return outcome

    def rows(self, sql: str, **params: object) -> list[tuple]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]

    def article_log(self, run_id: int) -> dict[str, tuple[str, str | None]]:
        """What became of every article URL (not discovery pages, not failed fetches) in a run."""
        return {
            url: (outcome, reason)
            for url, outcome, reason in self.rows(
                "SELECT url, outcome, reason FROM fetch_log WHERE run_id = :id AND outcome NOT IN ('discovery', 'error', 'skipped')",
                id=run_id,
            )
        }


@pytest.fixture(scope="module", params=backends())
def mirror(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mirror]:
    work = tmp_path_factory.mktemp(f"incremental-{request.param}")
    url = database_at_head_url(request.param, work)
    root = work / "mirror"
    shutil.copytree(bundled_mirror(SITE), root)
    engine = make_engine(url)
    with serve_mirror(root) as base:
        first = scrapy_crawl(SITE, base, url, work / "first")
        assert first.returncode == 0, first.log[-3000:]
        yield Mirror(url, engine, root, base, work, first)
    engine.dispose()


def goldens() -> tuple[list[Golden], list[Golden]]:
    all_goldens = mirror_goldens(SITE)
    recent = [g for g in all_goldens if published(g) >= CUTOFF]
    old = [g for g in all_goldens if published(g) < CUTOFF]
    assert recent and old  # the mirror has articles on both sides of the cutoff
    return recent, old


def test_a_second_run_rechecks_only_the_window_with_conditional_requests(mirror: Mirror) -> None:
    recent, old = goldens()
    first_log = mirror.article_log(mirror.first.stats["harvester/crawl_run_id"])
    non_articles = {url for url, (outcome, _) in first_log.items() if outcome == "not_article"}
    assert non_articles  # the mirror has non-article pages: known too, first seen now
    revisions = mirror.rows("SELECT count(*) FROM article_revisions")[0][0]
    seen = dict(mirror.rows("SELECT url, last_seen_at FROM articles"))

    again = mirror.crawl("again")
    log = mirror.article_log(again.stats["harvester/crawl_run_id"])
    for golden in recent:
        assert log[ORIGINS[SITE] + golden.path] == ("not_modified", "http_304"), golden.name
    for golden in old:  # no article body fetched beyond the window
        assert ORIGINS[SITE] + golden.path not in log, golden.name
    assert {url for url in log if url not in {ORIGINS[SITE] + g.path for g in recent}} == non_articles
    assert again.stat("incremental/skipped_known") == len(old)
    assert again.stat("incremental/rechecked") == again.stat("incremental/not_modified") == len(recent) + len(non_articles)
    assert again.stat("articles_extracted") == 0
    # discovery pages are fetched again; nothing but the fetch log is written for the articles
    assert mirror.rows("SELECT count(*) FROM fetch_log WHERE run_id = :id AND outcome = 'discovery'",
                       id=again.stats["harvester/crawl_run_id"])[0][0] > 0
    assert mirror.rows("SELECT count(*) FROM article_revisions")[0][0] == revisions
    assert dict(mirror.rows("SELECT url, last_seen_at FROM articles")) == seen
    ((not_modified, unchanged, new, changed),) = mirror.rows(
        "SELECT articles_not_modified, articles_unchanged, articles_new, articles_changed FROM crawl_runs WHERE id = :id",
        id=again.stats["harvester/crawl_run_id"],
    )
    assert (not_modified, unchanged, new, changed) == (len(log), 0, 0, 0)  # 304s are not "unchanged"


def test_without_validators_an_unchanged_body_is_recognised_by_its_hash(mirror: Mirror) -> None:
    recent, _ = goldens()
    with mirror.engine.begin() as conn:
        conn.execute(text("UPDATE url_state SET etag = NULL, last_modified = NULL"))
    revisions = mirror.rows("SELECT count(*) FROM article_revisions")[0][0]
    hashed = mirror.crawl("hashed")
    log = mirror.article_log(hashed.stats["harvester/crawl_run_id"])
    for golden in recent:
        assert log[ORIGINS[SITE] + golden.path] == ("unchanged", "content_hash"), golden.name
    assert hashed.stat("incremental/not_modified") == 0 and hashed.stat("articles_extracted") == 0
    assert mirror.rows("SELECT count(*) FROM article_revisions")[0][0] == revisions


def edit(mirror: Mirror, golden: Golden) -> None:
    page = resolve_path(mirror.root, golden.path)
    assert page is not None
    html = page.read_text(encoding="utf-8")
    first_words = " ".join(golden.expected["body"][0].split()[:4])
    assert html.count(first_words) == 1, golden.name
    page.write_text(html.replace(first_words, "EDITED " + first_words), encoding="utf-8")


def test_a_changed_article_within_the_window_is_picked_up(mirror: Mirror) -> None:
    recent, old = goldens()
    newest, oldest = max(recent, key=published), min(old, key=published)
    edit(mirror, newest)
    edit(mirror, oldest)
    revisions = mirror.rows("SELECT count(*) FROM article_revisions")[0][0]
    changed = mirror.crawl("changed")
    log = mirror.article_log(changed.stats["harvester/crawl_run_id"])
    assert log[ORIGINS[SITE] + newest.path] == ("stored", "changed")
    assert ORIGINS[SITE] + oldest.path not in log  # outside the window: not re-checked
    assert changed.stat("stored/changed") == 1
    assert mirror.rows("SELECT count(*) FROM article_revisions")[0][0] == revisions + 1
    bodies = mirror.rows(
        "SELECT a.url, r.body_text FROM article_revisions r JOIN articles a ON a.id = r.article_id "
        "WHERE r.revision_no = 2"
    )
    assert [(url, "EDITED" in body) for url, body in bodies] == [(newest.url, True)]


def test_opting_out_fetches_every_article(mirror: Mirror) -> None:
    outcome = scrapy_crawl(SITE, mirror.base, mirror.url, mirror.work / "full", "-s", "HARVESTER_INCREMENTAL=False")
    assert outcome.returncode == 0, outcome.log[-3000:]
    assert outcome.stat("articles_extracted") == len(mirror_goldens(SITE))
    assert outcome.stat("incremental/skipped_known") == 0


def known(at: datetime, etag: str | None = '"abc"', modified: str | None = None, sha: str | None = None) -> KnownUrl:
    return KnownUrl("https://example.com/a", etag, modified, sha, at, "stored")


def test_window_and_priority_put_newer_rechecks_first() -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)
    window = Window(3, now)
    assert window.contains(known(datetime(2026, 1, 8, tzinfo=UTC)))
    assert not window.contains(known(datetime(2026, 1, 6, tzinfo=UTC)))
    newer, older = window.priority(known(datetime(2026, 1, 9, tzinfo=UTC))), window.priority(known(datetime(2026, 1, 8, tzinfo=UTC)))
    assert 0 > newer > older


def test_conditional_headers_and_recheck_outcomes() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert conditional_headers(known(at, '"v1"', "Thu, 01 Jan 2026 00:00:00 GMT")) == {
        "If-None-Match": '"v1"', "If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT",
    }
    assert conditional_headers(known(at, None, None)) == {}
    import hashlib

    body = b"<html>same</html>"
    sha = hashlib.sha256(body).hexdigest()
    assert recheck_outcome(304, b"", sha) == "not_modified"
    assert recheck_outcome(200, body, sha) == "unchanged"
    assert recheck_outcome(200, body + b" ", sha) is None
    assert recheck_outcome(200, body, None) is None
