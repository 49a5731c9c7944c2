"""PostgreSQL server control for the fault tests: stop and start the real server under a crawl.

The server is the cluster that serves ``HARVESTER_TEST_POSTGRES_URL`` (found, as ``.ci/run``
does, with ``pg_lsclusters``: the cluster listening on the URL's port), stopped with
``pg_ctlcluster VERSION NAME stop -m fast`` and started again with ``start`` (root only).

Without that URL, or without the rights to control the server, the tests needing it are
skipped on a developer's machine and FAIL in CI (``CI=true``): CI must run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import make_url

from harvester.db.testing import POSTGRES_TEST_URL_ENV


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(why: str) -> None:
    """Fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"fault test needs PostgreSQL under its control, and CI must run it: {why}", pytrace=False)
    pytest.skip(why)


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str
    port: int

    def _ctl(self, *args: str) -> None:
        done = subprocess.run(["pg_ctlcluster", self.version, self.name, *args], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"pg_ctlcluster {self.version} {self.name} {' '.join(args)}: {done.stderr}"

    def online(self) -> bool:
        done = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=30)
        for line in done.stdout.splitlines():
            fields = line.split()
            if fields[:2] == [self.version, self.name]:
                return len(fields) > 3 and fields[3] == "online"
        return False

    def stop(self) -> None:
        """Stop the server now (``-m fast``: open sessions are cut, as in an outage)."""
        self._ctl("stop", "-m", "fast")

    def start(self) -> None:
        if not self.online():
            self._ctl("start")
        self.wait_ready()

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True,
                                   timeout=30)
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError(f"PostgreSQL {self.version}/{self.name} not ready after {timeout} s")


def postgres_url() -> str:
    """The configured throwaway PostgreSQL database (every table in it is dropped by the tests)."""
    url = os.environ.get(POSTGRES_TEST_URL_ENV, "").strip()
    if not url:
        unavailable(f"{POSTGRES_TEST_URL_ENV} is not set")
    return url


def find_cluster(url: str) -> Cluster:
    """The local cluster listening on the URL's port."""
    if os.geteuid() != 0:
        unavailable("stopping and starting PostgreSQL needs root (pg_ctlcluster)")
    if not shutil.which("pg_lsclusters") or not shutil.which("pg_ctlcluster"):
        unavailable("pg_lsclusters / pg_ctlcluster not found (apt-get install -y postgresql)")
    port = make_url(url).port or 5432
    listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=30)
    for line in listed.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[2] == str(port):
            return Cluster(fields[0], fields[1], port)
    unavailable(f"no local PostgreSQL cluster listens on port {port} of {POSTGRES_TEST_URL_ENV}")
    raise AssertionError("unreachable")


@contextmanager
def controlled_cluster() -> Iterator[tuple[str, Cluster]]:
    """The test database URL and its server, running; whatever the test did, it runs again afterwards."""
    url = postgres_url()
    cluster = find_cluster(url)
    cluster.start()
    try:
        yield url, cluster
    finally:
        cluster.start()
