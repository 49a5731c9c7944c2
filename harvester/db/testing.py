"""Helpers for tests that run against real databases (no mocks).

SQLite always; PostgreSQL too when ``HARVESTER_TEST_POSTGRES_URL`` is set. Without it the
PostgreSQL cases are not generated at all, so nothing is reported as passing that did not run.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import make_url

from harvester.db.engine import make_engine
from harvester.db.models import SEARCH_TABLE_PREFIX
from harvester.db.url import normalize_database_url

POSTGRES_TEST_URL_ENV = "HARVESTER_TEST_POSTGRES_URL"


def backends() -> list[str]:
    """The database backends to test: "sqlite", plus "postgresql" when configured."""
    names = ["sqlite"]
    if os.environ.get(POSTGRES_TEST_URL_ENV, "").strip():
        names.append("postgresql")
    return names


def empty_database_url(backend: str, directory: Path) -> str:
    """The URL of an empty database: a new SQLite file in ``directory``, or the PostgreSQL test
    database with every table dropped (it must be a throwaway database). Under pytest-xdist each
    worker gets a database of its own (see ``postgres_test_url``)."""
    if backend == "sqlite":
        return f"sqlite:///{directory / 'harvest-test.db'}"
    if backend == "postgresql":
        url = postgres_test_url()
        drop_all_tables(url)
        return url
    raise ValueError(f"unknown test backend {backend!r}")


def postgres_test_url() -> str:
    """``HARVESTER_TEST_POSTGRES_URL``; under pytest-xdist, a database of this worker's own next
    to it (``<name>_gw0``, …), created on first use: workers must not drop each other's tables
    nor share the per-site advisory locks, which PostgreSQL scopes by database."""
    url = os.environ[POSTGRES_TEST_URL_ENV].strip()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "").strip()
    if worker and can_create_databases(url):
        return _worker_database(url, worker)
    return url  # one process, or a role without CREATEDB: tests/conftest.py keeps them on one worker


@functools.cache
def can_create_databases(url: str) -> bool:
    """Whether the test role may create a database per xdist worker."""
    engine = create_engine(make_url(normalize_database_url(url)))
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            )).scalar())
    finally:
        engine.dispose()


@functools.cache
def _worker_database(url: str, worker: str) -> str:
    parsed = make_url(normalize_database_url(url))
    name = f"{parsed.database}_{worker}"
    engine = create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
                try:
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
                except Exception as exc:
                    raise RuntimeError(
                        f"cannot create the PostgreSQL test database {name!r} for xdist worker {worker} "
                        f"({' '.join(str(getattr(exc, 'orig', exc)).split())}): grant the role CREATEDB "
                        "(ALTER ROLE ... CREATEDB) or run pytest -n 0"
                    ) from None
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def drop_all_tables(url: str) -> None:
    """Drop every view and table in the database at ``url``, whatever created it.

    Views go first (they depend on tables), then the SQLite full-text table (its shadow
    tables go with it), then the rest.
    """
    engine = make_engine(url, sqlite_foreign_keys=False)
    try:
        with engine.begin() as conn:
            inspector = inspect(conn)
            for view in inspector.get_view_names():
                conn.execute(text(f'DROP VIEW IF EXISTS "{view}"'))
            if conn.dialect.name == "sqlite" and SEARCH_TABLE_PREFIX in inspector.get_table_names():
                conn.execute(text(f'DROP TABLE "{SEARCH_TABLE_PREFIX}"'))
        metadata = MetaData()
        with engine.begin() as conn:
            metadata.reflect(conn)
            metadata.drop_all(conn)
    finally:
        engine.dispose()
