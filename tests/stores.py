"""Test helpers: a fresh store at head on each configured backend, and mirror articles as input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from harvester.db import ArticleStore, make_engine
from harvester.db.rawpages import RawResponse
from harvester.db.testing import database_at_head_url
from harvester.extraction import Article, extract
from harvester.mirror_server import bundled_mirror, resolve_path
from harvester.extraction.registry import site_rules
from tests.goldens import ORIGINS, Golden


@contextmanager
def fresh_store(backend: str, directory: Path) -> Iterator[ArticleStore]:
    url = database_at_head_url(backend, directory)
    store = ArticleStore(make_engine(url))
    try:
        yield store
    finally:
        store.close()


def rows(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def mirror_page(golden: Golden) -> bytes:
    page = resolve_path(bundled_mirror(golden.site), golden.path)
    assert page is not None, golden.path
    return page.read_bytes()


def extracted(golden: Golden, html: bytes | None = None) -> tuple[Article, bytes, str]:
    """The article of a mirror golden's page (or of ``html``), the page bytes and its fetched URL."""
    body = mirror_page(golden) if html is None else html
    fetched_url = ORIGINS[golden.site] + golden.path
    result = extract(body, fetched_url, site_rules(golden.site))
    assert isinstance(result, Article), (golden.name, result)
    return result, body, fetched_url


def save_golden(store: ArticleStore, golden: Golden, at: datetime, html: bytes | None = None) -> str:
    article, body, fetched_url = extracted(golden, html)
    raw = RawResponse(body, 200, {"Content-Type": "text/html; charset=utf-8"})
    return store.save(golden.site, article, fetched_url=fetched_url, fetched_at=at, raw=raw)
