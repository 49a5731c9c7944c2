"""Writing a crawl's items in batches: one transaction per batch, then item by item.

A batch (articles and other fetch outcomes, in crawl order) is written in one transaction
with its ``fetch_log`` rows, and with ``mark`` (the store writer notes there how far into
its spool it got, so that nothing is written twice). If the transaction fails:

* because the database is unavailable or refuses writes (``harvester.db.errors``), nothing
  is written and ``StoreUnavailable`` is raised: the caller keeps the batch and tries again
  later (the store writer backs off, see ``harvester.db.writer``);
* because of the data, it is rolled back, tried once more, then each item is written in its
  own transaction, so one bad item costs only itself; it is reported and logged as
  ``error``/``store_failed``.

Batches already committed are never touched again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Connection

from harvester.db.deferred import DeferredRows
from harvester.db.engine import writing
from harvester.db.errors import ErrorKind, classify, describe
from harvester.db.runs import ERROR, STORED, UNCHANGED, FetchOutcome, log_fetch, log_not_fetched
from harvester.db.store import ArticleStore, FetchedArticle, SaveOutcome
from harvester.db.urlstate import PendingUrls, Validators, record_fetch, record_pending

log = logging.getLogger(__name__)

Entry = FetchedArticle | FetchOutcome | PendingUrls
#: Called inside a batch's transaction with the index of the batch's last entry written in it.
Mark = Callable[[Connection, int], None]


class StoreUnavailable(RuntimeError):
    """The database could not take the batch (down, locked, full, read-only); nothing was written."""

    def __init__(self, message: str, kind: ErrorKind) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class BatchReport:
    saved: list[tuple[FetchedArticle, SaveOutcome]] = field(default_factory=list)
    logged: list[FetchOutcome] = field(default_factory=list)
    failed: list[tuple[Entry, str]] = field(default_factory=list)  # entry, error message
    attempts: int = 0  # transactions tried for the whole batch


def write_batch(
    store: ArticleStore,
    run_id: int | None,
    entries: Sequence[Entry],
    *,
    retries: int = 1,
    retry_delay: float = 0.2,
    mark: Mark | None = None,
) -> BatchReport:
    """Write ``entries`` in one transaction (retried ``retries`` times), else one by one."""
    report = BatchReport()
    if not entries:
        return report
    last_error = ""
    for attempt in range(1 + retries):
        report.attempts = attempt + 1
        try:
            with writing(store.engine) as conn:
                deferred = DeferredRows()
                results = [_write(store, conn, run_id, entry, deferred) for entry in entries]
                deferred.flush(conn)
                if mark is not None:
                    mark(conn, len(entries) - 1)
        except Exception as exc:  # noqa: BLE001 - any failure rolls the batch back
            _raise_if_unavailable(exc)
            last_error = describe(exc)
            log.warning("batch of %d failed (attempt %d): %s", len(entries), attempt + 1, last_error)
            if attempt < retries:
                time.sleep(retry_delay)
            continue
        _collect(report, entries, results)
        return report
    log.warning("writing the batch of %d item by item after: %s", len(entries), last_error)
    for index, entry in enumerate(entries):
        try:
            with writing(store.engine) as conn:
                deferred = DeferredRows()
                result = _write(store, conn, run_id, entry, deferred)
                deferred.flush(conn)
                if mark is not None:
                    mark(conn, index)
        except Exception as exc:  # noqa: BLE001 - reported, the rest of the batch goes on
            _raise_if_unavailable(exc)
            message = describe(exc)
            report.failed.append((entry, message))
            _log_failure(store, run_id, entry, message, mark, index)
            continue
        _collect(report, [entry], [result])
    return report


def _raise_if_unavailable(exc: Exception) -> None:
    kind = classify(exc)
    if kind != "data":
        raise StoreUnavailable(describe(exc), kind) from exc


def _write(
    store: ArticleStore, conn: Connection, run_id: int | None, entry: Entry, deferred: DeferredRows
) -> SaveOutcome | None:
    """Write ``entry``; its ``fetch_log`` and ``url_state`` rows go to ``deferred`` (inserted at the
    end of the transaction, in order: nothing in a batch reads them back)."""
    if isinstance(entry, PendingUrls):
        record_pending(conn, entry, deferred)
        if entry.not_fetched and run_id is not None:
            log_not_fetched(conn, run_id, [url for url, _ in entry.urls], entry.not_fetched, entry.found_at, deferred)
        return None
    if isinstance(entry, FetchOutcome):
        if run_id is not None:
            log_fetch(
                conn, run_id, url=entry.url, fetched_at=entry.fetched_at, outcome=entry.outcome,
                reason=entry.reason, status=entry.status, size=entry.size, detail=entry.detail, deferred=deferred,
            )
        if entry.site is not None:
            record_fetch(
                conn, site=entry.site, url=entry.url, fetched_at=entry.fetched_at, outcome=entry.outcome,
                status=entry.status, validators=entry.validators, deferred=deferred,
            )
        return None
    outcome = store.save_on(conn, entry)
    # a duplicate (the content of an article stored under another URL) is "unchanged", reason duplicate
    logged = UNCHANGED if outcome.result in ("unchanged", "duplicate") else STORED
    status = entry.raw.status if entry.raw is not None else None
    if run_id is not None:
        log_fetch(
            conn,
            run_id,
            url=entry.fetched_url,
            fetched_at=entry.fetched_at,
            outcome=logged,
            reason=None if outcome.result == "unchanged" else outcome.result,
            status=status,
            size=entry.raw.length if entry.raw is not None else 0,
            article_id=outcome.article_id,
            deferred=deferred,
        )
    validators = Validators.of_raw(entry.raw) if entry.raw is not None else Validators()
    record_fetch(
        conn, site=entry.site, url=entry.fetched_url, fetched_at=entry.fetched_at, outcome=logged,
        status=status, validators=validators, article_id=outcome.article_id, deferred=deferred,
    )
    return outcome


def _collect(report: BatchReport, entries: Sequence[Entry], results: Sequence[SaveOutcome | None]) -> None:
    for entry, result in zip(entries, results, strict=True):
        if isinstance(entry, FetchedArticle) and result is not None:
            report.saved.append((entry, result))
        elif isinstance(entry, FetchOutcome):
            report.logged.append(entry)


def entry_url(entry: Entry) -> str:
    if isinstance(entry, FetchedArticle):
        return entry.fetched_url
    if isinstance(entry, FetchOutcome):
        return entry.url
    return entry.urls[0][0] if entry.urls else ""


def _log_failure(
    store: ArticleStore, run_id: int | None, entry: Entry, message: str, mark: Mark | None, index: int
) -> None:
    """Log a refused item as ``store_failed`` (and move the mark past it: it is accounted for)."""
    at = getattr(entry, "fetched_at", None) or datetime.now(UTC)
    if at.tzinfo is None or at.utcoffset() is None:  # the failure may be this very value
        at = datetime.now(UTC)
    try:
        with writing(store.engine) as conn:
            if run_id is not None:
                log_fetch(
                    conn, run_id, url=entry_url(entry), fetched_at=at, outcome=ERROR,
                    reason="store_failed", status=None, size=0, detail=message,
                )
            if mark is not None:
                mark(conn, index)
    except Exception as exc:  # noqa: BLE001 - the database refuses even the log row
        _raise_if_unavailable(exc)
        log.error("cannot log the failed write of %s: %s", entry_url(entry), describe(exc))
