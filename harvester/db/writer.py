"""The store writer: a thread that drains spooled records into the database.

Records reach it after they are durably in the spool (``harvester.spool``); it writes them in
batches (``harvester.db.batch``), each batch in one transaction together with the spool mark
(``spool_marks``: the last sequence number written), so a replay after a crash never writes a
record twice.

When the database is unavailable (down, restarting, locked) the writer keeps the batch and tries
again with exponential backoff, for ``retry_seconds`` (default 10 minutes) from the first
failure; when it refuses writes (disk full, read-only) it gives up after ``refused_seconds``.
Giving up calls ``on_failure`` once with one line that says why; everything not written stays in
the spool, for the next run to replay. Nothing here runs on the crawl's event loop.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from harvester.db.batch import BatchReport, Entry, StoreUnavailable, write_batch
from harvester.db.errors import classify, describe
from harvester.db.runs import RunEnd, apply_run_end
from harvester.db.store import ArticleStore
from harvester.db.tables import SPOOL_MARKS
from harvester.db.upsert import insert_or_update
from harvester.spool import Spool, read_records

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpoolHeader:
    """The first record of every spool file: the run its records belong to."""

    run_id: int | None
    spider: str


@dataclass
class RetryPolicy:
    retry_seconds: float = 600.0  # database unavailable: keep trying this long
    refused_seconds: float = 5.0  # database refuses writes (full, read-only): give up sooner
    first_delay: float = 0.25
    max_delay: float = 15.0


@dataclass
class WriterReport:
    """What the writer did (for the crawl's stats and its run record)."""

    batches: int = 0
    retries: int = 0
    reports: list[BatchReport] = field(default_factory=list)


def set_mark(conn: Connection, spool: str, run_id: int | None, seq: int) -> None:
    conn.execute(insert_or_update(
        conn, SPOOL_MARKS,
        {"spool": spool, "run_id": run_id, "seq": seq, "updated_at": datetime.now(UTC)},
        conflict=["spool"], update=["seq", "updated_at"],
    ))


def get_mark(conn: Connection, spool: str) -> int:
    value = conn.execute(select(SPOOL_MARKS.c.seq).where(SPOOL_MARKS.c.spool == spool)).scalar_one_or_none()
    return int(value or 0)


def forget_mark(store: ArticleStore, spool: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(SPOOL_MARKS).where(SPOOL_MARKS.c.spool == spool))


def write_records(
    store: ArticleStore, spool: str, run_id: int | None, records: Sequence[tuple[int, Any]]
) -> list[BatchReport]:
    """Write spooled ``(seq, record)`` pairs in order, each transaction with its spool mark.

    Raises ``StoreUnavailable`` when the database cannot take them (nothing of the failing
    transaction is written; what was committed before stays, and the mark says how far).
    """
    reports: list[BatchReport] = []
    chunk: list[tuple[int, Entry]] = []

    def flush() -> None:
        if not chunk:
            return
        seqs = [seq for seq, _ in chunk]
        reports.append(write_batch(
            store, run_id, [entry for _, entry in chunk],
            mark=lambda conn, index: set_mark(conn, spool, run_id, seqs[index]),
        ))
        chunk.clear()

    for seq, record in records:
        if isinstance(record, SpoolHeader):
            continue
        if isinstance(record, RunEnd):
            flush()
            try:
                with store.engine.begin() as conn:
                    apply_run_end(conn, record)
                    set_mark(conn, spool, run_id, seq)
            except Exception as exc:  # noqa: BLE001 - classified: retried by the caller, or logged
                if classify(exc) != "data":
                    raise StoreUnavailable(describe(exc), classify(exc)) from exc
                log.error("cannot complete crawl run %s: %s", record.run_id, describe(exc))
            continue
        chunk.append((seq, record))
    flush()
    return reports


class StoreWriter:
    """Writes one spool's records to the database on its own thread."""

    def __init__(
        self,
        store: ArticleStore,
        spool: Spool,
        run_id: int | None,
        *,
        policy: RetryPolicy | None = None,
        max_batch: int = 200,
        on_failure: Callable[[str], None] | None = None,
        on_written: Callable[[BatchReport], None] | None = None,
    ) -> None:
        self.store = store
        self.spool = spool
        self.run_id = run_id
        self.policy = policy or RetryPolicy()
        self.max_batch = max(1, max_batch)
        self.on_failure = on_failure
        self.on_written = on_written
        self.failure: str | None = None
        self.unavailable_since: float | None = None
        self.written_seq = 0
        self._queue: deque[tuple[int, Any]] = deque()
        self._cond = threading.Condition()
        self._closing = False
        self._abandon = threading.Event()  # set by stop(): no more retries
        self._thread = threading.Thread(target=self._run, name="harvester-store-writer", daemon=True)
        self._thread.start()

    @property
    def backlog(self) -> int:
        return len(self._queue)

    def submit(self, records: Iterable[tuple[int, Any]]) -> None:
        with self._cond:
            self._queue.extend(records)
            self._cond.notify_all()

    def drain(self, timeout: float) -> bool:
        """Wait until every submitted record is written (True), the writer failed or ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue and self.failure is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.5))
            return not self._queue and self.failure is None

    def stop(self) -> None:
        """Stop the thread; records not written stay in the spool (and are replayed by the next run)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._abandon.set()
        self._thread.join(timeout=10)

    # --- the thread -----------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if self._closing and (not self._queue or self.failure is not None):
                    return
                batch = [self._queue[i] for i in range(min(self.max_batch, len(self._queue)))]
            if self.failure is not None:
                return
            if not self._write(batch):
                return
            with self._cond:
                for _ in batch:
                    self._queue.popleft()
                self.written_seq = batch[-1][0]
                self._cond.notify_all()

    def _write(self, batch: list[tuple[int, Any]]) -> bool:
        """Write ``batch``, retrying through outages; False when the writer gives up."""
        delay = self.policy.first_delay
        first_failure: float | None = None
        while True:
            try:
                reports = write_records(self.store, self.spool.name, self.run_id, batch)
            except StoreUnavailable as exc:
                now = time.monotonic()
                first_failure = first_failure or now
                self.unavailable_since = first_failure
                window = self.policy.refused_seconds if exc.kind == "refused" else self.policy.retry_seconds
                if now - first_failure >= window:
                    self._fail(exc, now - first_failure)
                    return False
                log.warning("database %s (%s); retrying in %.1f s", "refuses writes" if exc.kind == "refused"
                            else "unavailable", exc, delay)
                if self._closing and self._abandon.is_set():
                    return False  # the crawl is over and its owner stopped waiting: the spool keeps the rest
                self._abandon.wait(delay)
                delay = min(delay * 2, self.policy.max_delay)
                continue
            except Exception as exc:  # noqa: BLE001 - a bug: stop writing, keep the spool
                self._fail(exc, 0.0)
                return False
            self.unavailable_since = None
            if self.on_written is not None:
                for report in reports:
                    self.on_written(report)
            return True

    def _fail(self, exc: BaseException, waited: float) -> None:
        kind = getattr(exc, "kind", None) or classify(exc)
        what = "refuses writes" if kind == "refused" else "is unavailable" if kind == "unavailable" else "failed"
        message = (f"the database {what} ({exc}) after {waited:.0f} s of retries; "
                   f"unwritten items are kept in the spool {self.spool.path} and written by the next run")
        with self._cond:
            self.failure = message
            self._cond.notify_all()
        log.error("%s", message)
        if self.on_failure is not None:
            self.on_failure(message)


def replay_spool(store: ArticleStore, path: Path) -> int | None:
    """Write what an abandoned spool file holds beyond its mark; then remove the file and the mark.

    Returns the number of records written, None when another process holds the file. Raises
    ``StoreUnavailable`` when the database cannot take them (the file stays for a later attempt).
    """
    with open(path, "rb") as held:
        try:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return None  # its writer is alive, or another run is replaying it
        return _replay_locked(store, path)


def _replay_locked(store: ArticleStore, path: Path) -> int:
    records = list(read_records(path))
    name = path.stem
    header = next((r.record for r in records if isinstance(r.record, SpoolHeader)), None)
    run_id = header.run_id if header is not None else None
    with store.engine.connect() as conn:
        mark = get_mark(conn, name)
    todo = [(r.seq, r.record) for r in records if r.seq > mark]
    for start in range(0, len(todo), 200):
        write_records(store, name, run_id, todo[start:start + 200])
    forget_mark(store, name)
    path.unlink(missing_ok=True)
    return sum(1 for _, record in todo if not isinstance(record, SpoolHeader))
