"""The items that spiders yield and pipelines consume.

Every fetched article page gives an ``ArticleItem``; every other fetch outcome (a page that is
not an article, a failed fetch) gives a ``FetchOutcomeItem``, so the store can log each URL of a
run and its outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from harvester.extraction.model import Article
from harvester.minhash import BodyFingerprint


@dataclass
class ArticleItem:
    site: str  # site key, e.g. "worldofsoftware"
    fetched_url: str  # the real-site URL the page was fetched from (may differ from article.url)
    fetched_at: datetime  # timezone-aware UTC
    article: Article
    status: int = 200
    raw_body: bytes = field(default=b"", repr=False)  # the page exactly as received
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # response headers (first value of each)
    body_sha256: str | None = None  # of raw_body (computed by the extraction worker)
    raw_compressed: bytes | None = field(default=None, repr=False)  # raw_body compressed for the raw archive (rawcodec)
    fingerprint: BodyFingerprint | None = field(default=None, repr=False)  # the body's MinHash signature (worker)


@dataclass
class FetchOutcomeItem:
    """A fetch of an article URL that stored no article: a non-article page, a failed request,
    or a known article found unchanged on a re-check (``not_modified``, ``unchanged``)."""

    site: str | None  # set for article URLs (their url_state row is updated), None for discovery pages
    url: str  # real-site URL
    fetched_at: datetime
    outcome: str  # "not_article", "error", "skipped", "not_modified", "unchanged" or "discovery"
    reason: str  # page class ("listing", "empty", ...), error kind ("http_404", ...), "http_304", "content_hash"
    detail: str = ""  # human-readable explanation
    status: int | None = None
    size: int = 0  # bytes received
    # what the response said about its content, kept for the next conditional re-check
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None


@dataclass
class DiscoveredItem:
    """Article URLs found by discovery (sitemap, feed, listing) in this run: recorded in
    ``url_state`` as pending (unless known), so that what this run does not fetch (its budget
    spent, or the run killed) is fetched by the next one."""

    site: str
    urls: list[tuple[str, datetime | None]] = field(repr=False)  # real-site URL, the date its source gave
