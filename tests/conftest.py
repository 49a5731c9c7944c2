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


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep tests that share expensive state on one xdist worker.

    * the tests of a module-scoped fixture (a mirror crawl, a store) and its parameter share a
      group, so each worker does not redo the crawl;
    * without a PostgreSQL role that may create a database per worker, every PostgreSQL test
      shares the one test database and its advisory locks: one group for all of them.
    """
    from harvester.db.testing import POSTGRES_TEST_URL_ENV, can_create_databases

    postgres_url = os.environ.get(POSTGRES_TEST_URL_ENV, "").strip()
    one_postgres_worker = bool(postgres_url) and not can_create_databases(postgres_url)
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        if one_postgres_worker and "postgresql" in params.values():
            item.add_marker(pytest.mark.xdist_group("postgresql"))
            continue
        fixtures = getattr(item, "_fixtureinfo", None)
        module_scoped = [
            name for name, defs in (fixtures.name2fixturedefs.items() if fixtures else [])
            if defs and defs[-1].scope == "module"
        ]
        if module_scoped:
            key = [item.module.__name__ if item.module else item.nodeid.split("::")[0]]
            key += [f"{name}={params[name]}" for name in sorted(module_scoped) if name in params]
            item.add_marker(pytest.mark.xdist_group("/".join(key)))
