"""Fault: one SQLite file, many writers and readers at once.

Two crawls of two different sites (two servers, two ports) start at the same moment on a new
database file, while ``harvester search``, ``harvester export`` and ``harvester reextract`` run
in loops until both crawls end. Nothing reports an error (no "database is locked", no article
"kept as stored" because a write was refused), every command exits 0, every article of both
sites is stored exactly once and both runs finish.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.crawling import REPO_ROOT
from tests.faults import FINISHED
from tests.faults.fixtures import procs  # noqa: F401 (fixture)
from tests.faults.processes import Processes, clean_env
from tests.faults.site import NewsSite, serve_site
from tests.faults.store import (
    StoreProbe,
    assert_counts_from_fetch_log,
    assert_each_article_once,
    assert_no_run_left_running,
)

#: words in any output that mean something went wrong
ERROR_MARKERS = ("error", "traceback", "locked", "failed", "not stored")
#: reextract's summary ("... 0 kept as stored, ...") must say that no page was refused
KEPT = re.compile(r"(\d+) kept as stored")
#: seconds between two runs of one reader command
PAUSE = 1.5


@dataclass(frozen=True)
class Result:
    argv: list[str]
    code: int
    stdout: str
    stderr: str
    started: float  # time.monotonic() when the command started

    def problems(self) -> list[str]:
        lines = (self.stdout + self.stderr).splitlines()
        return [line for line in lines
                if any(marker in line.lower() for marker in ERROR_MARKERS)
                or line.startswith("kept as stored")
                or any(int(n) for n in KEPT.findall(line))]


def loop(argv: list[str], env: dict[str, str], stop: threading.Event, results: list[Result]) -> None:
    """Run ``harvester ARGV`` again and again until ``stop`` is set (once more after it, at least once)."""
    while True:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "harvester.cli", *argv], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        results.append(Result(argv, done.returncode, done.stdout[-3000:], done.stderr[-3000:], started))
        if stop.is_set():
            return
        stop.wait(PAUSE)  # readers keep coming all through the crawls, without taking a core each


def test_two_crawls_and_readers_on_one_sqlite_file(procs: Processes, tmp_path: Path) -> None:  # noqa: F811
    database = f"sqlite:///{tmp_path / 'harvest.db'}"
    probe = StoreProbe(database)
    sites = [NewsSite(seed=9).write(tmp_path / "site-a"), NewsSite(seed=11).write(tmp_path / "site-b")]
    stop = threading.Event()
    results: dict[str, list[Result]] = {"search": [], "export": [], "reextract": []}
    commands = {
        "search": ["search", "residents plan", "--limit", "5"],
        "export": ["export", "--format", "jsonl", "--output", str(tmp_path / "export.jsonl")],
        "reextract": ["reextract"],
    }
    with serve_site(tmp_path / "site-a", delay=0.02) as a, serve_site(tmp_path / "site-b", delay=0.02) as b:
        expected = sites[0].urls(a.base_url) | sites[1].urls(b.base_url)
        loops = [threading.Thread(target=loop, args=(argv, clean_env(database), stop, results[name]), daemon=True)
                 for name, argv in commands.items()]
        crawls = [procs.harvester_crawl("crawl-a", a.base_url, database),
                  procs.harvester_crawl("crawl-b", b.base_url, database)]
        # read commands never create a database: the readers start once a crawl has created its schema
        created = time.monotonic() + 120
        while probe.try_rows("SELECT count(*) FROM crawl_runs") is None and time.monotonic() < created:
            time.sleep(0.05)
        for thread in loops:
            thread.start()
        try:
            codes = [crawl.wait(timeout=600) for crawl in crawls]
            crawls_ended = time.monotonic()
        finally:
            stop.set()
            for thread in loops:
                thread.join(timeout=300)
    for crawl, code in zip(crawls, codes):
        assert code == 0, crawl.says(f"{crawl.name} failed")
        assert crawl.error_lines() == [], crawl.says(f"{crawl.name} logged errors: {crawl.error_lines()[:5]}")
    for name, runs in results.items():
        # the readers overlapped the writers: a run started while both crawls were still going
        # (how many fit in depends on the machine's speed, so only the overlap is asserted)
        assert runs and runs[0].started < crawls_ended, f"no {name} run started before the crawls ended"
        for result in runs:
            assert result.code == 0 and not result.problems(), (
                f"harvester {' '.join(result.argv)}: exit {result.code}\n{result.stderr}\n{result.stdout[-1000:]}")
    assert_each_article_once(probe, expected)
    runs = probe.runs()
    assert [run.status for run in runs] == [FINISHED, FINISHED], runs
    for run in runs:
        assert_counts_from_fetch_log(probe, run)
    assert_no_run_left_running(probe)
