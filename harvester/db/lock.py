"""Per-site run locks: two runs of the same site never overlap.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a dedicated connection
held for the whole run; the server releases it if the process dies. SQLite: an exclusive lock
on a file next to the database file (``harvest.db.worldofsoftware.lock``), which the operating
system releases if the process dies. An in-memory SQLite database is private to its process
and needs no lock. Locks are never waited for: a held lock means "skip this run".
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

#: Advisory lock keys are namespaced so they do not collide with other applications' keys.
_KEY_PREFIX = "harvester:site:"


#: What ``RunLock.check`` found: still held, taken again after its connection was lost, or lost
#: to another run (the run must stop).
HELD, REACQUIRED, LOST, DOWN = "held", "reacquired", "lost", "down"  # down: cannot tell yet (server away)


class RunLock(Protocol):
    def release(self) -> None: ...

    def check(self) -> str: ...


def advisory_key(site: str) -> int:
    """A stable signed 64-bit advisory lock key for a site."""
    digest = hashlib.sha256((_KEY_PREFIX + site).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresLock:
    """Session advisory locks on one dedicated connection, exclusive (a run) or ``shared`` (the
    workers of a distributed run, ``harvester.db.cluster``). If that connection is lost (a server
    restart), so are the locks: ``check`` notices and takes them again on a new connection, unless
    another run got them first."""

    def __init__(self, conn: Connection, keys: list[int], engine: Engine | None = None, *, shared: bool = False) -> None:
        self._conn = conn
        self._keys = keys
        self._engine = engine
        self._suffix = "_shared" if shared else ""

    @classmethod
    def take(cls, engine: Engine, keys: list[int], *, shared: bool = False) -> PostgresLock | None:
        """Every key on a new connection (all or none: None when another run holds one)."""
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        lock = cls(conn, [], engine, shared=shared)
        try:
            for key in keys:
                if not conn.execute(text(f"SELECT pg_try_advisory_lock{lock._suffix}(:key)"), {"key": key}).scalar_one():
                    lock.release()
                    return None
                lock._keys.append(key)
        except BaseException:
            lock.release()
            raise
        return lock

    def check(self) -> str:
        try:
            self._conn.execute(text("SELECT 1")).scalar_one()
            return HELD
        except Exception:  # noqa: BLE001 - the connection (and with it the lock) is gone
            pass
        with contextlib.suppress(Exception):
            self._conn.invalidate()
            self._conn.close()
        if self._engine is None:
            return LOST
        try:
            again = PostgresLock.take(self._engine, self._keys, shared=bool(self._suffix))
        except Exception:  # noqa: BLE001 - the server is still away: nobody can take the lock meanwhile
            return DOWN
        if again is None:
            return LOST
        self._conn = again._conn
        return REACQUIRED

    def release(self) -> None:
        """Let go; never raises (a lock whose connection is gone is released already)."""
        try:
            for key in self._keys:
                self._conn.execute(text(f"SELECT pg_advisory_unlock{self._suffix}(:key)"), {"key": key})
        except Exception:  # noqa: BLE001
            pass
        finally:
            with contextlib.suppress(Exception):
                self._conn.close()


class _FileLocks:
    def __init__(self, locks: list[FileLock]) -> None:
        self._locks = locks

    def check(self) -> str:
        return HELD  # the operating system holds a file lock for as long as the process lives

    def release(self) -> None:
        for lock in reversed(self._locks):
            with contextlib.suppress(Exception):
                lock.release()


class _NoLock:
    def check(self) -> str:
        return HELD

    def release(self) -> None:
        return None


def lock_file(database: str, site: str) -> Path:
    """The lock file of ``site`` next to the SQLite database file ``database``."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", site)
    return Path(f"{database}.{safe}.lock")


def try_lock_sites(engine: Engine, sites: Iterable[str]) -> RunLock | None:
    """Take the run lock of every site in ``sites`` without waiting; None if any is held.

    Either all locks are taken (release them with ``release()`` when the run ends) or none.
    """
    names = sorted(set(sites))
    if engine.dialect.name == "postgresql":
        return _try_postgres(engine, names)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:" and not database.startswith("file::memory:"):
        return _try_files(database, names)
    return _NoLock()


def _try_postgres(engine: Engine, names: list[str]) -> RunLock | None:
    return PostgresLock.take(engine, [advisory_key(name) for name in names])


def _try_files(database: str, names: list[str]) -> RunLock | None:
    taken: list[FileLock] = []
    for name in names:
        lock = FileLock(str(lock_file(database, name)), is_singleton=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            _FileLocks(taken).release()
            return None
        taken.append(lock)
    return _FileLocks(taken)
