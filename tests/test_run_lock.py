"""Per-site run locks on each database: two overlapping runs of one site, one runs, the other is
recorded as skipped and writes nothing else; the lock itself, taken twice, is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from harvester.db import make_engine, upgrade
from harvester.db.lock import try_lock_sites
from harvester.db.testing import backends, empty_database_url
from harvester.mirror_server import bundled_mirror, serve_mirror
from tests.crawling import REPO_ROOT
from tests.goldens import ORIGINS, mirror_goldens

SITE = "worldofsoftware"


@pytest.fixture(params=backends())
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = empty_database_url(request.param, tmp_path)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def test_a_held_lock_is_refused_until_released(database: tuple[str, Engine]) -> None:
    url, engine = database
    upgrade(url)
    first = try_lock_sites(engine, [SITE])
    assert first is not None
    assert try_lock_sites(engine, [SITE]) is None
    assert try_lock_sites(engine, ["budapestpost", SITE]) is None  # all or nothing
    other = try_lock_sites(engine, ["budapestpost"])  # released by the refused attempt above
    assert other is not None
    other.release()
    first.release()
    again = try_lock_sites(engine, [SITE])
    assert again is not None
    again.release()


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = url
    return env


def _running(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT count(*) FROM crawl_runs WHERE status = 'running'")).scalar_one())
    except SQLAlchemyError:  # the first run has not created the schema yet
        return False


def rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_overlapping_runs_of_one_site_one_runs_the_other_is_skipped(database: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = database
    goldens = mirror_goldens(SITE)
    with serve_mirror(bundled_mirror(SITE)) as base:
        # the first run: plain scrapy crawl, slowed down so that it holds the lock for a while
        slow = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", SITE, "-a", f"base_url={base}",
             "-s", "DOWNLOAD_DELAY=0.3", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "AUTOTHROTTLE_ENABLED=False",
             "-s", "CONCURRENT_REQUESTS=1", "-s", f"LOG_FILE={tmp_path / 'slow.log'}"],
            cwd=REPO_ROOT, env=_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not _running(engine) and time.monotonic() < deadline and slow.poll() is None:
                time.sleep(0.1)
            assert _running(engine), "the first run never started"
            # the second run: harvester crawl, while the first holds the lock
            started = time.monotonic()
            second = subprocess.run(
                [sys.executable, "-m", "harvester.cli", "crawl", SITE, "--base-url", f"{SITE}={base}",
                 "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
                cwd=tmp_path, env=_env(url), capture_output=True, text=True, timeout=120,
            )
            skipped_in = time.monotonic() - started
            assert slow.poll() is None, "the first run ended before the second one started"
            assert slow.wait(timeout=180) == 0
        finally:
            if slow.poll() is None:
                slow.kill()
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"{SITE}: 0 pages: 0 new, 0 failed (skipped)" in second.stderr
    assert skipped_in < 60
    runs = rows(engine, "SELECT id, status, finished_at IS NOT NULL, pages_fetched FROM crawl_runs ORDER BY id")
    assert [(status, done) for _, status, done, _ in runs] == [("finished", True), ("skipped", True)]
    skipped_id = runs[1][0]
    assert runs[1][3] == 0
    assert rows(engine, f"SELECT count(*) FROM fetch_log WHERE run_id = {skipped_id}") == [(0,)]
    # nothing written twice: each article once, one revision and one raw page each, logged once
    assert rows(engine, "SELECT count(*), count(DISTINCT url) FROM articles") == [(len(goldens), len(goldens))]
    assert rows(engine, "SELECT count(*) FROM article_revisions") == [(len(goldens),)]
    assert rows(engine, "SELECT count(*) FROM raw_pages") == [(len(goldens),)]
    stored = rows(engine, "SELECT url, count(*) FROM fetch_log WHERE outcome = 'stored' GROUP BY url")
    assert sorted(stored) == sorted((ORIGINS[SITE] + g.path, 1) for g in goldens)
    # the lock was released: a third run goes ahead
    later = try_lock_sites(engine, [SITE])
    assert later is not None
    later.release()
