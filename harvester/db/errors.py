"""What a database error means for the writer: wait and retry, stop, or blame one item.

The database's own error code decides first, where the driver gives one: PostgreSQL's SQLSTATE
(psycopg's ``sqlstate``, psycopg2's ``pgcode``) and SQLite's result code (``sqlite_errorcode``).
Class names alone mislead: the DB-API maps a value too long for an index (SQLSTATE 54000) and a
server shutting down (57P01) to the same ``OperationalError``, and retrying the first is a writer
stuck on one item until its retry window runs out.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

ErrorKind = Literal["unavailable", "refused", "data"]

#: The database answers but will not take writes: retrying soon does not help (stop the crawl).
_REFUSED = (
    "database or disk is full",
    "no space left",
    "readonly database",
    "read-only",
    "attempt to write a readonly",
    "permission denied",
    "disk quota exceeded",
    "could not extend file",
)

_PG_REFUSED = frozenset({"53100", "25006", "42501"})  # disk_full, read_only_sql_transaction, insufficient_privilege
_PG_RETRY_CLASSES = frozenset({"08", "40", "53", "55", "57", "58"})
"""SQLSTATE classes worth waiting for: connection exception, transaction rollback (serialization,
deadlock), insufficient resources, object in use / lock not available, operator intervention
(shutdown, cancel), system error (I/O)."""
_PG_DATA_CLASSES = frozenset({"22", "23", "54"})
"""The statement's values: data exception, integrity constraint, program limit exceeded (an index
row too large, too many columns). The same item fails again however long the writer waits."""

_SQLITE_DATA = frozenset({18, 19, 20, 25})  # SQLITE_TOOBIG, _CONSTRAINT, _MISMATCH, _RANGE
_SQLITE_REFUSED = frozenset({8, 13})  # SQLITE_READONLY, SQLITE_FULL
_SQLITE_RETRY = frozenset({5, 6, 10, 14})  # SQLITE_BUSY, _LOCKED, _IOERR, _CANTOPEN


def _by_code(orig: object) -> ErrorKind | None:
    """The kind the driver's error code gives, None when it gives none (or one not listed)."""
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str) and len(sqlstate) == 5:
        if sqlstate in _PG_REFUSED:
            return "refused"
        if sqlstate[:2] in _PG_RETRY_CLASSES:
            return "unavailable"
        if sqlstate[:2] in _PG_DATA_CLASSES:
            return "data"
        return None
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF  # extended result codes keep the primary one in the low byte
        if primary in _SQLITE_DATA:
            return "data"
        if primary in _SQLITE_REFUSED:
            return "refused"
        if primary in _SQLITE_RETRY:
            return "unavailable"
    return None


def classify(exc: BaseException) -> ErrorKind:
    """``unavailable``: the database is down, restarting or locked (retry the whole batch later);
    ``refused``: it is up but refuses writes (full disk, read-only); ``data``: this item is bad."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "unavailable"
    kind = _by_code(getattr(exc, "orig", None) or exc)
    if kind is not None:
        return kind
    text = f"{exc} {getattr(exc, 'orig', '')}".lower()
    if any(marker in text for marker in _REFUSED):
        return "refused"
    if isinstance(exc, OSError):
        return "refused" if exc.errno in (28, 30, 13, 122) else "unavailable"
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError)):
        return "unavailable"
    return "data"


def describe(exc: BaseException) -> str:
    """One line naming the error, without the SQL statement or parameters."""
    orig = getattr(exc, "orig", None)
    return f"{type(exc).__name__}: {orig or exc}".splitlines()[0][:500]
