"""Engines: one place that knows how to open a database for the harvester."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import NoSuchModuleError

from harvester.db.url import SUPPORTED, DatabaseUrlError, is_sqlite_file, normalize_database_url, redact_url

log = logging.getLogger(__name__)

#: How long a SQLite connection waits for another process's write lock before failing.
SQLITE_BUSY_SECONDS = 30.0
#: Execution option of write transactions: on SQLite they begin with BEGIN IMMEDIATE.
WRITE_OPTION = "harvester_write"
#: Execution option of read-only work (the default; named for clarity at call sites).
READ_ONLY = {"harvester_read_only": True}


def make_engine(url: str, *, sqlite_foreign_keys: bool = True) -> Engine:
    """An engine for ``url``.

    On SQLite: foreign keys are enforced (``sqlite_foreign_keys=False`` is for migrations,
    which rebuild tables), a file database uses write-ahead logging, and transactions are
    real: SQLAlchemy emits ``BEGIN`` itself instead of the driver's legacy mode, which
    skips it for SELECT and DDL. The password is never logged (SQLAlchemy's own repr and
    our log lines hide it). ``postgres://`` and ``postgresql://`` mean psycopg 3; a URL we
    cannot open raises ``DatabaseUrlError`` (a one-line message).
    """
    url = normalize_database_url(url)
    sqlite = url.startswith("sqlite")
    try:
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS} if sqlite else {},
                               pool_pre_ping=not sqlite)
    except NoSuchModuleError:
        raise DatabaseUrlError(f"unsupported database URL {redact_url(url)}: use {SUPPORTED}") from None
    except ImportError as exc:
        raise DatabaseUrlError(f"database driver for {redact_url(url)} is not installed ({exc.name})") from None
    log.debug("database engine for %s", redact_url(url))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys, wal=is_sqlite_file(url))
    return engine


def _configure_sqlite(engine: Engine, *, foreign_keys: bool, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 driver (see the SQLAlchemy docs,
        # "Enabling Non-Legacy SQLite Transactional Modes"); PRAGMAs below need autocommit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Write transactions (``writing``) take the write lock when they begin (BEGIN IMMEDIATE):
        # waiting for it honours the busy timeout, whereas a deferred transaction that upgrades to
        # writing fails at once with "database is locked" when another process writes.
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def reading(engine: Engine) -> Connection:
    """A connection for read-only work (``with reading(engine) as conn:``): never takes a write lock."""
    return engine.connect().execution_options(**READ_ONLY)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (``with writing(engine) as conn:``), committed at the end, rolled back
    on an exception; on SQLite it holds the write lock from its first statement."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn


def database_error_line(url: str, exc: BaseException) -> str:
    """One line for a database failure: which database (password hidden) and the driver's words
    (SQLAlchemy's own message adds a second line with a link)."""
    cause = getattr(exc, "orig", None) or exc
    words = " ".join(str(cause).split()) or cause.__class__.__name__
    hint = ""
    if "readonly" in words or "read-only" in words:
        hint = " (the database file or its folder is read-only)"
    elif "file is not a database" in words or "malformed" in words:
        hint = " (not a SQLite database, or a corrupted one)"
    return f"database {redact_url(url)}: {words}{hint}"
