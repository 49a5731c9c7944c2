"""Reading the store: export records (articles, revisions) and per-site figures."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Engine, RowMapping

from harvester.db.engine import reading
from harvester.db.tables import (
    ARTICLE_AUTHORS,
    ARTICLE_TAGS,
    ARTICLES,
    AUTHORS,
    REVISIONS,
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
    "last_changed",
    "content_hash",
    "cluster_id",
)

#: Fields of a revision export record (``--revisions``), one record per stored revision.
REVISION_FIELDS: tuple[str, ...] = (
    "site",
    "url",
    "revision",
    "fetched_at",
    "origin",
    "extractor_version",
    "content_hash",
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
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _export_query(site: str | None, since: datetime | None) -> Select[Any]:
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
            ARTICLES.c.last_changed_at,
            ARTICLES.c.content_hash,
            ARTICLES.c.cluster_id,
        )
        .join(SITES, ARTICLES.c.site_id == SITES.c.id)
        .order_by(SITES.c.key, ARTICLES.c.published_at.asc().nulls_last(), ARTICLES.c.url)
    )
    if site is not None:
        query = query.where(SITES.c.key == site)
    if since is not None:
        query = query.where(ARTICLES.c.last_changed_at >= since)
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
        "last_changed": _iso(row["last_changed_at"]),
        "content_hash": row["content_hash"],
        "cluster_id": row["cluster_id"],
    }


def iter_articles(
    engine: Engine, site: str | None = None, since: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Export records (see ``EXPORT_FIELDS``) ordered by site key, published date, URL.

    Articles without a published date come last within their site. Dates are ISO 8601
    strings in UTC with their offset (``+00:00``), or None. ``since`` keeps the articles
    new or changed at or after that instant (``last_changed_at``). Rows are streamed in
    batches.
    """
    with reading(engine) as conn:
        result = conn.execution_options(yield_per=BATCH_SIZE).execute(_export_query(site, since))
        for batch in result.mappings().partitions():
            ids = [row["id"] for row in batch]
            authors = _names_by_article(conn, ids, authors=True)
            tags = _names_by_article(conn, ids, authors=False)
            for row in batch:
                yield _record(row, authors.get(row["id"], []), tags.get(row["id"], []))


def iter_revisions(
    engine: Engine, site: str | None = None, since: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Revision records (see ``REVISION_FIELDS``) by site key, URL and revision number.

    ``since`` keeps the revisions fetched at or after that instant.
    """
    query = (
        select(
            SITES.c.key.label("site"),
            ARTICLES.c.url,
            REVISIONS.c.revision_no,
            REVISIONS.c.fetched_at,
            REVISIONS.c.origin,
            REVISIONS.c.extractor_version,
            REVISIONS.c.content_hash,
            REVISIONS.c.title,
            REVISIONS.c.authors,
            REVISIONS.c.published_at,
            REVISIONS.c.modified_at,
            REVISIONS.c.section,
            REVISIONS.c.tags,
            REVISIONS.c.lead_image_url,
            REVISIONS.c.description,
            REVISIONS.c.language,
            REVISIONS.c.word_count,
            REVISIONS.c.body_text,
        )
        .join(ARTICLES, ARTICLES.c.id == REVISIONS.c.article_id)
        .join(SITES, SITES.c.id == ARTICLES.c.site_id)
        .order_by(SITES.c.key, ARTICLES.c.url, REVISIONS.c.revision_no)
    )
    if site is not None:
        query = query.where(SITES.c.key == site)
    if since is not None:
        query = query.where(REVISIONS.c.fetched_at >= since)
    with reading(engine) as conn:
        result = conn.execution_options(yield_per=BATCH_SIZE).execute(query)
        for row in result.mappings():
            yield {
                "site": row["site"],
                "url": row["url"],
                "revision": row["revision_no"],
                "fetched_at": _iso(row["fetched_at"]),
                "origin": row["origin"],
                "extractor_version": row["extractor_version"],
                "content_hash": row["content_hash"],
                "title": row["title"],
                "authors": json.loads(row["authors"]),
                "published": _iso(row["published_at"]),
                "modified": _iso(row["modified_at"]),
                "section": row["section"],
                "tags": json.loads(row["tags"]),
                "lead_image": row["lead_image_url"],
                "description": row["description"],
                "language": row["language"],
                "word_count": row["word_count"],
                "body": row["body_text"],
            }


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
    with reading(engine) as conn:
        return [(key, int(count), int(words)) for key, count, words in conn.execute(query)]


def known_sites(engine: Engine, *, runs: bool = False) -> list[str]:
    """The site keys in the store (``runs``: and the spiders of its crawl runs)."""
    from harvester.db.tables import CRAWL_RUNS

    with engine.connect() as conn:
        keys = set(conn.execute(select(SITES.c.key)).scalars())
        if runs:
            keys |= set(conn.execute(select(CRAWL_RUNS.c.spider).distinct()).scalars())
    return sorted(keys)
