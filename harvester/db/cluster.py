"""Database side of a distributed run (``harvester.cluster.run``): run locks shared by the
workers of one run, and the run's worker count.

On PostgreSQL every worker of a distributed run holds the site's advisory lock in *shared*
mode (``pg_try_advisory_lock_shared``) for as long as it works: the run's workers do not
exclude each other, but a single-process run (which takes the lock exclusively) and a
distributed run still never overlap, whichever started first, even if the worker that
created the run dies. On SQLite the first worker takes the file lock (``harvester.db.lock``)
and the others join without one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from sqlalchemy import text, update
from sqlalchemy.engine import Connection, Engine

from harvester.db.lock import RunLock, _NoLock, advisory_key, try_lock_sites
from harvester.db.tables import CRAWL_RUNS


class _SharedPostgresLock:
    """Shared session advisory locks on one dedicated connection (the counterpart of
    ``harvester.db.lock``'s exclusive ``_PostgresLock``): ``check`` re-takes them, *shared*,
    on a new connection after the old one was lost (a server restart)."""

    def __init__(self, conn: Connection, keys: list[int], engine: Engine | None = None) -> None:
        self._conn = conn
        self._keys = keys
        self._engine = engine

    def check(self) -> str:
        """"held", "reacquired", "lost" (a single-process run took the site) or "down" (server away)."""
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
            conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception:  # noqa: BLE001
            return DOWN
        again = _take_shared(conn, self._keys)
        if again is None:
            return LOST
        self._conn = conn
        return REACQUIRED

    def release(self) -> None:
        """Let go; never raises (a lock whose connection is gone is released already)."""
        try:
            for key in self._keys:
                self._conn.execute(text("SELECT pg_advisory_unlock_shared(:key)"), {"key": key})
        except Exception:  # noqa: BLE001
            pass
        finally:
            with contextlib.suppress(Exception):
                self._conn.close()


#: lock states, the same words as the run-lock checks of harvester.db.lock
HELD, REACQUIRED, LOST, DOWN = "held", "reacquired", "lost", "down"


def _take_shared(conn: Connection, keys: list[int]) -> list[int] | None:
    """Take every key shared on ``conn`` (all or none: None, and the connection closed)."""
    taken: list[int] = []
    try:
        for key in keys:
            if not conn.execute(text("SELECT pg_try_advisory_lock_shared(:key)"), {"key": key}).scalar_one():
                _SharedPostgresLock(conn, taken).release()
                return None
            taken.append(key)
    except BaseException:
        _SharedPostgresLock(conn, taken).release()
        raise
    return taken


def lock_for_run(engine: Engine, sites: Iterable[str], *, first: bool) -> RunLock | None:
    """The lock a worker of a distributed run holds; None when a single-process run holds a site."""
    names = sorted(set(sites))
    if engine.dialect.name != "postgresql":
        return try_lock_sites(engine, names) if first else _NoLock()
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    keys = [advisory_key(name) for name in names]
    if _take_shared(conn, keys) is None:
        return None
    return _SharedPostgresLock(conn, keys, engine)


def add_worker(engine: Engine, run_id: int) -> None:
    """One more worker joined the run."""
    with engine.begin() as conn:
        conn.execute(update(CRAWL_RUNS).where(CRAWL_RUNS.c.id == run_id).values(workers=CRAWL_RUNS.c.workers + 1))
