"""Distributed runs: how many workers a run had, and which worker fetched each URL.

Adds ``crawl_runs.workers`` (1 for every existing run) and ``fetch_log.worker`` (the process
id ``host:pid:nonce``; NULL for rows written before this revision).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("workers", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("fetch_log", sa.Column("worker", sa.String(length=96), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetch_log") as batch:
        batch.drop_column("worker")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("workers")
