"""Writing export records (from ``harvester.db.iter_articles``) as JSON Lines or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TextIO

from harvester.db.queries import EXPORT_FIELDS

ExportFormat = Literal["jsonl", "csv"]
LIST_SEPARATOR = "; "


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


def _write_csv(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow({name: _csv_cell(record.get(name)) for name in EXPORT_FIELDS})
        count += 1
    return count


def write_export(records: Iterable[dict[str, Any]], fmt: ExportFormat, out: TextIO) -> int:
    """Write ``records`` to ``out`` and return how many were written.

    JSONL: one JSON object per line, non-ASCII kept as is. CSV: a header row with the
    export fields, list fields joined with "; ", null as an empty cell. Open ``out`` with
    ``newline=""`` for CSV, as the csv module requires.
    """
    if fmt == "jsonl":
        return _write_jsonl(records, out)
    if fmt == "csv":
        return _write_csv(records, out)
    raise ValueError(f"unknown export format {fmt!r} (expected 'jsonl' or 'csv')")
