"""Small per-transaction memories for the store writer's hot path.

A batch asks for the same site id, author and tag ids many times; what one transaction found is
remembered for the rest of that transaction only (keyed by SQLAlchemy's transaction object, held
weakly): a row inserted by a transaction that is rolled back is never remembered beyond it.
"""

from __future__ import annotations

import threading
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection

_MEMOS: WeakKeyDictionary[Any, dict[str, dict[Any, Any]]] = WeakKeyDictionary()
_LOCK = threading.Lock()  # transactions of several threads (the store writer's, Twisted's pool)


def transaction_memo(conn: Connection, name: str) -> dict[Any, Any] | None:
    """The memory ``name`` of the connection's current transaction (None outside a transaction)."""
    transaction = conn.get_transaction()
    if transaction is None:
        return None
    with _LOCK:
        memos = _MEMOS.get(transaction)
        if memos is None:
            memos = _MEMOS[transaction] = {}
        return memos.setdefault(name, {})
