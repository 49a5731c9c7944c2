"""Pause and resume: a crawl stopped with Ctrl-C (SIGINT) and started again with the same
JOBDIR stores every article exactly once and fetches no article twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from harvester.mirror_server import bundled_mirror, serve_mirror
from tests.crawling import REPO_ROOT
from tests.goldens import mirror_goldens


def start_crawl(site: str, base_url: str, db_path: Path, jobdir: Path, stats: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = f"sqlite:///{db_path}"
    command = [
        sys.executable, "-m", "scrapy", "crawl", site, "-a", f"base_url={base_url}",
        "-s", f"JOBDIR={jobdir}", "-s", f"HARVESTER_STATS_FILE={stats}",
        # slow enough to be interrupted half-way; one request at a time keeps the order stable
        "-s", "DOWNLOAD_DELAY=0.4", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS=1", "-s", "LOG_LEVEL=INFO",
        # commit every article at once, so the test sees progress in the database while the crawl runs
        "-s", "HARVESTER_STORE_BATCH_SIZE=1",
        # learned boilerplate holds a site's first 8 articles back: the interruption must fall between stores
        "-s", "HARVESTER_BOILERPLATE_LEARNING=False",
    ]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def stored_count(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        with closing(sqlite3.connect(db_path, timeout=5)) as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


@pytest.mark.parametrize("site", ["worldofsoftware"])
def test_interrupted_crawl_resumes_without_losing_or_duplicating_articles(site: str, tmp_path: Path) -> None:
    expected = {golden.url for golden in mirror_goldens(site)}
    db_path, jobdir = tmp_path / "harvest.db", tmp_path / "job"
    with serve_mirror(bundled_mirror(site)) as base_url:
        first = start_crawl(site, base_url, db_path, jobdir, tmp_path / "stats1.json")
        deadline = time.monotonic() + 120
        while stored_count(db_path) < 2 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.1)
        assert first.poll() is None, "crawl ended before it could be interrupted"
        first.send_signal(signal.SIGINT)  # what Ctrl-C sends
        output, _ = first.communicate(timeout=120)
        stats1 = json.loads((tmp_path / "stats1.json").read_text())
        assert stats1["finish_reason"] == "shutdown", output[-2000:]
        interrupted_at = stored_count(db_path)
        assert 0 < interrupted_at < len(expected)

        second = start_crawl(site, base_url, db_path, jobdir, tmp_path / "stats2.json")
        output2, _ = second.communicate(timeout=300)
        assert second.returncode == 0, output2[-3000:]
    stats2 = json.loads((tmp_path / "stats2.json").read_text())
    assert stats2["finish_reason"] == "finished"
    with closing(sqlite3.connect(db_path)) as db:
        urls = [url for (url,) in db.execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(expected)
    # every article was extracted exactly once across the two runs
    extracted = stats1.get("harvester/articles_extracted", 0) + stats2.get("harvester/articles_extracted", 0)
    assert extracted == len(expected)
