"""The spool and the store writer: durable records, exactly-once writes through replays and outages."""

from __future__ import annotations

import os
import pickle
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from harvester.db import ArticleStore
from harvester.db.runs import FINISHED, FetchOutcome, RunEnd, start_run
from harvester.db.store import FetchedArticle
from harvester.db.writer import Mark, RetryPolicy, SpoolHeader, StoreWriter, get_mark, replay_spool, write_records
from harvester.extraction.model import Article
from harvester.spool import Spool, SpoolError, encode, read_records, spool_files
from tests.stores import fresh_store, rows, scalar

AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def article(n: int) -> FetchedArticle:
    url = f"https://example.com/2026/11/story-{n}/"
    body = [f"Paragraph one of story {n} about the river and the city council budget vote.",
            f"Paragraph two of story {n}, with more words so that it is a real article body."]
    return FetchedArticle("example.com", Article(url=url, title=f"Story {n}", body=body), url, AT)


def outcome(n: int) -> FetchOutcome:
    return FetchOutcome(f"https://example.com/gone-{n}/", AT, "error", "http_404", status=404)


@pytest.fixture(params=["sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    with fresh_store(request.param, tmp_path) as opened:
        yield opened


def test_records_round_trip_and_a_torn_tail_is_ignored(tmp_path: Path) -> None:
    spool = Spool.create(tmp_path, "news")
    assert spool.append([SpoolHeader(7, "news"), article(1), outcome(2)]) == [1, 2, 3]
    with open(spool.path, "ab") as file:  # a kill in the middle of an append
        file.write(encode(article(3))[:25])
    records = list(read_records(spool.path))
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[1].record == article(1)
    spool.close(remove=False)


def test_a_spool_record_cannot_name_a_foreign_class(tmp_path: Path) -> None:
    payload = pickle.dumps(os.system)  # would resolve posix.system on load
    path = tmp_path / "evil.spool"
    path.write_bytes(len(payload).to_bytes(4, "big") + zlib.crc32(payload).to_bytes(4, "big") + payload)
    assert list(read_records(path)) == []


def test_a_spool_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    spool = Spool.create(tmp_path, "news")
    spool.close(remove=False)
    with pytest.raises(SpoolError):
        spool.append([outcome(1)])


def test_marks_advance_over_records_written_out_of_order() -> None:
    mark = Mark().plus([1, 2, 4, 5])
    assert mark == Mark(2, frozenset({4, 5}))
    assert mark.covers(4) and not mark.covers(3)
    assert mark.plus([3]) == Mark(5, frozenset())


def test_replaying_a_spool_writes_each_record_once(store: ArticleStore, tmp_path: Path) -> None:
    run_id = start_run(store.engine, "news", AT)
    spool = Spool.create(tmp_path / "spool", "news")
    records = [SpoolHeader(run_id, "news"), *[article(n) for n in range(5)], outcome(9),
               RunEnd(run_id, AT, FINISHED, 6)]
    seqs = spool.append(records)
    # the writer got through the first three records before the process was killed
    write_records(store, spool.path.stem, run_id, list(zip(seqs, records))[:3])
    spool.close(remove=False)  # the lock goes with the process
    assert replay_spool(store, spool.path) == 5
    assert scalar(store.engine, "SELECT count(*) FROM articles") == 5
    assert scalar(store.engine, "SELECT count(*) FROM fetch_log WHERE run_id = :r", r=run_id) == 6
    assert rows(store.engine, "SELECT status FROM crawl_runs") == [(FINISHED,)]
    assert not spool.path.exists() and spool_files(tmp_path / "spool") == []
    with store.engine.connect() as conn:
        assert get_mark(conn, spool.path.stem) == Mark()


def test_a_live_writers_spool_is_not_replayed(store: ArticleStore, tmp_path: Path) -> None:
    spool = Spool.create(tmp_path, "news")
    spool.append([SpoolHeader(None, "news"), article(1)])
    assert replay_spool(store, spool.path) is None  # locked by its (live) writer
    assert scalar(store.engine, "SELECT count(*) FROM articles") == 0
    spool.close(remove=True)


def test_the_writer_waits_out_an_outage_then_writes_everything_once(store: ArticleStore, tmp_path: Path) -> None:
    """The database file is made unreadable for a moment: the writer backs off and retries."""
    run_id = start_run(store.engine, "news", AT)
    spool = Spool.create(tmp_path / "spool", "news")
    failures: list[str] = []
    writer = StoreWriter(store, spool, run_id, policy=RetryPolicy(retry_seconds=60, first_delay=0.05, max_delay=0.2),
                         on_failure=failures.append)
    database = Path(store.engine.url.database or "")
    moved = database.with_suffix(".away")
    store.engine.dispose()
    database.rename(moved)
    database.mkdir()  # "unable to open database file" until it comes back
    records = [article(n) for n in range(4)]
    writer.submit(zip(spool.append(records), records))
    assert not writer.drain(0.5)
    database.rmdir()
    moved.rename(database)
    assert writer.drain(30)
    writer.stop()
    assert failures == []
    assert scalar(store.engine, "SELECT count(*) FROM articles") == 4
    assert scalar(store.engine, "SELECT count(*) FROM fetch_log") == 4


def test_the_writer_gives_up_on_a_full_database_and_keeps_the_spool(store: ArticleStore, tmp_path: Path) -> None:
    """SQLite's page limit stands in for a full disk: "database or disk is full" is a refusal."""
    run_id = start_run(store.engine, "news", AT)
    pages = scalar(store.engine, "PRAGMA page_count")
    event.listen(store.engine, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count = {pages}"))
    store.engine.dispose()
    spool = Spool.create(tmp_path / "spool", "news")
    failures: list[str] = []
    writer = StoreWriter(store, spool, run_id, policy=RetryPolicy(refused_seconds=0.3, first_delay=0.05),
                         on_failure=failures.append)
    records = [replace(article(n), article=replace(article(n).article, body=["x " * 5000] * 20)) for n in range(3)]
    writer.submit(zip(spool.append(records), records))
    assert not writer.drain(10)
    writer.stop()
    assert len(failures) == 1 and "refuses writes" in failures[0] and str(spool.path) in failures[0]
    assert scalar(store.engine, "SELECT count(*) FROM articles") == 0
    assert [r.record for r in read_records(spool.path)] == records  # nothing lost: the next run replays it


def test_records_submitted_one_by_one_are_written_in_few_transactions(store: ArticleStore, tmp_path: Path) -> None:
    """Group commit: the writer gathers what arrives within its linger into one transaction. Each
    submit woke its single wait, so records arriving one by one were written about two at a time."""
    import time

    run_id = start_run(store.engine, "news", AT)
    spool = Spool.create(tmp_path / "spool", "news")
    batches: list[int] = []
    writer = StoreWriter(store, spool, run_id, linger=1.0,
                         on_written=lambda report: batches.append(len(report.saved) + len(report.logged)))
    for n in range(20):
        record = article(n)
        writer.submit(zip(spool.append([record]), [record]))
        time.sleep(0.01)
    assert writer.drain(30)
    writer.stop()
    spool.close(remove=True)
    assert sum(batches) == 20
    assert len(batches) <= 2, batches  # one, or two if the first record's linger ended before the last came
