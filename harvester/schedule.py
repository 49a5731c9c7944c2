"""``harvester schedule``: a long-running scheduler (APScheduler 3) of ``harvester crawl`` runs.

The configuration is a TOML file, one table per job under ``[jobs]``::

    timezone = "UTC"                  # optional; cron expressions are read in it (default: local)
    database = "sqlite:////srv/harvester/harvest.db"   # optional; else HARVESTER_DATABASE_URL

    [jobs.worldofsoftware]
    cron = "17 * * * *"               # five crontab fields: minute hour day month day-of-week

    [jobs.itpostnews]
    interval = "30m"                  # or "45s", "2h", "1d", or a number of seconds
    settings = { DOWNLOAD_DELAY = 1 } # -s NAME=VALUE for this job's runs

    [jobs.example]
    spider = "news"                   # default: the job's name
    interval = "6h"
    args = { site = "https://example.com" }           # -a NAME=VALUE
    # base_url = "http://127.0.0.1:8001"              # a site spider crawling a mirror
    # cluster_workers = 3                             # queue each run for 3 `harvester worker`s (HARVESTER_FRONTIER_URL)

Each run is a ``harvester crawl`` subprocess (the Twisted reactor cannot be restarted in one
process). The scheduler never starts a job while its previous run is still going
(``max_instances=1``, missed runs coalesced); across processes the per-site lock of the store
does the same. On SIGTERM or SIGINT it stops scheduling, interrupts running crawls (SIGINT: they
finish what they are doing and record their run) and exits 0.
"""

from __future__ import annotations

import logging
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger("harvester.schedule")

_INTERVAL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_JOB_KEYS = {"spider", "cron", "interval", "args", "settings", "base_url", "cluster_workers"}


class ConfigError(ValueError):
    """The schedule file is missing or wrong: the message says where."""


@dataclass(frozen=True)
class Job:
    name: str
    spider: str
    cron: str | None = None
    interval_seconds: float | None = None
    args: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    base_url: str | None = None
    cluster_workers: int | None = None  # queue each run on the cluster for this many `harvester worker`s

    def trigger(self, timezone: str | None) -> BaseTrigger:
        if self.cron is not None:
            return CronTrigger.from_crontab(self.cron, timezone=timezone)
        assert self.interval_seconds is not None
        return IntervalTrigger(seconds=self.interval_seconds, timezone=timezone)

    def command(self, database: str | None) -> list[str]:
        """The ``harvester crawl`` command line of one run."""
        argv = [sys.executable, "-m", "harvester.cli", "crawl", self.spider]
        if self.base_url:
            argv += ["--base-url", f"{self.spider}={self.base_url}"]
        for name, value in self.args.items():
            argv += ["-a", f"{name}={value}"]
        for name, value in self.settings.items():
            argv += ["-s", f"{name}={value}"]
        if self.cluster_workers:  # queued for the cluster's workers, which use their own database
            return [*argv, "--submit", "--workers", str(self.cluster_workers)]
        if database:
            argv += ["--database", database]
        return argv


@dataclass(frozen=True)
class Schedule:
    jobs: list[Job]
    timezone: str | None = None
    database: str | None = None


def parse_interval(value: object) -> float:
    """Seconds of an interval: a number, or "45s", "30m", "2h", "1d"."""
    if isinstance(value, bool):
        raise ConfigError(f"not an interval: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _INTERVAL.fullmatch(value)):
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    else:
        raise ConfigError(f"not an interval: {value!r} (use e.g. 45s, 30m, 2h, 1d or seconds)")
    if seconds <= 0:
        raise ConfigError(f"interval must be positive: {value!r}")
    return seconds


def load_schedule(path: Path) -> Schedule:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_schedule(data, str(path))


def parse_schedule(data: Mapping[str, Any], where: str = "schedule") -> Schedule:
    jobs_table = data.get("jobs")
    if not isinstance(jobs_table, dict) or not jobs_table:
        raise ConfigError(f"{where}: no [jobs.NAME] table")
    jobs = [_parse_job(name, table, where) for name, table in jobs_table.items()]
    timezone = data.get("timezone")
    database = data.get("database")
    for key, value in (("timezone", timezone), ("database", database)):
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string")
    return Schedule(jobs, timezone, database)


def _parse_job(name: str, table: object, where: str) -> Job:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: jobs.{name} must be a table")
    unknown = set(table) - _JOB_KEYS
    if unknown:
        raise ConfigError(f"{where}: jobs.{name}: unknown key(s) {', '.join(sorted(unknown))}")
    if ("cron" in table) == ("interval" in table):
        raise ConfigError(f"{where}: jobs.{name}: give exactly one of cron or interval")
    cron = table.get("cron")
    if cron is not None:
        try:
            CronTrigger.from_crontab(str(cron))
        except ValueError as exc:
            raise ConfigError(f"{where}: jobs.{name}: bad cron expression {cron!r}: {exc}") from None
    try:
        interval = parse_interval(table["interval"]) if "interval" in table else None
    except ConfigError as exc:
        raise ConfigError(f"{where}: jobs.{name}: {exc}") from None
    return Job(
        name=name,
        spider=str(table.get("spider", name)),
        cron=str(cron) if cron is not None else None,
        interval_seconds=interval,
        args=_strings(table.get("args", {}), f"{where}: jobs.{name}.args"),
        settings=_strings(table.get("settings", {}), f"{where}: jobs.{name}.settings"),
        base_url=str(table["base_url"]) if "base_url" in table else None,
        cluster_workers=_cluster_workers(table.get("cluster_workers"), f"{where}: jobs.{name}"),
    )


def _cluster_workers(value: object, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: cluster_workers must be a whole number >= 1")
    return value


def _strings(table: object, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    return {str(key): _setting_text(value) for key, value in table.items()}


def _setting_text(value: object) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


class Runner:
    """Runs jobs as subprocesses, logs each start and finish, and can interrupt them all."""

    def __init__(self, database: str | None) -> None:
        self.database = database
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def run(self, job: Job) -> int | None:
        if self._stopping.is_set():
            return None
        command = job.command(self.database)
        started = time.monotonic()
        log.info("start %s: %s", job.name, " ".join(command[2:]))
        process = subprocess.Popen(command)
        with self._lock:
            self._running[job.name] = process
        try:
            code = process.wait()
        finally:
            with self._lock:
                self._running.pop(job.name, None)
        log.info("finish %s: exit %d after %.1f s", job.name, code, time.monotonic() - started)
        return code

    def interrupt_all(self) -> None:
        self._stopping.set()
        with self._lock:
            running = list(self._running.items())
        for name, process in running:
            log.info("interrupting %s (pid %d)", name, process.pid)
            process.send_signal(signal.SIGINT)


def run_schedule(schedule: Schedule, stop: threading.Event | None = None) -> None:
    """Schedule every job and block until SIGTERM/SIGINT (or ``stop`` is set); then shut down cleanly."""
    stop = stop or threading.Event()
    runner = Runner(schedule.database)
    scheduler = BackgroundScheduler(
        timezone=schedule.timezone,
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 60},
    )
    for job in schedule.jobs:
        trigger = job.trigger(schedule.timezone)
        scheduler.add_job(runner.run, trigger, args=[job], id=job.name, name=job.name)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler.start()
    try:
        for job in scheduler.get_jobs():
            log.info("scheduled %s (%s), next run %s", job.name, job.trigger, job.next_run_time)
        while not stop.wait(0.5):
            pass
        log.info("stopping: no new runs; waiting for running crawls")
        scheduler.pause()
        runner.interrupt_all()
        scheduler.shutdown(wait=True)
        log.info("stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


