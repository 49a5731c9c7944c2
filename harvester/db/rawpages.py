"""The raw archive: pages exactly as received, compressed (``harvester.rawcodec``), with their response headers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from harvester.db.tables import RAW_PAGES
from harvester.rawcodec import COMPRESSION, ZLIB, compress, decompress


@dataclass(frozen=True)
class RawResponse:
    """What the server sent: the body as bytes, the status and the response headers.

    A crawl passes the body already compressed (``compressed``, with its ``size`` and
    ``sha256``), as the extraction worker made it, and ``body`` empty: the store writer then
    does no compression of its own.
    """

    body: bytes
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    compressed: bytes | None = None  # the body compressed with ``codec``
    size: int | None = None  # of the body
    sha256: str | None = None  # of the body
    codec: str = ZLIB  # what ``compressed`` was made with (zlib in spools written before zstd)

    @property
    def length(self) -> int:
        return self.size if self.size is not None else len(self.body)

    @property
    def digest(self) -> str:
        return self.sha256 or hashlib.sha256(self.body).hexdigest()

    def archived(self) -> tuple[str, bytes]:
        """(codec, compressed body) as the archive stores them."""
        if self.compressed is not None:
            return self.codec, self.compressed
        return COMPRESSION, compress(self.body)


@dataclass(frozen=True)
class StoredPage:
    """A raw page read back from the archive."""

    id: int
    url: str
    fetched_at: datetime
    status: int
    headers: dict[str, str]
    body: bytes


def insert_raw_page(
    conn: Connection, site_id: int, url: str, fetched_at: datetime, raw: RawResponse
) -> int:
    """Archive ``raw`` and return its id."""
    compression, body = raw.archived()
    return conn.execute(
        _INSERT_RAW_PAGE,
        {
            "site_id": site_id,
            "url": url,
            "fetched_at": fetched_at,
            "status": raw.status,
            "headers": json.dumps(dict(raw.headers), ensure_ascii=False, sort_keys=True),
            "compression": compression,
            "body": body,
            "size": raw.length,
            "sha256": raw.digest,
        },
    ).scalar_one()


_INSERT_RAW_PAGE = RAW_PAGES.insert().returning(RAW_PAGES.c.id)  # built once: the writer runs it per article


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
