"""The incremental state: what the store knows about each fetched article URL (``url_state``).

A crawl reads the known URLs of its sites once (``load_known``) to decide which known articles
to re-check and with which validators; every fetch of an article URL updates that URL's row in
the same transaction as its ``fetch_log`` row (``record_fetch``). A URL whose last fetch failed
is not returned as known, so it is fetched again like a new one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection, Engine

from harvester.db.deferred import DeferredRows
from harvester.db.engine import reading
from harvester.db.rawpages import RawResponse
from harvester.db.store import site_id
from harvester.db.tables import ARTICLES, SITES, URL_STATE
from harvester.db.types import UTCDateTime
from harvester.db.upsert import ignore_statement, upsert_statement
from harvester.urls import MAX_URL_LENGTH, canonical_url

#: A URL found by discovery and not fetched yet (its run's budget was spent, or the run died).
PENDING = "pending"
#: Outcomes after which a URL is not known (it is fetched again, unconditionally): failures, URLs
#: not fetched yet, and URLs not fetched by a rule (robots.txt, off-site redirect), which may change.
RETRIED_OUTCOMES = frozenset({"error", PENDING, "skipped"})
#: Rows per INSERT statement when recording pending URLs.
_PENDING_CHUNK = 500


@dataclass(frozen=True)
class KnownUrl:
    """A URL fetched before, and what a re-check needs about it."""

    url: str
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    reference_at: datetime  # the article's published date, else when the URL was first seen
    last_outcome: str


MAX_VALIDATOR_CHARS = 1024
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def usable_validator(value: str | None) -> str | None:
    """A validator header as received when it can be sent back (``If-None-Match``,
    ``If-Modified-Since``) and stored, else None: no control characters (a NUL is more than
    PostgreSQL's text columns take: the article used to fail with it), at most
    ``MAX_VALIDATOR_CHARS`` (a 100 KB ETag sent back would get the request refused)."""
    if not value or len(value) > MAX_VALIDATOR_CHARS or _CONTROL.search(value):
        return None
    return value


@dataclass(frozen=True)
class Validators:
    """What a response said about its content: validators and the hash of its body."""

    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None

    @classmethod
    def of(cls, headers: Mapping[str, str], body: bytes | None) -> Validators:
        lowered = {key.lower(): value for key, value in headers.items()}
        return cls(
            etag=usable_validator(lowered.get("etag")),
            last_modified=usable_validator(lowered.get("last-modified")),
            body_sha256=body_hash(body) if body else None,
        )


    @classmethod
    def of_raw(cls, raw: RawResponse) -> Validators:
        """The validators of a raw page (its hash as computed when it was fetched)."""
        lowered = {key.lower(): value for key, value in raw.headers.items()}
        return cls(
            etag=usable_validator(lowered.get("etag")),
            last_modified=usable_validator(lowered.get("last-modified")),
            body_sha256=raw.digest if raw.length else None,
        )


@dataclass(frozen=True)
class PendingUrls:
    """Article URLs that discovery found: recorded as ``pending`` unless the store knows them."""

    site: str
    urls: tuple[tuple[str, datetime | None], ...]  # URL, the date its source gave
    found_at: datetime
    not_fetched: str | None = None  # why this run does not fetch them (logged in fetch_log as skipped)


def record_pending(conn: Connection, pending: PendingUrls, deferred: DeferredRows | None = None) -> None:
    """Insert a ``pending`` row for each URL that has no ``url_state`` row yet (with ``deferred``:
    gathered there, for the caller to insert at the end of its transaction)."""
    sid = site_id(conn, pending.site)
    rows = [
        {
            "site_id": sid, "url": url, "first_seen_at": pending.found_at, "last_fetched_at": pending.found_at,
            "last_status": None, "last_outcome": PENDING,
        }
        for url, _ in dict.fromkeys(pending.urls)
        if len(url) <= MAX_URL_LENGTH  # discovery leaves longer ones out; a caller's list may not
    ]
    statement = ignore_statement(conn, URL_STATE, conflict=["url"])
    if deferred is not None:
        deferred.extend(URL_STATE.name, statement, rows)
        return
    for start in range(0, len(rows), _PENDING_CHUNK):
        conn.execute(statement, rows[start:start + _PENDING_CHUNK])  # executemany: one statement, built once


def load_pending(engine: Engine, site_keys: Iterable[str], limit: int) -> list[tuple[str, datetime]]:
    """Up to ``limit`` pending URLs of the sites, the most recently found first."""
    keys = sorted(set(site_keys))
    if not keys or limit <= 0:
        return []
    with reading(engine) as conn:
        if not inspect(conn).has_table(URL_STATE.name):
            return []
        rows = conn.execute(
            select(URL_STATE.c.url, URL_STATE.c.first_seen_at)
            .join(SITES, SITES.c.id == URL_STATE.c.site_id)
            .where(SITES.c.key.in_(keys), URL_STATE.c.last_outcome == PENDING)
            .order_by(URL_STATE.c.first_seen_at.desc(), URL_STATE.c.id.desc())
            .limit(limit)
        ).all()
    return [(url, found) for url, found in rows]


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def load_known(engine: Engine, site_keys: Iterable[str]) -> dict[str, KnownUrl]:
    """The known URLs of the sites ``site_keys`` (none when the store has no ``url_state`` yet)."""
    keys = sorted(set(site_keys))
    if not keys:
        return {}
    with reading(engine) as conn:
        if not inspect(conn).has_table(URL_STATE.name):
            return {}
        rows = conn.execute(
            select(
                URL_STATE.c.url,
                URL_STATE.c.etag,
                URL_STATE.c.last_modified,
                URL_STATE.c.body_sha256,
                func.coalesce(ARTICLES.c.published_at, URL_STATE.c.first_seen_at, type_=UTCDateTime()).label("reference_at"),
                URL_STATE.c.last_outcome,
            )
            .join(SITES, SITES.c.id == URL_STATE.c.site_id)
            .outerjoin(ARTICLES, ARTICLES.c.id == URL_STATE.c.article_id)
            .where(SITES.c.key.in_(keys), URL_STATE.c.last_outcome.not_in(RETRIED_OUTCOMES))
        ).all()
    known: dict[str, KnownUrl] = {}
    for url, etag, last_modified, sha, reference_at, outcome in rows:
        known[url] = KnownUrl(url, etag, last_modified, sha, reference_at, outcome)
    return known


def record_fetch(
    conn: Connection,
    *,
    site: str,
    url: str,
    fetched_at: datetime,
    outcome: str,
    status: int | None,
    validators: Validators,
    article_id: int | None = None,
    deferred: DeferredRows | None = None,
) -> None:
    """Create or update the ``url_state`` row of ``url`` after a fetch (with ``deferred``: gathered
    there, for the caller to execute at the end of its transaction).

    ``url`` is stored in the project's canonical form (``harvester.urls``), the form discovery
    requests and the incremental middleware looks up. Validators and the body hash are replaced only by the ones of a response that had them
    (a 304 carries no body; its row keeps the previous hash).
    """
    if len(url) > MAX_URL_LENGTH:  # refused before it was requested: no state to keep (fetch_log has the row)
        return
    values = {
        "site_id": site_id(conn, site),
        "url": canonical_url(url),
        "etag": validators.etag,
        "last_modified": validators.last_modified,
        "body_sha256": validators.body_sha256,
        "first_seen_at": fetched_at,
        "last_fetched_at": fetched_at,
        "last_status": status,
        "last_outcome": outcome,
        "article_id": article_id,
    }
    update = ["last_fetched_at", "last_status", "last_outcome"]
    if validators.body_sha256 is not None:  # a full response: its validators are the current ones
        update += ["etag", "last_modified", "body_sha256"]
    if article_id is not None:
        update.append("article_id")
    statement = upsert_statement(conn, URL_STATE, conflict=["url"], update=update)
    if deferred is not None:
        deferred.add(URL_STATE.name, statement, values)
    else:
        conn.execute(statement, values)
