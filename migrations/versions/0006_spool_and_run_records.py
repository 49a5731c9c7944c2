"""Durable hand-off and honest run records.

Adds ``spool_marks`` (how far the store writer got in each spool file, written in the same
transaction as the records), and to ``crawl_runs``: ``status_detail`` (why a run failed or was
closed as crashed), ``hostname`` and ``pid`` (so a later run can tell a dead run from a live one).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("status_detail", sa.Text(), nullable=True))
        batch.add_column(sa.Column("hostname", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
    op.create_table(
        "spool_marks",
        sa.Column("spool", sa.String(length=255), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("done", sa.Text(), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_spool_marks_run_id_crawl_runs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("spool", name=op.f("pk_spool_marks")),
    )
    op.create_index(op.f("ix_spool_marks_run_id"), "spool_marks", ["run_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_spool_marks_run_id"), table_name="spool_marks")
    op.drop_table("spool_marks")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("pid")
        batch.drop_column("hostname")
        batch.drop_column("status_detail")
