"""Fault: the database refuses writes for a while (another process holds SQLite's write lock).

Database writes, retries and waits happen off the event loop: the loop's largest stall during
the crawl (``harvester/loop/max_stall_ms``, measured by the LoopMonitor extension) stays under
250 ms, and once the lock is gone every article is stored exactly once and the run finishes.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from tests.faults import FINISHED
from tests.faults.fixtures import procs, site  # noqa: F401 (fixtures)
from tests.faults.processes import Processes, wait_until
from tests.faults.site import NewsSite, serve_site
from tests.faults.store import (
    StoreProbe,
    assert_counts_from_fetch_log,
    assert_each_article_once,
    assert_no_run_left_running,
)

MAX_STALL_MS = 250
STALL_KEY = "harvester/loop/max_stall_ms"
#: how long the database refuses writes (the fault itself, not a check)
LOCKED_SECONDS = 8


def test_a_locked_database_does_not_stall_the_event_loop(
    site: NewsSite, procs: Processes, tmp_path: Path,  # noqa: F811
) -> None:
    db_path = tmp_path / "harvest.db"
    database = f"sqlite:///{db_path}"
    probe = StoreProbe(database)
    with serve_site(tmp_path / "site", delay=0.04) as served:
        crawl = procs.scrapy_crawl("locked", served.base_url, database, settings={"HARVESTER_STORE_BATCH_SIZE": "10"})
        wait_until(lambda: served.article_requests >= len(site.paths) // 4 and probe.article_count() > 0,
                   "a quarter of the articles requested and a first commit", timeout=240, watch=crawl)
        with closing(sqlite3.connect(db_path, timeout=60, isolation_level=None)) as holder:
            holder.execute("BEGIN EXCLUSIVE")  # from now on every write of the crawl is refused ("locked")
            assert crawl.alive(), "the crawl ended before the database was locked"
            try:
                time.sleep(LOCKED_SECONDS)
            finally:
                holder.execute("ROLLBACK")
        assert crawl.wait(timeout=300) == 0, crawl.says("the crawl failed")
        expected = site.urls(served.base_url)

    stats = crawl.stats()
    assert stats.get("finish_reason") == FINISHED, crawl.says("the crawl did not finish")
    assert STALL_KEY in stats, f"no {STALL_KEY} in the crawl stats (the LoopMonitor extension)"
    assert stats[STALL_KEY] < MAX_STALL_MS, f"the event loop stalled {stats[STALL_KEY]} ms"
    assert_each_article_once(probe, expected)
    [run] = probe.runs()
    assert run.status == FINISHED, run
    assert_counts_from_fetch_log(probe, run)
    assert_no_run_left_running(probe)
