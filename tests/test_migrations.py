"""Alembic migrations and schema checks, on real databases."""

from __future__ import annotations

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
from harvester.db.models import Base
from harvester.db.testing import backends, empty_database_url

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLES_0001 = {"sites", "articles"}
TABLES_0002 = TABLES_0001 | {"authors", "article_authors", "tags", "article_tags"}


@pytest.fixture(params=backends())
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return empty_database_url(request.param, tmp_path)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names()) - {"alembic_version"}


def test_head_is_0002() -> None:
    assert head_revision() == "0002"


def test_upgrade_from_empty_to_head_then_downgrade_to_base(url: str, engine: Engine) -> None:
    assert current_revision(engine) is None
    upgrade(url)
    assert current_revision(engine) == "0002"
    assert tables(engine) == TABLES_0002

    downgrade(url, "base")
    assert current_revision(engine) is None
    assert tables(engine) == set()

    upgrade(url)  # the round trip leaves a database that migrates again
    assert current_revision(engine) == "0002"


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
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


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
    assert tables(engine) == TABLES_0002


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
    assert message == "database at revision 0001, code needs 0002: run `harvester db upgrade`"
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
