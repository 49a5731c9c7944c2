"""Revisions, the raw archive, batched writes and crawl runs, on real databases."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

try:  # an independent reader of what the archive wrote (the standard library's from Python 3.14)
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:
    from backports import zstd  # type: ignore[import-not-found,no-redef]

from harvester.db import ArticleStore, FetchedArticle, RawResponse
from harvester.db.batch import write_batch
from harvester.db.rawpages import read_raw_page
from harvester.db.runs import ERROR, NOT_ARTICLE, FetchOutcome, finish_run, start_run
from harvester.db.testing import backends
from harvester.extraction.model import Article
from tests.stores import fresh_store, rows, scalar

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(hours=6)
T2 = T0 + timedelta(days=1)
URL = "https://budapestpost.com/2025/03/01/parliament-votes/"
PAGE = "<html><body><h1>Parliament votes</h1><p>Első bekezdés – “quoted”.</p></body></html>".encode()


@pytest.fixture(params=backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleStore]:
    with fresh_store(request.param, tmp_path) as store:
        yield store


def article(**changes: object) -> Article:
    base = Article(
        url=URL,
        title="Parliament votes on the budget",
        body=["First paragraph.", "Second paragraph."],
        authors=["Anna Kovács"],
        tags=["Budget"],
        published=datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def save(store: ArticleStore, item: Article, at: datetime, page: bytes = PAGE) -> str:
    raw = RawResponse(page, 200, {"Content-Type": "text/html", "ETag": '"abc"'})
    return store.save("budapestpost", item, fetched_url=item.url + "?utm_source=rss", fetched_at=at, raw=raw)


def revisions(store: ArticleStore) -> list[tuple]:
    return rows(
        store.engine,
        "SELECT revision_no, title, body_text, authors, tags, origin, fetched_at IS NOT NULL, raw_page_id IS NOT NULL "
        "FROM article_revisions ORDER BY revision_no",
    )


# --- revisions -----------------------------------------------------------------------------


def test_a_new_article_gets_revision_1_with_its_fields(store: ArticleStore) -> None:
    assert save(store, article(), T0) == "new"
    assert revisions(store) == [
        (1, "Parliament votes on the budget", "First paragraph.\n\nSecond paragraph.", '["Anna Kovács"]', '["Budget"]',
         "crawl", True, True),
    ]
    (fetched_at, version) = rows(store.engine, "SELECT fetched_at, extractor_version FROM article_revisions")[0]
    assert version == store.extractor_version
    assert fetched_at is not None


def test_the_same_content_again_writes_no_revision(store: ArticleStore) -> None:
    save(store, article(), T0)
    assert save(store, article(), T1) == "unchanged"
    assert save(store, article(body=["First paragraph.\u00a0", "Second paragraph. "]), T2) == "unchanged"
    assert len(revisions(store)) == 1
    assert scalar(store.engine, "SELECT count(*) FROM raw_pages") == 1


def test_a_body_change_writes_exactly_one_revision_and_keeps_the_old_one(store: ArticleStore) -> None:
    save(store, article(), T0)
    assert save(store, article(body=["First paragraph.", "A corrected second paragraph."]), T1, b"<p>v2</p>") == "changed"
    assert save(store, article(body=["First paragraph.", "A corrected second paragraph."]), T2, b"<p>v2</p>") == "unchanged"
    history = revisions(store)
    assert [r[0] for r in history] == [1, 2]
    assert history[0][2].endswith("Second paragraph.")  # as it was
    assert history[1][2].endswith("A corrected second paragraph.")
    hashes = rows(store.engine, "SELECT content_hash FROM article_revisions ORDER BY revision_no")
    assert hashes[0] != hashes[1]
    assert hashes[1][0] == scalar(store.engine, "SELECT content_hash FROM articles")
    assert scalar(store.engine, "SELECT count(*) FROM raw_pages") == 2


def test_a_metadata_change_updates_the_newest_revision_in_place(store: ArticleStore) -> None:
    save(store, article(), T0)
    assert save(store, article(tags=["Budget", "Parliament"]), T1, b"<p>retagged</p>") == "changed"
    history = revisions(store)
    assert len(history) == 1
    assert history[0][4] == '["Budget", "Parliament"]'
    with store.engine.connect() as conn:
        raw_id = conn.execute(text("SELECT raw_page_id FROM article_revisions")).scalar_one()
        assert read_raw_page(conn, raw_id).body == b"<p>retagged</p>"
    assert scalar(store.engine, "SELECT count(*) FROM raw_pages") == 1  # the replaced page is not kept


def test_pages_archived_with_zlib_by_earlier_versions_still_come_back(store: ArticleStore) -> None:
    """A spool written before the archive moved to Zstandard, replayed by this version, carries
    zlib bytes in a RawResponse pickled without a codec; they are archived and read back as zlib."""
    from harvester import spool

    page = PAGE * 50
    state = {"body": b"", "status": 200, "headers": {"Content-Type": "text/html"},
             "compressed": zlib.compress(page, 3), "size": len(page), "sha256": None}  # no "codec" yet
    written = RawResponse.__new__(RawResponse)
    written.__dict__.update(state)
    old = spool.decode(spool.encode(written)[spool._HEADER.size:])  # as the writer reads an old spool record
    assert "codec" not in old.__dict__ and old.codec == "zlib"
    store.save("budapestpost", article(), fetched_url=URL, fetched_at=T0, raw=old)
    ((raw_id, compression),) = rows(store.engine, "SELECT id, compression FROM raw_pages")
    assert compression == "zlib"
    with store.engine.connect() as conn:
        assert read_raw_page(conn, raw_id).body == page


def test_raw_pages_are_compressed_and_come_back_exactly(store: ArticleStore) -> None:
    page = PAGE * 50
    save(store, article(), T0, page)
    (raw_id, compression, size, stored_bytes) = rows(
        store.engine, "SELECT id, compression, size, body FROM raw_pages"
    )[0]
    assert compression == "zstd"
    assert size == len(page)
    assert len(bytes(stored_bytes)) < len(page) / 5
    assert zstd.decompress(bytes(stored_bytes)) == page
    with store.engine.connect() as conn:
        stored = read_raw_page(conn, raw_id)
    assert stored.body == page
    assert stored.headers == {"Content-Type": "text/html", "ETag": '"abc"'}
    assert stored.url == URL + "?utm_source=rss" and stored.status == 200 and stored.fetched_at == T0


def test_tracking_parameters_and_fragments_never_make_a_second_article(store: ArticleStore) -> None:
    save(store, article(), T0)
    assert save(store, article(url=URL + "?utm_source=feed&utm_medium=rss#comments"), T1) == "unchanged"
    assert scalar(store.engine, "SELECT count(*) FROM articles") == 1


# --- batches and runs ----------------------------------------------------------------------


def fetched(url: str, body: list[str], at: datetime = T0) -> FetchedArticle:
    return FetchedArticle("budapestpost", article(url=url, body=body), url, at, RawResponse(b"<html>" + url.encode(), 200, {}))


def test_a_batch_is_one_transaction_with_its_fetch_log(store: ArticleStore) -> None:
    run_id = start_run(store.engine, "budapestpost", T0)
    entries = [
        fetched("https://budapestpost.com/a", ["Alpha body text."]),
        FetchOutcome("https://budapestpost.com/news/", T0, NOT_ARTICLE, "listing", "teasers", 200, 1234),
        fetched("https://budapestpost.com/b", ["Beta body text."]),
        FetchOutcome("https://budapestpost.com/gone", T0, ERROR, "http_404", "", 404, 0),
    ]
    report = write_batch(store, run_id, entries)
    assert report.attempts == 1 and not report.failed
    assert [outcome.result for _, outcome in report.saved] == ["new", "new"]
    report = write_batch(store, run_id, [fetched("https://budapestpost.com/a", ["Alpha body text."], T1)])
    assert [outcome.result for _, outcome in report.saved] == ["unchanged"]
    counts = finish_run(store.engine, run_id, finished_at=T1, status="finished", pages_fetched=7)
    assert counts["articles_new"] == 2 and counts["articles_unchanged"] == 1
    run = rows(
        store.engine,
        "SELECT spider, status, pages_fetched, articles_new, articles_changed, articles_unchanged, non_articles, "
        "non_articles_by_class, errors, errors_by_reason FROM crawl_runs",
    )
    assert run == [("budapestpost", "finished", 7, 2, 0, 1, 1, '{"listing": 1}', 1, '{"http_404": 1}')]
    log = rows(store.engine, "SELECT url, outcome, reason, status_code, article_id IS NOT NULL FROM fetch_log ORDER BY id")
    assert log == [
        ("https://budapestpost.com/a", "stored", "new", 200, True),
        ("https://budapestpost.com/news/", "not_article", "listing", 200, False),
        ("https://budapestpost.com/b", "stored", "new", 200, True),
        ("https://budapestpost.com/gone", "error", "http_404", 404, False),
        ("https://budapestpost.com/a", "unchanged", None, 200, True),
    ]


def test_a_failing_batch_is_retried_then_written_item_by_item(store: ArticleStore) -> None:
    """One bad item (a naive datetime) fails the batch; after the retry the good items are
    written one by one, the bad one is reported and logged, and earlier batches stay."""
    run_id = start_run(store.engine, "budapestpost", T0)
    write_batch(store, run_id, [fetched("https://budapestpost.com/kept", ["Kept body."])])
    bad = replace(fetched("https://budapestpost.com/bad", ["Bad body."]), fetched_at=datetime(2025, 3, 1, 9, 0))
    report = write_batch(
        store, run_id,
        [fetched("https://budapestpost.com/good1", ["Good one."]), bad, fetched("https://budapestpost.com/good2", ["Good two."])],
        retry_delay=0,
    )
    assert report.attempts == 2
    assert [entry.fetched_url for entry, _ in report.saved] == ["https://budapestpost.com/good1", "https://budapestpost.com/good2"]
    assert [(entry.fetched_url, "NaiveDatetimeError" in message) for entry, message in report.failed] == [
        ("https://budapestpost.com/bad", True)
    ]
    urls = {url for (url,) in rows(store.engine, "SELECT url FROM articles")}
    assert urls == {"https://budapestpost.com/kept", "https://budapestpost.com/good1", "https://budapestpost.com/good2"}
    assert scalar(store.engine, "SELECT count(*) FROM article_revisions") == 3
    failed = rows(store.engine, "SELECT url, outcome, reason FROM fetch_log WHERE outcome = 'error'")
    assert failed == [("https://budapestpost.com/bad", "error", "store_failed")]
    finish_run(store.engine, run_id, finished_at=T1, status="finished", pages_fetched=4)
    errors = json.loads(str(scalar(store.engine, "SELECT errors_by_reason FROM crawl_runs")))
    assert errors == {"store_failed": 1}
