"""Opening the store for a command, with every failure as one line (``StoreUnavailable``).

Commands that only read never create a database: a missing SQLite file or an empty database
is an error naming it. Commands that write (a crawl, the demo) create and migrate a new
database, and find out before crawling whether they can write to it.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from harvester.db.engine import database_error_line, make_engine
from harvester.db.migrate import SchemaOutdated, check_writable, ensure_schema
from harvester.db.url import DatabaseUrlError, check_sqlite_path


class StoreUnavailable(Exception):
    """The store cannot be used as asked; the message is one line for the user."""


def open_database(url: str, *, write: bool) -> Engine:
    """An engine on the store at ``url``, at the current schema (``write``: created if new,
    and checked writable). Dispose of it when done."""
    try:
        check_sqlite_path(url, must_exist=not write)
        engine = make_engine(url)
    except DatabaseUrlError as exc:
        raise StoreUnavailable(str(exc)) from None
    try:
        ensure_schema(engine, create=write)
        if write:
            check_writable(engine)
    except SchemaOutdated as exc:
        engine.dispose()
        raise StoreUnavailable(str(exc)) from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreUnavailable(database_error_line(url, exc)) from None
    return engine
