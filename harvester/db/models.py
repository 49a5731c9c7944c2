"""The relational schema: sites, articles and their history, crawl runs, joinable with plain SQL.

These models describe the schema at the Alembic head; the migrations in ``migrations/``
create it. ``tests/test_migrations.py`` checks that the two agree. Search objects that
SQLAlchemy cannot describe on both databases (the SQLite FTS5 table and its triggers, the
PostgreSQL ``search_vector`` column and its GIN index) and the views are created by the
migrations only; ``include_name`` keeps them out of the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from harvester.db.types import UTCDateTime
from harvester.db.worker import worker_id

#: Constraint names are deterministic, so migrations can refer to them on every backend.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # e.g. "worldofsoftware"
    name: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str | None] = mapped_column(Text)

    articles: Mapped[list[Article]] = relationship(back_populates="site", viewonly=True)


class Article(Base):
    """One row per canonical URL."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_site_id_published_at", "site_id", "published_at"),
        Index("ix_articles_content_hash", "content_hash"),
        Index("ix_articles_cluster_id", "cluster_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    lead_image_url: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    modified_at: Mapped[datetime | None]
    body_text: Mapped[str] = mapped_column(Text)  # paragraphs joined by one blank line
    body_html: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of title + body
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    last_changed_at: Mapped[datetime]
    fetched_url: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text)  # JSON object: field -> source
    extractor_version: Mapped[str] = mapped_column(String(32))
    # Near-duplicate cluster: the id of the cluster's first article (its own id when alone).
    cluster_id: Mapped[int | None] = mapped_column(Integer)

    site: Mapped[Site] = relationship(back_populates="articles", viewonly=True)
    authors: Mapped[list[Author]] = relationship(
        secondary="article_authors", order_by="ArticleAuthor.position", viewonly=True
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary="article_tags", order_by="ArticleTag.position", viewonly=True
    )


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class ArticleAuthor(Base):
    """Byline order of an article's authors (``position`` starts at 0)."""

    __tablename__ = "article_authors"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class ArticleTag(Base):
    """An article's tags in published order (``position`` starts at 0)."""

    __tablename__ = "article_tags"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class ArticleRevision(Base):
    """One content version of an article: written when the content hash changes.

    The newest revision of an article always holds the article's current fields; an older one
    holds the fields as they were when the next content change arrived.
    """

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "revision_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision_no: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per article
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    lead_image_url: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    modified_at: Mapped[datetime | None]
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    authors: Mapped[str] = mapped_column(Text)  # JSON array, byline order
    tags: Mapped[str] = mapped_column(Text)  # JSON array, published order
    sources: Mapped[str] = mapped_column(Text)  # JSON object: field -> source
    fetched_url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]  # when this content was fetched
    extractor_version: Mapped[str] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(16))  # "crawl", "reextract" or "migration"
    raw_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("raw_pages.id", ondelete="SET NULL"), index=True
    )


class RawPage(Base):
    """The page a revision was extracted from, exactly as received, compressed."""

    __tablename__ = "raw_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(Text)  # the URL it was fetched from
    fetched_at: Mapped[datetime]
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[str] = mapped_column(Text)  # JSON object: header -> first value
    compression: Mapped[str] = mapped_column(String(16))  # "zstd" ("zlib": pages archived by earlier versions)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)  # bytes before compression
    sha256: Mapped[str] = mapped_column(String(64))  # of the uncompressed bytes


class CrawlRun(Base):
    """One run of one spider, with what it saw (written at the start, completed at the end)."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # "running"; then "finished" (everything extracted was stored), "shutdown" (stopped by a signal),
    # "failed" (articles could not be stored, or no page could be fetched: see status_detail),
    # "crashed" (the process died; closed by a later run, finished_at unknown), "skipped" (lock held),
    # or another Scrapy finish reason (e.g. "closespider_timeout")
    status: Mapped[str] = mapped_column(String(64))
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_changed: Mapped[int] = mapped_column(Integer, default=0)
    # the counts of the outcome vocabulary (harvester.outcomes), from the run's fetch log:
    # unchanged (fetched again, same content) and not modified (a 304) apart
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    articles_not_modified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    non_articles: Mapped[int] = mapped_column(Integer, default=0)
    non_articles_by_class: Mapped[str] = mapped_column(Text, default="{}")  # JSON: class -> count
    errors: Mapped[int] = mapped_column(Integer, default=0)  # "failed": fetch errors and invalid articles
    errors_by_reason: Mapped[str] = mapped_column(Text, default="{}")  # JSON: reason -> count
    not_fetched_by_rule: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # robots.txt, off-site, …
    # known articles outside the re-check window, not fetched (from the crawl stats: they leave no
    # fetch_log row); NULL when not known (a run that crashed, a distributed run, runs before 0009)
    articles_skipped: Mapped[int | None] = mapped_column(Integer)
    # processes that worked on the run: 1, or more for a distributed run (harvester.cluster)
    workers: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status_detail: Mapped[str | None] = mapped_column(Text)  # why a run failed or was closed as crashed
    hostname: Mapped[str | None] = mapped_column(String(255))  # where the run's process ran
    pid: Mapped[int | None] = mapped_column(Integer)  # the run's process id there


class SpoolMark(Base):
    """How far the store writer got in one spool file: records up to ``seq`` are in the database.

    Written in the same transaction as the records, so a replayed spool never writes a record twice.
    A row goes away with its spool file once the file has been written whole.
    """

    __tablename__ = "spool_marks"

    spool: Mapped[str] = mapped_column(String(255), primary_key=True)  # the spool file's name
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # every record up to here is written
    done: Mapped[str | None] = mapped_column(Text)  # JSON list of records beyond ``seq`` written already
    updated_at: Mapped[datetime]


class FetchLog(Base):
    """One fetched URL of one run and what became of it."""

    __tablename__ = "fetch_log"
    __table_args__ = (Index("ix_fetch_log_url", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    status_code: Mapped[int | None] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    # "stored" (reason new / changed), "unchanged" (reason NULL: the store compared the article;
    # "content_hash": the body was the same bytes as last time), "not_article" (reason: page class),
    # "invalid" (reason: failed fields), "error" (reason: http_404, timeout, store_failed, ...),
    # "discovery" (reason: robots, sitemap, feed, listing),
    # "not_modified" (a conditional re-check answered 304; reason http_304)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    # the process that fetched the URL (host:pid:nonce, harvester.db.worker); set on every insert
    worker: Mapped[str | None] = mapped_column(String(96), default=worker_id)


class UrlState(Base):
    """What the harvester knows about one fetched article URL, for incremental re-crawls.

    One row per URL fetched for an article (stored, unchanged, not an article, invalid, failed):
    the validators to send back (``etag``, ``last_modified``: header values as received), the
    SHA-256 of the body last received, when it was first and last fetched and what came of it.
    """

    __tablename__ = "url_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # the real-site URL fetched
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_fetched_at: Mapped[datetime]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_outcome: Mapped[str] = mapped_column(String(16))  # a fetch_log outcome
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )


class SiteBoilerplate(Base):
    """A block (body paragraph) that recurs on a site's pages, learned while crawling.

    One row per (site, block key, place): on how many distinct pages of the site the block was
    seen there, when first and last, and one sample of its text. A row is kept once a block is
    seen on two pages; whether it is boilerplate now follows from the thresholds (see
    ``harvester.extraction.learned``). ``first_page_no`` is how many of the site's pages had been
    observed before the block first appeared (the start of the pages its share is taken over).
    """

    __tablename__ = "site_boilerplate"
    __table_args__ = (UniqueConstraint("site_id", "block_key", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    block_key: Mapped[str] = mapped_column(String(16))  # harvester.extraction.learned.block_key
    position: Mapped[str] = mapped_column(String(8))  # head, middle, tail
    sample_text: Mapped[str] = mapped_column(Text)
    pages_seen: Mapped[int] = mapped_column(Integer)
    first_page_no: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


class BoilerplatePage(Base):
    """A page observed for learning a site's boilerplate (each counts once, however often fetched)."""

    __tablename__ = "site_boilerplate_pages"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(Text)  # the article's canonical URL
    observed_at: Mapped[datetime]


class ArticleSignature(Base):
    """The MinHash signature of an article's body (near-duplicate detection)."""

    __tablename__ = "article_signatures"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    minhash: Mapped[bytes] = mapped_column(LargeBinary)  # num_perm unsigned 32-bit, little-endian


class ArticleSignatureBand(Base):
    """Locality-sensitive hashing buckets: articles sharing a (band, bucket) are candidates."""

    __tablename__ = "article_signature_bands"
    __table_args__ = (Index("ix_article_signature_bands_band_bucket", "band", "bucket"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(16))  # hex digest of the band's hash values


#: Search objects created by migration 0004 that the models cannot describe on both databases.
SEARCH_TABLE_PREFIX = "articles_fts"  # SQLite FTS5 table and its shadow tables
SEARCH_COLUMN = "search_vector"  # PostgreSQL generated tsvector column of articles
SEARCH_INDEX = "ix_articles_search_vector"  # its GIN index


def include_name(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic ``include_name`` hook: leave the search objects out of model comparison."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_TABLE_PREFIX)
    if type_ == "column":
        return not (parent_names.get("table_name") == "articles" and name == SEARCH_COLUMN)
    if type_ == "index":
        return name != SEARCH_INDEX
    return True
