"""Reading the store: export records and per-site figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Engine, RowMapping

from harvester.db.store import (
    ARTICLE_AUTHORS,
    ARTICLE_TAGS,
    ARTICLES,
    AUTHORS,
    SITES,
    TAGS,
)

#: Export records are read and completed with their authors and tags this many at a time.
BATCH_SIZE = 500

EXPORT_FIELDS: tuple[str, ...] = (
    "site",
    "url",
    "title",
    "authors",
    "published",
    "modified",
    "section",
    "tags",
    "lead_image",
    "description",
    "language",
    "word_count",
    "body",
    "first_seen",
    "last_seen",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _export_query(site: str | None) -> Select[Any]:
    query = (
        select(
            ARTICLES.c.id,
            SITES.c.key.label("site"),
            ARTICLES.c.url,
            ARTICLES.c.title,
            ARTICLES.c.published_at,
            ARTICLES.c.modified_at,
            ARTICLES.c.section,
            ARTICLES.c.lead_image_url,
            ARTICLES.c.description,
            ARTICLES.c.language,
            ARTICLES.c.word_count,
            ARTICLES.c.body_text,
            ARTICLES.c.first_seen_at,
            ARTICLES.c.last_seen_at,
        )
        .join(SITES, ARTICLES.c.site_id == SITES.c.id)
        .order_by(SITES.c.key, ARTICLES.c.published_at.asc().nulls_last(), ARTICLES.c.url)
    )
    if site is not None:
        query = query.where(SITES.c.key == site)
    return query


def _names_by_article(
    conn: Connection, article_ids: Sequence[int], *, authors: bool
) -> dict[int, list[str]]:
    names, links, key = (
        (AUTHORS, ARTICLE_AUTHORS, ARTICLE_AUTHORS.c.author_id)
        if authors
        else (TAGS, ARTICLE_TAGS, ARTICLE_TAGS.c.tag_id)
    )
    rows = conn.execute(
        select(links.c.article_id, names.c.name)
        .join(names, key == names.c.id)
        .where(links.c.article_id.in_(article_ids))
        .order_by(links.c.article_id, links.c.position)
    )
    result: dict[int, list[str]] = defaultdict(list)
    for article_id, name in rows:
        result[article_id].append(name)
    return result


def _record(row: RowMapping, authors: list[str], tags: list[str]) -> dict[str, Any]:
    return {
        "site": row["site"],
        "url": row["url"],
        "title": row["title"],
        "authors": authors,
        "published": _iso(row["published_at"]),
        "modified": _iso(row["modified_at"]),
        "section": row["section"],
        "tags": tags,
        "lead_image": row["lead_image_url"],
        "description": row["description"],
        "language": row["language"],
        "word_count": row["word_count"],
        "body": row["body_text"],
        "first_seen": _iso(row["first_seen_at"]),
        "last_seen": _iso(row["last_seen_at"]),
    }


def iter_articles(engine: Engine, site: str | None = None) -> Iterator[dict[str, Any]]:
    """Export records (see ``EXPORT_FIELDS``) ordered by site key, published date, URL.

    Articles without a published date come last within their site. Dates are ISO 8601
    strings in UTC with their offset (``+00:00``), or None. Rows are streamed in batches.
    """
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH_SIZE).execute(_export_query(site))
        for batch in result.mappings().partitions():
            ids = [row["id"] for row in batch]
            authors = _names_by_article(conn, ids, authors=True)
            tags = _names_by_article(conn, ids, authors=False)
            for row in batch:
                yield _record(row, authors.get(row["id"], []), tags.get(row["id"], []))


def site_summary(engine: Engine) -> list[tuple[str, int, int]]:
    """(site key, number of articles, total words) for every site, by site key."""
    query = (
        select(
            SITES.c.key,
            func.count(ARTICLES.c.id),
            func.coalesce(func.sum(ARTICLES.c.word_count), 0),
        )
        .select_from(SITES)
        .outerjoin(ARTICLES, ARTICLES.c.site_id == SITES.c.id)
        .group_by(SITES.c.id, SITES.c.key)
        .order_by(SITES.c.key)
    )
    with engine.connect() as conn:
        return [(key, int(count), int(words)) for key, count, words in conn.execute(query)]
