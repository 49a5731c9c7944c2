"""Where the database is: resolving the URL and hiding its password in messages."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///harvest.db"
DATABASE_URL_ENV = "HARVESTER_DATABASE_URL"

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^:/@]*:)[^@]*@")


def resolve_database_url(setting: str | None = None) -> str:
    """The database URL to use: the environment variable wins, then ``setting``, then the default.

    Blank values count as unset.
    """
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return from_env
    if setting is not None and setting.strip():
        return setting.strip()
    return DEFAULT_DATABASE_URL


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
    if database in ("", ":memory:"):
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
