"""Fault: every way of stopping a run completes its row as ``shutdown``, none is left ``running``.

Double Ctrl-C (SIGINT twice, Scrapy's "forcing unclean shutdown"), SIGTERM, Ctrl-C on a
terminal (SIGINT to the whole process group) on ``scrapy crawl``; and Ctrl-C on a terminal
running ``harvester schedule``, whose crawl gets SIGINT from the terminal and again from the
scheduler. After a double Ctrl-C, a re-run stores every article exactly once: what the stopped
run extracted was not lost.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults import FINISHED, SHUTDOWN
from tests.faults.fixtures import procs, site  # noqa: F401 (fixtures)
from tests.faults.processes import FAST_SETTINGS, Proc, Processes, wait_until
from tests.faults.site import NewsSite, Served, serve_site
from tests.faults.store import (
    Run,
    StoreProbe,
    assert_counts_from_fetch_log,
    assert_each_article_once,
    assert_no_run_left_running,
)

SETTINGS = {"HARVESTER_STORE_BATCH_SIZE": "10"}


def wait_mid_crawl(served: Served, probe: StoreProbe, crawl: Proc, total: int) -> Run:
    """Until a third of the articles were requested and the run's row is there; that row."""
    wait_until(lambda: served.article_requests >= total // 3 and probe.running_run() is not None,
               "a third of the articles requested", timeout=240, watch=crawl,
               describe=lambda: f"{served.article_requests} requested")
    run = probe.running_run()
    assert run is not None
    return run


def slow_in_flight(served: Served, crawl: Proc, seconds: float = 2.0) -> None:
    """Make the site slow and wait until an article request is in flight: stopping "gracefully" now
    takes ``seconds``, as on a slow site, so a second signal lands while the crawl is closing."""
    asked = time.monotonic()
    served.delay = seconds
    wait_until(lambda: served.article_requests_after(asked) > 0, "a slow article request in flight", timeout=60,
               watch=crawl)


def assert_shut_down(probe: StoreProbe, run_id: int) -> None:
    run = probe.run(run_id)
    assert run.status == SHUTDOWN, f"the stopped run's row: {run}"
    assert run.finished_at is not None, run
    assert_counts_from_fetch_log(probe, run)
    assert_no_run_left_running(probe)


@pytest.mark.parametrize("how", ["double_sigint", "sigterm", "sigint_group"])
def test_stopping_scrapy_crawl_completes_its_run_row(
    how: str, site: NewsSite, procs: Processes, tmp_path: Path,  # noqa: F811
) -> None:
    database = f"sqlite:///{tmp_path / 'harvest.db'}"
    probe = StoreProbe(database)
    with serve_site(tmp_path / "site", delay=0.03) as served:
        crawl = procs.scrapy_crawl("stopped", served.base_url, database, settings=SETTINGS)
        run = wait_mid_crawl(served, probe, crawl, len(site.paths))
        slow_in_flight(served, crawl)
        if how == "double_sigint":
            crawl.sigint()
            wait_until(lambda: "shutting down gracefully" in crawl.log(), "Scrapy to take the first SIGINT",
                       timeout=60, watch=crawl)
            crawl.sigint()
        elif how == "sigterm":
            crawl.sigterm()
        else:
            crawl.sigint_group()
        crawl.wait(timeout=120)
        assert served.article_requests < len(site.paths), "the crawl had fetched everything before it was stopped"
        assert_shut_down(probe, run.id)
        if how != "double_sigint":
            return
        served.delay = 0.03
        # nothing the stopped run extracted is lost: the next run completes the site, each article once
        again = procs.scrapy_crawl("again", served.base_url, database, settings=SETTINGS)
        assert again.wait(timeout=300) == 0, again.says("the re-run failed")
        assert again.stats().get("finish_reason") == FINISHED, again.says("the re-run did not finish")
        assert_each_article_once(probe, site.urls(served.base_url))


def test_ctrl_c_on_harvester_schedule_completes_its_running_crawl(
    site: NewsSite, procs: Processes, tmp_path: Path,  # noqa: F811
) -> None:
    database = f"sqlite:///{tmp_path / 'harvest.db'}"
    probe = StoreProbe(database)
    with serve_site(tmp_path / "site", delay=0.03) as served:
        settings = dict(FAST_SETTINGS, **SETTINGS, LOG_FILE=str(tmp_path / "scheduled-crawl.log"))
        table = ", ".join(f'{name} = "{value}"' for name, value in settings.items())
        config = tmp_path / "schedule.toml"
        config.write_text(
            f'database = "{database}"\n\n[jobs.loopback]\nspider = "news"\ninterval = "1s"\n'
            f'args = {{ site = "{served.base_url}" }}\nsettings = {{ {table} }}\n', encoding="utf-8")
        scheduler = procs.harvester("schedule", database, "schedule", "--config", str(config))
        run = wait_mid_crawl(served, probe, scheduler, len(site.paths))
        slow_in_flight(served, scheduler)
        scheduler.sigint_group()  # Ctrl-C: the scheduler and its crawl, both
        code = scheduler.wait(timeout=120)
        assert code == 0, scheduler.says("harvester schedule did not exit 0 after Ctrl-C")
        assert served.article_requests < len(site.paths), "the crawl had fetched everything before it was stopped"
    assert "stopped" in scheduler.stderr().strip().splitlines()[-1], scheduler.says("the scheduler did not stop cleanly")
    assert_shut_down(probe, run.id)
    assert [r.status for r in probe.runs()] == [SHUTDOWN], probe.runs()
