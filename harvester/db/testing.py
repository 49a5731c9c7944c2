"""Helpers for tests that run against real databases (no mocks).

SQLite always; PostgreSQL too when ``HARVESTER_TEST_POSTGRES_URL`` is set. Without it the
PostgreSQL cases are not generated at all, so nothing is reported as passing that did not run.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import MetaData, inspect, text

from harvester.db.engine import make_engine
from harvester.db.models import SEARCH_TABLE_PREFIX

POSTGRES_TEST_URL_ENV = "HARVESTER_TEST_POSTGRES_URL"


def backends() -> list[str]:
    """The database backends to test: "sqlite", plus "postgresql" when configured."""
    names = ["sqlite"]
    if os.environ.get(POSTGRES_TEST_URL_ENV, "").strip():
        names.append("postgresql")
    return names


def empty_database_url(backend: str, directory: Path) -> str:
    """The URL of an empty database: a new SQLite file in ``directory``, or the configured
    PostgreSQL test database with every table dropped (it must be a throwaway database)."""
    if backend == "sqlite":
        return f"sqlite:///{directory / 'harvest-test.db'}"
    if backend == "postgresql":
        url = os.environ[POSTGRES_TEST_URL_ENV].strip()
        drop_all_tables(url)
        return url
    raise ValueError(f"unknown test backend {backend!r}")


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
