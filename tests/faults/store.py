"""Read-only looks at the store while crawls write to it, and the exact-count checks of the fault tests.

SQLite is opened with ``mode=ro`` (the test never writes, never takes a write lock); PostgreSQL
through a fresh connection each time (no pool: the server may be stopped under us). Any error
while the store is missing, locked or down reads as "nothing yet" (``None`` / 0).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

RUN_COLUMNS = ("id", "spider", "status", "started_at", "finished_at", "pages_fetched", "articles_new",
               "articles_changed", "articles_unchanged", "non_articles", "errors", "errors_by_reason")


@dataclass(frozen=True)
class Run:
    id: int
    spider: str
    status: str
    started_at: Any
    finished_at: Any
    pages_fetched: int
    articles_new: int
    articles_changed: int
    articles_unchanged: int
    non_articles: int
    errors: int
    errors_by_reason: str


class StoreProbe:
    """Queries against the database at ``url`` without writing to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite_path = _sqlite_path(url)
        self._engine = None if self.sqlite_path else create_engine(
            url, poolclass=NullPool, connect_args={"connect_timeout": 3})

    def rows(self, sql: str, **params: Any) -> list[tuple]:
        """The rows of ``sql``; raises on any database error."""
        if self.sqlite_path:
            uri = f"file:{self.sqlite_path}?mode=ro"
            with closing(sqlite3.connect(uri, uri=True, timeout=2)) as db:
                return [tuple(row) for row in db.execute(sql, params)]
        assert self._engine is not None
        with self._engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]

    def try_rows(self, sql: str, **params: Any) -> list[tuple] | None:
        """The rows of ``sql``, or None while the database cannot answer (no schema yet, down, locked)."""
        try:
            return self.rows(sql, **params)
        except (sqlite3.Error, SQLAlchemyError, OSError):
            return None

    def article_count(self) -> int:
        found = self.try_rows("SELECT count(*) FROM articles")
        return int(found[0][0]) if found else 0

    def running_run(self) -> Run | None:
        """The first run row still marked running, if any (None too while the store cannot answer)."""
        runs = self.try_runs() or []
        return next((run for run in runs if run.status == "running"), None)

    def try_runs(self) -> list[Run] | None:
        found = self.try_rows(f"SELECT {', '.join(RUN_COLUMNS)} FROM crawl_runs ORDER BY id")
        return None if found is None else [Run(*row) for row in found]

    def runs(self) -> list[Run]:
        return [Run(*row) for row in self.rows(f"SELECT {', '.join(RUN_COLUMNS)} FROM crawl_runs ORDER BY id")]

    def run(self, run_id: int) -> Run:
        return next(run for run in self.runs() if run.id == run_id)

    def article_urls(self) -> list[str]:
        return [url for (url,) in self.rows("SELECT url FROM articles")]

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _sqlite_path(url: str) -> str | None:
    if not url.startswith("sqlite:///"):
        return None
    return unquote(urlsplit(url).path)[1:] if url.startswith("sqlite:////") else url[len("sqlite:///"):]


# --- the checks -------------------------------------------------------------------------------------


def assert_each_article_once(probe: StoreProbe, expected: set[str]) -> None:
    """Every expected article is stored, exactly once, with one revision, logged once as new; nothing else."""
    urls = probe.article_urls()
    counted = Counter(urls)
    missing = sorted(expected - set(urls))
    extra = sorted(set(urls) - expected)
    doubled = sorted(url for url, n in counted.items() if n > 1)
    assert not missing and not extra and not doubled, (
        f"{len(expected)} articles expected, {len(urls)} stored: {len(missing)} missing (e.g. {missing[:3]}), "
        f"{len(extra)} unexpected (e.g. {extra[:3]}), {len(doubled)} stored twice (e.g. {doubled[:3]})")
    revisions = probe.rows(
        "SELECT a.url, count(r.id) FROM articles a LEFT JOIN article_revisions r ON r.article_id = a.id "
        "GROUP BY a.url HAVING count(r.id) <> 1")
    assert revisions == [], f"articles without exactly one revision: {revisions[:5]}"
    logged = dict(probe.rows(
        "SELECT url, count(*) FROM fetch_log WHERE outcome = 'stored' AND reason = 'new' GROUP BY url"))
    not_once = {url: logged.get(url, 0) for url in expected if logged.get(url, 0) != 1}
    assert not not_once, (f"{len(not_once)} articles not logged exactly once as stored/new across the runs "
                          f"(e.g. {sorted(not_once.items())[:3]})")


def fetch_log_counts(probe: StoreProbe, run_id: int) -> dict[str, int]:
    """The counts a run row must show, computed here from its fetch log (independently of the store's code)."""
    rows = probe.rows("SELECT outcome, reason, count(*) FROM fetch_log WHERE run_id = :run GROUP BY outcome, reason",
                      run=run_id)
    by = Counter()
    for outcome, reason, count in rows:
        by[(outcome, reason)] += int(count)
    total = lambda outcome: sum(n for (o, _), n in by.items() if o == outcome)  # noqa: E731
    return {
        "articles_new": by[("stored", "new")],
        "articles_changed": by[("stored", "changed")],
        "non_articles": total("not_article"),
        "errors": total("error") + total("invalid"),
    }


def assert_counts_from_fetch_log(probe: StoreProbe, run: Run) -> None:
    expected = fetch_log_counts(probe, run.id)
    shown = {name: getattr(run, name) for name in expected}
    assert shown == expected, f"run {run.id} ({run.status}) shows {shown}, its fetch log says {expected}"


def assert_no_run_left_running(probe: StoreProbe) -> None:
    running = [run for run in probe.runs() if run.status == "running"]
    assert running == [], f"run rows left running: {running}"
