"""Fixtures shared by the whole suite, safe under pytest-xdist (``-n``).

``demo_store``: ``harvester demo`` (the three bundled mirrors crawled into SQLite) runs once for
the whole session, whichever worker asks first, under a file lock; tests only read its result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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
