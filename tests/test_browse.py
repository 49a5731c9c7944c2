"""``harvester browse``: the demo store in Datasette, driven by a real headless Chromium.

Chromium comes from Debian's packages (``apt-get install chromium``); without it this test
fails, it does not skip: CI installs it.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harvester.browse import PARAMETERS, RECIPES, metadata
from harvester.recipes import recipes
from tests.conftest import DemoStore, clean_env
from tests.goldens import mirror_goldens


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is not installed (Debian: apt-get install chromium); harvester browse needs it to be tested")


def dump_dom(url: str, profile: Path) -> str:
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return html.unescape(done.stdout)


@pytest.fixture(scope="module")
def browsing(demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``harvester browse`` on the demo store, one server for the module's tests (they only read);
    yields the database's URL in Datasette."""
    assert demo_store.returncode == 0, demo_store.stderr[-2000:]
    server = subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", "browse", "--port", "0", "--database", demo_store.url],
        cwd=tmp_path_factory.mktemp("browse"), env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/\w+", first)
        assert match, first
        url = match.group(0)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + ".json", timeout=5) as answer:
                    assert answer.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, "harvester browse exited"
                assert time.monotonic() < deadline, "Datasette did not answer within 90 s"
                time.sleep(0.3)
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_search_a_mirror_article_open_it_and_read_its_body(browsing: str, tmp_path: Path) -> None:
    golden = next(g for g in mirror_goldens("itpostnews") if "heat" in g.expected["title"].lower())
    profile = tmp_path / "chromium"
    results = dump_dom(f"{browsing}/articles?_search=heat", profile)
    assert golden.expected["title"] in results
    database = browsing.rsplit("/", 1)[1]
    ids = re.findall(rf'href="/{database}/articles/(\d+)"', results)
    assert ids, results[-2000:]
    first_words = " ".join(golden.expected["body"][0].split()[:10])
    article_id = next(i for i in ids if first_words in dump_dom(f"{browsing}/articles/{i}", profile))
    # the article page: its body, its revisions, its near-duplicate cluster (a canned query)
    page = dump_dom(f"{browsing}/article?id={article_id}", profile)
    assert first_words in page and "revision 1" in page


def test_facets_and_the_readme_recipes_are_there(browsing: str, tmp_path: Path) -> None:
    page = dump_dom(f"{browsing}/article_details", tmp_path / "chromium")
    for facet in ("site", "section", "language", "authors_json", "tags_json"):
        assert f'id="facet-{facet}"' in page, facet
    assert "budapestpost" in page and "itpostnews" in page
    index = dump_dom(browsing, tmp_path / "chromium")
    for title, _ in RECIPES.values():
        assert html.unescape(title) in index, title


def datasette_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def test_author_and_tag_facets_count_each_person_and_each_tag(browsing: str, demo_store: DemoStore) -> None:
    """Datasette's facet counts (its JSON API) are the store's articles per author and per tag."""
    with sqlite3.connect(demo_store.db_path) as conn:
        expected = {
            kind: dict(conn.execute(
                f"SELECT n.name, count(DISTINCT l.article_id) FROM article_{kind}s l JOIN {kind}s n ON n.id = l.{kind}_id "
                "GROUP BY n.name"
            ).fetchall())
            for kind in ("author", "tag")
        }
        several = conn.execute(
            "SELECT article_id FROM article_authors GROUP BY article_id HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
        tagged = conn.execute("SELECT count(*) FROM article_tags GROUP BY article_id HAVING count(*) > 1").fetchall()
    assert several and tagged, "the demo store has articles with two or more authors, and with two or more tags"
    page = datasette_json(f"{browsing}/article_details.json?_size=0&_facet_size=max")
    facets = {name: {row["value"]: row["count"] for row in facet["results"]}
              for name, facet in page["facet_results"].items()}
    assert facets["authors_json"] == expected["author"]
    assert facets["tags_json"] == expected["tag"]
    assert page["facet_results"]["authors_json"]["type"] == "array"
    # choosing a person lists the articles they wrote, also those written with someone else
    (article_id,) = several
    with sqlite3.connect(demo_store.db_path) as conn:
        names = [name for (name,) in conn.execute(
            "SELECT n.name FROM article_authors l JOIN authors n ON n.id = l.author_id WHERE l.article_id = ? "
            "ORDER BY l.position", (article_id,))]
    chosen = urllib.parse.quote(names[-1])
    rows = datasette_json(f"{browsing}/article_details.json?authors_json__arraycontains={chosen}&_shape=array")
    assert article_id in {row["article_id"] for row in rows}
    assert len(rows) == expected["author"][names[-1]]


def test_the_canned_queries_are_the_recipes_that_run_on_sqlite() -> None:
    """One source: harvester/recipes.sql (the README shows it, tests/test_readme_recipes.py)."""
    on_sqlite = [recipe for recipe in recipes() if "sqlite" in recipe.dialects]
    assert [title for title, _ in RECIPES.values()] == [recipe.title for recipe in on_sqlite]
    assert len(on_sqlite) == len(recipes()) - 1  # all but PostgreSQL's search
    for recipe, (_, sql) in zip(on_sqlite, RECIPES.values()):
        if recipe.name in PARAMETERS:  # the search takes its words as a :words parameter
            example, parameter = PARAMETERS[recipe.name]
            assert sql == recipe.sql.replace(example, parameter) and parameter in sql, recipe.title
        else:
            assert sql == recipe.sql, recipe.title
    named = metadata("harvest")["databases"]["harvest"]["queries"]
    assert set(named) >= {"article"} | set(RECIPES)


def test_postgresql_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harvester.cli", "browse", "--database", "postgresql://u@127.0.0.1:1/db"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "SQLite stores only" in done.stderr
    assert os.listdir(tmp_path) == []
