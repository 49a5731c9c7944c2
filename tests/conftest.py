"""Fixtures shared by the whole suite, safe under pytest-xdist (``-n``).

``demo_store``: ``harvester demo`` (the three bundled mirrors crawled into SQLite) runs once for
the whole session, whichever worker asks first, under a file lock; tests only read its result.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock


@dataclass(frozen=True)
class DemoStore:
    """The result of one ``harvester demo``: its database file and what it printed."""

    db_path: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db_path}"


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this session sees (each worker's base temp is below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    root = _shared_root(tmp_path_factory)
    folder = root / "shared-demo"
    result_file = folder / "result.json"
    with FileLock(str(root / "shared-demo.lock"), timeout=900):
        if not result_file.exists():
            folder.mkdir(exist_ok=True)
            done = subprocess.run(
                [sys.executable, "-m", "harvester.cli", "demo"],
                cwd=folder, env=clean_env(), capture_output=True, text=True, timeout=600,
            )
            result_file.write_text(
                json.dumps({"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}),
                encoding="utf-8",
            )
        result = json.loads(result_file.read_text(encoding="utf-8"))
    return DemoStore(folder / "harvest.db", result["returncode"], result["stdout"], result["stderr"])


# While the test modules are collected, their assertion-rewritten form is cached (pytest writes it
# only where bytecode may be written, and PYTHONDONTWRITEBYTECODE may forbid it): otherwise every
# xdist worker of every run rewrites and compiles every test module again, 2.5 s of CPU of its 5.6 s
# of collection. Restored once collection is over.
_DONT_WRITE_BYTECODE = sys.dont_write_bytecode
sys.dont_write_bytecode = False


def pytest_collection_finish(session: pytest.Session) -> None:
    sys.dont_write_bytecode = _DONT_WRITE_BYTECODE


def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.pluginmanager.has_plugin("dsession"):  # the xdist controller collects nothing
        sys.dont_write_bytecode = _DONT_WRITE_BYTECODE


def pytest_configure(config: pytest.Config) -> None:
    """Run on one process when the PostgreSQL tests cannot be isolated per xdist worker.

    Each worker needs a PostgreSQL database of its own (tables and per-site advisory locks are
    per database), made by the test role: without CREATEDB they would share one, so the session
    runs without workers instead (before pytest-xdist, whose hook runs last, starts them)."""
    from harvester.db.testing import POSTGRES_TEST_URL_ENV, can_create_databases

    url = os.environ.get(POSTGRES_TEST_URL_ENV, "").strip()
    if os.environ.get("PYTEST_XDIST_WORKER") or not url or not getattr(config.option, "numprocesses", None):
        return
    try:
        isolated = can_create_databases(url)
    except Exception as exc:  # noqa: BLE001 - the PostgreSQL tests will say what is wrong
        sys.stderr.write(f"conftest: cannot reach {POSTGRES_TEST_URL_ENV} ({exc.__class__.__name__})\n")
        return
    if not isolated:
        sys.stderr.write(
            f"conftest: the role of {POSTGRES_TEST_URL_ENV} cannot create a database per xdist worker "
            "(ALTER ROLE ... CREATEDB): running the tests in one process\n"
        )
        config.option.numprocesses = 0
        config.option.dist = "no"


# Modules whose crawls mostly wait (download timeouts, a database outage, several worker processes):
# started first, so that they overlap the rest of the suite instead of running at its tail. A
# scheduling hint only: order changes nothing else.
START_FIRST = (
    "test_hostile_site.py", "test_faults_postgres.py", "test_cluster.py", "test_crawl_store.py",
    "test_faults_contention.py", "test_crawl_e2e.py", "test_incremental.py", "test_faults_crash.py",
    "test_faults_signals.py", "test_faults_disk.py", "test_schedule.py", "test_scrapyd.py", "test_resume.py",
    "test_run_lock.py", "test_cli_mirror.py", "test_faults_stall.py", "test_workers.py",
)

_SHARED_FIXTURE = re.compile(r"""scope\s*=\s*["'](?:module|class|package)["']""")


@functools.cache
def _shares_a_fixture(module: Path) -> bool:
    """True when the test module defines a module- (or class-) scoped fixture: a crawl its tests share."""
    try:
        return bool(_SHARED_FIXTURE.search(module.read_text(encoding="utf-8")))
    except OSError:
        return True  # unknown: keep its tests together, as plain loadscope would


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope``, refined: a module whose tests share a module-scoped fixture (a crawl,
    a server) is one unit of work, so that fixture is made once; the tests of every other module
    are spread one by one over the workers. (pytest-xdist's own ``loadgroup`` cannot do this on
    pytest 9.2, whose node ids it can no longer rename.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    root = Path(str(config.rootpath))

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if _shares_a_fixture(root / module) else nodeid

    return SharedFixtureScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules that mostly wait run first (see ``START_FIRST``)."""

    def rank(item: pytest.Item) -> int:
        name = item.nodeid.split("::")[0].rsplit("/", 1)[-1]
        return START_FIRST.index(name) if name in START_FIRST else len(START_FIRST)

    items.sort(key=rank)  # stable: the order within a module is kept
