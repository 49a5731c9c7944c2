"""Full-text search over articles, and views for the common questions.

SQLite: an FTS5 table ``articles_fts`` over ``articles`` (external content: the text is not
stored twice) kept in sync by three triggers; existing articles are indexed here.
PostgreSQL: a generated ``articles.search_vector`` (weighted title A, description B, body C)
with a GIN index; PostgreSQL computes it for existing rows.

Views: ``latest_articles``, ``article_details`` (authors and tags flattened),
``near_duplicates``. Their columns are the same on both databases; only string aggregation
differs.

Caution for later migrations: a SQLite batch operation that rebuilds ``articles`` drops its
triggers and the views that read it; such a migration must recreate them.

Revision ID: 0004
Revises: 0003
Create Date: 2025-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_FTS = (
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, description, body_text,
        content='articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, description, body_text)
        VALUES (new.id, new.title, new.description, new.body_text);
    END
    """,
    """
    CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, description, body_text)
        VALUES ('delete', old.id, old.title, old.description, old.body_text);
    END
    """,
    """
    CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, description, body_text
    ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, description, body_text)
        VALUES ('delete', old.id, old.title, old.description, old.body_text);
        INSERT INTO articles_fts (rowid, title, description, body_text)
        VALUES (new.id, new.title, new.description, new.body_text);
    END
    """,
    "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
)

_POSTGRES_FTS = (
    """
    ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
)

_LATEST_ARTICLES = """
CREATE VIEW latest_articles AS
SELECT s.key AS site,
       a.id AS article_id,
       a.url,
       a.title,
       a.published_at,
       a.first_seen_at,
       a.last_changed_at,
       a.word_count,
       row_number() OVER (
           PARTITION BY a.site_id
           ORDER BY coalesce(a.published_at, a.first_seen_at) DESC, a.id DESC
       ) AS site_rank
FROM articles a
JOIN sites s ON s.id = a.site_id
"""

# {names} aggregates the ordered names of one article: group_concat / string_agg.
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
       a.last_changed_at
FROM articles a
JOIN sites s ON s.id = a.site_id
"""

_SQLITE_NAMES = """(
    SELECT group_concat(name, ', ') FROM (
        SELECT n.name FROM {link} l JOIN {table} n ON n.id = l.{key}
        WHERE l.article_id = a.id ORDER BY l.position
    )
)"""

_POSTGRES_NAMES = """(
    SELECT string_agg(n.name, ', ' ORDER BY l.position)
    FROM {link} l JOIN {table} n ON n.id = l.{key}
    WHERE l.article_id = a.id
)"""

_NEAR_DUPLICATES = """
CREATE VIEW near_duplicates AS
SELECT a.cluster_id,
       c.cluster_size,
       s.key AS site,
       a.id AS article_id,
       a.url,
       a.title,
       a.content_hash,
       a.first_seen_at
FROM articles a
JOIN sites s ON s.id = a.site_id
JOIN (
    SELECT cluster_id, count(*) AS cluster_size
    FROM articles
    WHERE cluster_id IS NOT NULL
    GROUP BY cluster_id
    HAVING count(*) > 1
) c ON c.cluster_id = a.cluster_id
"""

_VIEWS = ("near_duplicates", "article_details", "latest_articles")


def _names(template: str, kind: str) -> str:
    link, table, key = {
        "authors": ("article_authors", "authors", "author_id"),
        "tags": ("article_tags", "tags", "tag_id"),
    }[kind]
    return template.format(link=link, table=table, key=key)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        statements, names = _SQLITE_FTS, _SQLITE_NAMES
    elif dialect == "postgresql":
        statements, names = _POSTGRES_FTS, _POSTGRES_NAMES
    else:
        raise NotImplementedError(f"no full-text search for the {dialect!r} dialect")
    for statement in statements:
        op.execute(statement)
    op.execute(_LATEST_ARTICLES)
    op.execute(
        _ARTICLE_DETAILS.format(authors=_names(names, "authors"), tags=_names(names, "tags"))
    )
    op.execute(_NEAR_DUPLICATES)


def downgrade() -> None:
    for view in _VIEWS:
        op.execute(f"DROP VIEW {view}")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("update", "delete", "insert"):
            op.execute(f"DROP TRIGGER articles_fts_after_{trigger}")
        op.execute("DROP TABLE articles_fts")
    else:
        op.execute("DROP INDEX ix_articles_search_vector")
        op.execute("ALTER TABLE articles DROP COLUMN search_vector")
