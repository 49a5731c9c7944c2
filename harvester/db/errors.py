"""What a database error means for the writer: wait and retry, stop, or blame one item."""

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


def classify(exc: BaseException) -> ErrorKind:
    """``unavailable``: the database is down, restarting or locked (retry the whole batch later);
    ``refused``: it is up but refuses writes (full disk, read-only); ``data``: this item is bad."""
    text = f"{exc} {getattr(exc, 'orig', '')}".lower()
    if any(marker in text for marker in _REFUSED):
        return "refused"
    if isinstance(exc, OSError):
        return "refused" if exc.errno in (28, 30, 13, 122) else "unavailable"
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError)):
        return "unavailable"
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "unavailable"
    return "data"


def describe(exc: BaseException) -> str:
    """One line naming the error, without the SQL statement or parameters."""
    orig = getattr(exc, "orig", None)
    return f"{type(exc).__name__}: {orig or exc}".splitlines()[0][:500]
