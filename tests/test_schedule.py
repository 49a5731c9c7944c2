"""``harvester schedule``: the TOML configuration, and a real scheduler run for a bounded time
against a mirror (interval of a few seconds), stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import IO

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from harvester.mirror_server import bundled_mirror, serve_mirror
from harvester.schedule import ConfigError, load_schedule, parse_interval, parse_schedule

SITE = "worldofsoftware"


@pytest.mark.parametrize(("value", "seconds"), [("45s", 45), ("30m", 1800), ("2h", 7200), ("1d", 86400), (90, 90), ("2.5s", 2.5)])
def test_intervals(value: object, seconds: float) -> None:
    assert parse_interval(value) == seconds


@pytest.mark.parametrize("value", ["", "5 minutes", "0s", -3, True, "m"])
def test_bad_intervals_are_refused(value: object) -> None:
    with pytest.raises(ConfigError):
        parse_interval(value)


def test_a_schedule_with_cron_and_interval_jobs() -> None:
    schedule = parse_schedule({
        "timezone": "UTC",
        "jobs": {
            "worldofsoftware": {"cron": "17 * * * *"},
            "example": {"spider": "news", "interval": "6h", "args": {"site": "https://example.com"},
                        "settings": {"DOWNLOAD_DELAY": 1, "ROBOTSTXT_OBEY": True}},
        },
    })
    wos, example = schedule.jobs
    assert isinstance(wos.trigger(schedule.timezone), CronTrigger) and wos.spider == "worldofsoftware"
    trigger = example.trigger(schedule.timezone)
    assert isinstance(trigger, IntervalTrigger) and trigger.interval.total_seconds() == 6 * 3600
    command = example.command("sqlite:///x.db")
    assert command[1:] == ["-m", "harvester.cli", "crawl", "news", "-a", "site=https://example.com",
                           "-s", "DOWNLOAD_DELAY=1", "-s", "ROBOTSTXT_OBEY=True", "--database", "sqlite:///x.db"]


@pytest.mark.parametrize(("jobs", "message"), [
    ({}, "no [jobs.NAME] table"),
    ({"a": {}}, "exactly one of cron or interval"),
    ({"a": {"cron": "* * * * *", "interval": "1m"}}, "exactly one of cron or interval"),
    ({"a": {"cron": "61 * * * *"}}, "bad cron expression"),
    ({"a": {"interval": "soon"}}, "not an interval"),
    ({"a": {"interval": "1m", "every": 3}}, "unknown key(s) every"),
])
def test_bad_schedules_say_what_is_wrong(jobs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        parse_schedule({"jobs": jobs})


def test_a_missing_or_broken_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_schedule(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[jobs.a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_schedule(broken)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARVESTER_")}
    done = subprocess.run([sys.executable, "-m", "harvester.cli", "schedule", "--config", str(broken)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and done.stderr.startswith("harvester: error:")


def test_the_scheduler_runs_a_site_repeatedly_and_stops_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "harvest.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    with serve_mirror(bundled_mirror(SITE)) as base:
        config = tmp_path / "schedule.toml"
        config.write_text(
            f'database = "sqlite:///{db}"\n\n[jobs.{SITE}]\ninterval = "2s"\nbase_url = "{base}"\n'
            'settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, LOG_LEVEL = "WARNING" }\n',
            encoding="utf-8",
        )
        log = (tmp_path / "schedule.log").open("w+", encoding="utf-8")
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "harvester.cli", "schedule", "--config", str(config)],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        # Wait for the events, not for a fixed window: one run finished and a second one started.
        deadline = time.monotonic() + 180
        while not _finished_one_and_started_another(db) and time.monotonic() < deadline:
            assert scheduler.poll() is None, _read(log)
            time.sleep(0.5)
        assert scheduler.poll() is None, _read(log)
        assert _finished_one_and_started_another(db), "no second run within 180 s: " + _read(log)
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(timeout=90)
        output = _read(log, tail=None)
        log.close()
    assert scheduler.returncode == 0, output[-3000:]
    assert f"start {SITE}" in output and f"finish {SITE}: exit 0" in output, output[-3000:]
    assert output.rstrip().endswith("stopped"), output[-3000:]
    with closing(sqlite3.connect(db)) as conn:
        runs = conn.execute("SELECT status, finished_at IS NOT NULL FROM crawl_runs WHERE spider = ?", (SITE,)).fetchall()
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert len(runs) >= 2, runs
    assert all(done for _, done in runs), runs  # every run, an interrupted one too, completed its row
    assert ("finished", 1) in runs
    assert articles > 0


def _finished_one_and_started_another(db: Path) -> bool:
    """Whether the store holds a finished crawl run and at least one more run."""
    if not db.exists():
        return False
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            statuses = [row[0] for row in conn.execute("SELECT status FROM crawl_runs WHERE spider = ?", (SITE,))]
    except sqlite3.Error:  # not created yet, or being migrated
        return False
    return len(statuses) >= 2 and "finished" in statuses


def _read(log: IO[str], tail: int | None = 3000) -> str:
    log.flush()
    log.seek(0)
    text = log.read()
    return text if tail is None else text[-tail:]
