"""Dialect-native INSERT ... ON CONFLICT, chosen by dialect name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
