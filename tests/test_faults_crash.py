"""Fault: ``kill -9`` mid-crawl, then the same command again, with and without ``JOBDIR``.

Every article of the site ends stored exactly once; the killed run's row, left ``running`` by
a process that no longer exists, is closed by the next run of the site as ``crashed`` (end time
unknown: NULL; counts from its fetch log); a later run ends ``finished``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults import CRASHED, FINISHED
from tests.faults.fixtures import procs, site  # noqa: F401 (fixtures)
from tests.faults.processes import Processes, wait_until
from tests.faults.site import NewsSite, serve_site
from tests.faults.store import (
    StoreProbe,
    assert_counts_from_fetch_log,
    assert_each_article_once,
    assert_no_run_left_running,
)

#: small batches, so that some articles are committed before the kill
SETTINGS = {"HARVESTER_STORE_BATCH_SIZE": "10"}
#: "the same command again", at most this many times, until one run finishes
MAX_RERUNS = 3


@pytest.mark.parametrize("with_jobdir", [True, False], ids=["jobdir", "no-jobdir"])
def test_kill_9_mid_crawl_then_the_same_command_stores_every_article_once(
    with_jobdir: bool, site: NewsSite, procs: Processes, tmp_path: Path,  # noqa: F811
) -> None:
    database = f"sqlite:///{tmp_path / 'harvest.db'}"
    probe = StoreProbe(database)
    jobdir = tmp_path / "job" if with_jobdir else None
    half = len(site.paths) // 2
    with serve_site(tmp_path / "site", delay=0.03) as served:
        expected = site.urls(served.base_url)
        first = procs.scrapy_crawl("killed", served.base_url, database, jobdir=jobdir, settings=SETTINGS)
        wait_until(lambda: served.article_requests >= half and probe.article_count() > 0,
                   f"{half} article requests and a first commit", timeout=240, watch=first,
                   describe=lambda: f"{served.article_requests} requested, {probe.article_count()} stored")
        killed = probe.running_run()
        assert killed is not None, "the crawl has no running run row"
        first.kill9()
        stored_at_kill = probe.article_count()
        assert 0 < stored_at_kill < len(expected), f"not killed mid-crawl: {stored_at_kill} stored"

        reruns = []
        for _ in range(MAX_RERUNS):
            again = procs.scrapy_crawl("again", served.base_url, database, jobdir=jobdir, settings=SETTINGS)
            code = again.wait(timeout=300)
            assert code == 0, again.says("a re-run after the kill failed")
            reruns.append(again)
            if again.stats().get("finish_reason") == FINISHED:
                break
        else:
            raise AssertionError(f"no run finished in {MAX_RERUNS} re-runs\n{procs.tails()}")

    assert_each_article_once(probe, expected)
    crashed = probe.run(killed.id)
    assert crashed.status == CRASHED, f"the killed run's row: {crashed}"
    assert crashed.finished_at is None, f"the killed run's end time is unknown, not {crashed.finished_at}"
    assert_counts_from_fetch_log(probe, crashed)
    final_id = reruns[-1].stats().get("harvester/crawl_run_id")
    assert final_id is not None, reruns[-1].says("the final run has no crawl run id in its stats")
    final = probe.run(int(final_id))
    assert final.status == FINISHED, final
    assert_counts_from_fetch_log(probe, final)
    assert_no_run_left_running(probe)
