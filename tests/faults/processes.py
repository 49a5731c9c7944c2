"""Crawls as real subprocesses, each the leader of its own process group, and ways to stop them.

``start_scrapy`` runs ``python -m scrapy crawl news -a site=URL`` from the project folder, as a
user would; ``start_harvester`` runs ``python -m harvester.cli ARGS`` (``harvester crawl``,
``harvester schedule``, ...). Each writes its Scrapy log to ``<name>.log``, its standard output
and error to ``<name>.out`` / ``<name>.err`` (files, not pipes: a full pipe would stall it), and
crawls write their stats to ``<name>-stats.json`` (``HARVESTER_STATS_FILE``).

Stopping: ``kill9`` (the main process only, as an operator's ``kill -9 PID``), ``sigint`` (once
or twice), ``sigterm``, ``sigint_group`` (the whole process group, as a terminal's Ctrl-C).
``wait_until`` polls a condition until a deadline, failing early and clearly if the crawl ended.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.crawling import REPO_ROOT

#: Loopback servers are ours: no politeness delay, no retries (a refused fetch is the fault under test).
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_TIMES": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "LOG_LEVEL": "INFO",
}


def clean_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a crawl: ours without HARVESTER_*/SCRAPY_* variables, plus the database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def settings_args(settings: dict[str, str]) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


@dataclass
class Proc:
    """A started subprocess and its files."""

    name: str
    argv: list[str]
    process: subprocess.Popen[bytes]
    workdir: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def stats_file(self) -> Path:
        return self.workdir / f"{self.name}-stats.json"

    @property
    def log_file(self) -> Path:
        return self.workdir / f"{self.name}.log"

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait(self, timeout: float) -> int:
        """The exit code; fails the test (after killing the group) when it takes longer than ``timeout``."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
            raise AssertionError(f"{self.name} did not end within {timeout:.0f} s\n{self.tail()}") from None

    # --- what it said ---------------------------------------------------------------------------

    def stderr(self) -> str:
        return _read(self.workdir / f"{self.name}.err")

    def stdout(self) -> str:
        return _read(self.workdir / f"{self.name}.out")

    def log(self) -> str:
        return _read(self.log_file)

    def output(self) -> str:
        """Everything it wrote: log file, standard error, standard output."""
        return self.log() + self.stderr() + self.stdout()

    def says(self, what: str) -> str:
        """An assertion message: ``what`` went wrong, then the exit code and the end of its output."""
        return f"{what} (exit {self.process.returncode})\n{self.tail()}"

    def tail(self, chars: int = 4000) -> str:
        return f"--- {self.name}: {' '.join(self.argv[1:])}\n" + self.output()[-chars:]

    def stats(self) -> dict[str, Any]:
        """The crawl stats it wrote when its spider closed ({} if it wrote none)."""
        try:
            return json.loads(self.stats_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def error_lines(self) -> list[str]:
        """Log lines at ERROR or CRITICAL level and tracebacks."""
        return [line for line in self.output().splitlines()
                if " ERROR: " in line or " CRITICAL: " in line or line.startswith("Traceback")]

    # --- stopping -------------------------------------------------------------------------------

    def kill9(self) -> None:
        """``kill -9 PID``: the main process dies at once; nothing of its own runs after this."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def sigint(self) -> None:
        self.process.send_signal(signal.SIGINT)

    def sigterm(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def sigint_group(self) -> None:
        """What Ctrl-C on a terminal does: SIGINT to every process of the foreground group."""
        os.killpg(self.process.pid, signal.SIGINT)

    def kill_group(self) -> None:
        """Clean-up: SIGKILL to whatever is left of its process group (children, workers)."""
        with _suppress_lookup():
            os.killpg(self.process.pid, signal.SIGKILL)
        with _suppress_lookup():
            self.process.wait(timeout=30)


@contextmanager
def _suppress_lookup() -> Iterator[None]:
    try:
        yield
    except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
        pass


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


class Processes:
    """Starts subprocesses for one test and kills whatever is left of them at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.started: list[Proc] = []
        workdir.mkdir(parents=True, exist_ok=True)

    def _unique(self, name: str) -> str:
        taken = {p.name for p in self.started}
        if name not in taken:
            return name
        n = 2
        while f"{name}-{n}" in taken:
            n += 1
        return f"{name}-{n}"

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Proc:
        name = self._unique(name)
        out = (self.workdir / f"{name}.out").open("wb")
        err = (self.workdir / f"{name}.err").open("wb")
        with out, err:
            process = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=err, start_new_session=True)
        proc = Proc(name, argv, process, self.workdir)
        self.started.append(proc)
        return proc

    def scrapy_crawl(self, name: str, site_url: str, database_url: str, *, jobdir: Path | None = None,
                     settings: dict[str, str] | None = None, env: dict[str, str] | None = None) -> Proc:
        """``scrapy crawl news -a site=URL`` with the stats file, a log file and fast loopback settings."""
        name = self._unique(name)
        chosen = dict(FAST_SETTINGS, HARVESTER_STATS_FILE=str(self.workdir / f"{name}-stats.json"),
                      LOG_FILE=str(self.workdir / f"{name}.log"))
        if jobdir is not None:
            chosen["JOBDIR"] = str(jobdir)
        chosen.update(settings or {})
        argv = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"site={site_url}", *settings_args(chosen)]
        return self.start(name, argv, clean_env(database_url, **(env or {})))

    def harvester_crawl(self, name: str, site_url: str, database_url: str, *, settings: dict[str, str] | None = None,
                        env: dict[str, str] | None = None, wrapper: list[str] | None = None) -> Proc:
        """``harvester crawl news -a site=URL`` (its exit code says how the run went).

        ``wrapper``: a module that runs the command under a test condition (see ``limited_sqlite``).
        """
        name = self._unique(name)
        chosen = dict(FAST_SETTINGS, HARVESTER_STATS_FILE=str(self.workdir / f"{name}-stats.json"),
                      LOG_FILE=str(self.workdir / f"{name}.log"), HARVESTER_PROGRESS_INTERVAL="0")
        chosen.update(settings or {})
        entry = wrapper or ["-m", "harvester.cli"]
        argv = [sys.executable, *entry, "crawl", "news", "-a", f"site={site_url}", *settings_args(chosen)]
        return self.start(name, argv, clean_env(database_url, **(env or {})))

    def harvester(self, name: str, database_url: str, *args: str) -> Proc:
        """Any other ``harvester`` command."""
        return self.start(name, [sys.executable, "-m", "harvester.cli", *args], clean_env(database_url))

    def cleanup(self) -> None:
        for proc in self.started:
            proc.kill_group()

    def tails(self) -> str:
        return "\n".join(proc.tail(2500) for proc in self.started)


def wait_until(condition: Callable[[], bool], what: str, *, timeout: float, watch: Proc | None = None,
               interval: float = 0.05, describe: Callable[[], str] | None = None) -> None:
    """Poll ``condition`` until it holds; fail clearly after ``timeout`` s, or as soon as ``watch`` has ended."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if watch is not None and not watch.alive():
            if condition():
                return
            raise AssertionError(f"{watch.name} ended (exit {watch.process.returncode}) before {what}\n"
                                 f"{describe() if describe else ''}\n{watch.tail()}")
        if time.monotonic() > deadline:
            extra = describe() if describe else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{extra}"
                                 + (f"\n{watch.tail()}" if watch else ""))
        time.sleep(interval)
