"""Run counts in the outcome vocabulary: 304s apart from unchanged pages, rule skips counted.

Adds to ``crawl_runs``: ``articles_not_modified`` (conditional re-checks answered 304, until now
counted in ``articles_unchanged``), ``not_fetched_by_rule`` (URLs not fetched by a rule:
robots.txt, off-site, …; ``fetch_log`` outcome ``skipped``) and ``articles_skipped`` (known
articles outside the re-check window, not fetched: from the crawl stats, NULL where not known,
as for every run before this revision). Existing runs are recounted from
their fetch log: their 304s move from ``articles_unchanged`` to ``articles_not_modified``, and
fetch-log errors that were a rule at work (old reasons ``IgnoreRequest``, ``robots``,
``robots_txt``, ``offsite``) move from ``errors`` to ``not_fetched_by_rule``, as
``harvester.outcomes`` counts them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RULE_ERRORS = "('IgnoreRequest', 'robots', 'robots_txt', 'offsite')"  # harvester.outcomes.RULE_REASONS


def _logged(where: str) -> str:
    return f"(SELECT count(*) FROM fetch_log f WHERE f.run_id = crawl_runs.id AND {where})"


_RULE_ERRORS_LOGGED = _logged(f"f.outcome = 'error' AND f.reason IN {_RULE_ERRORS}")


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("articles_not_modified", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("not_fetched_by_rule", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("articles_skipped", sa.Integer(), nullable=True))
    not_modified = _logged("f.outcome = 'not_modified'")
    skipped = _logged("f.outcome = 'skipped'")
    op.execute(
        "UPDATE crawl_runs SET "
        f"articles_not_modified = {not_modified}, "
        f"articles_unchanged = articles_unchanged - {not_modified}, "
        f"not_fetched_by_rule = {skipped} + {_RULE_ERRORS_LOGGED}, "
        f"errors = errors - {_RULE_ERRORS_LOGGED} "
        "WHERE status <> 'running'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE crawl_runs SET articles_unchanged = articles_unchanged + articles_not_modified, "
        f"errors = errors + {_RULE_ERRORS_LOGGED} WHERE status <> 'running'"
    )
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("articles_skipped")
        batch.drop_column("not_fetched_by_rule")
        batch.drop_column("articles_not_modified")
