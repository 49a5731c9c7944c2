"""Incremental re-crawls: what the harvester knows about each fetched article URL.

Adds ``url_state`` (one row per article URL: ETag, Last-Modified, body SHA-256, first and last
fetch, last status and outcome, the article it gave). Data: every existing article gets a row
for the URL it was fetched from (no validators yet: its first re-check is a full fetch), so
articles stored before this revision count as known.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)

# One row per fetched URL (two articles fetched from one URL: the first one).
_BACKFILL = """
INSERT INTO url_state (site_id, url, first_seen_at, last_fetched_at, last_outcome, article_id)
SELECT site_id, fetched_url, first_seen_at, last_seen_at, 'stored', id
FROM articles
WHERE id IN (SELECT min(id) FROM articles GROUP BY fetched_url)
"""


def upgrade() -> None:
    op.create_table(
        "url_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.Column("first_seen_at", _TS, nullable=False),
        sa.Column("last_fetched_at", _TS, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_outcome", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_url_state_article_id_articles"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_url_state_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_url_state")),
        sa.UniqueConstraint("url", name=op.f("uq_url_state_url")),
    )
    op.create_index(op.f("ix_url_state_site_id"), "url_state", ["site_id"])
    op.create_index(op.f("ix_url_state_article_id"), "url_state", ["article_id"])
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.drop_index(op.f("ix_url_state_article_id"), table_name="url_state")
    op.drop_index(op.f("ix_url_state_site_id"), table_name="url_state")
    op.drop_table("url_state")
