"""Fault: the disk under the SQLite database fills up mid-crawl.

The crawl stops fetching within seconds and ``harvester crawl`` exits non-zero with one clear
error; what was committed before stays; what was extracted after waits in the spool (here on
another, roomy disk: ``HARVESTER_SPOOL_DIR``). With room again, the same command stores the
rest: every article exactly once, none fetched twice, the failed run's row completed.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.faults import FAILED, FINISHED
from tests.faults.disk import small_disk
from tests.faults.fixtures import procs, site  # noqa: F401 (fixtures)
from tests.faults.processes import Processes, wait_until
from tests.faults.site import NewsSite, serve_site
from tests.faults.store import (
    StoreProbe,
    assert_counts_from_fetch_log,
    assert_each_article_once,
    assert_no_run_left_running,
)

#: "within seconds": no article request later than this after the disk is full (generous: six test
#: workers share two cores, and the writer must first see its writes refused for 5 s)
STOPS_FETCHING_WITHIN = 22.0
#: once the disk is full the site answers slowly, so that fetching the rest would take longer
#: than STOPS_FETCHING_WITHIN: a crawl that goes on fetching shows
SLOW_AFTER_FULL = 0.6
#: "one clear error line": a few ERROR lines at most, not one per article
MAX_ERROR_LINES = 3
SPACE_WORDS = ("disk", "space", "full")


def test_a_full_disk_stops_the_crawl_and_loses_nothing(
    site: NewsSite, procs: Processes, tmp_path: Path,  # noqa: F811
) -> None:
    spool = tmp_path / "spool"
    settings = {"HARVESTER_SPOOL_DIR": str(spool), "HARVESTER_STORE_BATCH_SIZE": "10"}
    with small_disk(tmp_path) as disk, serve_site(tmp_path / "site", delay=0.03) as served:
        probe = StoreProbe(disk.database_url)
        expected = site.urls(served.base_url)
        crawl = procs.harvester_crawl("full", served.base_url, disk.database_url, settings=settings, env=disk.env,
                                      wrapper=disk.wrapper)
        wait_until(lambda: served.article_requests >= len(site.paths) // 4 and probe.article_count() >= 10,
                   "a quarter of the articles requested and ten stored", timeout=240, watch=crawl)
        disk.fill()
        full_at = time.monotonic()
        served.delay = SLOW_AFTER_FULL
        requested_at_full = served.article_requests
        committed_before = set(probe.article_urls())
        assert crawl.alive(), "the crawl ended before the disk was full"
        assert requested_at_full < len(site.paths), "the crawl fetched the whole site before the disk was full"
        code = crawl.wait(timeout=180)
        last_request = served.last_article_request() or full_at

        assert code != 0, crawl.says("harvester crawl exited 0 although the disk was full")
        last = crawl.stderr().strip().splitlines()[-1]
        assert last.startswith("harvester: error: ") and any(w in last.lower() for w in SPACE_WORDS), \
            crawl.says(f"the last line is not one clear error naming the full disk: {last!r}")
        errors = crawl.error_lines()
        assert len(errors) <= MAX_ERROR_LINES, f"{len(errors)} error lines, e.g.:\n" + "\n".join(errors[:10])
        assert last_request - full_at < STOPS_FETCHING_WITHIN, (
            f"still fetching {last_request - full_at:.1f} s after the disk was full ({disk.mode})")
        stored_after = set(probe.article_urls())
        assert committed_before <= stored_after, "articles committed before the disk was full are gone"
        extracted_first = int(crawl.stats().get("harvester/articles_extracted", 0))
        if extracted_first > len(stored_after):
            spooled = [f for f in spool.rglob("*") if f.is_file() and f.stat().st_size > 0]
            assert spooled, f"{extracted_first - len(stored_after)} extracted articles are neither stored nor spooled"

        disk.free()
        served.delay = 0.03
        again = procs.harvester_crawl("room-again", served.base_url, disk.database_url, settings=settings)
        assert again.wait(timeout=300) == 0, again.says("the re-run with room again failed")

        assert_each_article_once(probe, expected)
        # the spool was replayed: no article extracted by the first run was fetched and extracted again
        extracted_again = int(again.stats().get("harvester/articles_extracted", 0))
        assert extracted_first + extracted_again == len(expected), (
            f"the first run extracted {extracted_first}, the re-run {extracted_again} of {len(expected)} articles: "
            f"what the first run left in the spool was fetched again, not replayed\n{again.tail()}")
        first_run, final_run = probe.runs()
        assert first_run.status == FAILED and first_run.finished_at is not None, first_run
        assert final_run.status == FINISHED, final_run
        for run in (first_run, final_run):
            assert_counts_from_fetch_log(probe, run)
        assert_no_run_left_running(probe)
        probe.dispose()
