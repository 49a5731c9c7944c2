"""Engines: one place that knows how to open a database for the harvester."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import NoSuchModuleError

from harvester.db.url import SUPPORTED, DatabaseUrlError, is_sqlite_file, normalize_database_url, redact_url

log = logging.getLogger(__name__)


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
    try:
        engine = create_engine(url)
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
        connection.exec_driver_sql("BEGIN")


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
