"""Dialect-native INSERT ... ON CONFLICT, chosen by dialect name."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _dialect_insert(conn: Connection, table: Table) -> Any:
    try:
        return _INSERTS[conn.dialect.name](table)
    except KeyError:
        raise NotImplementedError(
            f"no upsert for the {conn.dialect.name!r} dialect (supported: {', '.join(_INSERTS)})"
        ) from None


def dialect_insert(conn: Connection, table: Table) -> Any:
    """The dialect's ``INSERT`` construct (with ``on_conflict_do_update`` / ``excluded``) for ``table``."""
    return _dialect_insert(conn, table)


def insert_or_update(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    *,
    conflict: Sequence[str],
    update: Sequence[str],
) -> Insert:
    """``INSERT values``; on a ``conflict`` key clash, update the ``update`` columns instead."""
    stmt = _dialect_insert(conn, table).values(dict(values))
    return stmt.on_conflict_do_update(
        index_elements=list(conflict),
        set_={name: stmt.excluded[name] for name in update},
    )


def insert_or_ignore(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], *, conflict: Sequence[str]
) -> Insert:
    """``INSERT rows``, skipping every row whose ``conflict`` key already exists."""
    stmt = _dialect_insert(conn, table).values([dict(row) for row in rows])
    return stmt.on_conflict_do_nothing(index_elements=list(conflict))


# --- statements built once ------------------------------------------------------------------------
# Building a SQLAlchemy statement (``.values(...)``, ``on_conflict_do_update``) costs more CPU than
# running it on SQLite; the store writer runs the same few statements for every article. These are
# built once per dialect and run with parameters (``conn.execute(stmt, row)`` or a list of rows:
# executemany), so SQLAlchemy finds each compiled in its cache and only binds the values.

_BUILT: dict[tuple[Any, ...], Any] = {}


def built(conn: Connection, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The statement ``build()`` made for ``key`` on this connection's dialect, made on first use."""
    full = (conn.dialect.name, *key)
    found = _BUILT.get(full)
    if found is None:
        found = _BUILT[full] = build()
    return found


def upsert_statement(conn: Connection, table: Table, *, conflict: Sequence[str], update: Sequence[str]) -> Insert:
    """``INSERT`` (values given at execution); on a ``conflict`` key clash, update the ``update``
    columns: ``insert_or_update`` without the values, built once."""

    def build() -> Insert:
        stmt = _dialect_insert(conn, table)
        return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
            index_elements=list(conflict), set_={name: stmt.excluded[name] for name in update},
        )

    return built(conn, ("upsert", table.name, tuple(conflict), tuple(update)), build)  # type: ignore[no-any-return]


def ignore_statement(conn: Connection, table: Table, *, conflict: Sequence[str]) -> Insert:
    """``INSERT`` (values given at execution) skipping rows whose ``conflict`` key exists, built once."""
    return built(  # type: ignore[no-any-return]
        conn, ("ignore", table.name, tuple(conflict)),
        lambda: _dialect_insert(conn, table).on_conflict_do_nothing(index_elements=list(conflict)),
    )
