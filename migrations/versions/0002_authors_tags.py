"""Add authors and tags with their article link tables.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_named(table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("name", name=op.f(f"uq_{table}_name")),
    )


def _create_link(table: str, target: str, target_column: str) -> None:
    """``table`` links articles to ``target`` rows, in order (``position``)."""
    op.create_table(
        table,
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column(target_column, sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f(f"fk_{table}_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [target_column], [f"{target}.id"], name=op.f(f"fk_{table}_{target_column}_{target}")
        ),
        sa.PrimaryKeyConstraint("article_id", target_column, name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("article_id", "position", name=op.f(f"uq_{table}_article_id_position")),
    )
    op.create_index(op.f(f"ix_{table}_{target_column}"), table, [target_column])


def upgrade() -> None:
    _create_named("authors")
    _create_named("tags")
    _create_link("article_authors", "authors", "author_id")
    _create_link("article_tags", "tags", "tag_id")


def downgrade() -> None:
    for table, column in (("article_tags", "tag_id"), ("article_authors", "author_id")):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
    op.drop_table("tags")
    op.drop_table("authors")
