"""The ``harvester`` command, run as a user runs it (a subprocess)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from harvester.mirror_server import bundled_mirror, resolve_path
from tests.conftest import DemoStore
from tests.goldens import ORIGINS, SITES, mirror_goldens

REPO_ROOT = Path(__file__).resolve().parents[1]


def harvester(*args: str, cwd: Path, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    if database_url:
        env["HARVESTER_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "harvester.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )


def test_demo_stores_every_mirror_article_of_all_sites(demo_store: DemoStore) -> None:
    db_path = demo_store.db_path
    assert demo_store.returncode == 0, demo_store.stderr[-3000:]
    assert db_path.exists(), "demo did not use the default sqlite:///harvest.db in the working directory"
    with closing(sqlite3.connect(db_path)) as db:
        counts = dict(db.execute("SELECT s.key, count(*) FROM articles a JOIN sites s ON s.id = a.site_id GROUP BY s.key"))
    assert counts == {site: len(mirror_goldens(site)) for site in SITES}
    for site in SITES:
        row = next(line for line in demo_store.stdout.splitlines() if line.startswith(site))
        assert row.split()[1] == str(counts[site])
    assert "SELECT" in demo_store.stdout
    # the mirrors hold every page their pages link to: only the one page missing on purpose fails
    for site in SITES:
        line = next(line for line in demo_store.stderr.splitlines() if line.startswith(f"{site}: "))
        assert ", 1 failed" in line and line.endswith("(finished)"), line


def test_demo_twice_leaves_the_same_rows(demo_store: DemoStore, tmp_path: Path) -> None:
    db_path = tmp_path / "harvest.db"
    shutil.copyfile(demo_store.db_path, db_path)
    with closing(sqlite3.connect(db_path)) as db:
        before = db.execute("SELECT url, content_hash FROM articles ORDER BY url").fetchall()
    again = harvester("demo", cwd=db_path.parent)
    assert again.returncode == 0, again.stderr[-3000:]
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("SELECT url, content_hash FROM articles ORDER BY url").fetchall() == before


def test_export_jsonl_and_csv(demo_store: DemoStore, tmp_path: Path) -> None:
    url = demo_store.url
    jsonl = harvester("export", "--format", "jsonl", "--site", "worldofsoftware", cwd=tmp_path, database_url=url)
    assert jsonl.returncode == 0, jsonl.stderr
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert sorted(r["url"] for r in records) == sorted(g.url for g in mirror_goldens("worldofsoftware"))
    assert all(r["site"] == "worldofsoftware" for r in records)
    out = tmp_path / "all.csv"
    exported = harvester("export", "--format", "csv", "--output", str(out), cwd=tmp_path, database_url=url)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == sum(len(mirror_goldens(site)) for site in SITES)
    assert {"url", "title", "authors", "published", "body"} <= set(rows[0])


@pytest.mark.parametrize("site", SITES)
def test_extract_prints_the_golden_article(site: str, tmp_path: Path) -> None:
    golden = mirror_goldens(site)[0]
    page = resolve_path(bundled_mirror(site), golden.path)
    assert page is not None
    result = harvester("extract", str(page), "--url", ORIGINS[site] + golden.path, "--site", site, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["page_class"] == "article"
    assert record["url"] == golden.url
    assert record["title"] == golden.expected["title"]
    assert record["body"] == golden.expected["body"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("extract", "missing.html", "--url", "https://example.org/a"), "cannot read missing.html"),
        (("extract", "page.html", "--url", "https://example.org/a", "--site", "nosuchsite"), "unknown site 'nosuchsite'"),
    ],
)
def test_errors_are_one_line_and_non_zero(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    result = harvester(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("harvester: error:") and message in lines[0]


def test_outdated_database_gets_a_clear_error_naming_the_command(tmp_path: Path) -> None:
    from harvester.db import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    result = harvester("export", cwd=tmp_path, database_url=url)
    assert result.returncode != 0
    assert "harvester db upgrade" in result.stderr
    assert "Traceback" not in result.stderr
    fixed = harvester("db", "upgrade", cwd=tmp_path, database_url=url)
    assert fixed.returncode == 0, fixed.stderr
    assert harvester("export", cwd=tmp_path, database_url=url).returncode == 0
