"""The relational store: models, engines, migrations, saving and reading articles."""

from typing import TYPE_CHECKING, Any

from harvester.db.access import StoreUnavailable, open_database
from harvester.db.engine import make_engine
from harvester.db.migrate import (
    SchemaOutdated,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    upgrade,
)
from harvester.db.queries import (
    EXPORT_FIELDS,
    REVISION_FIELDS,
    iter_articles,
    iter_revisions,
    site_summary,
)
from harvester.db.rawpages import RawResponse
from harvester.db.types import NaiveDatetimeError, UTCDateTime
from harvester.db.url import DEFAULT_DATABASE_URL, DatabaseUrlError, redact_url, resolve_database_url

if TYPE_CHECKING:
    from harvester.db.store import ArticleStore, FetchedArticle, SaveOutcome, SaveResult

#: Imported on first use: the store brings the near-duplicate code and its numeric libraries,
#: which commands that only read (runs, export, search, errors) do not need.
_LAZY = {"ArticleStore", "FetchedArticle", "SaveOutcome", "SaveResult"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from harvester.db import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_DATABASE_URL",
    "EXPORT_FIELDS",
    "REVISION_FIELDS",
    "ArticleStore",
    "DatabaseUrlError",
    "FetchedArticle",
    "RawResponse",
    "SaveOutcome",
    "NaiveDatetimeError",
    "SaveResult",
    "SchemaOutdated",
    "StoreUnavailable",
    "UTCDateTime",
    "current_revision",
    "downgrade",
    "ensure_schema",
    "head_revision",
    "iter_articles",
    "iter_revisions",
    "make_engine",
    "open_database",
    "redact_url",
    "resolve_database_url",
    "site_summary",
    "upgrade",
]
