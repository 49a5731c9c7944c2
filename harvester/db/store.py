"""Saving clean articles: the current row, its revisions, its raw page and its cluster.

Rules:

* ``articles`` holds the current version, one row per canonical URL.
* A new ``article_revisions`` row is written only when the content hash (title and body)
  changes, and for a new article. A change of metadata alone (authors, tags, dates, ...)
  updates the article row and its newest revision in place, so the newest revision always
  equals the article row.
* The raw page of every written revision is archived (``raw_pages``, compressed).
* A new or changed body is fingerprinted for near-duplicate clusters (``neardup``).

Every write here runs in one transaction: ``save`` per article, ``write_batch`` (in
``harvester.db.batch``) per batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import BindParameter, Column, Select, Table, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection, Engine, Row

import harvester
from harvester.db.engine import writing
from harvester.db.memo import transaction_memo
from harvester.db.neardup import assign_cluster
from harvester.db.rawpages import RawResponse, insert_raw_page
from harvester.db.tables import (
    ARTICLE_AUTHORS,
    ARTICLE_TAGS,
    ARTICLES,
    AUTHORS,
    RAW_PAGES,
    REVISIONS,
    SITES,
    TAGS,
)
from harvester.db.text import (
    canonical_article_url,
    hash_normalised,
    normalise,
    normalise_optional,
    normalise_paragraphs,
    unique_names,
)
from harvester.db.types import NaiveDatetimeError
from harvester.db.upsert import built, ignore_statement, insert_or_update, upsert_statement
from harvester.extraction.model import Article
from harvester.minhash import BodyFingerprint, body_signature

__all__ = [
    "ARTICLES",
    "ARTICLE_AUTHORS",
    "ARTICLE_TAGS",
    "AUTHORS",
    "SITES",
    "TAGS",
    "ArticleStore",
    "FetchedArticle",
    "SaveOutcome",
    "SaveResult",
    "article_values",
]

SaveResult = Literal["new", "changed", "unchanged", "duplicate"]
"""``duplicate``: a new URL whose title and body are those of an article of the same site already
stored under another URL (a print, AMP or mobile copy without rel=canonical); nothing is written."""
RevisionOrigin = Literal["crawl", "reextract"]

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

# Article columns a revision keeps as they were.
_REVISION_FIELDS = (
    "content_hash",
    "title",
    "description",
    "section",
    "language",
    "lead_image_url",
    "published_at",
    "modified_at",
    "body_text",
    "body_html",
    "word_count",
    "sources",
    "fetched_url",
    "extractor_version",
)


@dataclass(frozen=True)
class FetchedArticle:
    """An extracted article with where and when it was fetched, and the page as received."""

    site: str
    article: Article
    fetched_url: str
    fetched_at: datetime
    raw: RawResponse | None = None
    fingerprint: BodyFingerprint | None = None  # the body's MinHash signature, if the extraction worker made it


@dataclass(frozen=True)
class SaveOutcome:
    result: SaveResult
    article_id: int
    revision_no: int | None  # the revision written by this save; None when none was
    cluster_id: int | None


class _Link:
    """A many-to-many link: the names table and the ordered article link table, and the
    statements that read and write it (built once)."""

    def __init__(self, names: Table, links: Table, key: str) -> None:
        self.names = names
        self.links = links
        self.key = key  # the link table's column pointing at ``names``
        article: BindParameter[int] = bindparam("b_article")
        column: Column[int] = links.c[key]
        self.linked = (
            select(names.c.name).join(links, column == names.c.id)
            .where(links.c.article_id == article).order_by(links.c.position)
        )
        self.unlink = delete(links).where(links.c.article_id == article)
        self.ids = select(names.c.name, names.c.id).where(names.c.name.in_(bindparam("b_names", expanding=True)))
        self.insert = links.insert()


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
        "url": canonical_article_url(article.url),
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
        "content_hash": hash_normalised(title, paragraphs),  # both normalised already
        "sources": json.dumps(article.sources, ensure_ascii=False, sort_keys=True),
    }


class ArticleStore:
    """Writes articles to the store."""

    def __init__(self, engine: Engine, *, extractor_version: str = harvester.__version__,
                 dedupe_content: bool = True) -> None:
        self._engine = engine
        self._extractor_version = extractor_version
        self._dedupe_content = dedupe_content  # False: every URL is its own article, whatever its content

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def extractor_version(self) -> str:
        return self._extractor_version

    def close(self) -> None:
        """Release the engine's pooled connections (the store must not be used afterwards)."""
        self._engine.dispose()

    def register_site(self, key: str, name: str, base_url: str | None = None) -> None:
        """Create or update the ``sites`` row for ``key`` with its display name and base URL."""
        with writing(self._engine) as conn:
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
        self,
        site: str,
        article: Article,
        *,
        fetched_url: str,
        fetched_at: datetime,
        raw: RawResponse | None = None,
    ) -> SaveResult:
        """Insert or update ``article`` (by canonical URL) for ``site``, in one transaction.

        Returns "new" for a URL not seen before, "unchanged" when the content hash and all
        article metadata (authors and tags included) are equal to the stored ones, in which
        case only ``last_seen_at`` moves, and "changed" otherwise. The author and tag links
        are replaced. The site row is created on first use (name = key until
        ``register_site`` names it). Raises ``NaiveDatetimeError`` for naive datetimes.
        """
        page = FetchedArticle(site, article, fetched_url, fetched_at, raw)
        with writing(self._engine) as conn:
            return self.save_on(conn, page).result

    def save_on(
        self,
        conn: Connection,
        page: FetchedArticle,
        *,
        origin: RevisionOrigin = "crawl",
        raw_page_id: int | None = None,
    ) -> SaveOutcome:
        """Save ``page`` on an open transaction (see ``save``).

        ``origin="reextract"`` is a save without a fetch: ``last_seen_at`` does not move,
        ``last_changed_at`` is now, and a written revision points at ``raw_page_id`` (the
        archived page the article was re-extracted from) instead of a newly archived page.
        """
        _require_aware("fetched_at", page.fetched_at)
        _require_aware("article.published", page.article.published)
        _require_aware("article.modified", page.article.modified)
        values = article_values(page.article)
        authors = unique_names(page.article.authors)
        tags = unique_names(page.article.tags)
        values["site_id"] = site_id(conn, page.site)
        existing = conn.execute(_article_by_url(conn), {"b_url": values["url"]}).one_or_none()
        if existing is not None and _unchanged(conn, existing, values, authors, tags):
            return self._touch(conn, existing, page, origin)

        crawled = origin == "crawl"
        if existing is None and crawled and self._dedupe_content:
            twin = conn.execute(_article_by_content(conn), {"b_site": values["site_id"],
                                                            "b_hash": values["content_hash"]}).first()
            if twin is not None:
                return SaveOutcome("duplicate", twin.id, None, twin.cluster_id)
        if existing is None and not crawled:
            raise ValueError(f"re-extraction of an article not in the store: {values['url']}")
        values |= {
            "fetched_url": page.fetched_url,
            "extractor_version": self._extractor_version,
            "first_seen_at": page.fetched_at,
            "last_seen_at": page.fetched_at if crawled else existing.last_seen_at,  # type: ignore[union-attr]
            "last_changed_at": page.fetched_at if crawled else datetime.now(UTC),
        }
        kept = {"url", "first_seen_at"}
        update_names = tuple(name for name in values if name not in kept)
        stmt = built(conn, ("article upsert", update_names), lambda: upsert_statement(
            conn, ARTICLES, conflict=["url"], update=update_names).returning(ARTICLES.c.id))
        article_id = conn.execute(stmt, values).scalar_one()
        # A URL this transaction found no row for has no links and no revisions yet: three statements
        # fewer. (Should a concurrent writer have inserted it in between, the upsert updated that row
        # and the revision insert below fails on its unique (article, number): the batch's retry,
        # item by item, saves it again and finds the row.)
        new = existing is None
        _replace_links(conn, _AUTHOR_LINK, article_id, authors, new=new)
        _replace_links(conn, _TAG_LINK, article_id, tags, new=new)

        if crawled and page.raw is not None:
            raw_page_id = insert_raw_page(
                conn, values["site_id"], page.fetched_url, page.fetched_at, page.raw
            )
        fields = {name: values[name] for name in _REVISION_FIELDS} | {
            "authors": json.dumps(authors, ensure_ascii=False),
            "tags": json.dumps(tags, ensure_ascii=False),
        }
        latest = None if new else _latest_revision(conn, article_id)
        content_changed = new or existing.content_hash != values["content_hash"]  # type: ignore[union-attr]
        if content_changed or latest is None:
            revision_no = (latest.revision_no if latest is not None else 0) + 1
            conn.execute(
                _INSERT_REVISION,
                fields | {
                    "article_id": article_id,
                    "revision_no": revision_no,
                    "fetched_at": page.fetched_at,
                    "origin": origin,
                    "raw_page_id": raw_page_id,
                },
            )
            cluster_id = assign_cluster(conn, article_id, values["body_text"], new=new,
                                        minhash=_signature(page, values))
            return SaveOutcome("new" if existing is None else "changed", article_id, revision_no, cluster_id)

        _update_revision(conn, latest, fields, raw_page_id)
        cluster_id = existing.cluster_id  # type: ignore[union-attr]
        if cluster_id is None:
            cluster_id = assign_cluster(conn, article_id, values["body_text"], minhash=_signature(page, values))
        return SaveOutcome("changed", article_id, None, cluster_id)

    @staticmethod
    def _touch(
        conn: Connection, existing: Row[Any], page: FetchedArticle, origin: RevisionOrigin
    ) -> SaveOutcome:
        """An unchanged article: seen again (crawl only); fingerprinted if it never was."""
        if origin == "crawl":
            conn.execute(_TOUCH_ARTICLE, {"b_id": existing.id, "last_seen_at": page.fetched_at})
        cluster_id = existing.cluster_id
        if cluster_id is None:
            cluster_id = assign_cluster(conn, existing.id, existing.body_text)
        return SaveOutcome("unchanged", existing.id, None, cluster_id)


def _signature(page: FetchedArticle, values: dict[str, Any]) -> bytes:
    """The stored body's encoded MinHash signature: the extraction worker's when it is of this very body."""
    return body_signature(page.article.body, values["body_text"], page.fingerprint)


_SITE_BY_KEY = select(SITES.c.id).where(SITES.c.key == bindparam("b_key"))


def site_id(conn: Connection, key: str) -> int:
    """The id of site ``key``, creating its row (name = key) on first use (remembered for the rest
    of the transaction: a batch asks for the same few sites many times)."""
    known = transaction_memo(conn, "sites")
    if known is not None and key in known:
        return known[key]  # type: ignore[no-any-return]
    found = conn.execute(_SITE_BY_KEY, {"b_key": key}).scalar_one_or_none()
    if found is None:
        conn.execute(ignore_statement(conn, SITES, conflict=["key"]), {"key": key, "name": key})
        found = conn.execute(_SITE_BY_KEY, {"b_key": key}).scalar_one()
    if known is not None:
        known[key] = found
    return found


# Statements of every save, built once (see ``harvester.db.upsert.built``).
_INSERT_REVISION = REVISIONS.insert()
_TOUCH_ARTICLE = update(ARTICLES).where(ARTICLES.c.id == bindparam("b_id"))
_LATEST_REVISION: Select[Any] = (
    select(REVISIONS.c.id, REVISIONS.c.revision_no, REVISIONS.c.raw_page_id)
    .where(REVISIONS.c.article_id == bindparam("b_article"))
    .order_by(REVISIONS.c.revision_no.desc())
    .limit(1)
)


def _article_by_url(conn: Connection) -> Any:
    return built(conn, ("article by url",),
                 lambda: select(ARTICLES).where(ARTICLES.c.url == bindparam("b_url")).with_for_update())


def _article_by_content(conn: Connection) -> Any:
    """An article of the site with this title and body (``content_hash``, indexed), the first stored."""
    return built(conn, ("article by content",), lambda: select(ARTICLES.c.id, ARTICLES.c.cluster_id).where(
        ARTICLES.c.content_hash == bindparam("b_hash"), ARTICLES.c.site_id == bindparam("b_site"),
    ).order_by(ARTICLES.c.id).limit(1))


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


def _latest_revision(conn: Connection, article_id: int) -> Row[Any] | None:
    return conn.execute(_LATEST_REVISION, {"b_article": article_id}).one_or_none()


def _update_revision(
    conn: Connection, latest: Row[Any], fields: dict[str, Any], raw_page_id: int | None
) -> None:
    """Metadata-only change: the newest revision takes the new fields (and newer raw page)."""
    changes = dict(fields)
    replaced = None
    if raw_page_id is not None and raw_page_id != latest.raw_page_id:
        changes["raw_page_id"] = raw_page_id
        replaced = latest.raw_page_id
    conn.execute(update(REVISIONS).where(REVISIONS.c.id == latest.id).values(**changes))
    if replaced is not None:
        still_used = conn.execute(
            select(func.count()).select_from(REVISIONS).where(REVISIONS.c.raw_page_id == replaced)
        ).scalar_one()
        if not still_used:
            conn.execute(delete(RAW_PAGES).where(RAW_PAGES.c.id == replaced))


def _linked_names(conn: Connection, link: _Link, article_id: int) -> list[str]:
    return list(conn.execute(link.linked, {"b_article": article_id}).scalars())


def _replace_links(conn: Connection, link: _Link, article_id: int, names: Sequence[str], *, new: bool = False) -> None:
    """The article's author (or tag) links become ``names``, in order (``new``: it has none yet)."""
    if not new:
        conn.execute(link.unlink, {"b_article": article_id})
    if not names:
        return
    # Names whose ids this transaction found already exist; the others are inserted if new, then
    # read (their ids remembered for the rest of the transaction).
    ids = transaction_memo(conn, link.names.name)
    if ids is None:
        ids = {}
    missing = [name for name in names if name not in ids]
    if missing:
        # Sorted, so concurrent saves take the unique-index locks in the same order (one row per
        # execution of one statement: executemany).
        new_rows = [{"name": name} for name in sorted(missing)]
        conn.execute(ignore_statement(conn, link.names, conflict=["name"]), new_rows)
        ids.update((name, name_id) for name, name_id in conn.execute(link.ids, {"b_names": missing}))
    conn.execute(
        link.insert,
        [
            {"article_id": article_id, link.key: ids[name], "position": position}
            for position, name in enumerate(names)
        ],
    )
