"""Fault: a site that refuses every connection (a closed port).

Each failed fetch is in ``fetch_log`` with reason ``connection_refused``, the run row counts
them as errors and is not ``finished``, and ``harvester crawl`` exits non-zero with one line
saying that no page could be fetched.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

from tests.faults import FAILED
from tests.faults.fixtures import procs  # noqa: F401 (fixture)
from tests.faults.processes import Processes
from tests.faults.store import StoreProbe, assert_counts_from_fetch_log, assert_no_run_left_running


def closed_port() -> int:
    """A loopback port nothing listens on (the OS chose it free, and it is closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_site_refusing_every_connection_is_a_failed_run(procs: Processes, tmp_path: Path) -> None:  # noqa: F811
    database = f"sqlite:///{tmp_path / 'harvest.db'}"
    crawl = procs.harvester_crawl("refused", f"http://127.0.0.1:{closed_port()}", database)
    code = crawl.wait(timeout=180)
    assert code != 0, crawl.says("harvester crawl of a refusing site exited 0")
    last = crawl.stderr().strip().splitlines()[-1]
    assert last.startswith("harvester: error: ") and "no page could be fetched" in last, crawl.says("no one-line 'no page could be fetched' error")

    probe = StoreProbe(database)
    [run] = probe.runs()
    refused = probe.rows("SELECT url, outcome FROM fetch_log WHERE run_id = :run AND reason = 'connection_refused'",
                         run=run.id)
    assert refused, f"no fetch_log row with reason connection_refused: {probe.rows('SELECT * FROM fetch_log')}"
    assert {outcome for _, outcome in refused} == {"error"}, refused
    assert run.status == FAILED, run
    assert run.finished_at is not None, run
    assert run.errors >= len(refused) > 0, run
    assert json.loads(run.errors_by_reason).get("connection_refused") == len(refused), run
    assert_counts_from_fetch_log(probe, run)
    assert_no_run_left_running(probe)
    # the stats counted them too, under the same reason
    assert crawl.stats().get("harvester/error/connection_refused", 0) > 0, crawl.stats()
