"""``python -m tests.faults.limited_sqlite ARGS``: ``harvester ARGS`` with a SQLite page limit.

For the full-disk test when it cannot mount a small file system (not root): every SQLite
connection of the process gets ``PRAGMA max_page_count`` from the file named by
``FAULTS_SQLITE_PAGE_LIMIT_FILE`` whenever it is taken from the pool or begins a transaction,
so the test can make the database "full" mid-crawl and give room again. No file: no limit.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

LIMIT_FILE_ENV = "FAULTS_SQLITE_PAGE_LIMIT_FILE"
_NO_LIMIT = 1073741823  # SQLite's default maximum page count


def _limit() -> int:
    path = os.environ.get(LIMIT_FILE_ENV)
    try:
        return int(Path(path).read_text(encoding="utf-8")) if path else _NO_LIMIT
    except (OSError, ValueError):
        return _NO_LIMIT


def _apply(dbapi_connection: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA max_page_count = {_limit()}")


def install() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    event.listen(Pool, "checkout", lambda dbapi_connection, *_: _apply(dbapi_connection))
    event.listen(Engine, "begin", lambda conn: _apply(conn.connection.dbapi_connection))


def main() -> int:
    install()
    from harvester.cli import main as harvester_main

    return harvester_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
