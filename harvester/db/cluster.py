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

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.engine import Engine

from harvester.db.lock import PostgresLock, RunLock, _NoLock, advisory_key, try_lock_sites
from harvester.db.tables import CRAWL_RUNS


def lock_for_run(engine: Engine, sites: Iterable[str], *, first: bool) -> RunLock | None:
    """The lock a worker of a distributed run holds (shared with the run's other workers, exclusive
    against single-process runs); None when a single-process run holds a site."""
    names = sorted(set(sites))
    if engine.dialect.name != "postgresql":
        return try_lock_sites(engine, names) if first else _NoLock()
    return PostgresLock.take(engine, [advisory_key(name) for name in names], shared=True)


def add_worker(engine: Engine, run_id: int) -> None:
    """One more worker joined the run."""
    with engine.begin() as conn:
        conn.execute(update(CRAWL_RUNS).where(CRAWL_RUNS.c.id == run_id).values(workers=CRAWL_RUNS.c.workers + 1))
