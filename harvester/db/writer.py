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
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from harvester.db.batch import BatchReport, Entry, StoreUnavailable, write_batch
from harvester.db.engine import reading, writing
from harvester.db.errors import classify, describe
from harvester.db.runs import RunEnd, apply_run_end, refresh_run_counts
from harvester.db.boilerplate import save_site_blocks
from harvester.db.store import ArticleStore, FetchedArticle
from harvester.db.tables import SPOOL_MARKS
from harvester.db.upsert import upsert_statement
from harvester.extraction.holdback import HoldBack, Released
from harvester.extraction.learned import SiteBlocks
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


@dataclass(frozen=True)
class Mark:
    """What of a spool is in the database: every record up to ``seq``, and those in ``done``
    beyond it (records written out of order: articles held back while a site's boilerplate is
    learned are written after records that came later)."""

    seq: int = 0
    done: frozenset[int] = frozenset()

    def covers(self, seq: int) -> bool:
        return seq <= self.seq or seq in self.done

    def plus(self, seqs: Iterable[int]) -> Mark:
        done = set(self.done) | set(seqs)
        watermark = self.seq
        while watermark + 1 in done:
            watermark += 1
            done.discard(watermark)
        return Mark(watermark, frozenset(seq for seq in done if seq > watermark))


def set_mark(conn: Connection, spool: str, run_id: int | None, mark: Mark) -> None:
    conn.execute(
        upsert_statement(conn, SPOOL_MARKS, conflict=["spool"], update=["seq", "done", "updated_at"]),
        {"spool": spool, "run_id": run_id, "seq": mark.seq, "done": json.dumps(sorted(mark.done)) if mark.done else None,
         "updated_at": datetime.now(UTC)},
    )


def get_mark(conn: Connection, spool: str) -> Mark:
    row = conn.execute(select(SPOOL_MARKS.c.seq, SPOOL_MARKS.c.done).where(SPOOL_MARKS.c.spool == spool)).first()
    if row is None:
        return Mark()
    return Mark(int(row.seq or 0), frozenset(json.loads(row.done)) if row.done else frozenset())


def read_mark(store: ArticleStore, spool: str) -> Mark:
    """The spool's mark as the database has it (raises ``StoreUnavailable`` when it cannot say)."""
    try:
        with reading(store.engine) as conn:
            return get_mark(conn, spool)
    except Exception as exc:  # noqa: BLE001 - classified like a failed write
        if classify(exc) != "data":
            raise StoreUnavailable(describe(exc), classify(exc)) from exc
        raise


def forget_mark(store: ArticleStore, spool: str) -> None:
    with writing(store.engine) as conn:
        conn.execute(delete(SPOOL_MARKS).where(SPOOL_MARKS.c.spool == spool))


def write_records(
    store: ArticleStore, spool: str, run_id: int | None, records: Sequence[tuple[int, Any]],
    *, after_write: Callable[[Connection], None] | None = None, known: Mark | None = None,
) -> list[BatchReport]:
    """Write spooled ``(seq, record)`` pairs in order, each transaction with the spool's mark.

    Records the mark says are written already are skipped, so a retried or replayed batch writes
    nothing twice. ``after_write`` runs inside each transaction (the writer saves what it learned
    of the sites' boilerplate there). Raises ``StoreUnavailable`` when the database cannot take
    them (nothing of the failing transaction is written; the mark says how far it got).
    """
    base = known if known is not None else read_mark(store, spool)
    records = [(seq, record) for seq, record in records if not base.covers(seq)]
    reports: list[BatchReport] = []
    chunk: list[tuple[int, Entry]] = []
    done: list[int] = []  # written since ``base``, in order

    def mark_in(conn: Connection, seqs: Sequence[int]) -> None:
        set_mark(conn, spool, run_id, base.plus([*done, *seqs]))
        if after_write is not None:
            after_write(conn)

    def flush() -> None:
        if not chunk:
            return
        seqs = [seq for seq, _ in chunk]
        reports.append(write_batch(
            store, run_id, [entry for _, entry in chunk],
            mark=lambda conn, index: mark_in(conn, seqs[: index + 1]),
        ))
        done.extend(seqs)
        chunk.clear()

    for seq, record in records:
        if isinstance(record, (SpoolHeader, RunEnd)):
            flush()
            try:
                with writing(store.engine) as conn:
                    if isinstance(record, RunEnd):
                        apply_run_end(conn, record)
                    mark_in(conn, [seq])
            except Exception as exc:  # noqa: BLE001 - classified: retried by the caller, or logged
                if classify(exc) != "data":
                    raise StoreUnavailable(describe(exc), classify(exc)) from exc
                log.error("cannot complete crawl run %s: %s", getattr(record, "run_id", run_id), describe(exc))
            done.append(seq)
            continue
        chunk.append((seq, record))
    flush()
    return reports


class Preparer:
    """The last step before the database: articles pass through learned-boilerplate hold-back
    (``harvester.extraction.holdback``); a run's end releases what is held, ahead of the ``RunEnd``."""

    def __init__(self, holdback: HoldBack[tuple[int, FetchedArticle]] | None) -> None:
        self.holdback = holdback
        self._saved: dict[str, SiteBlocks] = {}

    def take(self, seq: int, record: Any) -> list[tuple[int, Any]]:
        if self.holdback is None:
            return [(seq, record)]
        if isinstance(record, FetchedArticle):
            return [self._released(r) for r in self.holdback.offer(record.site, record.article, (seq, record))]
        if isinstance(record, RunEnd):
            return [*self.flush(), (seq, record)]
        return [(seq, record)]

    def flush(self) -> list[tuple[int, Any]]:
        return [self._released(r) for r in self.holdback.flush()] if self.holdback is not None else []

    @property
    def held(self) -> int:
        return self.holdback.held() if self.holdback is not None else 0

    @staticmethod
    def _released(released: Released[tuple[int, FetchedArticle]]) -> tuple[int, FetchedArticle]:
        seq, record = released.item
        return seq, replace(record, article=released.article)

    def save_learned(self, conn: Connection) -> None:
        """Save what the sites taught since the last save, in the caller's transaction."""
        if self.holdback is None:
            return
        for blocks in self.holdback.sites().values():
            save_site_blocks(conn, blocks)

    def saved(self) -> None:
        if self.holdback is not None:
            for blocks in self.holdback.sites().values():
                blocks.mark_saved()


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
        preparer: Preparer | None = None,
        linger: float = 0.2,
        on_failure: Callable[[str], None] | None = None,
        on_written: Callable[[BatchReport], None] | None = None,
    ) -> None:
        self.store = store
        self.spool = spool
        self.run_id = run_id
        self.policy = policy or RetryPolicy()
        self.max_batch = max(1, max_batch)
        self.preparer = preparer or Preparer(None)
        self.on_failure = on_failure
        self.on_written = on_written
        self.failure: str | None = None
        self.unavailable_since: float | None = None
        self._queue: deque[tuple[int, Any]] = deque()  # submitted, not prepared yet
        self._ready: deque[tuple[int, Any]] = deque()  # prepared, to write (this thread only)
        self._cond = threading.Condition()
        self._closing = False
        self._mark: Mark | None = Mark()  # a new spool: nothing written yet
        self.linger = linger
        self._abandon = threading.Event()  # set by stop(): no more retries
        self._thread = threading.Thread(target=self._run, name="harvester-store-writer", daemon=True)
        self._thread.start()

    @property
    def backlog(self) -> int:
        """Records handed over and not written yet (held-back articles included)."""
        return len(self._queue) + len(self._ready) + self.preparer.held

    def submit(self, records: Iterable[tuple[int, Any]]) -> None:
        with self._cond:
            self._queue.extend(records)
            self._cond.notify_all()

    def drain(self, timeout: float) -> bool:
        """Wait until every submitted record is written (True), the writer failed or ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.backlog and self.failure is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.5))
            return not self.backlog and self.failure is None

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
                while not self._queue and not self._ready and not self._closing:
                    self._cond.wait()
                if self._closing and (not (self._queue or self._ready) or self.failure is not None):
                    return
                self._linger()
                taken = [self._queue.popleft() for _ in range(len(self._queue))]
            for seq, record in taken:
                self._ready.extend(self.preparer.take(seq, record))
            if self.failure is not None:
                return
            while self._ready:
                batch = [self._ready[i] for i in range(min(self.max_batch, len(self._ready)))]
                if not self._write(batch):
                    return
                for _ in batch:
                    self._ready.popleft()
                with self._cond:
                    self._cond.notify_all()

    def _linger(self) -> None:
        """Group commit: wait up to ``linger`` seconds for a full batch, so that one transaction
        carries many records (called holding ``_cond``). Every ``submit`` wakes the wait, so it is
        a deadline, not one wait: a single wait ended at the next record, and the benchmark's crawl
        of 1,032 articles took 492 transactions (each with its spool mark and a commit that
        syncs the SQLite WAL), 37 with the deadline."""
        deadline = time.monotonic() + self.linger
        while len(self._queue) < self.max_batch and not self._closing:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)

    def _write(self, batch: list[tuple[int, Any]]) -> bool:
        """Write ``batch``, retrying through outages; False when the writer gives up."""
        delay = self.policy.first_delay
        first_failure: float | None = None
        while True:
            try:
                known = self._mark
                reports = write_records(self.store, self.spool.name, self.run_id, batch,
                                        after_write=self.preparer.save_learned, known=known)
                # only this thread writes this spool's mark: what it wrote is what the database has
                self._mark = (known or Mark()).plus(seq for seq, _ in batch) if known is not None else None
            except StoreUnavailable as exc:
                self._mark = None  # how far the failed batch got: ask the database next time
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
            self.preparer.saved()
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


def replay_spool(store: ArticleStore, path: Path, preparer: Preparer | None = None) -> int | None:
    """Write what an abandoned spool file holds beyond its mark; then remove the file and the mark.

    Returns the number of records written, None when another process holds the file. Raises
    ``StoreUnavailable`` when the database cannot take them (the file stays for a later attempt).
    """
    with open(path, "rb") as held:
        try:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return None  # its writer is alive, or another run is replaying it
        return _replay_locked(store, path, preparer or Preparer(None))


def _replay_locked(store: ArticleStore, path: Path, preparer: Preparer) -> int:
    records = list(read_records(path))
    name = path.stem
    header = next((r.record for r in records if isinstance(r.record, SpoolHeader)), None)
    run_id = header.run_id if header is not None else None
    with reading(store.engine) as conn:
        mark = get_mark(conn, name)
    todo = [(r.seq, r.record) for r in records if not mark.covers(r.seq)]
    prepared = [ready for seq, record in todo for ready in preparer.take(seq, record)]
    prepared.extend(preparer.flush())
    for start in range(0, len(prepared), 200):
        write_records(store, name, run_id, prepared[start:start + 200], after_write=preparer.save_learned)
        preparer.saved()
    if run_id is not None and todo:
        with writing(store.engine) as conn:
            refresh_run_counts(conn, run_id)  # a run completed before all its records were written
    forget_mark(store, name)
    path.unlink(missing_ok=True)
    return sum(1 for _, record in todo if not isinstance(record, SpoolHeader))
