"""Schema versions: running the Alembic migrations from code and checking a database.

The Alembic configuration is built here, not read from ``alembic.ini``, and the scripts are
found through the ``migrations`` package, so this works from an installed package.
"""

from __future__ import annotations

import atexit
import functools
import importlib.resources as resources
import importlib.resources.abc
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import text, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

import migrations
from harvester.db.engine import make_engine, reading, writing

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where a migration or the script folder is needed, not here: a process that
# opens a database already at head (every crawl and command after the first) never loads it.

HEAD_REVISION = "0010"
"""The newest migration in ``migrations/versions`` (tests/test_migrations.py checks it against
Alembic's own reading of the scripts): a database at this revision needs no Alembic at all."""
UPGRADE_COMMAND = "harvester db upgrade"
VERSION_TABLE = "alembic_version"

_Command = Callable[["Config"], None]


#: PostgreSQL advisory lock held while the schema is checked or created (two crawls starting at once).
SCHEMA_LOCK_KEY = 0x68617276  # "harv"


class SchemaOutdated(Exception):
    """The database schema is not the one this code needs; the message says what to run."""


class MigrationIntegrityError(RuntimeError):
    """A migration left rows that break a foreign key; it was rolled back."""


def migrations_directory() -> Path:
    """The folder of the migration scripts on the file system.

    Alembic reads scripts from a folder. When the package is imported from a zip archive
    (a scrapyd egg), the scripts are copied once to a temporary folder.
    """
    folder = Path(migrations.__file__).resolve().parent
    if folder.is_dir():
        return folder
    return _unpacked_migrations()


@functools.cache
def _unpacked_migrations() -> Path:
    target = Path(tempfile.mkdtemp(prefix="harvester-migrations-"))
    atexit.register(shutil.rmtree, target, True)
    _copy_tree(resources.files(migrations), target)
    return target


def _copy_tree(source: resources.abc.Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            (target / entry.name).mkdir()
            _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migration scripts."""
    from alembic.config import Config

    config = Config()
    script_location = str(migrations_directory())
    # Config values go through ConfigParser interpolation: a literal % must be doubled.
    config.set_main_option("script_location", script_location.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found")
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine | Connection) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    if isinstance(engine, Connection):
        return MigrationContext.configure(engine).get_current_revision()
    with reading(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision``, in one transaction."""
    from alembic import command

    _run_command(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` ("base" removes every table)."""
    from alembic import command

    _run_command(url, lambda config: command.downgrade(config, revision))


def ensure_schema(engine: Engine, *, create: bool = True) -> None:
    """Make sure the database is at the code's head revision before anything is stored.

    A new database (no tables at all, or only an empty version table) is migrated to head
    (with ``create=False``, for commands that only read, it is an error instead). A database
    at head passes. Anything else raises ``SchemaOutdated``: migrating an existing database is
    an explicit step (``harvester db upgrade``), never a side effect.
    """
    if _at_head(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    head = head_revision()
    with writing(engine) as conn:  # SQLite: BEGIN IMMEDIATE, so two processes starting at once take turns
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        tables = set(inspect(conn).get_table_names()) - {VERSION_TABLE}
        revision = MigrationContext.configure(conn).get_current_revision()
        if revision == head:
            return
        if not tables and revision is None:
            if not create:
                raise SchemaOutdated(
                    "database is empty (no harvester tables): crawl into it first (`harvester crawl`, "
                    f"`harvester demo`) or run `{UPGRADE_COMMAND}`"
                )
            _migrate_on(conn, lambda config: command.upgrade(config, "head"))
            return
    raise SchemaOutdated(_outdated_message(revision, head))


def _at_head(engine: Engine) -> bool:
    """True when the version table says ``HEAD_REVISION`` (one read, no lock, no Alembic)."""
    try:
        with reading(engine) as conn:
            versions = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    except SQLAlchemyError:  # no version table yet, or unreadable: the full check says which
        return False
    return versions == [HEAD_REVISION]


def check_writable(engine: Engine) -> None:
    """Raise the database's own error now if it cannot be written (a read-only file or
    connection), instead of in the middle of a crawl: one no-op update, rolled back."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            conn.exec_driver_sql(f"UPDATE {VERSION_TABLE} SET version_num = version_num")
        except OperationalError as exc:
            if "locked" not in str(exc.orig):  # busy with another run's batch: writable all the same
                raise
        finally:
            transaction.rollback()


def _outdated_message(revision: str | None, head: str) -> str:
    if revision is None:
        return (
            f"database has tables but no schema revision, code needs {head}: "
            f"point harvester at a new database and run `{UPGRADE_COMMAND}`"
        )
    if revision not in known_revisions():
        return (
            f"database at revision {revision}, which this version of harvester does not know "
            f"(code needs {head}): install a newer harvester"
        )
    return f"database at revision {revision}, code needs {head}: run `{UPGRADE_COMMAND}`"


def _run_command(url: str, run: _Command) -> None:
    # Foreign keys off on SQLite while migrating: batch mode rebuilds tables, which would
    # otherwise cascade or fail on rows pointing at them. They are checked before commit.
    engine = make_engine(url, sqlite_foreign_keys=False)
    try:
        with writing(engine) as conn:
            _migrate_on(conn, run)
            _check_foreign_keys(conn)
    finally:
        engine.dispose()


def _migrate_on(conn: Connection, run: _Command) -> None:
    config = alembic_config()
    config.attributes["connection"] = conn
    run(config)


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    violations = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise MigrationIntegrityError(
            f"migration rolled back: {len(violations)} foreign key violation(s), "
            f"first: {tuple(violations[0])}"
        )
