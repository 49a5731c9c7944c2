"""Writing export records (``harvester.db.iter_articles`` / ``iter_revisions``) as JSON Lines,
CSV or Parquet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO

from harvester.db.queries import EXPORT_FIELDS

ExportFormat = Literal["jsonl", "csv", "parquet"]
TEXT_FORMATS = ("jsonl", "csv")
LIST_SEPARATOR = "; "
PARQUET_ROWS_PER_GROUP = 1000

#: Field kinds for Parquet's typed columns; a field not named here is a string.
LIST_FIELDS = frozenset({"authors", "tags"})
INT_FIELDS = frozenset({"word_count", "cluster_id", "revision"})
TIME_FIELDS = frozenset({"published", "modified", "first_seen", "last_seen", "last_changed", "fetched_at"})


class ParquetUnavailable(RuntimeError):
    """pyarrow is not installed."""


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return "" if value is None else value


def _write_jsonl(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(dict(record), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def _write_csv(records: Iterable[Mapping[str, Any]], out: TextIO, fields: Sequence[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow({name: _csv_cell(record.get(name)) for name in fields})
        count += 1
    return count


def write_export(
    records: Iterable[dict[str, Any]],
    fmt: ExportFormat,
    out: TextIO,
    fields: Sequence[str] = EXPORT_FIELDS,
) -> int:
    """Write ``records`` to ``out`` and return how many were written.

    JSONL: one JSON object per line, non-ASCII kept as is. CSV: a header row with ``fields``,
    list fields joined with "; ", null as an empty cell. Open ``out`` with ``newline=""``
    for CSV, as the csv module requires. Parquet is binary: use ``write_parquet``.
    """
    if fmt == "jsonl":
        return _write_jsonl(records, out)
    if fmt == "csv":
        return _write_csv(records, out, fields)
    raise ValueError(f"unknown export format {fmt!r} (expected 'jsonl' or 'csv')")


def _arrow_type(name: str) -> Any:
    import pyarrow as pa

    if name in LIST_FIELDS:
        return pa.list_(pa.string())
    if name in INT_FIELDS:
        return pa.int64()
    if name in TIME_FIELDS:
        return pa.timestamp("us", tz="UTC")
    return pa.string()


def _arrow_value(name: str, value: Any) -> Any:
    if name in TIME_FIELDS and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _chunks(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_parquet(
    records: Iterable[dict[str, Any]], out: str | Path | BinaryIO, fields: Sequence[str] = EXPORT_FIELDS
) -> int:
    """Write ``records`` as a Parquet file with typed columns and return how many were written.

    Lists are ``list<string>``, dates ``timestamp[us, UTC]``, counts ``int64``, the rest
    strings. Records are written in row groups of ``PARQUET_ROWS_PER_GROUP``.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ParquetUnavailable("Parquet export needs pyarrow: pip install 'harvester[parquet]'") from None
    schema = pa.schema([(name, _arrow_type(name)) for name in fields])
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for chunk in _chunks(records, PARQUET_ROWS_PER_GROUP):
            columns = {name: [_arrow_value(name, r.get(name)) for r in chunk] for name in fields}
            writer.write_table(pa.table(columns, schema=schema))
            count += len(chunk)
    return count
