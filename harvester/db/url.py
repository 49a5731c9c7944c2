"""Where the database is: resolving and checking the URL, and hiding its password in messages.

Precedence, as in Scrapy: the command line (``--database``, ``-s DATABASE_URL=…``) over the
environment (``HARVESTER_DATABASE_URL``) over the project settings over the default. The
project settings read the environment into ``DATABASE_URL`` at project priority, so a Scrapy
setting given on the command line wins; ``resolve_database_url`` falls back to the environment
for callers that have no Scrapy settings.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///harvest.db"
DATABASE_URL_ENV = "HARVESTER_DATABASE_URL"

#: What a user may write before ``://`` and the SQLAlchemy driver each one means.
SUPPORTED_SCHEMES = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}
SUPPORTED = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB (psycopg 3)"

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^:/@]*:)[^@]*@")


class DatabaseUrlError(ValueError):
    """A database URL the harvester cannot use; the message is one line for the user."""


def resolve_database_url(setting: str | None = None) -> str:
    """The database URL to use: ``setting`` (the command line or the Scrapy setting, which
    already holds the environment at project priority), else ``HARVESTER_DATABASE_URL``, else
    the default. Blank values count as unset."""
    if setting is not None and str(setting).strip():
        return str(setting).strip()
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    return from_env or DEFAULT_DATABASE_URL


def normalize_database_url(url: str) -> str:
    """``url`` with its scheme mapped to the driver we ship (``postgres://`` and
    ``postgresql://`` mean psycopg 3); ``DatabaseUrlError`` for anything we cannot open."""
    parsed = _parse(url)
    scheme = parsed.drivername.lower()
    if scheme not in SUPPORTED_SCHEMES:
        backend = scheme.partition("+")[0]
        if backend in ("sqlite", "postgresql", "postgres"):
            raise DatabaseUrlError(
                f"database driver {scheme!r} is not installed: use {SUPPORTED}"
            )
        raise DatabaseUrlError(f"unsupported database {scheme!r} in {redact_url(url)}: use {SUPPORTED}")
    driver = SUPPORTED_SCHEMES[scheme]
    if driver == parsed.drivername:
        return url
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {redact_url(url)!r} (use {SUPPORTED})") from None


def sqlite_path(url: str) -> Path | None:
    """The file of an on-disk SQLite URL, else None (in-memory, or not SQLite);
    ``DatabaseUrlError`` for a URL we cannot use."""
    url = normalize_database_url(url)
    if not is_sqlite_file(url):
        return None
    database = make_url(url).database or ""
    if database.startswith("file:"):  # a URI filename (?uri=true)
        database = database[len("file:"):].partition("?")[0]
    return Path(database)


def check_sqlite_path(url: str, *, must_exist: bool) -> None:
    """One-line errors for a SQLite file that cannot be the store: a directory, a missing
    folder, or (``must_exist``: a command that only reads) no file at all."""
    path = sqlite_path(url)
    if path is None:
        return
    if path.is_dir():
        raise DatabaseUrlError(f"{path} is a directory, not a SQLite database file")
    if must_exist and not path.exists():
        raise DatabaseUrlError(
            f"no database at {path} (a mistyped path? `harvester crawl` or `harvester demo` creates one)"
        )
    parent = path.parent
    if not parent.is_dir():
        raise DatabaseUrlError(f"cannot create a database at {path}: folder {parent} does not exist")


def redact_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``, for log lines and error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _PASSWORD_IN_URL.sub(r"\g<head>***@", url)


def is_sqlite_file(url: str) -> bool:
    """Whether ``url`` names an on-disk SQLite database (not an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return False
    return parsed.query.get("mode") != "memory"


def default_spool_dir(url: str) -> Path:
    """Where the crawl's spool files for the database ``url`` live (``HARVESTER_SPOOL_DIR`` overrides):
    next to a SQLite file (``<file>.spool/``), else in the user's state directory, one folder per
    database (named by a hash of its URL without the password)."""
    if is_sqlite_file(url):
        database = Path(make_url(url).database or "harvest.db")
        return database.with_name(database.name + ".spool")
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    key = hashlib.sha256(redact_url(url).encode("utf-8")).hexdigest()[:16]
    return state / "harvester" / "spool" / key
