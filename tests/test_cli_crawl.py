"""``harvester crawl`` and ``harvester runs``: one run for cron or a systemd timer, exit codes and
one-line failures, progress lines when not on a terminal, and the run history table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harvester.db import upgrade
from harvester.mirror_server import bundled_mirror, serve_mirror
from harvester.progress import Snapshot
from tests.goldens import mirror_goldens

SITE = "itpostnews"


def harvester(tmp_path: Path, *args: str, database: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database or f"sqlite:///{tmp_path / 'harvest.db'}"
    return subprocess.run([sys.executable, "-m", "harvester.cli", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_crawl_stores_a_mirror_with_progress_lines_and_runs_shows_it(tmp_path: Path) -> None:
    with serve_mirror(bundled_mirror(SITE)) as base:
        done = harvester(tmp_path, "crawl", SITE, "--base-url", f"{SITE}={base}", "-s", "DOWNLOAD_DELAY=0",
                         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "HARVESTER_PROGRESS_INTERVAL=0.2")
    assert done.returncode == 0, done.stderr[-3000:]
    progress = [line for line in done.stderr.splitlines() if "[harvester.progress] INFO: progress" in line]
    assert len(progress) >= 2, done.stderr[-3000:]  # periodic lines, then the final one
    goldens = len(mirror_goldens(SITE))
    assert f"{goldens} articles stored ({goldens} new, 0 changed)" in progress[-1] and progress[-1].endswith("(finished)")
    assert "\r" not in done.stderr  # no terminal line rewriting when not on a terminal
    assert f"{SITE}: " in done.stderr.splitlines()[-1] and f"{goldens} new" in done.stderr.splitlines()[-1]

    runs = harvester(tmp_path, "runs", "--site", SITE, "--last", "5")
    assert runs.returncode == 0, runs.stderr
    header, *lines = runs.stdout.splitlines()
    assert header.split()[:3] == ["run", "site", "status"]
    assert len(lines) == 1 and lines[0].split()[1:3] == [SITE, "finished"]
    assert lines[0].split()[-5] == str(goldens)  # the "new" column
    assert harvester(tmp_path, "runs", "--site", "budapestpost").stdout.splitlines()[1:] == []


def one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("harvester: error: "), done.stderr[-2000:]
    for word in words:
        assert word in last, last


def test_unknown_site_and_no_site_are_one_line_failures(tmp_path: Path) -> None:
    unknown = harvester(tmp_path, "crawl", "nosuchsite")
    one_line_error(unknown, "unknown site 'nosuchsite'", SITE)
    assert unknown.stderr.count("\n") == 1
    one_line_error(harvester(tmp_path, "crawl"), "--all")
    one_line_error(harvester(tmp_path, "crawl", SITE, "--base-url", "nosuchsite=http://127.0.0.1:1"), "unknown site")


def test_an_outdated_database_is_a_one_line_failure(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0004")
    done = harvester(tmp_path, "crawl", SITE, database=url)
    one_line_error(done, "harvester db upgrade")
    assert done.stderr.count("\n") == 1


def test_a_crawl_that_fetches_nothing_fails(tmp_path: Path) -> None:
    with serve_mirror(bundled_mirror(SITE)) as base:
        pass  # the server is gone: its port now refuses connections
    done = harvester(tmp_path, "crawl", SITE, "--base-url", f"{SITE}={base}", "-s", "RETRY_TIMES=0", "-s", "LOG_LEVEL=ERROR")
    one_line_error(done, f"{SITE}: no page could be fetched")


def test_progress_snapshot_reads_the_stats() -> None:
    stats = {
        "response_received_count": 40, "harvester/stored/new": 5, "harvester/stored/changed": 1,
        "harvester/stored/unchanged": 2, "harvester/incremental/not_modified": 3, "harvester/non_article/listing": 4,
        "harvester/non_article/empty": 1, "harvester/error/http_404": 2, "harvester/error/timeout": 1,
    }
    line = Snapshot.of(stats, 8.0).describe()
    assert line == ("40 pages, 6 articles stored (5 new, 1 changed), 5 unchanged, 5 non-articles, 3 errors, "
                    "5.0 pages/s")
