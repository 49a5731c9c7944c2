"""Alembic environment for the harvester store.

Run two ways: from code (``harvester.db.upgrade`` and friends pass an open connection in
``config.attributes["connection"]``), or with the ``alembic`` command and ``alembic.ini``
at the repository root, where the URL comes from the application's own resolver
(``HARVESTER_DATABASE_URL``, then ``sqlalchemy.url`` if set, then the default).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from harvester.db.engine import make_engine
from harvester.db.models import Base, include_name
from harvester.db.url import DATABASE_URL_ENV, resolve_database_url

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    # alembic.ini is a project file: the environment wins over a sqlalchemy.url set there
    return resolve_database_url(os.environ.get(DATABASE_URL_ENV, "").strip() or config.get_main_option("sqlalchemy.url"))


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        include_name=include_name,  # the search objects are not in the models
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade --sql``)."""
    url = _database_url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    # Foreign keys off on SQLite: batch mode drops and recreates referenced tables.
    engine = make_engine(_database_url(), sqlite_foreign_keys=False)
    try:
        with engine.begin() as conn:
            _run_on(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
