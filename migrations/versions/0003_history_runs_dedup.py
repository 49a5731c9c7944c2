"""Article history, raw pages, crawl runs, fetch log and near-duplicate clusters.

Adds ``article_revisions``, ``raw_pages``, ``crawl_runs``, ``fetch_log``, the MinHash tables
and ``articles.cluster_id``. Data: every existing article gets its first revision (origin
"migration", no raw page), built from its row and its author and tag links, so that every
article has at least one revision. ``cluster_id`` stays NULL for existing articles until the
store fingerprints them (the next time they are crawled or re-extracted).

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-23
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)

# Columns copied from articles into the first revision, unchanged.
_COPIED = (
    "content_hash", "title", "description", "section", "language", "lead_image_url",
    "published_at", "modified_at", "body_text", "body_html", "word_count", "sources",
    "fetched_url", "extractor_version",
)


def _create_tables() -> None:
    op.create_table(
        "raw_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", _TS, nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("compression", sa.String(length=16), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_raw_pages_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_pages")),
    )
    op.create_index(op.f("ix_raw_pages_site_id"), "raw_pages", ["site_id"])
    op.create_table(
        "article_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision_no", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("section", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("lead_image_url", sa.Text(), nullable=True),
        sa.Column("published_at", _TS, nullable=True),
        sa.Column("modified_at", _TS, nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("fetched_url", sa.Text(), nullable=False),
        sa.Column("fetched_at", _TS, nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("raw_page_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"],
            name=op.f("fk_article_revisions_article_id_articles"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raw_page_id"], ["raw_pages.id"],
            name=op.f("fk_article_revisions_raw_page_id_raw_pages"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revisions")),
        sa.UniqueConstraint(
            "article_id", "revision_no", name=op.f("uq_article_revisions_article_id_revision_no")
        ),
    )
    op.create_index(op.f("ix_article_revisions_raw_page_id"), "article_revisions", ["raw_page_id"])
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spider", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=True),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_changed", sa.Integer(), nullable=False),
        sa.Column("articles_unchanged", sa.Integer(), nullable=False),
        sa.Column("non_articles", sa.Integer(), nullable=False),
        sa.Column("non_articles_by_class", sa.Text(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("errors_by_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_crawl_runs_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(op.f("ix_crawl_runs_site_id"), "crawl_runs", ["site_id"])
    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", _TS, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_fetch_log_run_id_crawl_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_fetch_log_article_id_articles"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_log")),
    )
    op.create_index(op.f("ix_fetch_log_run_id"), "fetch_log", ["run_id"])
    op.create_index(op.f("ix_fetch_log_article_id"), "fetch_log", ["article_id"])
    op.create_index("ix_fetch_log_url", "fetch_log", ["url"])
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"],
            name=op.f("fk_article_signatures_article_id_articles"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_signatures")),
    )
    op.create_table(
        "article_signature_bands",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"],
            name=op.f("fk_article_signature_bands_article_id_articles"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "band", name=op.f("pk_article_signature_bands")),
    )
    op.create_index(
        "ix_article_signature_bands_band_bucket", "article_signature_bands", ["band", "bucket"]
    )


def _backfill_revisions() -> None:
    """One revision per existing article, from its row and its author and tag links."""
    conn = op.get_bind()
    meta = sa.MetaData()
    articles = sa.Table("articles", meta, autoload_with=conn)
    revisions = sa.Table("article_revisions", meta, autoload_with=conn)
    names = {
        kind: _linked_names(conn, meta, link, table, key)
        for kind, link, table, key in (
            ("authors", "article_authors", "authors", "author_id"),
            ("tags", "article_tags", "tags", "tag_id"),
        )
    }
    rows = conn.execute(sa.select(articles).order_by(articles.c.id)).mappings().all()
    if not rows:
        return
    conn.execute(
        revisions.insert(),
        [
            {
                **{name: row[name] for name in _COPIED},
                "article_id": row["id"],
                "revision_no": 1,
                "authors": json.dumps(names["authors"].get(row["id"], []), ensure_ascii=False),
                "tags": json.dumps(names["tags"].get(row["id"], []), ensure_ascii=False),
                "fetched_at": row["last_changed_at"],
                "origin": "migration",
                "raw_page_id": None,
            }
            for row in rows
        ],
    )


def _linked_names(
    conn: sa.Connection, meta: sa.MetaData, link: str, table: str, key: str
) -> dict[int, list[str]]:
    links = sa.Table(link, meta, autoload_with=conn)
    named = sa.Table(table, meta, autoload_with=conn)
    result: dict[int, list[str]] = defaultdict(list)
    query = (
        sa.select(links.c.article_id, named.c.name)
        .join(named, links.c[key] == named.c.id)
        .order_by(links.c.article_id, links.c.position)
    )
    for article_id, name in conn.execute(query):
        result[article_id].append(name)
    return result


def upgrade() -> None:
    _create_tables()
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("cluster_id", sa.Integer(), nullable=True))
        batch.create_index("ix_articles_content_hash", ["content_hash"])
        batch.create_index("ix_articles_cluster_id", ["cluster_id"])
    _backfill_revisions()


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_cluster_id")
        batch.drop_index("ix_articles_content_hash")
        batch.drop_column("cluster_id")
    op.drop_index("ix_article_signature_bands_band_bucket", table_name="article_signature_bands")
    op.drop_table("article_signature_bands")
    op.drop_table("article_signatures")
    for index in ("ix_fetch_log_url", "ix_fetch_log_article_id", "ix_fetch_log_run_id"):
        op.drop_index(index, table_name="fetch_log")
    op.drop_table("fetch_log")
    op.drop_index("ix_crawl_runs_site_id", table_name="crawl_runs")
    op.drop_table("crawl_runs")
    op.drop_index("ix_article_revisions_raw_page_id", table_name="article_revisions")
    op.drop_table("article_revisions")
    op.drop_index("ix_raw_pages_site_id", table_name="raw_pages")
    op.drop_table("raw_pages")
