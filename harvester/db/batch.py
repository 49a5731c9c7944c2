"""Writing a crawl's items in batches: one transaction per batch, retried, then item by item.

A batch (articles and other fetch outcomes, in crawl order) is written in one transaction
with its ``fetch_log`` rows. If the transaction fails it is rolled back whole and tried
again; if it fails again, each item is written in its own transaction, so one bad item
costs only itself, and it is reported (and logged as ``error``/``store_failed`` when the
database still accepts that). Batches already committed are never touched again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Connection

from harvester.db.runs import ERROR, STORED, UNCHANGED, FetchOutcome, log_fetch
from harvester.db.store import ArticleStore, FetchedArticle, SaveOutcome
from harvester.db.urlstate import Validators, record_fetch

log = logging.getLogger(__name__)

Entry = FetchedArticle | FetchOutcome


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
) -> BatchReport:
    """Write ``entries`` in one transaction (retried ``retries`` times), else one by one."""
    report = BatchReport()
    if not entries:
        return report
    last_error = ""
    for attempt in range(1 + retries):
        report.attempts = attempt + 1
        try:
            with store.engine.begin() as conn:
                results = [_write(store, conn, run_id, entry) for entry in entries]
        except Exception as exc:  # noqa: BLE001 - any failure rolls the batch back
            last_error = _describe(exc)
            log.warning("batch of %d failed (attempt %d): %s", len(entries), attempt + 1, last_error)
            if attempt < retries:
                time.sleep(retry_delay)
            continue
        _collect(report, entries, results)
        return report
    log.warning("writing the batch of %d item by item after: %s", len(entries), last_error)
    for entry in entries:
        try:
            with store.engine.begin() as conn:
                result = _write(store, conn, run_id, entry)
        except Exception as exc:  # noqa: BLE001 - reported, the rest of the batch goes on
            message = _describe(exc)
            report.failed.append((entry, message))
            _log_failure(store, run_id, entry, message)
            continue
        _collect(report, [entry], [result])
    return report


def _write(
    store: ArticleStore, conn: Connection, run_id: int | None, entry: Entry
) -> SaveOutcome | None:
    if isinstance(entry, FetchOutcome):
        if run_id is not None:
            log_fetch(
                conn, run_id, url=entry.url, fetched_at=entry.fetched_at, outcome=entry.outcome,
                reason=entry.reason, status=entry.status, size=entry.size, detail=entry.detail,
            )
        if entry.site is not None:
            record_fetch(
                conn, site=entry.site, url=entry.url, fetched_at=entry.fetched_at, outcome=entry.outcome,
                status=entry.status, validators=entry.validators,
            )
        return None
    outcome = store.save_on(conn, entry)
    logged = UNCHANGED if outcome.result == "unchanged" else STORED
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
            size=len(entry.raw.body) if entry.raw is not None else 0,
            article_id=outcome.article_id,
        )
    validators = Validators.of(entry.raw.headers, entry.raw.body) if entry.raw is not None else Validators()
    record_fetch(
        conn, site=entry.site, url=entry.fetched_url, fetched_at=entry.fetched_at, outcome=logged,
        status=status, validators=validators, article_id=outcome.article_id,
    )
    return outcome


def _collect(report: BatchReport, entries: Sequence[Entry], results: Sequence[SaveOutcome | None]) -> None:
    for entry, result in zip(entries, results, strict=True):
        if isinstance(entry, FetchedArticle) and result is not None:
            report.saved.append((entry, result))
        elif isinstance(entry, FetchOutcome):
            report.logged.append(entry)


def _log_failure(store: ArticleStore, run_id: int | None, entry: Entry, message: str) -> None:
    if run_id is None:
        return
    url = entry.fetched_url if isinstance(entry, FetchedArticle) else entry.url
    at = entry.fetched_at
    if at.tzinfo is None or at.utcoffset() is None:  # the failure may be this very value
        at = datetime.now(UTC)
    try:
        with store.engine.begin() as conn:
            log_fetch(
                conn, run_id, url=url, fetched_at=at, outcome=ERROR,
                reason="store_failed", status=None, size=0, detail=message,
            )
    except Exception as exc:  # noqa: BLE001 - the database refuses even the log row
        log.error("cannot log the failed write of %s: %s", url, _describe(exc))


def _describe(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return f"{type(exc).__name__}: {orig or exc}".splitlines()[0][:500]
