"""Helpers for tests that run against real databases (no mocks).

SQLite always; PostgreSQL too when ``HARVESTER_TEST_POSTGRES_URL`` is set. Without it the
PostgreSQL cases are not generated at all, so nothing is reported as passing that did not run.
"""

from __future__ import annotations

import atexit
import base64
import functools
import hashlib
import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url

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


def database_at_head_url(backend: str, directory: Path) -> str:
    """The URL of a database at the current schema with no rows, for tests that store or crawl
    (tests of creating the schema itself use ``empty_database_url``).

    SQLite: a copy, in ``directory``, of a file migrated once per process. PostgreSQL: the test
    database, its rows truncated when this process migrated it and nothing has dropped its tables
    since; otherwise dropped and migrated. Both spare each test the migrations (a few hundred
    milliseconds on SQLite, about a second on PostgreSQL) and the crawl under test its import of
    Alembic, so the suite spends its time on what it tests."""
    if backend == "sqlite":
        return sqlite_at_head(directory / "harvest-test.db")
    if backend == "postgresql":
        url = postgres_test_url()
        if url in _POSTGRES_AT_HEAD and _truncate_all(url):
            return url
        drop_all_tables(url)
        _migrate(url)
        _POSTGRES_AT_HEAD.add(url)
        return url
    raise ValueError(f"unknown test backend {backend!r}")


def sqlite_at_head(path: Path) -> str:
    """The URL of a new SQLite file at ``path`` with the current schema and no rows."""
    shutil.copyfile(_sqlite_template(), path)
    return f"sqlite:///{path}"


_POSTGRES_AT_HEAD: set[str] = set()
"""PostgreSQL test databases this process migrated to head and has only emptied since."""


@functools.cache
def _sqlite_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="harvester-test-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "at-head.db"
    _migrate(f"sqlite:///{path}")
    return path


def _migrate(url: str) -> None:
    from harvester.db.migrate import upgrade

    upgrade(url)


def _truncate_all(url: str) -> bool:
    """Empty every table but Alembic's (identities restarted); False when the database is not
    at head after all, and must be rebuilt."""
    from harvester.db.migrate import HEAD_REVISION, VERSION_TABLE

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all() != [HEAD_REVISION]:
                return False
            tables = [name for name in inspect(conn).get_table_names() if name != VERSION_TABLE]
            if tables:
                quoted = ", ".join(f'"{name}"' for name in tables)
                conn.execute(text(f"TRUNCATE TABLE {quoted} RESTART IDENTITY CASCADE"))
        return True
    except Exception:  # noqa: BLE001 - whatever state it is in, the caller rebuilds it
        return False
    finally:
        engine.dispose()


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
    _POSTGRES_AT_HEAD.discard(url)
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


# --- comparing whole stores ------------------------------------------------------------------------
# Used by tests that check two ways of writing give the same store, and by bench/store.py to
# compare stores written before and after a change to the writer.

#: Columns left out of a dump: surrogate keys and the run's own wall-clock and process details.
DUMP_VOLATILE = {
    "crawl_runs": {"id", "started_at", "finished_at", "hostname", "pid"},
    "spool_marks": {"spool", "run_id", "updated_at"},
    "fetch_log": {"id", "run_id", "worker"},
}
#: Columns a dump keeps but a comparison ignores: when the writer learned boilerplate (wall clock).
DUMP_LEARNED_AT = {"site_boilerplate": {"first_seen", "last_seen"}, "site_boilerplate_pages": {"observed_at"}}
_DUMP_SKIPPED = ("articles_fts", "alembic_version", "sqlite_")


def dump_store(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, surrogate ids replaced by natural keys (URLs, names), sorted: comparable
    across stores written in another order. ``search`` holds what the full-text index has per
    article (SQLite: its per-column token counts, after FTS5's integrity check against the articles;
    PostgreSQL: the ``search_vector``)."""
    with engine.connect() as conn:
        names = sorted(t for t in inspect(conn).get_table_names() if not t.startswith(_DUMP_SKIPPED))
        rows = {name: [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{name}"'))] for name in names}
        search = _search_dump(conn)
    article_url = {r["id"]: r["url"] for r in rows.get("articles", [])}
    keys = {
        "site_id": {r["id"]: r["key"] for r in rows.get("sites", [])},
        "article_id": article_url,
        "cluster_id": article_url,
        "author_id": {r["id"]: r["name"] for r in rows.get("authors", [])},
        "tag_id": {r["id"]: r["name"] for r in rows.get("tags", [])},
        "raw_page_id": {r["id"]: f"{r['url']} @ {r['fetched_at']}" for r in rows.get("raw_pages", [])},
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table_rows in rows.items():
        dropped = DUMP_VOLATILE.get(name, {"id"})
        clean = []
        for row in table_rows:
            item = {}
            for column, value in row.items():
                if column in dropped or column == "search_vector":
                    continue
                if column in keys:
                    value = keys[column].get(value, value)
                item[column] = _plain(value)
            clean.append(item)
        out[name] = _sorted_rows(clean)
    out["search"] = search
    return out


def comparable_dump(dump: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """``dump`` without the wall-clock columns of learned boilerplate (``DUMP_LEARNED_AT``)."""
    out = {}
    for name, rows in dump.items():
        ignored = DUMP_LEARNED_AT.get(name, set())
        out[name] = _sorted_rows([{k: v for k, v in row.items() if k not in ignored} for row in rows])
    return out


def _sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _search_dump(conn: Connection) -> list[dict[str, Any]]:
    if conn.dialect.name == "sqlite":
        if not inspect(conn).has_table(SEARCH_TABLE_PREFIX):
            return []
        # raises when the index disagrees with the articles (external content: checked against them)
        conn.execute(text(f"INSERT INTO {SEARCH_TABLE_PREFIX}({SEARCH_TABLE_PREFIX}) VALUES ('integrity-check')"))
        found = conn.execute(text(
            f"SELECT a.url, d.sz FROM {SEARCH_TABLE_PREFIX}_docsize d JOIN articles a ON a.id = d.id"
        )).all()
        return sorted(({"url": url, "sha": _digest(bytes(size).hex())} for url, size in found), key=lambda r: r["url"])
    found = conn.execute(text("SELECT url, search_vector::text FROM articles")).all()
    return sorted(({"url": url, "sha": _digest(vector)} for url, vector in found), key=lambda r: r["url"])


def _digest(text_: str) -> str:
    return hashlib.sha256(text_.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "b64:" + base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    return value
