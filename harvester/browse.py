"""``harvester browse``: the SQLite store in Datasette (the optional ``browse`` extra).

Datasette gets metadata written here: full-text search on ``articles`` and ``article_details``
through the FTS5 table ``articles_fts`` (migration 0004), facets on site, section, language,
authors and tags, the README's SQL recipes as canned queries, and an ``article`` query (``?id=``)
that shows one article's body, its revisions and its near-duplicate cluster. The database is
opened read-only; PostgreSQL is not supported (Datasette reads SQLite).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harvester.db.url import sqlite_path


SQLITE_ONLY = (
    "harvester browse reads SQLite stores only (Datasette); on PostgreSQL use psql, or crawl into a "
    "SQLite file (--database sqlite:///harvest.db) to browse"
)


class BrowseUnavailable(Exception):
    """Browsing cannot start; the message is one line for the user."""


#: The README's SQL recipes that run on SQLite (tests/test_browse.py keeps them equal).
RECIPES: dict[str, tuple[str, str]] = {
    "articles_per_site_per_day": ("Articles per site per day", """\
SELECT s.key AS site, date(a.published_at) AS day, count(*) AS articles
FROM articles a JOIN sites s ON s.id = a.site_id
WHERE a.published_at IS NOT NULL
GROUP BY s.key, date(a.published_at)
ORDER BY day DESC, site;"""),
    "newest_per_site": ("The three newest articles of each site", """\
SELECT site, site_rank, published_at, title
FROM latest_articles WHERE site_rank <= 3
ORDER BY site, site_rank;"""),
    "authors_and_tags": ("Articles with their authors and tags, flattened", """\
SELECT site, published_at, title, authors, tags
FROM article_details
ORDER BY published_at DESC;"""),
    "near_duplicates": ("Near-duplicate clusters: syndicated copies across sites", """\
SELECT cluster_id, cluster_size, site, title, url
FROM near_duplicates
ORDER BY cluster_id, first_seen_at, site;"""),
    "search": ("Search: best matches first, with a snippet", """\
SELECT a.id, a.title, a.url, snippet(articles_fts, -1, '«', '»', '…', 16) AS snippet
FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH :words
ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0);"""),
    "last_runs": ("The last crawl runs and what they saw", """\
SELECT spider, started_at, finished_at, status, pages_fetched, articles_new, articles_changed,
       articles_unchanged, non_articles, errors, errors_by_reason
FROM crawl_runs
ORDER BY started_at DESC, id DESC
LIMIT 10;"""),
    "not_stored": ("What a run could not store, and why", """\
SELECT f.url, f.outcome, f.reason, f.status_code
FROM fetch_log f JOIN crawl_runs r ON r.id = f.run_id
WHERE f.outcome IN ('not_article', 'invalid', 'error')
ORDER BY r.id DESC, f.id;"""),
}

#: One article: its body, then its revisions, then the other articles of its near-duplicate cluster.
ARTICLE_QUERY = """\
SELECT 1 AS part_no, 'article' AS part, a.title, a.url, s.key AS site, a.published_at AS date,
       a.word_count AS words, a.body_text AS text
FROM articles a JOIN sites s ON s.id = a.site_id WHERE a.id = :id
UNION ALL
SELECT 2, 'revision ' || r.revision_no, r.title, r.fetched_url, r.origin, r.fetched_at, r.word_count,
       'content hash ' || r.content_hash || ', extractor ' || r.extractor_version
FROM article_revisions r WHERE r.article_id = :id
UNION ALL
SELECT 3, 'same story (cluster ' || a.cluster_id || ')', b.title, b.url, s.key, b.published_at, b.word_count,
       b.description
FROM articles a JOIN articles b ON b.cluster_id = a.cluster_id AND b.id <> a.id
JOIN sites s ON s.id = b.site_id WHERE a.id = :id
ORDER BY part_no, date"""

_SEARCH = {"fts_table": "articles_fts", "searchmode": "escaped"}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for the store named ``database`` (the file's stem)."""
    queries: dict[str, Any] = {
        "article": {"title": "One article: body, revisions, near-duplicates", "sql": ARTICLE_QUERY, "hide_sql": True},
    }
    queries.update({name: {"title": title, "sql": sql} for name, (title, sql) in RECIPES.items()})
    return {
        "title": "harvester store",
        "description": "Search the articles, facet them, or run the README's SQL recipes (Queries, below).",
        "databases": {
            database: {
                "tables": {
                    "articles": {
                        **_SEARCH, "fts_pk": "id", "label_column": "title", "sort_desc": "published_at",
                        "facets": ["site_id", "section", "language"],
                    },
                    "article_details": {
                        **_SEARCH, "fts_pk": "article_id", "sort_desc": "published_at",
                        "facets": ["site", "section", "language", "authors", "tags"],
                    },
                    "sites": {"label_column": "key"},
                    "authors": {"label_column": "name"},
                    "tags": {"label_column": "name"},
                },
                "queries": queries,
            }
        },
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def datasette_command(database_url: str, port: int, metadata_file: Path) -> tuple[list[str], str]:
    """The Datasette command line for the store at ``database_url`` and the URL it serves."""
    path = sqlite_path(database_url)
    if path is None:
        raise BrowseUnavailable(SQLITE_ONLY)
    if importlib.util.find_spec("datasette") is None:
        raise BrowseUnavailable("Datasette is not installed: pip install -e '.[browse]'")
    metadata_file.write_text(json.dumps(metadata(path.stem), ensure_ascii=False), encoding="utf-8")
    command = [
        sys.executable, "-m", "datasette", "serve", str(path),
        "--host", "127.0.0.1", "--port", str(port), "--metadata", str(metadata_file),
        "--setting", "truncate_cells_html", "400",
        "--setting", "default_facet_size", "15",
    ]
    return command, f"http://127.0.0.1:{port}/{path.stem}"


def serve(database_url: str, port: int = 8001) -> int:
    """Run Datasette on the store until Ctrl-C; returns its exit code (0 when stopped)."""
    if port:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                raise BrowseUnavailable(f"port {port} on 127.0.0.1 is in use: --port 0 picks a free one") from None
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="harvester-browse-") as folder:
        command, url = datasette_command(database_url, port, Path(folder) / "metadata.json")
        print(f"browse the store at {url}   (Ctrl-C stops)", flush=True)
        process = subprocess.Popen(command)
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait(timeout=10)
            return 0
