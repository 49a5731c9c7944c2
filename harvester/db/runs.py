"""Crawl runs and the fetch log: one ``crawl_runs`` row per run, one ``fetch_log`` row per URL.

A run's counts are computed from its fetch log when it finishes, so the two always agree.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine

from harvester.db.deferred import DeferredRows
from harvester.db.engine import reading, writing
from harvester.db.store import site_id
from harvester.db.tables import CRAWL_RUNS, FETCH_LOG
from harvester.db.urlstate import Validators
from harvester.outcomes import Outcomes
from harvester.urls import MAX_URL_LENGTH

#: fetch_log.outcome values
STORED, UNCHANGED, NOT_ARTICLE, INVALID, ERROR = "stored", "unchanged", "not_article", "invalid", "error"
DISCOVERY = "discovery"  # robots.txt, sitemap, feed or listing page (reason: the channel)
NOT_MODIFIED = "not_modified"  # a conditional re-check answered 304 (reason: http_304)
SKIPPED_BY_RULE = "skipped"  # not fetched by a rule: robots.txt, off-site, bad scheme (reason says which)
#: crawl_runs.status values set by the harvester (others are Scrapy finish reasons)
RUNNING, FINISHED, SHUTDOWN, FAILED, CRASHED = "running", "finished", "shutdown", "failed", "crashed"
#: crawl_runs.status of a run that found its site's lock held and did nothing
SKIPPED = "skipped"


@dataclass(frozen=True)
class FetchOutcome:
    """A fetched URL that stored no article: a non-article page, an invalid article, an error,
    a discovery page, or a known article found unchanged (304 or same body).

    ``site`` is set for article URLs: their fetch also updates the URL's ``url_state`` row
    (with ``validators`` when the response had a body).
    """

    url: str
    fetched_at: datetime
    outcome: str  # NOT_ARTICLE, INVALID, ERROR, DISCOVERY, NOT_MODIFIED or UNCHANGED
    reason: str  # page class, failed fields, error kind (http_404, timeout, store_failed), channel
    detail: str = ""
    status: int | None = None
    size: int = 0
    site: str | None = None
    validators: Validators = Validators()


@dataclass(frozen=True)
class RunEnd:
    """How a run ended, spooled like the run's items so that the row is completed even when the
    database is down at the end of the run (the next run replays it)."""

    run_id: int
    finished_at: datetime
    status: str
    pages_fetched: int
    detail: str | None = None
    complete: bool = True  # False: a worker of a distributed run leaving (the run goes on)
    # known articles outside the re-check window, not fetched (the crawl stats count them; no
    # fetch_log row); None when not known (a distributed run: each worker saw only its part)
    skipped: int | None = None


def start_run(engine: Engine, spider: str, started_at: datetime) -> int:
    """Write the ``crawl_runs`` row of a starting run (status "running") and return its id."""
    return _insert_run(engine, spider, started_at, status=RUNNING, finished_at=None)


def record_skipped_run(engine: Engine, spider: str, at: datetime) -> int:
    """Write the complete ``crawl_runs`` row of a run that did nothing: its site's lock was held."""
    return _insert_run(engine, spider, at, status=SKIPPED, finished_at=at)


def _insert_run(engine: Engine, spider: str, started_at: datetime, *, status: str, finished_at: datetime | None) -> int:
    with writing(engine) as conn:
        return conn.execute(
            CRAWL_RUNS.insert()
            .values(
                spider=spider,
                site_id=site_id(conn, spider),
                started_at=started_at,
                finished_at=finished_at,
                status=status,
                pages_fetched=0,
                articles_new=0,
                articles_changed=0,
                articles_unchanged=0,
                articles_not_modified=0,
                non_articles=0,
                non_articles_by_class="{}",
                errors=0,
                errors_by_reason="{}",
                not_fetched_by_rule=0,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
            )
            .returning(CRAWL_RUNS.c.id)
        ).scalar_one()


def log_fetch(
    conn: Connection,
    run_id: int,
    *,
    url: str,
    fetched_at: datetime,
    outcome: str,
    reason: str | None,
    status: int | None,
    size: int,
    detail: str | None = None,
    article_id: int | None = None,
    deferred: DeferredRows | None = None,
) -> None:
    """Insert the ``fetch_log`` row of one fetch (with ``deferred``: gathered there, for the caller
    to insert at the end of its transaction)."""
    row = fetch_log_row(run_id, url=url, fetched_at=fetched_at, outcome=outcome, reason=reason, status=status,
                        size=size, detail=detail, article_id=article_id)
    if deferred is not None:
        deferred.add(FETCH_LOG.name, _INSERT_FETCH_LOG, row)
    else:
        conn.execute(_INSERT_FETCH_LOG, row)


#: Built once: the store writer runs it for every item (the ``worker`` column takes its default).
_INSERT_FETCH_LOG = FETCH_LOG.insert()


def fetch_log_row(
    run_id: int, *, url: str, fetched_at: datetime, outcome: str, reason: str | None, status: int | None,
    size: int, detail: str | None = None, article_id: int | None = None,
) -> dict[str, object]:
    """The ``fetch_log`` values of one fetch (``log_fetch`` inserts them). A URL longer than
    ``MAX_URL_LENGTH`` (one the crawl refused to request) is cut to fit ``fetch_log``'s URL index,
    and ``detail`` says so."""
    if len(url) > MAX_URL_LENGTH:
        cut = f"URL cut to its first {MAX_URL_LENGTH:,} of {len(url):,} characters"
        url, detail = url[:MAX_URL_LENGTH], f"{cut}; {detail}" if detail else cut
    if detail and "\x00" in detail:  # an error message quoting what a server sent: PostgreSQL takes no NUL
        detail = detail.replace("\x00", "")
    return {"run_id": run_id, "url": url, "fetched_at": fetched_at, "status_code": status, "bytes": size,
            "outcome": outcome, "reason": reason, "detail": detail or None, "article_id": article_id}


def log_not_fetched(
    conn: Connection, run_id: int, urls: list[str], reason: str, at: datetime, deferred: DeferredRows | None = None,
) -> None:
    """One ``skipped`` row per URL the run decided not to fetch (bulk insert; with ``deferred``:
    gathered there, for the caller to insert at the end of its transaction)."""
    rows = [fetch_log_row(run_id, url=url, fetched_at=at, outcome=SKIPPED_BY_RULE, reason=reason, status=None, size=0)
            for url in urls]
    if deferred is not None:
        deferred.extend(FETCH_LOG.name, _INSERT_FETCH_LOG, rows)
        return
    for start in range(0, len(rows), 1000):
        conn.execute(_INSERT_FETCH_LOG, rows[start:start + 1000])


def finish_run(
    engine: Engine, run_id: int, *, finished_at: datetime | None, status: str, pages_fetched: int | None = None,
    detail: str | None = None, skipped: int | None = None,
) -> dict[str, object]:
    """Complete the run's row: end time, status and the counts from its fetch log (``skipped``:
    the known articles not fetched, from the crawl stats; None when unknown)."""
    with writing(engine) as conn:
        return finish_run_on(conn, run_id, finished_at=finished_at, status=status, pages_fetched=pages_fetched,
                             detail=detail, skipped=skipped)


def finish_run_on(
    conn: Connection, run_id: int, *, finished_at: datetime | None, status: str, pages_fetched: int | None = None,
    detail: str | None = None, skipped: int | None = None,
) -> dict[str, object]:
    counts = run_counts(conn, run_id)
    if pages_fetched is None:  # not known (a crashed run): the pages its fetch log holds
        pages_fetched = int(conn.execute(
            select(func.count()).select_from(FETCH_LOG).where(FETCH_LOG.c.run_id == run_id, FETCH_LOG.c.status_code.is_not(None))
        ).scalar_one())
    conn.execute(
        update(CRAWL_RUNS)
        .where(CRAWL_RUNS.c.id == run_id)
        .values(finished_at=finished_at, status=status, pages_fetched=pages_fetched, status_detail=detail,
                articles_skipped=skipped, **counts)
    )
    return counts


def refresh_run_counts(conn: Connection, run_id: int) -> None:
    """Recount a completed run from its fetch log (records of it were written after it ended)."""
    status = conn.execute(select(CRAWL_RUNS.c.status).where(CRAWL_RUNS.c.id == run_id)).scalar_one_or_none()
    if status is None or status == RUNNING:
        return
    conn.execute(update(CRAWL_RUNS).where(CRAWL_RUNS.c.id == run_id).values(**run_counts(conn, run_id)))


def apply_run_end(conn: Connection, end: RunEnd) -> None:
    """Complete a run's row from its spooled ``RunEnd`` (a leaving worker of a distributed run: nothing)."""
    if not end.complete:
        return
    finish_run_on(conn, end.run_id, finished_at=end.finished_at, status=end.status,
                  pages_fetched=end.pages_fetched, detail=end.detail, skipped=end.skipped)


def complete_distributed_run(engine: Engine, end: RunEnd, *, pages_fetched: int, status: str) -> None:
    """The last worker of a distributed run completes its row (pages counted over all workers;
    the skipped count is unknown, as each worker saw only its part)."""
    with writing(engine) as conn:
        apply_run_end(conn, replace(end, pages_fetched=pages_fetched, status=status, complete=True, skipped=None))


def close_dead_runs(engine: Engine, spider: str, *, lock_held: bool) -> list[int]:
    """Close the ``running`` rows of ``spider`` whose process is gone, as ``crashed``.

    A row is dead when it ran on this host under a pid that no longer exists, or, when the caller
    holds the spider's run lock (``lock_held``), whatever it says: a live run would hold the lock.
    Its end time is unknown (NULL); its counts come from its fetch log.
    """
    host = socket.gethostname()[:255]
    closed: list[int] = []
    with writing(engine) as conn:
        rows = conn.execute(
            select(CRAWL_RUNS.c.id, CRAWL_RUNS.c.hostname, CRAWL_RUNS.c.pid)
            .where(CRAWL_RUNS.c.spider == spider, CRAWL_RUNS.c.status == RUNNING)
        ).all()
        for run_id, hostname, pid in rows:
            if pid == os.getpid() and hostname == host:
                continue
            dead = lock_held or (hostname == host and pid is not None and not _alive(pid))
            if dead:
                finish_run_on(conn, run_id, finished_at=None, status=CRASHED,
                              detail="the run's process ended without completing its row (killed or crashed)")
                closed.append(run_id)
    return closed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_counts(conn: Connection, run_id: int) -> dict[str, object]:
    """The run's ``crawl_runs`` counts from its fetch log, in the outcome vocabulary
    (``harvester.outcomes``: the same reading ``harvester runs`` and the crawl summary use)."""
    rows = conn.execute(
        select(FETCH_LOG.c.outcome, FETCH_LOG.c.reason, func.count())
        .where(FETCH_LOG.c.run_id == run_id)
        .group_by(FETCH_LOG.c.outcome, FETCH_LOG.c.reason)
    ).all()
    counts = {(outcome, reason or ""): int(count) for outcome, reason, count in rows}
    outcomes = Outcomes.of_fetch_log(0, counts)
    non_articles = {reason: n for (outcome, reason), n in counts.items() if outcome == NOT_ARTICLE}
    errors = Outcomes.failed_by_reason(counts)
    return {
        "articles_new": outcomes.new,
        "articles_changed": outcomes.changed,
        "articles_unchanged": outcomes.unchanged,  # fetched again: same body bytes, or compared by the store
        "articles_not_modified": outcomes.not_modified,  # a conditional re-check answered 304
        "non_articles": outcomes.not_article,
        "non_articles_by_class": _json(non_articles),
        "errors": outcomes.failed,
        "errors_by_reason": _json(errors),
        "not_fetched_by_rule": outcomes.by_rule,
    }


def _json(counts: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(counts.items())), ensure_ascii=False)


@dataclass(frozen=True)
class RunRow:
    """One line of the run history (``harvester runs``)."""

    id: int
    spider: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    pages_fetched: int
    articles_new: int
    articles_changed: int
    articles_unchanged: int
    articles_not_modified: int
    non_articles: int
    errors: int
    not_fetched_by_rule: int
    articles_skipped: int | None


def recent_runs(engine: Engine, *, spider: str | None = None, last: int = 20) -> list[RunRow]:
    """The ``last`` runs (of ``spider``, if given), oldest first."""
    columns = [CRAWL_RUNS.c[name] for name in RunRow.__dataclass_fields__]
    query = select(*columns).order_by(CRAWL_RUNS.c.id.desc()).limit(max(0, last))
    if spider is not None:
        query = query.where(CRAWL_RUNS.c.spider == spider)
    with reading(engine) as conn:
        rows = conn.execute(query).all()
    return [RunRow(*row) for row in reversed(rows)]


def run_outcome_counts(engine: Engine, run_ids: list[int]) -> dict[int, dict[tuple[str, str], int]]:
    """For each run, its ``fetch_log`` rows counted by (outcome, reason)."""
    counts: dict[int, dict[tuple[str, str], int]] = {run_id: {} for run_id in run_ids}
    if not run_ids:
        return counts
    query = (
        select(FETCH_LOG.c.run_id, FETCH_LOG.c.outcome, FETCH_LOG.c.reason, func.count())
        .where(FETCH_LOG.c.run_id.in_(run_ids))
        .group_by(FETCH_LOG.c.run_id, FETCH_LOG.c.outcome, FETCH_LOG.c.reason)
    )
    with engine.connect() as conn:
        for run_id, outcome, reason, count in conn.execute(query):
            counts[run_id][(outcome, reason or "")] = int(count)
    return counts
