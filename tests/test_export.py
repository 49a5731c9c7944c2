"""Export: records from a real store written as JSONL and CSV, then parsed back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from harvester.db import EXPORT_FIELDS, ArticleStore, iter_articles, make_engine
from harvester.db.testing import backends, database_at_head_url
from harvester.export import write_export
from harvester.extraction.model import Article

SEEN = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(params=backends())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = database_at_head_url(request.param, tmp_path)
    engine = make_engine(url)
    store = ArticleStore(engine)
    store.save(
        "budapestpost",
        Article(
            url="https://budapestpost.com/2025/03/01/orban/",
            title="Orbán’s “plan”, explained",
            body=["Első bekezdés, with a comma.", "Line two; with a semicolon\nand a newline."],
            authors=["Anna Kovács", "Péter Nagy"],
            published=datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))),
            tags=["Politics", "Hungary"],
            language="en",
        ),
        fetched_url="https://budapestpost.com/2025/03/01/orban/",
        fetched_at=SEEN,
    )
    store.save(
        "itpostnews",
        Article(url="https://itpostnews.com/a/", title="No extras", body=["Just text."]),
        fetched_url="https://itpostnews.com/a/",
        fetched_at=SEEN,
    )
    yield engine
    engine.dispose()


def test_jsonl_round_trip(engine: Engine) -> None:
    records = list(iter_articles(engine))
    out = io.StringIO()
    assert write_export(iter(records), "jsonl", out) == 2
    text = out.getvalue()
    lines = text.splitlines()
    assert len(lines) == 2 and text.endswith("\n")
    assert [json.loads(line) for line in lines] == records
    assert "Orbán’s “plan”" in text  # ensure_ascii=False: characters as published


def test_csv_round_trip(engine: Engine) -> None:
    records = list(iter_articles(engine))
    out = io.StringIO(newline="")
    assert write_export(records, "csv", out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == 2
    assert list(rows[0]) == list(EXPORT_FIELDS)
    for row, record in zip(rows, records, strict=True):
        assert row == {name: _as_csv(record[name]) for name in EXPORT_FIELDS}
    first = rows[0]
    assert first["authors"].split("; ") == ["Anna Kovács", "Péter Nagy"]
    assert first["tags"].split("; ") == ["Politics", "Hungary"]
    assert first["body"] == records[0]["body"]  # commas, semicolons and newlines survive
    assert first["published"] == "2025-03-01T08:30:00+00:00"
    assert rows[1]["authors"] == "" and rows[1]["published"] == ""


def _as_csv(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else str(value)


def test_empty_export_writes_only_the_csv_header() -> None:
    out = io.StringIO(newline="")
    assert write_export([], "csv", out) == 0
    assert out.getvalue().strip() == ",".join(EXPORT_FIELDS)
    jsonl = io.StringIO()
    assert write_export([], "jsonl", jsonl) == 0
    assert jsonl.getvalue() == ""


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        write_export([], "xml", io.StringIO())  # type: ignore[arg-type]


def test_since_keeps_articles_new_or_changed_since(engine: Engine) -> None:
    later = SEEN + timedelta(days=2)
    ArticleStore(engine).save(
        "itpostnews",
        Article(url="https://itpostnews.com/a/", title="No extras", body=["Just text, corrected."]),
        fetched_url="https://itpostnews.com/a/",
        fetched_at=later,
    )
    assert [r["url"] for r in iter_articles(engine, since=SEEN + timedelta(days=1))] == ["https://itpostnews.com/a/"]
    assert len(list(iter_articles(engine, since=SEEN))) == 2
    assert list(iter_articles(engine, since=later + timedelta(seconds=1))) == []


def test_revision_records_follow_each_article_s_history(engine: Engine) -> None:
    from harvester.db import REVISION_FIELDS, iter_revisions

    later = SEEN + timedelta(days=2)
    ArticleStore(engine).save(
        "itpostnews",
        Article(url="https://itpostnews.com/a/", title="No extras", body=["Just text, corrected."]),
        fetched_url="https://itpostnews.com/a/",
        fetched_at=later,
    )
    records = list(iter_revisions(engine))
    assert [(r["url"], r["revision"], r["body"]) for r in records] == [
        ("https://budapestpost.com/2025/03/01/orban/", 1, "Első bekezdés, with a comma.\n\nLine two; with a semicolon\nand a newline."),
        ("https://itpostnews.com/a/", 1, "Just text."),
        ("https://itpostnews.com/a/", 2, "Just text, corrected."),
    ]
    assert list(records[0]) == list(REVISION_FIELDS)
    assert records[0]["authors"] == ["Anna Kovács", "Péter Nagy"] and records[0]["origin"] == "crawl"
    assert [r["revision"] for r in iter_revisions(engine, since=later)] == [2]
    assert [r["site"] for r in iter_revisions(engine, site="budapestpost")] == ["budapestpost"]


def test_parquet_round_trip_with_typed_columns(engine: Engine, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from harvester.export import write_parquet

    records = list(iter_articles(engine))
    path = tmp_path / "articles.parquet"
    assert write_parquet(iter(records), path) == 2
    table = pq.read_table(path)
    assert table.column_names == list(EXPORT_FIELDS)
    assert table.schema.field("authors").type == pa.list_(pa.string())
    assert table.schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("word_count").type == pa.int64()
    rows = table.to_pylist()
    assert rows[0]["authors"] == ["Anna Kovács", "Péter Nagy"]
    assert rows[0]["published"] == datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc)
    assert rows[0]["body"] == records[0]["body"]
    assert rows[1]["published"] is None and rows[1]["authors"] == []
