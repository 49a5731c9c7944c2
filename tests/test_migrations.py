"""Alembic migrations and schema checks, on real databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from harvester.db import (
    SchemaOutdated,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    make_engine,
    upgrade,
)
from harvester.db.models import Base, include_name
from harvester.db.testing import backends, empty_database_url

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLES_0001 = {"sites", "articles"}
TABLES_0002 = TABLES_0001 | {"authors", "article_authors", "tags", "article_tags"}
TABLES_0003 = TABLES_0002 | {
    "article_revisions", "raw_pages", "crawl_runs", "fetch_log", "article_signatures", "article_signature_bands",
}
VIEWS_0004 = {"latest_articles", "article_details", "near_duplicates"}
TABLES_0005 = TABLES_0003 | {"url_state"}
TABLES_0006 = TABLES_0005 | {"spool_marks"}
TABLES_0007 = TABLES_0006 | {"site_boilerplate", "site_boilerplate_pages"}
HEAD = "0010"
TABLES_HEAD = TABLES_0007  # 0008 and 0009 add columns, 0010 replaces a view: no table


@pytest.fixture(params=backends())
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return empty_database_url(request.param, tmp_path)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    """Tables other than Alembic's and the SQLite full-text index (a virtual table)."""
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names()) - {"alembic_version"}
    return {name for name in names if not name.startswith("articles_fts")}


def views(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_view_names())


def search_objects(engine: Engine) -> set[str]:
    """The full-text objects: the FTS5 table and triggers, or the tsvector column and index."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'articles_fts%' AND type IN ('table', 'trigger')")
            )
            return {name for (name,) in rows if name in {"articles_fts"} or name.startswith("articles_fts_after")}
        inspector = inspect(conn)
        if "articles" not in inspector.get_table_names():
            return set()
        columns = {c["name"] for c in inspector.get_columns("articles")} & {"search_vector"}
        indexes = {i["name"] for i in inspector.get_indexes("articles")} & {"ix_articles_search_vector"}
        return columns | indexes


def test_head_is_the_newest_migration() -> None:
    from harvester.db.migrate import HEAD_REVISION

    assert head_revision() == HEAD == HEAD_REVISION  # a new migration moves HEAD_REVISION too


def test_a_database_at_head_is_opened_without_importing_alembic(tmp_path: Path) -> None:
    """Every crawl and command opens the store: at head, the version table is read and Alembic
    (about a fifth of a second of imports) is never loaded."""
    url = f"sqlite:///{tmp_path / 'at-head.db'}"
    upgrade(url)
    code = (
        "import sys\n"
        "from harvester.db import make_engine\n"
        "from harvester.db.migrate import ensure_schema\n"
        f"ensure_schema(make_engine({url!r}), create=False)\n"
        "print(sorted(m for m in sys.modules if m == 'alembic' or m.startswith('alembic.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_upgrade_from_empty_to_head_then_downgrade_to_base(url: str, engine: Engine) -> None:
    assert current_revision(engine) is None
    upgrade(url)
    assert current_revision(engine) == HEAD
    assert tables(engine) == TABLES_HEAD
    assert views(engine) == VIEWS_0004
    assert len(search_objects(engine)) >= 2

    downgrade(url, "base")
    assert current_revision(engine) is None
    assert tables(engine) == set()
    assert views(engine) == set()
    assert search_objects(engine) == set()

    upgrade(url)  # the round trip leaves a database that migrates again
    assert current_revision(engine) == HEAD


def test_every_step_round_trips(url: str, engine: Engine) -> None:
    expected = {"0001": TABLES_0001, "0002": TABLES_0002, "0003": TABLES_0003, "0004": TABLES_0003, "0005": TABLES_0005,
                "0006": TABLES_0006, "0007": TABLES_0007, "0008": TABLES_0007, "0009": TABLES_0007, "0010": TABLES_0007}
    for revision, table_names in expected.items():
        upgrade(url, revision)
        assert tables(engine) == table_names, revision
    downgrade(url, "0005")
    assert tables(engine) == TABLES_0005 and views(engine) == VIEWS_0004
    downgrade(url, "0004")
    assert tables(engine) == TABLES_0003 and views(engine) == VIEWS_0004
    for revision in ("0003", "0002", "0001"):
        downgrade(url, revision)
        assert current_revision(engine) == revision
        assert tables(engine) == expected[revision]
        assert views(engine) == set()
        assert search_objects(engine) == set()


def test_revisions_step_by_step(url: str, engine: Engine) -> None:
    upgrade(url, "0001")
    assert current_revision(engine) == "0001"
    assert tables(engine) == TABLES_0001
    upgrade(url, "0002")
    assert tables(engine) == TABLES_0002
    downgrade(url, "0001")
    assert current_revision(engine) == "0001"
    assert tables(engine) == TABLES_0001


def test_upgrade_keeps_existing_rows(url: str, engine: Engine) -> None:
    upgrade(url, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sites (key, name) VALUES ('budapestpost', 'Budapest Post')"))
    upgrade(url)
    with engine.connect() as conn:
        names = conn.execute(text("SELECT key, name FROM sites")).all()
    assert [tuple(row) for row in names] == [("budapestpost", "Budapest Post")]


def test_models_match_migrations(url: str, engine: Engine) -> None:
    upgrade(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name, "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_alembic_check_is_clean(url: str, engine: Engine) -> None:
    """``alembic check`` (the command CI users run) finds no difference at head."""
    upgrade(url)
    completed = _alembic(url, "check")
    assert completed.returncode == 0, completed.stderr
    assert "No new upgrade operations detected" in completed.stdout + completed.stderr


def test_alembic_check_sees_a_schema_drift(url: str, engine: Engine) -> None:
    """The check can fail: an index the models declare is missing from the database."""
    upgrade(url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_articles_cluster_id"))
    completed = _alembic(url, "check")
    assert completed.returncode != 0
    assert "ix_articles_cluster_id" in completed.stdout + completed.stderr


def _alembic(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HARVESTER_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO_ROOT / "alembic.ini"), *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
    )


def test_constraint_names_follow_the_convention(url: str, engine: Engine) -> None:
    upgrade(url)
    with engine.connect() as conn:
        inspector = inspect(conn)
        unique = {c["name"] for c in inspector.get_unique_constraints("articles")}
        foreign = {c["name"] for c in inspector.get_foreign_keys("article_tags")}
    assert "uq_articles_url" in unique
    assert foreign == {"fk_article_tags_article_id_articles", "fk_article_tags_tag_id_tags"}


def test_upgrade_does_not_depend_on_working_directory(
    url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    upgrade(url)
    assert current_revision(engine) == head_revision()


def test_ensure_schema_migrates_an_empty_database(engine: Engine) -> None:
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    assert tables(engine) == TABLES_HEAD


def test_ensure_schema_migrates_a_database_downgraded_to_base(url: str, engine: Engine) -> None:
    upgrade(url)
    downgrade(url, "base")  # leaves an empty alembic_version table behind
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()


def test_ensure_schema_passes_at_head(url: str, engine: Engine) -> None:
    upgrade(url)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()


def test_ensure_schema_refuses_an_older_revision(url: str, engine: Engine) -> None:
    upgrade(url, "0001")
    with pytest.raises(SchemaOutdated) as raised:
        ensure_schema(engine)
    message = str(raised.value)
    assert message == f"database at revision 0001, code needs {HEAD}: run `harvester db upgrade`"
    assert current_revision(engine) == "0001"  # nothing was migrated behind the user's back
    assert tables(engine) == TABLES_0001


def test_ensure_schema_refuses_tables_without_a_revision(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE articles (id INTEGER PRIMARY KEY)"))
    with pytest.raises(SchemaOutdated, match="`harvester db upgrade`"):
        ensure_schema(engine)
    assert current_revision(engine) is None


def test_ensure_schema_refuses_an_unknown_revision(url: str, engine: Engine) -> None:
    upgrade(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaOutdated, match="revision 9999.*does not know"):
        ensure_schema(engine)


def test_alembic_command_line_uses_the_application_url(url: str, engine: Engine) -> None:
    env = {**os.environ, "HARVESTER_DATABASE_URL": url}
    completed = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO_ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert current_revision(engine) == head_revision()


def _insert_0002_article(conn, url: str, title: str, body: str, authors: list[str], tags: list[str]) -> None:  # type: ignore[no-untyped-def]
    """An article as harvester 0002 stored it: its row and its author and tag links."""
    conn.execute(text("INSERT INTO sites (key, name) VALUES ('budapestpost', 'Budapest Post') ON CONFLICT DO NOTHING"))
    site_id = conn.execute(text("SELECT id FROM sites WHERE key = 'budapestpost'")).scalar_one()
    stamp = "2025-03-01 08:00:00" if conn.dialect.name == "sqlite" else "2025-03-01 08:00:00+00"
    article_id = conn.execute(
        text(
            "INSERT INTO articles (site_id, url, title, body_text, body_html, word_count, content_hash, "
            "first_seen_at, last_seen_at, last_changed_at, fetched_url, sources, extractor_version) "
            "VALUES (:site, :url, :title, :body, '', :words, :hash, :t, :t, :t, :url, '{}', '0.0.9') RETURNING id"
        ),
        {"site": site_id, "url": url, "title": title, "body": body, "words": len(body.split()), "hash": "h" + url[-1], "t": stamp},
    ).scalar_one()
    for kind, names in (("author", authors), ("tag", tags)):
        for position, name in enumerate(names):
            conn.execute(text(f"INSERT INTO {kind}s (name) VALUES (:n) ON CONFLICT DO NOTHING"), {"n": name})
            name_id = conn.execute(text(f"SELECT id FROM {kind}s WHERE name = :n"), {"n": name}).scalar_one()
            conn.execute(
                text(f"INSERT INTO article_{kind}s (article_id, {kind}_id, position) VALUES (:a, :n, :p)"),
                {"a": article_id, "n": name_id, "p": position},
            )


def test_upgrade_with_data_in_place_backfills_revisions_and_the_search_index(url: str, engine: Engine) -> None:
    """0003 writes a first revision for every existing article; 0004 indexes existing text."""
    upgrade(url, "0002")
    with engine.begin() as conn:
        _insert_0002_article(conn, "https://budapestpost.com/a1", "Parliament budget vote", "Lawmakers approved the budget.",
                             ["Péter Nagy", "Anna Kovács"], ["Budget"])
        _insert_0002_article(conn, "https://budapestpost.com/a2", "Danube flood warning", "The river keeps rising in Budapest.",
                             [], ["Weather", "Budapest"])
    upgrade(url)
    with engine.connect() as conn:
        revisions = conn.execute(
            text(
                "SELECT a.url, r.revision_no, r.title, r.body_text, r.authors, r.tags, r.origin, r.raw_page_id, "
                "r.extractor_version FROM article_revisions r JOIN articles a ON a.id = r.article_id ORDER BY a.url"
            )
        ).all()
        details = conn.execute(text("SELECT url, authors, tags FROM article_details ORDER BY url")).all()
        clusters = conn.execute(text("SELECT cluster_id FROM articles")).scalars().all()
    assert [tuple(r) for r in revisions] == [
        ("https://budapestpost.com/a1", 1, "Parliament budget vote", "Lawmakers approved the budget.",
         '["Péter Nagy", "Anna Kovács"]', '["Budget"]', "migration", None, "0.0.9"),
        ("https://budapestpost.com/a2", 1, "Danube flood warning", "The river keeps rising in Budapest.",
         "[]", '["Weather", "Budapest"]', "migration", None, "0.0.9"),
    ]
    assert [tuple(d) for d in details] == [
        ("https://budapestpost.com/a1", "Péter Nagy, Anna Kovács", "Budget"),
        ("https://budapestpost.com/a2", None, "Weather, Budapest"),
    ]
    assert clusters == [None, None]  # fingerprinted when next crawled or re-extracted
    with engine.connect() as conn:
        known = conn.execute(
            text("SELECT s.url, s.last_outcome, s.etag, s.article_id = a.id FROM url_state s "
                 "JOIN articles a ON a.fetched_url = s.url ORDER BY s.url")
        ).all()
    # 0005: every stored article is a known URL (no validators yet)
    assert [tuple(k) for k in known] == [
        ("https://budapestpost.com/a1", "stored", None, True), ("https://budapestpost.com/a2", "stored", None, True),
    ]

    from harvester.db.search import search

    assert [hit.url for hit in search(engine, "rising river")] == ["https://budapestpost.com/a2"]
    downgrade(url, "0002")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar_one() == 2
        assert conn.execute(text("SELECT count(*) FROM article_authors")).scalar_one() == 2


def test_0008_adds_run_workers_and_fetch_log_worker(url: str, engine: Engine) -> None:
    upgrade(url, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO crawl_runs (spider, started_at, status, pages_fetched, articles_new, "
                          "articles_changed, articles_unchanged, non_articles, non_articles_by_class, errors, "
                          "errors_by_reason) VALUES ('s', '2026-01-01 00:00:00+00:00', 'finished', 0, 0, 0, 0, 0, '{}', 0, '{}')"))
    upgrade(url, "0008")
    inspector = inspect(engine)
    assert "worker" in {c["name"] for c in inspector.get_columns("fetch_log")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT workers FROM crawl_runs")).scalar_one() == 1
    downgrade(url, "0005")
    assert "workers" not in {c["name"] for c in inspect(engine).get_columns("crawl_runs")}


def test_0009_recounts_runs_with_304s_apart_and_rule_skips(url: str, engine: Engine) -> None:
    """Runs counted before 0009 had their 304s in articles_unchanged and old rule reasons in errors."""
    upgrade(url, "0008")
    with engine.begin() as conn:
        for spider, status, unchanged, errors in (("s", "finished", 3, 3), ("t", "running", 0, 0)):
            conn.execute(text(
                "INSERT INTO crawl_runs (spider, started_at, status, pages_fetched, articles_new, articles_changed, "
                "articles_unchanged, non_articles, non_articles_by_class, errors, errors_by_reason) VALUES "
                "(:spider, '2026-01-01 00:00:00+00:00', :status, 9, 1, 0, :unchanged, 0, '{}', :errors, '{}')"
            ), {"spider": spider, "status": status, "unchanged": unchanged, "errors": errors})
        run_id = conn.execute(text("SELECT id FROM crawl_runs WHERE spider = 's'")).scalar_one()
        logged = [("not_modified", "http_304"), ("not_modified", "http_304"), ("unchanged", "content_hash"),
                  ("error", "http_404"), ("error", "IgnoreRequest"), ("error", "offsite"), ("skipped", "robots_disallow")]
        for number, (outcome, reason) in enumerate(logged):
            conn.execute(text(
                "INSERT INTO fetch_log (run_id, url, fetched_at, bytes, outcome, reason) "
                "VALUES (:run, :url, '2026-01-01 00:00:00+00:00', 0, :outcome, :reason)"
            ), {"run": run_id, "url": f"https://example.com/{number}", "outcome": outcome, "reason": reason})
    columns = "articles_unchanged, articles_not_modified, errors, not_fetched_by_rule, articles_skipped"
    upgrade(url, "0009")
    with engine.connect() as conn:
        counted = conn.execute(text(f"SELECT spider, {columns} FROM crawl_runs ORDER BY spider")).all()
    # known articles a run did not fetch leave no fetch_log row: not known for earlier runs
    assert [tuple(row) for row in counted] == [("s", 1, 2, 1, 3, None), ("t", 0, 0, 0, 0, None)]
    downgrade(url, "0008")
    with engine.connect() as conn:
        restored = conn.execute(text("SELECT articles_unchanged, errors FROM crawl_runs ORDER BY spider")).all()
    assert [tuple(row) for row in restored] == [(3, 3), (0, 0)]


def _json_list(value: object) -> object:
    """A JSON array column: text on SQLite, already decoded (jsonb) on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def test_0010_article_details_lists_each_author_and_tag(url: str, engine: Engine) -> None:
    upgrade(url, "0002")
    with engine.begin() as conn:
        _insert_0002_article(conn, "https://budapestpost.com/a1", "Parliament budget vote", "Lawmakers approved the budget.",
                             ["Péter Nagy", "Lee, Ann", "Anna Kovács"], ["Budget", "Parliament"])
        _insert_0002_article(conn, "https://budapestpost.com/a2", "Danube flood warning", "The river keeps rising.",
                             [], [])
    upgrade(url, "0010")
    with engine.connect() as conn:
        details = conn.execute(text(
            "SELECT url, authors, authors_json, tags, tags_json FROM article_details ORDER BY url"
        )).all()
    assert [(u, a, _json_list(aj), t, _json_list(tj)) for u, a, aj, t, tj in details] == [
        ("https://budapestpost.com/a1", "Péter Nagy, Lee, Ann, Anna Kovács", ["Péter Nagy", "Lee, Ann", "Anna Kovács"],
         "Budget, Parliament", ["Budget", "Parliament"]),
        ("https://budapestpost.com/a2", None, [], None, []),
    ]
    downgrade(url, "0009")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("article_details")}
    assert {"authors", "tags"} <= columns and not {"authors_json", "tags_json"} & columns
