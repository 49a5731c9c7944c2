"""Every SQL recipe in the README runs on each database and answers its question."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from harvester.db import ArticleStore, FetchedArticle, RawResponse
from harvester.db.batch import write_batch
from harvester.db.runs import NOT_ARTICLE, FetchOutcome, finish_run, start_run
from harvester.db.testing import backends
from tests.goldens import SITES, mirror_goldens
from tests.stores import extracted, fresh_store

README = Path(__file__).resolve().parents[1] / "README.md"
AT = datetime(2025, 10, 1, tzinfo=timezone.utc)


def recipes() -> list[str]:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("<!-- recipes:start -->", 1)[1].split("<!-- recipes:end -->", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def runs_on(recipe: str, dialect: str) -> bool:
    first = recipe.splitlines()[0]
    if "SQLite:" in first:
        return dialect == "sqlite"
    if "PostgreSQL:" in first:
        return dialect == "postgresql"
    return True


@pytest.fixture(scope="module", params=backends())
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArticleStore]:
    with fresh_store(request.param, tmp_path_factory.mktemp("recipes")) as store:
        run_id = start_run(store.engine, "itpostnews", AT)
        entries: list[FetchedArticle | FetchOutcome] = []
        for site in SITES:
            for golden in mirror_goldens(site):
                article, body, url = extracted(golden)
                entries.append(FetchedArticle(site, article, url, AT, RawResponse(body)))
        entries.append(FetchOutcome("https://itpostnews.com/news/this-week-in-enterprise-tech/default.htm", AT,
                                    NOT_ARTICLE, "listing", "teasers", 200, 100))
        write_batch(store, run_id, entries)
        finish_run(store.engine, run_id, finished_at=AT, status="finished", pages_fetched=len(entries))
        yield store


def test_the_readme_has_the_recipes() -> None:
    found = recipes()
    assert len(found) >= 10
    for topic in ("per site per day", "What changed", "An author's articles", "Near-duplicate clusters", "Search, SQLite",
                  "Search, PostgreSQL"):
        assert any(topic in recipe for recipe in found), topic


@pytest.mark.parametrize("number", range(len(recipes())))
def test_recipe_runs_and_returns_rows(store: ArticleStore, number: int) -> None:
    recipe = recipes()[number]
    dialect = store.engine.dialect.name
    if not runs_on(recipe, dialect):
        assert dialect in ("sqlite", "postgresql")  # the other database's search syntax
        return
    with store.engine.connect() as conn:
        rows = conn.execute(text(recipe.strip().rstrip(";"))).all()
    assert rows, recipe.splitlines()[0]


def test_near_duplicate_recipe_finds_the_syndicated_pair(store: ArticleStore) -> None:
    recipe = next(r for r in recipes() if r.startswith("-- Near-duplicate clusters"))
    with store.engine.connect() as conn:
        rows = conn.execute(text(recipe.strip().rstrip(";"))).all()
    assert sorted(row.site for row in rows) == ["budapestpost", "itpostnews"]
    assert len({row.cluster_id for row in rows}) == 1
