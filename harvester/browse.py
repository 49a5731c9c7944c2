"""``harvester browse``: the SQLite store in Datasette (the optional ``browse`` extra).

Datasette gets metadata written here: full-text search on ``articles`` and ``article_details``
through the FTS5 table ``articles_fts`` (migration 0004), facets on site, section, language,
authors and tags (each person and each tag counted: array facets over the JSON lists
``article_details.authors_json`` and ``tags_json``, migration 0010), the SQL recipes
(``harvester/recipes.sql``, shown in the README) as canned queries, and an ``article`` query
(``?id=``) that shows one article's body, its revisions and its near-duplicate cluster. The
database is opened read-only; PostgreSQL is not supported (Datasette reads SQLite).
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
from harvester.recipes import recipes


SQLITE_ONLY = (
    "harvester browse reads SQLite stores only (Datasette); on PostgreSQL use psql, or crawl into a "
    "SQLite file (--database sqlite:///harvest.db) to browse"
)


class BrowseUnavailable(Exception):
    """Browsing cannot start; the message is one line for the user."""


#: Example values in the recipes that the canned queries take as parameters (a form in Datasette).
PARAMETERS: dict[str, tuple[str, str]] = {
    "search_sqlite_best_matches_first_with_a_snippet": ("'chatgpt study'", ":words"),
}


def canned_recipes() -> dict[str, tuple[str, str]]:
    """The SQL recipes (``harvester/recipes.sql``, shown in the README) that run on SQLite, as
    Datasette canned queries: name -> (title, SQL)."""
    queries = {}
    for recipe in recipes():
        if "sqlite" not in recipe.dialects:
            continue
        sql = recipe.sql
        if recipe.name in PARAMETERS:
            example, parameter = PARAMETERS[recipe.name]
            if example not in sql:
                raise ValueError(f"recipe {recipe.title!r} no longer has the example {example}")
            sql = sql.replace(example, parameter)
        queries[recipe.name] = (recipe.title, sql)
    missing = set(PARAMETERS) - set(queries)
    if missing:
        raise ValueError(f"no SQLite recipe named {', '.join(sorted(missing))}")
    return queries


RECIPES = canned_recipes()

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
                        # array facets over the JSON name lists: one count per person and per tag
                        "facets": ["site", "section", "language", {"array": "authors_json"}, {"array": "tags_json"}],
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
