"""Full-text search: the index follows the articles table; ranking, snippets and filters."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from harvester.db import ArticleStore
from harvester.db.search import HIGHLIGHT, search
from harvester.db.testing import backends
from harvester.extraction.model import Article
from tests.stores import fresh_store

REPO_ROOT = Path(__file__).resolve().parents[1]
AT = datetime(2025, 6, 1, tzinfo=timezone.utc)


def art(slug: str, title: str, body: list[str], published: datetime | None = None) -> Article:
    return Article(url=f"https://example.org/{slug}", title=title, body=body, published=published)


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[ArticleStore]:
    with fresh_store(backend, tmp_path) as store:
        store.save("budapestpost", art("river", "Danube floods reach Budapest", ["The river rose overnight and flooded the embankment."],
                                       datetime(2025, 5, 1, tzinfo=timezone.utc)), fetched_url="https://example.org/river", fetched_at=AT)
        store.save("budapestpost", art("budget", "Parliament passes budget", ["Spending on flood defences along the river doubles."],
                                       datetime(2025, 1, 10, tzinfo=timezone.utc)), fetched_url="https://example.org/budget", fetched_at=AT)
        store.save("itpostnews", art("chips", "Chipmakers brace for a volatile quarter", ["Memory prices keep falling."]),
                   fetched_url="https://example.org/chips", fetched_at=AT)
        yield store


def urls(store: ArticleStore, query: str, **filters: object) -> list[str]:
    return [hit.url.rsplit("/", 1)[1] for hit in search(store.engine, query, **filters)]  # type: ignore[arg-type]


def test_ranked_matches_with_snippets(store: ArticleStore) -> None:
    hits = search(store.engine, "flood river")
    assert [h.url.rsplit("/", 1)[1] for h in hits] == ["river", "budget"]  # title match ranks first
    assert hits[0].rank > hits[1].rank
    assert all(f"{HIGHLIGHT[0]}" in h.snippet and HIGHLIGHT[1] in h.snippet for h in hits)
    assert hits[0].site == "budapestpost" and hits[0].published_at == datetime(2025, 5, 1, tzinfo=timezone.utc)


def test_stemming_and_every_word_required(store: ArticleStore) -> None:
    assert urls(store, "flooding") == ["river", "budget"]  # flood, floods, flooded
    assert urls(store, "river memory") == []
    assert urls(store, "  ¿?* ") == []
    assert urls(store, 'price "OR" NEAR(') == []  # operators are plain words, never syntax errors


def test_site_and_since_filters(store: ArticleStore) -> None:
    assert urls(store, "river", site="itpostnews") == []
    assert urls(store, "river", since=datetime(2025, 3, 1, tzinfo=timezone.utc)) == ["river"]
    # Undated articles count from when they were first seen.
    assert urls(store, "memory", since=datetime(2025, 5, 31, tzinfo=timezone.utc)) == ["chips"]
    assert urls(store, "memory", since=datetime(2025, 6, 2, tzinfo=timezone.utc)) == []


def test_the_index_follows_updates_and_deletes(store: ArticleStore) -> None:
    store.save("itpostnews", art("chips", "Chipmakers brace for a volatile quarter", ["Storage prices keep falling."]),
               fetched_url="https://example.org/chips", fetched_at=AT)
    assert urls(store, "memory") == []
    assert urls(store, "storage") == ["chips"]
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE url = 'https://example.org/river'"))
    assert urls(store, "river") == ["budget"]
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:  # FTS5's own consistency check
            conn.execute(text("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')"))


def test_search_command_prints_ranked_results(store: ArticleStore, backend: str, tmp_path: Path) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARVESTER_")} | {"HARVESTER_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "harvester.cli", "search", "flood", "--since", "2025-01-01"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "1. Danube floods reach Budapest"
    assert lines[1].strip() == "budapestpost · 2025-05-01 · https://example.org/river"
    assert HIGHLIGHT[0] in lines[2]
    assert "2. Parliament passes budget" in lines
    assert done.stderr.strip() == "2 matches"
