"""Crawl runs and the fetch log: one ``crawl_runs`` row per run, one ``fetch_log`` row per URL.

A run's counts are computed from its fetch log when it finishes, so the two always agree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine

from harvester.db.store import site_id
from harvester.db.tables import CRAWL_RUNS, FETCH_LOG

#: fetch_log.outcome values
STORED, UNCHANGED, NOT_ARTICLE, INVALID, ERROR = "stored", "unchanged", "not_article", "invalid", "error"
DISCOVERY = "discovery"  # robots.txt, sitemap, feed or listing page (reason: the channel)


@dataclass(frozen=True)
class FetchOutcome:
    """A fetched URL that stored no article: a non-article page, an invalid article, an error."""

    url: str
    fetched_at: datetime
    outcome: str  # NOT_ARTICLE, INVALID, ERROR or DISCOVERY
    reason: str  # page class, failed fields, or error kind (http_404, timeout, store_failed)
    detail: str = ""
    status: int | None = None
    size: int = 0


def start_run(engine: Engine, spider: str, started_at: datetime) -> int:
    """Write the ``crawl_runs`` row of a starting run (status "running") and return its id."""
    with engine.begin() as conn:
        return conn.execute(
            CRAWL_RUNS.insert()
            .values(
                spider=spider,
                site_id=site_id(conn, spider),
                started_at=started_at,
                status="running",
                pages_fetched=0,
                articles_new=0,
                articles_changed=0,
                articles_unchanged=0,
                non_articles=0,
                non_articles_by_class="{}",
                errors=0,
                errors_by_reason="{}",
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
) -> None:
    conn.execute(
        FETCH_LOG.insert().values(
            run_id=run_id,
            url=url,
            fetched_at=fetched_at,
            status_code=status,
            bytes=size,
            outcome=outcome,
            reason=reason,
            detail=detail or None,
            article_id=article_id,
        )
    )


def finish_run(
    engine: Engine, run_id: int, *, finished_at: datetime, status: str, pages_fetched: int
) -> dict[str, object]:
    """Complete the run's row: end time, status and the counts from its fetch log."""
    with engine.begin() as conn:
        counts = run_counts(conn, run_id)
        conn.execute(
            update(CRAWL_RUNS)
            .where(CRAWL_RUNS.c.id == run_id)
            .values(finished_at=finished_at, status=status, pages_fetched=pages_fetched, **counts)
        )
    return counts


def run_counts(conn: Connection, run_id: int) -> dict[str, object]:
    rows = conn.execute(
        select(FETCH_LOG.c.outcome, FETCH_LOG.c.reason, func.count())
        .where(FETCH_LOG.c.run_id == run_id)
        .group_by(FETCH_LOG.c.outcome, FETCH_LOG.c.reason)
    ).all()
    by: dict[str, dict[str, int]] = {}
    for outcome, reason, count in rows:
        by.setdefault(outcome, {})[reason or ""] = int(count)
    stored = by.get(STORED, {})
    non_articles = by.get(NOT_ARTICLE, {})
    errors: dict[str, int] = dict(by.get(ERROR, {}))
    for reason, count in by.get(INVALID, {}).items():
        errors[f"invalid:{reason}"] = errors.get(f"invalid:{reason}", 0) + count
    return {
        "articles_new": stored.get("new", 0),
        "articles_changed": stored.get("changed", 0),
        "articles_unchanged": sum(by.get(UNCHANGED, {}).values()),
        "non_articles": sum(non_articles.values()),
        "non_articles_by_class": _json(non_articles),
        "errors": sum(errors.values()),
        "errors_by_reason": _json(errors),
    }


def _json(counts: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(counts.items())), ensure_ascii=False)
