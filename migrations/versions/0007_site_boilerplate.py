"""Boilerplate learned from each site: recurring body blocks and the pages they were learned from.

Adds ``site_boilerplate`` (one row per site, block key and place: pages seen, first page number,
first and last seen, a sample of the text) and ``site_boilerplate_pages`` (the pages observed,
each counted once). No data: knowledge starts with the next crawl.

Revision ID: 0007
Revises: 0006 (0006 on the lead's branch: re-chained at merge)
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "site_boilerplate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("block_key", sa.String(length=16), nullable=False),
        sa.Column("position", sa.String(length=8), nullable=False),
        sa.Column("sample_text", sa.Text(), nullable=False),
        sa.Column("pages_seen", sa.Integer(), nullable=False),
        sa.Column("first_page_no", sa.Integer(), nullable=False),
        sa.Column("first_seen", _TS, nullable=False),
        sa.Column("last_seen", _TS, nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_site_boilerplate_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_boilerplate")),
        sa.UniqueConstraint(
            "site_id", "block_key", "position", name=op.f("uq_site_boilerplate_site_id_block_key_position")
        ),
    )
    op.create_table(
        "site_boilerplate_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("observed_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_site_boilerplate_pages_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_boilerplate_pages")),
        sa.UniqueConstraint("site_id", "url", name=op.f("uq_site_boilerplate_pages_site_id_url")),
    )


def downgrade() -> None:
    op.drop_table("site_boilerplate_pages")
    op.drop_table("site_boilerplate")
