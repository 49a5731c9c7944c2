"""PostgreSQL servers the fault tests may stop: a private server per test, never the shared one.

``private_cluster()`` makes a throwaway server of its own with the PostgreSQL binaries of the
machine (``initdb`` in a temporary folder, run as the ``postgres`` user, on a free port of
127.0.0.1), so that stopping it cuts only the crawl under test: the other tests, running in
parallel on the server of ``HARVESTER_TEST_POSTGRES_URL``, never see the outage.

Without the binaries or the rights (root, to run them as ``postgres``), the tests needing it are
skipped on a developer's machine and FAIL in CI (``CI=true``): CI must run them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(why: str) -> None:
    """Fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"fault test needs PostgreSQL under its control, and CI must run it: {why}", pytrace=False)
    pytest.skip(why)


SERVER_USER = "postgres"
DATABASE = "harvester_faults"


@dataclass(frozen=True)
class Cluster:
    """A private PostgreSQL server: its binaries, data folder and port."""

    bin_dir: Path
    data_dir: Path
    port: int

    def _ctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["runuser", "-u", SERVER_USER, "--", str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args],
            capture_output=True, text=True, timeout=timeout, cwd="/",
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/{DATABASE}"

    def online(self) -> bool:
        return self._ctl("status").returncode == 0

    def stop(self) -> None:
        """Stop the server now (``-m fast``: open sessions are cut, as in an outage)."""
        done = self._ctl("stop", "-m", "fast", "-w")
        assert done.returncode == 0, f"pg_ctl stop: {done.stderr}"

    def start(self) -> None:
        if not self.online():
            options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            done = self._ctl("start", "-w", "-o", options, "-l", str(self.data_dir / "server.log"))
            assert done.returncode == 0, f"pg_ctl start: {done.stderr}{self.log()}"
        self.wait_ready()

    def restart(self) -> None:
        self.stop()
        self.start()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run([str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                   capture_output=True, timeout=30)
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError(f"private PostgreSQL on port {self.port} not ready after {timeout} s{self.log()}")

    def log(self) -> str:
        path = self.data_dir / "server.log"
        return "\n" + path.read_text(errors="replace")[-2000:] if path.exists() else ""


def _binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/VERSION/bin)."""
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    if not versions:
        unavailable("no PostgreSQL binaries in /usr/lib/postgresql (apt-get install -y postgresql)")
    return versions[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def private_cluster() -> Iterator[tuple[str, Cluster]]:
    """A new PostgreSQL server with an empty database, running; stopped and removed afterwards.

    The URL connects as the server's superuser over 127.0.0.1 (trust authentication, loopback
    only); ``fsync=off`` because a test server's durability across a power loss is not under test."""
    if os.geteuid() != 0:
        unavailable("a private PostgreSQL server is run as the postgres user: needs root (runuser)")
    try:
        account = pwd.getpwnam(SERVER_USER)
    except KeyError:
        unavailable("no postgres user (apt-get install -y postgresql)")
    bin_dir = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="harvester-pg-"))
    os.chown(folder, account.pw_uid, account.pw_gid)
    cluster = Cluster(bin_dir, folder / "data", _free_port())
    try:
        done = subprocess.run(
            ["runuser", "-u", SERVER_USER, "--", str(bin_dir / "initdb"), "-D", str(cluster.data_dir),
             "-U", SERVER_USER, "--auth=trust", "-E", "UTF8", "--no-sync"],
            capture_output=True, text=True, timeout=180, cwd="/",
        )
        assert done.returncode == 0, f"initdb: {done.stderr}"
        cluster.start()
        created = subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", SERVER_USER, DATABASE],
            capture_output=True, text=True, timeout=60,
        )
        assert created.returncode == 0, f"createdb: {created.stderr}"
        yield cluster.url, cluster
    finally:
        if cluster.data_dir.exists() and cluster.online():
            cluster._ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(folder, ignore_errors=True)
