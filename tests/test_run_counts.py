"""One vocabulary, one set of numbers: the progress line, the end-of-run summary, ``harvester runs``
and the ``crawl_runs`` row agree on every outcome of a first crawl of a mirror and of an
incremental re-crawl that sees new-to-it outcomes: 304s (not modified), pages fetched again with
the same content (unchanged), an edited article (changed), a non-article page fetched again,
known articles outside the re-check window (skipped), the page missing on purpose (failed) and a
robots.txt rule (not fetched by rule). Run with ``harvester crawl``, as cron would, on each
database. The README's recipe for articles whose text changed finds the edited one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from harvester.db import make_engine
from harvester.db.testing import backends, database_at_head_url
from harvester.mirror_server import _handler_for, bundled_mirror, resolve_path, serve, serve_mirror
from harvester.outcomes import OUTCOMES
from harvester.recipes import recipes
from tests.goldens import ORIGINS, Golden, mirror_goldens

SITE = "worldofsoftware"
CUTOFF = datetime(2025, 6, 1, tzinfo=UTC)  # articles published since then are within the re-check window
LABELS = {label: name for name, label, _ in OUTCOMES}
#: crawl_runs column of each outcome
COLUMNS = {
    "new": "articles_new", "changed": "articles_changed", "unchanged": "articles_unchanged",
    "not_modified": "articles_not_modified", "skipped": "articles_skipped", "not_article": "non_articles",
    "failed": "errors", "by_rule": "not_fetched_by_rule",
}


def window_days() -> str:
    return f"{(datetime.now(UTC) - CUTOFF).total_seconds() / 86400:.4f}"


def recent() -> list[Golden]:
    return sorted((g for g in mirror_goldens(SITE) if datetime.fromisoformat(g.expected["published"]) >= CUTOFF),
                  key=lambda g: g.name)


def described(line: str) -> dict[str, int]:
    """``"29 pages: 0 new, 7 not modified, …"`` as {"pages": 29, "new": 0, "not_modified": 7, …};
    an outcome left out of the line counts 0."""
    match = re.search(r"(\d+) pages: (.*?)(?:, [\d.]+ pages/s)? \(\w+\)$", line)
    assert match, line
    counts = {name: 0 for name in LABELS.values()} | {"pages": int(match.group(1))}
    for part in match.group(2).split(", "):
        number, label = part.split(" ", 1)
        counts[LABELS[label]] = int(number)
    return counts


@dataclass
class Run:
    id: int
    summary: dict[str, int]  # the end-of-run summary line
    progress: dict[str, int]  # the final progress line
    runs: dict[str, int]  # its line of `harvester runs`
    row: dict[str, int]  # its crawl_runs row


@dataclass
class Crawls:
    engine: Engine
    first: Run
    again: Run
    edited: Golden
    same: tuple[Golden, Golden]


def harvester(work: Path, database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database
    return subprocess.run([sys.executable, "-m", "harvester.cli", *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)


def crawl(work: Path, database: str, engine: Engine, base: str, *settings: str) -> Run:
    done = harvester(work, database, "crawl", SITE, "--base-url", f"{SITE}={base}", "-s", "DOWNLOAD_DELAY=0",
                     "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0", "-s", "HARVESTER_PROGRESS_INTERVAL=30",
                     "-s", f"HARVESTER_RECHECK_DAYS={window_days()}", *settings)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stderr.splitlines()
    summary = lines[-1]
    assert summary.startswith(f"{SITE}: ") and summary.endswith("(finished)"), summary
    progress = [line for line in lines if "[harvester.progress] INFO: progress" in line][-1]

    listing = harvester(work, database, "runs", "--site", SITE, "--last", "1")
    assert listing.returncode == 0, listing.stderr
    header, line = listing.stdout.splitlines()
    cells = dict(zip(header.split(), line.split(), strict=True))
    short = {short_name: name for name, _, short_name in OUTCOMES}
    runs = {short[key]: int(value) for key, value in cells.items() if key in short} | {"pages": int(cells["pages"])}

    with engine.connect() as conn:
        row = conn.execute(text(
            f"SELECT id, pages_fetched, {', '.join(COLUMNS.values())} FROM crawl_runs ORDER BY id DESC LIMIT 1"
        )).mappings().one()
    counts = {name: int(row[column]) for name, column in COLUMNS.items()} | {"pages": int(row["pages_fetched"])}
    assert int(cells["run"]) == row["id"]
    return Run(row["id"], described(summary), described(progress), runs, counts)


def touch_bytes(root: Path, golden: Golden) -> None:
    """The page's bytes change (so a conditional re-check gets a 200), its content does not."""
    page = resolve_path(root, golden.path)
    assert page is not None
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<!-- re-rendered --></body>"),
                    encoding="utf-8")


@pytest.fixture(scope="module", params=backends())
def crawls(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawls]:
    work = tmp_path_factory.mktemp(f"counts-{request.param}")
    database = database_at_head_url(request.param, work)
    root = work / "mirror"
    shutil.copytree(bundled_mirror(SITE), root)
    engine = make_engine(database)
    edited, same_bytes, same_content = recent()[:3]
    with serve_mirror(root) as base:
        first = crawl(work, database, engine, base)
        # between the runs: one article edited, one re-rendered (same article, other bytes), one
        # whose validators were lost (fetched in full, the very bytes stored), one non-article re-rendered
        page = resolve_path(root, edited.path)
        assert page is not None
        first_words = " ".join(edited.expected["body"][0].split()[:4])
        html = page.read_text(encoding="utf-8")
        assert html.count(first_words) == 1
        page.write_text(html.replace(first_words, "EDITED " + first_words), encoding="utf-8")
        touch_bytes(root, same_bytes)
        with engine.begin() as conn:
            conn.execute(text("UPDATE url_state SET etag = NULL, last_modified = NULL WHERE url = :url"),
                         {"url": ORIGINS[SITE] + same_content.path})
            non_article = conn.execute(text(
                "SELECT url FROM fetch_log WHERE run_id = :id AND outcome = 'not_article' ORDER BY url LIMIT 1"
            ), {"id": first.id}).scalar_one()
        page = resolve_path(root, non_article.removeprefix(ORIGINS[SITE]))
        assert page is not None, non_article
        page.write_text(page.read_text(encoding="utf-8") + "\n<!-- re-rendered -->\n", encoding="utf-8")
        again = crawl(work, database, engine, base)
    yield Crawls(engine, first, again, edited, (same_bytes, same_content))
    engine.dispose()


def test_the_recrawl_saw_every_outcome(crawls: Crawls) -> None:
    """The scenario is what it claims: each outcome of the vocabulary happened in the re-crawl."""
    again = crawls.again.summary
    assert again["new"] == 0 and again["changed"] == 1
    assert again["unchanged"] == 2  # one compared by the store, one by the bytes' hash
    assert again["not_modified"] >= 1 and again["skipped"] >= 1
    assert again["not_article"] == 1 and again["failed"] == 1 and again["by_rule"] >= 1
    with crawls.engine.connect() as conn:
        logged = dict(conn.execute(text(
            "SELECT url, outcome || '/' || coalesce(reason, '') FROM fetch_log WHERE run_id = :id"
        ), {"id": crawls.again.id}).all())
    same_bytes, same_content = crawls.same
    assert logged[ORIGINS[SITE] + crawls.edited.path] == "stored/changed"
    assert logged[ORIGINS[SITE] + same_bytes.path] == "unchanged/"
    assert logged[ORIGINS[SITE] + same_content.path] == "unchanged/content_hash"


@pytest.mark.parametrize("which", ["first", "again"])
def test_summary_progress_runs_and_crawl_runs_agree(crawls: Crawls, which: str) -> None:
    run: Run = getattr(crawls, which)
    assert run.progress == run.summary
    assert run.runs == run.summary
    assert run.row == run.summary


def test_not_modified_is_not_counted_as_unchanged(crawls: Crawls) -> None:
    with crawls.engine.connect() as conn:
        logged = dict(conn.execute(text(
            "SELECT outcome, count(*) FROM fetch_log WHERE run_id = :id AND outcome IN ('unchanged', 'not_modified') "
            "GROUP BY outcome"
        ), {"id": crawls.again.id}).all())
    assert crawls.again.row["unchanged"] == logged["unchanged"] == 2
    assert crawls.again.row["not_modified"] == logged["not_modified"] == crawls.again.summary["not_modified"]



def test_the_changed_text_recipe_finds_the_edited_article(crawls: Crawls) -> None:
    recipe = next(r for r in recipes() if r.title.startswith("Articles whose text changed"))
    with crawls.engine.connect() as conn:
        rows = conn.execute(text(recipe.sql)).all()
    assert [(row.url, row.versions) for row in rows] == [(crawls.edited.url, 2)]


@contextmanager
def serve_with_redirect(root: Path, old: str, new: str) -> Iterator[str]:
    """The mirror at ``root``, where ``old`` answers 301 to ``new``."""
    class Redirecting(_handler_for(root)):  # type: ignore[misc,valid-type]
        def do_GET(self) -> None:  # noqa: N802
            if self.path == old:
                self.send_response(301)
                self.send_header("Location", new)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            super().do_GET()

    with serve(Redirecting) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def test_urls_not_fetched_by_rule_and_a_bad_sitemap_agree_too(tmp_path: Path) -> None:
    """Over the run's article budget, an article URL that answers with a redirect (fetch_log rows
    "skipped": not fetched by rule) and a sitemap that is not one (a row "error": failed): the
    summary counts them as harvester runs and crawl_runs do."""
    database = f"sqlite:///{tmp_path / 'harvest.db'}"
    root = tmp_path / "mirror"
    shutil.copytree(bundled_mirror(SITE), root)
    (root / "wp-sitemap-posts-post-1.xml").write_text("<html><body>Not a sitemap</body></html>", encoding="utf-8")
    engine = make_engine(database)
    newest = max(mirror_goldens(SITE), key=lambda g: g.expected["published"])
    assert newest.path.endswith("/")
    try:
        with serve_with_redirect(root, newest.path, newest.path + "index.html") as base:
            run = crawl(tmp_path, database, engine, base, "-s", "HARVESTER_MAX_ARTICLES_PER_RUN=5")
        with engine.connect() as conn:
            logged = dict(conn.execute(text(
                "SELECT outcome || '/' || reason, count(*) FROM fetch_log WHERE run_id = :id "
                "AND outcome IN ('skipped', 'error') GROUP BY outcome, reason"
            ), {"id": run.id}).all())
    finally:
        engine.dispose()
    assert logged.get("skipped/redirected") == 1 and logged.get("skipped/over_budget", 0) > 0, logged
    assert logged.get("error/bad_sitemap") == 1, logged
    assert run.summary["by_rule"] == sum(n for key, n in logged.items() if key.startswith("skipped/"))
    assert run.summary["failed"] == sum(n for key, n in logged.items() if key.startswith("error/"))
    assert run.progress == run.summary
    assert run.runs == run.summary
    assert run.row == run.summary
