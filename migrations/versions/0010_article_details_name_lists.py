"""``article_details``: authors and tags as JSON arrays too, one element per person or tag.

The view keeps ``authors`` and ``tags`` (the names joined with ", ", in published order) and adds
``authors_json`` and ``tags_json``: the same names as a JSON array (``["Ann Lee", "Bo Ek"]``,
``[]`` when there are none). A joined string cannot be split back safely (an author may be
written "Lee, Ann"); the arrays can, and ``harvester browse`` facets on them (Datasette's array
facets count each person and each tag). SQLite: text made by ``json_group_array``; PostgreSQL:
``jsonb``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# {authors}, {tags}: the joined names; {author_list}, {tag_list}: the JSON arrays (the view of
# 0004 has neither array column).
_ARTICLE_DETAILS = """
CREATE VIEW article_details AS
SELECT s.key AS site,
       a.id AS article_id,
       a.url,
       a.title,
       {authors} AS authors,
       {tags} AS tags,
       a.section,
       a.published_at,
       a.modified_at,
       a.language,
       a.word_count,
       a.description,
       a.cluster_id,
       a.first_seen_at,
       a.last_changed_at{lists}
FROM articles a
JOIN sites s ON s.id = a.site_id
"""

_LISTS = """,
       {author_list} AS authors_json,
       {tag_list} AS tags_json"""

_NAMES = {
    "sqlite": """(
    SELECT group_concat(name, ', ') FROM (
        SELECT n.name FROM {link} l JOIN {table} n ON n.id = l.{key}
        WHERE l.article_id = a.id ORDER BY l.position
    )
)""",
    "postgresql": """(
    SELECT string_agg(n.name, ', ' ORDER BY l.position)
    FROM {link} l JOIN {table} n ON n.id = l.{key}
    WHERE l.article_id = a.id
)""",
}

_LIST = {
    "sqlite": """(
    SELECT json_group_array(name) FROM (
        SELECT n.name FROM {link} l JOIN {table} n ON n.id = l.{key}
        WHERE l.article_id = a.id ORDER BY l.position
    )
)""",
    "postgresql": """(
    SELECT coalesce(jsonb_agg(n.name ORDER BY l.position), '[]'::jsonb)
    FROM {link} l JOIN {table} n ON n.id = l.{key}
    WHERE l.article_id = a.id
)""",
}

_KINDS = {
    "authors": {"link": "article_authors", "table": "authors", "key": "author_id"},
    "tags": {"link": "article_tags", "table": "tags", "key": "tag_id"},
}


def _view(with_lists: bool) -> str:
    dialect = op.get_bind().dialect.name
    if dialect not in _NAMES:
        raise NotImplementedError(f"no article_details view for the {dialect!r} dialect")
    names, lists = _NAMES[dialect], _LIST[dialect]
    return _ARTICLE_DETAILS.format(
        authors=names.format(**_KINDS["authors"]),
        tags=names.format(**_KINDS["tags"]),
        lists=_LISTS.format(author_list=lists.format(**_KINDS["authors"]), tag_list=lists.format(**_KINDS["tags"]))
        if with_lists else "",
    )


def upgrade() -> None:
    op.execute("DROP VIEW article_details")
    op.execute(_view(with_lists=True))


def downgrade() -> None:
    op.execute("DROP VIEW article_details")
    op.execute(_view(with_lists=False))
