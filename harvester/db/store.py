"""Saving clean articles: one upsert per article, in one transaction, with its links."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.engine import Connection, Engine, Row

import harvester
from harvester.db.models import ArticleAuthor, ArticleTag, Author, Site, Tag
from harvester.db.models import Article as ArticleRow
from harvester.db.text import (
    content_hash,
    normalise,
    normalise_optional,
    normalise_paragraphs,
    unique_names,
)
from harvester.db.types import NaiveDatetimeError
from harvester.db.upsert import insert_or_ignore, insert_or_update
from harvester.extract.model import Article

SaveResult = Literal["new", "changed", "unchanged"]

SITES: Table = Site.__table__  # type: ignore[assignment]
ARTICLES: Table = ArticleRow.__table__  # type: ignore[assignment]
AUTHORS: Table = Author.__table__  # type: ignore[assignment]
TAGS: Table = Tag.__table__  # type: ignore[assignment]
ARTICLE_AUTHORS: Table = ArticleAuthor.__table__  # type: ignore[assignment]
ARTICLE_TAGS: Table = ArticleTag.__table__  # type: ignore[assignment]

# Columns that describe the article itself: when all of these (and the author and tag
# lists) are equal, a save is "unchanged". Provenance (fetched_url, sources,
# extractor_version) and the bookkeeping timestamps are not compared.
_COMPARED = (
    "site_id",
    "title",
    "description",
    "section",
    "language",
    "lead_image_url",
    "published_at",
    "modified_at",
    "body_text",
    "body_html",
    "content_hash",
)


@dataclass(frozen=True)
class _Link:
    """A many-to-many link: the names table and the ordered article link table."""

    names: Table
    links: Table
    key: str  # the link table's column pointing at ``names``


_AUTHOR_LINK = _Link(AUTHORS, ARTICLE_AUTHORS, "author_id")
_TAG_LINK = _Link(TAGS, ARTICLE_TAGS, "tag_id")


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise NaiveDatetimeError(
            f"{name} is a naive datetime ({value.isoformat()}): the store needs timezone-aware "
            "datetimes"
        )


def article_values(article: Article) -> dict[str, Any]:
    """The ``articles`` columns for ``article`` that come from the article itself."""
    paragraphs = normalise_paragraphs(article.body)
    title = normalise(article.title)
    return {
        "url": article.url.strip(),
        "title": title,
        "description": normalise_optional(article.description),
        "section": normalise_optional(article.section),
        "language": normalise_optional(article.language),
        "lead_image_url": normalise_optional(article.lead_image),
        "published_at": article.published,
        "modified_at": article.modified,
        "body_text": "\n\n".join(paragraphs),
        "body_html": article.body_html.replace("\u00a0", " ").strip(),
        "word_count": sum(len(p.split()) for p in paragraphs),
        "content_hash": content_hash(title, paragraphs),
        "sources": json.dumps(article.sources, ensure_ascii=False, sort_keys=True),
    }


class ArticleStore:
    """Writes articles to the store. Each ``save`` is one transaction."""

    def __init__(self, engine: Engine, *, extractor_version: str = harvester.__version__) -> None:
        self._engine = engine
        self._extractor_version = extractor_version

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        """Release the engine's pooled connections (the store must not be used afterwards)."""
        self._engine.dispose()

    def register_site(self, key: str, name: str, base_url: str | None = None) -> None:
        """Create or update the ``sites`` row for ``key`` with its display name and base URL."""
        with self._engine.begin() as conn:
            conn.execute(
                insert_or_update(
                    conn,
                    SITES,
                    {"key": key, "name": name, "base_url": base_url},
                    conflict=["key"],
                    update=["name", "base_url"],
                )
            )

    def save(
        self, site: str, article: Article, *, fetched_url: str, fetched_at: datetime
    ) -> SaveResult:
        """Insert or update ``article`` (by canonical URL) for ``site``.

        Returns "new" for a URL not seen before, "unchanged" when the content hash and all
        article metadata (authors and tags included) are equal to the stored ones, in which
        case only ``last_seen_at`` moves, and "changed" otherwise. The author and tag links
        are replaced. The site row is created on first use (name = key until
        ``register_site`` names it). Raises ``NaiveDatetimeError`` for naive datetimes.
        """
        _require_aware("fetched_at", fetched_at)
        _require_aware("article.published", article.published)
        _require_aware("article.modified", article.modified)
        values = article_values(article)
        authors = unique_names(article.authors)
        tags = unique_names(article.tags)

        with self._engine.begin() as conn:
            values["site_id"] = self._site_id(conn, site)
            existing = conn.execute(
                select(ARTICLES).where(ARTICLES.c.url == values["url"]).with_for_update()
            ).one_or_none()
            if existing is not None and self._unchanged(conn, existing, values, authors, tags):
                conn.execute(
                    update(ARTICLES)
                    .where(ARTICLES.c.id == existing.id)
                    .values(last_seen_at=fetched_at)
                )
                return "unchanged"

            values |= {
                "fetched_url": fetched_url,
                "extractor_version": self._extractor_version,
                "first_seen_at": fetched_at,
                "last_seen_at": fetched_at,
                "last_changed_at": fetched_at,
            }
            kept = {"url", "first_seen_at"}
            stmt = insert_or_update(
                conn,
                ARTICLES,
                values,
                conflict=["url"],
                update=[name for name in values if name not in kept],
            ).returning(ARTICLES.c.id)
            article_id = conn.execute(stmt).scalar_one()
            _replace_links(conn, _AUTHOR_LINK, article_id, authors)
            _replace_links(conn, _TAG_LINK, article_id, tags)
        return "new" if existing is None else "changed"

    @staticmethod
    def _site_id(conn: Connection, key: str) -> int:
        conn.execute(insert_or_ignore(conn, SITES, [{"key": key, "name": key}], conflict=["key"]))
        return conn.execute(select(SITES.c.id).where(SITES.c.key == key)).scalar_one()

    @staticmethod
    def _unchanged(
        conn: Connection,
        existing: Row[Any],
        values: dict[str, Any],
        authors: list[str],
        tags: list[str],
    ) -> bool:
        stored = existing._mapping
        if any(stored[name] != values[name] for name in _COMPARED):
            return False
        return (
            _linked_names(conn, _AUTHOR_LINK, existing.id) == authors
            and _linked_names(conn, _TAG_LINK, existing.id) == tags
        )


def _linked_names(conn: Connection, link: _Link, article_id: int) -> list[str]:
    key: Column[int] = link.links.c[link.key]
    rows = conn.execute(
        select(link.names.c.name)
        .join(link.links, key == link.names.c.id)
        .where(link.links.c.article_id == article_id)
        .order_by(link.links.c.position)
    )
    return list(rows.scalars())


def _replace_links(conn: Connection, link: _Link, article_id: int, names: Sequence[str]) -> None:
    conn.execute(delete(link.links).where(link.links.c.article_id == article_id))
    if not names:
        return
    # Sorted, so concurrent saves take the unique-index locks in the same order.
    new_rows = [{"name": name} for name in sorted(names)]
    conn.execute(insert_or_ignore(conn, link.names, new_rows, conflict=["name"]))
    ids: dict[str, int] = {
        name: name_id
        for name, name_id in conn.execute(
            select(link.names.c.name, link.names.c.id).where(link.names.c.name.in_(names))
        )
    }
    conn.execute(
        link.links.insert(),
        [
            {"article_id": article_id, link.key: ids[name], "position": position}
            for position, name in enumerate(names)
        ],
    )
