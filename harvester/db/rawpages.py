"""The raw archive: pages exactly as received, zlib-compressed, with their response headers."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from harvester.db.tables import RAW_PAGES

COMPRESSION = "zlib"


@dataclass(frozen=True)
class RawResponse:
    """What the server sent: the body as bytes, the status and the response headers."""

    body: bytes
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredPage:
    """A raw page read back from the archive."""

    id: int
    url: str
    fetched_at: datetime
    status: int
    headers: dict[str, str]
    body: bytes


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress(data: bytes, compression: str) -> bytes:
    if compression != COMPRESSION:
        raise ValueError(f"unknown raw page compression {compression!r}")
    return zlib.decompress(data)


def insert_raw_page(
    conn: Connection, site_id: int, url: str, fetched_at: datetime, raw: RawResponse
) -> int:
    """Archive ``raw`` and return its id."""
    return conn.execute(
        RAW_PAGES.insert()
        .values(
            site_id=site_id,
            url=url,
            fetched_at=fetched_at,
            status=raw.status,
            headers=json.dumps(dict(raw.headers), ensure_ascii=False, sort_keys=True),
            compression=COMPRESSION,
            body=compress(raw.body),
            size=len(raw.body),
            sha256=hashlib.sha256(raw.body).hexdigest(),
        )
        .returning(RAW_PAGES.c.id)
    ).scalar_one()


def read_raw_page(conn: Connection, raw_page_id: int) -> StoredPage:
    row = conn.execute(select(RAW_PAGES).where(RAW_PAGES.c.id == raw_page_id)).one()
    return StoredPage(
        id=row.id,
        url=row.url,
        fetched_at=row.fetched_at,
        status=row.status,
        headers=json.loads(row.headers),
        body=decompress(bytes(row.body), row.compression),
    )
