"""Every SQL recipe in the README runs on each database and answers its question; the README
shows exactly the recipes of ``harvester/recipes.sql`` (which ``harvester browse`` serves)."""

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
from harvester.recipes import Recipe
from harvester.recipes import recipes as packaged_recipes
from tests.goldens import SITES, Golden, mirror_goldens
from tests.stores import extracted, fresh_store, mirror_page

README = Path(__file__).resolve().parents[1] / "README.md"
AT = datetime(2025, 10, 1, tzinfo=timezone.utc)
LATER = datetime(2025, 10, 2, tzinfo=timezone.utc)


def readme_recipes() -> list[str]:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("<!-- recipes:start -->", 1)[1].split("<!-- recipes:end -->", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def recipes() -> list[str]:
    return [recipe.text for recipe in packaged_recipes()]


def runs_on(recipe: str, dialect: str) -> bool:
    return dialect in Recipe(recipe.splitlines()[0][3:], recipe).dialects


def edited(golden: Golden) -> bytes:
    """The golden's mirror page with its first paragraph changed."""
    html = mirror_page(golden).decode("utf-8")
    first_words = " ".join(golden.expected["body"][0].split()[:4])
    assert html.count(first_words) == 1, golden.name
    return html.replace(first_words, "CORRECTED " + first_words).encode("utf-8")


def changed_and_unchanged() -> tuple[Golden, Golden]:
    """Two itpostnews articles: the first is stored again with an edited text, the second as it was."""
    first, second = mirror_goldens("itpostnews")[:2]
    return first, second


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
        # a day later: one article's text was corrected, another is fetched again as it was
        changed, unchanged = changed_and_unchanged()
        article, body, url = extracted(changed, edited(changed))
        again, same_body, same_url = extracted(unchanged)
        report = write_batch(store, run_id, [FetchedArticle("itpostnews", article, url, LATER, RawResponse(body)),
                                             FetchedArticle("itpostnews", again, same_url, LATER, RawResponse(same_body))])
        assert [outcome.result for _, outcome in report.saved] == ["changed", "unchanged"]
        finish_run(store.engine, run_id, finished_at=AT, status="finished", pages_fetched=len(entries))
        yield store


def test_the_readme_shows_the_packaged_recipes_verbatim() -> None:
    assert readme_recipes() == recipes()


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


def test_changed_text_recipe_lists_only_articles_with_more_than_one_text(store: ArticleStore) -> None:
    recipe = next(r for r in packaged_recipes() if r.title.startswith("Articles whose text changed"))
    changed, unchanged = changed_and_unchanged()
    with store.engine.connect() as conn:
        rows = conn.execute(text(recipe.sql)).all()
        revisions = dict(conn.execute(text(
            "SELECT a.url, count(*) FROM articles a JOIN article_revisions r ON r.article_id = a.id GROUP BY a.url"
        )).all())
    assert revisions[unchanged.url] == 1 and revisions[changed.url] == 2  # the store wrote what it should
    assert len(revisions) > 2  # every other article is there too, with one revision
    assert [(row.url, row.versions) for row in rows] == [(changed.url, 2)]
