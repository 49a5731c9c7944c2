"""Re-extraction over the raw archive: no network, revisions only where the output changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text

from harvester.db import ArticleStore
from harvester.db.reextract import Extractor, reextract
from harvester.db.tables import ARTICLES
from harvester.db.testing import backends
from harvester.extraction import Article, ExtractionResult, extract
from harvester.extraction.registry import site_rules
from tests.goldens import mirror_goldens
from tests.stores import fresh_store, rows, save_golden, scalar

FIRST = datetime(2025, 9, 1, tzinfo=timezone.utc)
LATER = datetime(2025, 9, 10, tzinfo=timezone.utc)
SITES = ("itpostnews", "budapestpost")


@pytest.fixture(params=backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleStore]:
    with fresh_store(request.param, tmp_path) as store:
        for site in SITES:
            for golden in mirror_goldens(site):
                save_golden(store, golden, FIRST if site == "itpostnews" else LATER)
        yield store


def current(site: str, html: bytes, url: str) -> ExtractionResult:
    return extract(html, url, site_rules(site))


def changed_for(target_url: str, **changes: object) -> Extractor:
    """The current extractor, except that the article at ``target_url`` comes out changed."""

    def extractor(site: str, html: bytes, url: str) -> ExtractionResult:
        result = current(site, html, url)
        if isinstance(result, Article) and result.url == target_url:
            return replace(result, **changes)  # type: ignore[arg-type]
        return result

    return extractor


def test_the_same_extractor_changes_nothing(store: ArticleStore) -> None:
    before = rows(store.engine, "SELECT url, content_hash, last_changed_at, last_seen_at FROM articles ORDER BY url")
    report = reextract(store, current)
    assert report.examined == len(before) and report.examined >= 14
    assert (report.changed, report.revisions, report.refused) == (0, 0, [])
    assert rows(store.engine, "SELECT url, content_hash, last_changed_at, last_seen_at FROM articles ORDER BY url") == before
    assert scalar(store.engine, "SELECT count(*) FROM article_revisions") == len(before)


def test_a_changed_body_writes_one_revision_from_the_same_raw_page(store: ArticleStore) -> None:
    target = mirror_goldens("budapestpost")[0]
    body = [*target.expected["body"][:-1], "A paragraph the new extractor finds."]
    report = reextract(store, changed_for(target.url, body=body))
    assert (report.changed, report.revisions, report.changed_urls) == (1, 1, [target.url])
    history = rows(
        store.engine,
        "SELECT r.revision_no, r.origin, r.raw_page_id, r.body_text FROM article_revisions r "
        "JOIN articles a ON a.id = r.article_id WHERE a.url = :url ORDER BY r.revision_no",
        url=target.url,
    )
    assert [(no, origin) for no, origin, _, _ in history] == [(1, "crawl"), (2, "reextract")]
    assert history[0][2] == history[1][2]  # no new page: the archived one was re-read
    assert history[1][3].endswith("A paragraph the new extractor finds.")
    with store.engine.connect() as conn:
        seen = conn.execute(
            select(ARTICLES.c.last_seen_at, ARTICLES.c.last_changed_at).where(ARTICLES.c.url == target.url)
        ).one()
    assert seen[0] == LATER  # re-extraction is not a visit
    assert seen[1] > LATER
    assert reextract(store, changed_for(target.url, body=body)).changed == 0  # and again: nothing


def test_changed_metadata_only_updates_without_a_revision(store: ArticleStore) -> None:
    target = mirror_goldens("itpostnews")[0]
    report = reextract(store, changed_for(target.url, tags=["Re-tagged"]))
    assert (report.changed, report.revisions) == (1, 0)
    assert rows(store.engine, "SELECT r.tags FROM article_revisions r JOIN articles a ON a.id = r.article_id "
                              "WHERE a.url = :url", url=target.url) == [('["Re-tagged"]',)]


def test_site_and_since_select_what_is_re_extracted(store: ArticleStore) -> None:
    everything = changed_for("", title="unused")
    assert reextract(store, everything, site="itpostnews").examined == len(mirror_goldens("itpostnews"))
    assert reextract(store, everything, since=datetime(2025, 9, 5, tzinfo=timezone.utc)).examined == len(
        mirror_goldens("budapestpost")
    )


def test_a_page_that_is_no_longer_an_article_is_kept_as_stored(store: ArticleStore) -> None:
    from harvester.extraction import NonArticle, PageClass

    def refuses(site: str, html: bytes, url: str) -> ExtractionResult:
        return NonArticle(url, PageClass.TOO_SHORT, "too short")

    report = reextract(store, refuses, site="budapestpost")
    assert report.changed == 0 and len(report.refused) == len(mirror_goldens("budapestpost"))
    assert all("not an article now" in why for _, why in report.refused)


def test_reextract_command_restores_what_an_older_extractor_stored(store: ArticleStore, tmp_path: Path) -> None:
    """The stored output of one article is made to differ from what today's extractor gives
    (as an older extractor would have left it); the command re-extracts, offline."""
    target = mirror_goldens("itpostnews")[1]
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE articles SET body_text = 'old output', content_hash = 'old' WHERE url = :url"), {"url": target.url}
        )
    url = store.engine.url.render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARVESTER_")} | {
        "HARVESTER_DATABASE_URL": url,
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",  # any fetch would fail
    }
    done = subprocess.run(
        [sys.executable, "-m", "harvester.cli", "reextract", "--site", "itpostnews"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 articles changed (1 new revisions) of "), done.stdout
    ((body,),) = rows(store.engine, "SELECT body_text FROM articles WHERE url = :url", url=target.url)
    assert body == target.body_text
