"""The store writer's batching (harvester.db.batch, .deferred, .memo) stores exactly what writing
each item in its own transaction stores, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from harvester.db import FetchedArticle, RawResponse
from harvester.db.batch import Entry, entry_url, write_batch
from harvester.db.engine import writing
from harvester.db.runs import DISCOVERY, ERROR, NOT_ARTICLE, FetchOutcome, start_run
from harvester.db.testing import backends, comparable_dump, dump_store
from harvester.db.urlstate import PendingUrls, Validators
from harvester.extraction.model import Article
from tests.stores import fresh_store, rows, scalar

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
SITE = "budapestpost"
BASE = "https://budapestpost.com/2025/03/01/"
BODY = [
    "Parliament voted on the budget late on Tuesday after a long debate about spending on schools.",
    "The opposition said the plan leaves hospitals short of money for the third year running.",
    "The finance minister answered that the deficit target of the year would still be met.",
]


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def page(slug: str, at: datetime, *, title: str | None = None, authors: tuple[str, ...] = ("Anna Kovács",),
         tags: tuple[str, ...] = ("Budget",), body: list[str] = BODY) -> FetchedArticle:
    url = BASE + slug
    title = title or f"Parliament votes ({slug})"  # one title per URL: the same title and body twice is a duplicate
    article = Article(url=url, title=title, body=body, authors=list(authors), tags=list(tags),
                      published=datetime(2025, 3, 1, 7, 0, tzinfo=UTC))
    raw = RawResponse(f"<html><body><h1>{title}</h1></body></html>".encode(), 200, {"ETag": f'"{slug}"'})
    return FetchedArticle(SITE, article, url, at, raw)


def entries() -> list[Entry]:
    """A batch whose items depend on each other: the same URL twice, near-duplicates, pending URLs
    before and after their fetch, shared and new authors and tags."""
    t = [T0 + timedelta(seconds=i) for i in range(12)]
    return [
        PendingUrls(SITE, ((BASE + "a", None), (BASE + "b", None), (BASE + "c", None)), t[0]),
        page("a", t[1], authors=("Anna Kovács", "Béla Tóth")),
        FetchOutcome(BASE + "b", t[2], NOT_ARTICLE, "listing", status=200, size=10, site=SITE,
                     validators=Validators(etag='"b"', body_sha256="ab" * 32)),
        page("c", t[3], authors=("Anna Kovács",), tags=("Budget", "Parliament")),  # a near-duplicate of a
        page("a", t[4], title="Parliament votes again"),  # a changed: a second revision
        PendingUrls(SITE, ((BASE + "a", None), (BASE + "d", None)), t[5]),  # a known: stays as it is
        PendingUrls(SITE, ((BASE + "e", None),), t[6], not_fetched="budget"),
        FetchOutcome(BASE + "d", t[7], ERROR, "http_404", status=404, site=SITE),
        FetchOutcome("https://budapestpost.com/sitemap.xml", t[8], DISCOVERY, "sitemap", status=200, size=99),
        page("f", t[9], body=["A different story about the weather in Budapest this spring, warm and dry."]),
        page("c", t[10], authors=("Anna Kovács",), tags=("Budget", "Parliament")),  # c again: unchanged
    ]


def test_a_batch_in_one_transaction_stores_what_one_transaction_per_item_stores(backend: str, tmp_path: Path) -> None:
    dumps = []
    for one_batch in (True, False):
        folder = tmp_path / ("one-batch" if one_batch else "item-by-item")
        folder.mkdir()
        with fresh_store(backend, folder) as store:
            run_id = start_run(store.engine, SITE, T0)
            batches = [entries()] if one_batch else [[entry] for entry in entries()]
            for batch in batches:
                report = write_batch(store, run_id, batch)
                assert report.attempts == 1 and not report.failed
            dumps.append(comparable_dump(dump_store(store.engine)))
            if one_batch:  # what the batch stored, in the order of its items
                log = rows(store.engine, "SELECT url, outcome, reason FROM fetch_log ORDER BY id")
                assert log == [
                    (BASE + "a", "stored", "new"),
                    (BASE + "b", "not_article", "listing"),
                    (BASE + "c", "stored", "new"),
                    (BASE + "a", "stored", "changed"),
                    (BASE + "e", "skipped", "budget"),
                    (BASE + "d", "error", "http_404"),
                    ("https://budapestpost.com/sitemap.xml", "discovery", "sitemap"),
                    (BASE + "f", "stored", "new"),
                    (BASE + "c", "unchanged", None),
                ]
                state = dict(rows(store.engine, "SELECT url, last_outcome FROM url_state"))
                assert state == {BASE + "a": "stored", BASE + "b": "not_article", BASE + "c": "unchanged",
                                 BASE + "d": "error", BASE + "e": "pending", BASE + "f": "stored"}
                assert scalar(store.engine, "SELECT count(*) FROM article_revisions") == 4
                clusters = dict(rows(store.engine, "SELECT url, cluster_id FROM articles"))
                assert clusters[BASE + "a"] == clusters[BASE + "c"] != clusters[BASE + "f"]
                links = rows(store.engine, "SELECT a.url, t.name, l.position FROM article_tags l "
                             "JOIN articles a ON a.id = l.article_id JOIN tags t ON t.id = l.tag_id ORDER BY 1, 3")
                assert links == [(BASE + "a", "Budget", 0), (BASE + "c", "Budget", 0), (BASE + "c", "Parliament", 1),
                                 (BASE + "f", "Budget", 0)]
    assert dumps[0] == dumps[1]


def test_a_batch_logs_its_fetches_with_one_statement(backend: str, tmp_path: Path) -> None:
    with fresh_store(backend, tmp_path) as store:
        run_id = start_run(store.engine, SITE, T0)
        outcomes: list[Entry] = [
            FetchOutcome(f"{BASE}page-{i}", T0, NOT_ARTICLE, "listing", status=200, size=1) for i in range(6)
        ]
        executions: list[bool] = []

        def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("INSERT INTO FETCH_LOG"):
                executions.append(executemany)

        event.listen(store.engine, "before_cursor_execute", seen)
        try:
            write_batch(store, run_id, outcomes)
        finally:
            event.remove(store.engine, "before_cursor_execute", seen)
        assert executions == [True]
        assert [url for (url,) in rows(store.engine, "SELECT url FROM fetch_log ORDER BY id")] == [
            f"{BASE}page-{i}" for i in range(6)
        ]


def test_ids_remembered_in_a_transaction_do_not_outlive_its_rollback(backend: str, tmp_path: Path) -> None:
    """A site and an author first written by a transaction that is rolled back are written again by
    the next transaction on the same connection (not taken from what the first one found)."""
    with fresh_store(backend, tmp_path) as store:
        first = replace(page("x", T0, authors=("Zoltán Új",)), site="newsite")
        second = replace(page("y", T0, authors=("Zoltán Új",)), site="newsite")
        with store.engine.connect() as conn:
            transaction = conn.begin()
            store.save_on(conn, first)
            transaction.rollback()
            with conn.begin():
                store.save_on(conn, second)
        assert rows(store.engine, "SELECT key FROM sites") == [("newsite",)]
        assert rows(store.engine, "SELECT a.url, s.key, au.name FROM articles a JOIN sites s ON s.id = a.site_id "
                    "JOIN article_authors l ON l.article_id = a.id JOIN authors au ON au.id = l.author_id") == [
            (BASE + "y", "newsite", "Zoltán Új")
        ]


def test_a_failing_item_of_a_batch_costs_only_itself_with_its_log_rows(backend: str, tmp_path: Path) -> None:
    """The rows gathered for the end of the transaction belong to it: a rolled-back batch writes none
    of them, and item by item each good item's rows are written with it."""
    with fresh_store(backend, tmp_path) as store:
        run_id = start_run(store.engine, SITE, T0)
        bad = replace(page("bad", T0), fetched_at=datetime(2025, 3, 1, 9, 0))  # naive: refused
        report = write_batch(store, run_id, [page("g1", T0), bad, page("g2", T0)], retry_delay=0)
        assert report.attempts == 2
        assert [entry_url(entry) for entry, _ in report.failed] == [BASE + "bad"]
        assert rows(store.engine, "SELECT url, outcome, reason FROM fetch_log ORDER BY id") == [
            (BASE + "g1", "stored", "new"), (BASE + "bad", "error", "store_failed"), (BASE + "g2", "stored", "new"),
        ]
        assert sorted(url for (url,) in rows(store.engine, "SELECT url FROM url_state")) == [BASE + "g1", BASE + "g2"]


def test_writing_is_atomic_with_the_gathered_rows(backend: str, tmp_path: Path) -> None:
    """A transaction that fails after its items were written leaves none of their rows."""
    with fresh_store(backend, tmp_path) as store:
        run_id = start_run(store.engine, SITE, T0)

        def failing_mark(conn: object, index: int) -> None:
            raise ValueError("the mark cannot be written")

        report = write_batch(store, run_id, [page("m", T0)], retries=0, mark=failing_mark)
        assert report.failed
        assert scalar(store.engine, "SELECT count(*) FROM articles") == 0
        assert scalar(store.engine, "SELECT count(*) FROM url_state") == 0
        with writing(store.engine) as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM fetch_log WHERE outcome = 'stored'").scalar_one() == 0



def test_an_item_the_database_refuses_for_its_values_costs_only_itself(backend: str, tmp_path: Path) -> None:
    """A value the database cannot take (here a 200,000-character tag: over the size of a
    PostgreSQL index row, over the SQLite connection's length limit) fails that item, recorded
    ``store_failed``; it is not an outage to wait out (PostgreSQL reports it as an
    ``OperationalError``, the class of a server going away: the writer used to retry it for ten
    minutes, and every later run's replay of the spool again)."""
    import random
    import sqlite3

    rng = random.Random(7)
    huge_tag = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(200_000))
    with fresh_store(backend, tmp_path) as store:
        if store.engine.dialect.name == "sqlite":
            @event.listens_for(store.engine, "connect")
            def _limit(dbapi_connection: sqlite3.Connection, _record: object) -> None:
                dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 100_000)

            store.engine.dispose()
        run_id = start_run(store.engine, SITE, T0)
        report = write_batch(store, run_id, [page("g1", T0), page("huge", T0, tags=("Budget", huge_tag)),
                                             page("g2", T0)], retry_delay=0)
        assert [entry_url(entry) for entry, _ in report.failed] == [BASE + "huge"]
        assert rows(store.engine, "SELECT url, outcome, reason FROM fetch_log ORDER BY id") == [
            (BASE + "g1", "stored", "new"), (BASE + "huge", "error", "store_failed"), (BASE + "g2", "stored", "new"),
        ]
        assert scalar(store.engine, "SELECT count(*) FROM articles") == 2
