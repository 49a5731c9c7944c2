"""Faults of the PostgreSQL server under a crawl: an outage of 30 s, and a restart while a
second crawl of the same site is attempted.

Each test runs a real PostgreSQL server of its own (``tests/faults/postgres.py``: the machine's
binaries, a temporary data folder, a free port), so the outage cuts only the crawl under test.
Skipped without the binaries or root, except in CI, where they fail.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import FINISHED, RUNNING, SKIPPED, CRASHED
from tests.faults.fixtures import procs, site  # noqa: F401 (fixtures)
from tests.faults.postgres import Cluster, private_cluster
from tests.faults.processes import Processes, wait_until
from tests.faults.site import NewsSite, serve_site
from tests.faults.store import (
    StoreProbe,
    assert_counts_from_fetch_log,
    assert_each_article_once,
    assert_no_run_left_running,
)

#: the outage (the fault itself, not a check)
OUTAGE_SECONDS = 30
MAX_STALL_MS = 250
STALL_KEY = "harvester/loop/max_stall_ms"


@pytest.fixture
def postgres() -> Iterator[tuple[str, Cluster]]:
    """An empty database on a private server that the test may stop; removed afterwards."""
    with private_cluster() as (url, cluster):
        yield url, cluster


def test_postgres_stopped_for_30_seconds_mid_crawl_loses_nothing(
    postgres: tuple[str, Cluster], site: NewsSite, procs: Processes, tmp_path: Path,  # noqa: F811
) -> None:
    url, cluster = postgres
    probe = StoreProbe(url)
    settings = {"HARVESTER_SPOOL_DIR": str(tmp_path / "spool"), "HARVESTER_STORE_BATCH_SIZE": "10"}
    # slow enough that the outage comes mid-crawl: the store writer commits in groups, so what is
    # stored lags a little behind what is fetched
    with serve_site(tmp_path / "site", delay=0.1) as served:
        expected = site.urls(served.base_url)
        crawl = procs.harvester_crawl("outage", served.base_url, url, settings=settings)
        wait_until(lambda: served.article_requests >= len(site.paths) // 4,
                   "a quarter of the articles requested", timeout=240, watch=crawl)
        cluster.stop()
        try:
            assert crawl.alive(), "the crawl ended before the outage"
            requested_at_stop = served.article_requests
            time.sleep(OUTAGE_SECONDS)
        finally:
            cluster.start()
        assert requested_at_stop < len(site.paths), "the whole site was fetched before the outage"
        code = crawl.wait(timeout=600)
    assert code == 0, crawl.says("harvester crawl did not exit 0 after the outage")
    stats = crawl.stats()
    assert stats.get("finish_reason") == FINISHED, crawl.says("the crawl did not finish")
    assert_each_article_once(probe, expected)
    [run] = probe.runs()
    assert run.status == FINISHED and run.finished_at is not None, run
    assert_counts_from_fetch_log(probe, run)
    assert STALL_KEY in stats and stats[STALL_KEY] < MAX_STALL_MS, \
        f"event loop stall during the outage: {stats.get(STALL_KEY, 'not measured')} ms"
    probe.dispose()


def test_postgres_restarted_mid_crawl_with_a_second_crawl_attempted(
    postgres: tuple[str, Cluster], site: NewsSite, procs: Processes, tmp_path: Path,  # noqa: F811
) -> None:
    """The restart drops the run's advisory lock with its connection. Either the run takes it
    back (the second crawl, attempted meanwhile, is skipped) or the second waits for the first,
    or the first stops cleanly with a recorded reason and the second does the site: never two
    runs of the site writing at once, nothing lost, and releasing the lock never raises."""
    url, cluster = postgres
    probe = StoreProbe(url)
    settings = {"HARVESTER_SPOOL_DIR": str(tmp_path / "spool"), "HARVESTER_STORE_BATCH_SIZE": "10"}
    with serve_site(tmp_path / "site", delay=0.1) as served:
        expected = site.urls(served.base_url)
        first = procs.harvester_crawl("first", served.base_url, url, settings=settings)
        wait_until(lambda: served.article_requests >= len(site.paths) // 5 and probe.article_count() >= 10,
                   "a fifth of the articles requested and ten stored", timeout=240, watch=first)
        cluster.restart()
        # the first run is still going when the second is attempted
        assert first.alive(), "the first crawl ended before the restart"
        assert served.article_requests < len(site.paths), "the whole site was fetched before the restart"
        second = procs.harvester_crawl("second", served.base_url, url, settings=settings)
        second_code = second.wait(timeout=600)
        first_code = first.wait(timeout=600)

    for crawl in (first, second):
        assert "Traceback" not in crawl.output() and "Error caught on signal handler" not in crawl.output(), \
            crawl.says(f"{crawl.name} raised (releasing the lock?)")
    runs = probe.runs()
    assert len(runs) == 2, runs
    one, two = runs
    assert second_code == 0, second.says("the second crawl did not exit 0")
    if two.status == SKIPPED:  # the first run kept (took back) its lock
        assert first_code == 0, first.says("the first crawl kept its lock but did not exit 0")
        assert one.status == FINISHED, one
        assert two.finished_at is not None and two.pages_fetched == 0, two
    else:
        assert two.status == FINISHED, two
        if one.status == FINISHED:  # the second waited for the first
            assert str(two.started_at) >= str(one.finished_at), (one, two)
        else:  # the first stopped cleanly, saying why: the lock was lost
            assert one.status not in (RUNNING, CRASHED) and one.finished_at is not None, one
            assert first_code != 0 and first.stderr().strip().splitlines()[-1].startswith("harvester: error: "), \
                first.says("the first run stopped without a one-line error")
            assert "lock" in first.stderr().strip().splitlines()[-1], first.says("the first run stopped, not saying it lost its lock")
    assert_each_article_once(probe, expected)
    for run in runs:
        assert_counts_from_fetch_log(probe, run)
    assert_no_run_left_running(probe)
    probe.dispose()
