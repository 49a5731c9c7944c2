"""Full-text search: SQLite FTS5 (``articles_fts``) or PostgreSQL ``search_vector``.

Both match articles containing every word of the query (stemmed, English rules), rank by
relevance (title above description above body) and return a snippet around the matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine

from harvester.db.engine import reading
from harvester.db.types import UTCDateTime

HIGHLIGHT = ("«", "»")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    site: str
    url: str
    title: str
    published_at: datetime | None
    rank: float  # higher is better; comparable only within one search
    snippet: str


def query_words(query: str) -> list[str]:
    """The words of a user query; punctuation and FTS operators are ignored."""
    return _WORD.findall(query)


_SQLITE = """
SELECT s.key AS site, a.url, a.title, a.published_at,
       -bm25(articles_fts, 10.0, 4.0, 1.0) AS rank,
       snippet(articles_fts, -1, :open, :close, '…', 20) AS snippet
FROM articles_fts
JOIN articles a ON a.id = articles_fts.rowid
JOIN sites s ON s.id = a.site_id
WHERE articles_fts MATCH :match {filters}
ORDER BY rank DESC, a.id
LIMIT :limit
"""

_POSTGRES = """
SELECT s.key AS site, a.url, a.title, a.published_at,
       ts_rank_cd(a.search_vector, q.query) AS rank,
       ts_headline('english', a.body_text, q.query, :headline) AS snippet
FROM articles a
JOIN sites s ON s.id = a.site_id
CROSS JOIN (SELECT plainto_tsquery('english', :match) AS query) q
WHERE a.search_vector @@ q.query {filters}
ORDER BY rank DESC, a.id
LIMIT :limit
"""


def search(
    engine: Engine,
    query: str,
    *,
    site: str | None = None,
    since: datetime | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Articles matching every word of ``query``, best first.

    ``site`` keeps one site's articles; ``since`` keeps articles published (or, undated,
    first seen) at or after that instant.
    """
    words = query_words(query)
    if not words:
        return []
    filters = ""
    params: dict[str, Any] = {"limit": limit}
    if site is not None:
        filters += " AND s.key = :site"
        params["site"] = site
    if since is not None:
        filters += " AND coalesce(a.published_at, a.first_seen_at) >= :since"
        params["since"] = since
    dialect = engine.dialect.name
    if dialect == "sqlite":
        sql = _SQLITE.format(filters=filters)
        params |= {"match": " ".join(f'"{w}"' for w in words), "open": HIGHLIGHT[0], "close": HIGHLIGHT[1]}
    elif dialect == "postgresql":
        sql = _POSTGRES.format(filters=filters)
        params |= {
            "match": " ".join(words),
            "headline": f"StartSel={HIGHLIGHT[0]}, StopSel={HIGHLIGHT[1]}, MinWords=12, MaxWords=24, "
            'MaxFragments=2, FragmentDelimiter=" … "',
        }
    else:
        raise NotImplementedError(f"no full-text search for the {dialect!r} dialect")
    statement = text(sql).columns(published_at=UTCDateTime())
    if since is not None:
        statement = statement.bindparams(bindparam("since", type_=UTCDateTime()))
    with reading(engine) as conn:
        rows = conn.execute(statement, params).all()
    return [
        SearchHit(row.site, row.url, row.title, row.published_at, float(row.rank), row.snippet)
        for row in rows
    ]
