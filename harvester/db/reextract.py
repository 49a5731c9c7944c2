"""Re-extraction: run the current extractor over the archived raw pages, with no network.

For every article whose newest revision has an archived page, the page is extracted again
and saved as a re-extraction (``ArticleStore.save_on(origin="reextract")``): nothing is
written when the output is unchanged, a revision when the content hash changed, an in-place
update of the newest revision when only metadata changed. One transaction per article.
Boilerplate learned from the article's site (``site_boilerplate``) is stripped from the new
output, as a crawl would strip it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import groupby

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from harvester.db.engine import reading, writing
from harvester.db.boilerplate import LearnedStripper
from harvester.db.errors import classify, describe
from harvester.db.lock import try_lock_sites
from harvester.db.rawpages import read_raw_page
from harvester.db.store import ArticleStore, FetchedArticle
from harvester.db.tables import ARTICLES, RAW_PAGES, REVISIONS, SITES
from harvester.extraction.model import Article, ExtractionResult
from harvester.validation import validation_errors

log = logging.getLogger(__name__)

#: (site key, page bytes, URL it was fetched from) -> extraction result
Extractor = Callable[[str, bytes, str], ExtractionResult]
#: (site key, article) -> the article without the site's learned boilerplate
Stripper = Callable[[str, Article], Article]


@dataclass
class ReextractReport:
    examined: int = 0  # articles with an archived page
    changed: int = 0  # articles whose stored output changed
    revisions: int = 0  # new revisions written (content hash changed)
    unchanged: int = 0
    without_raw_page: int = 0  # articles whose newest revision has no archived page
    refused: list[tuple[str, str]] = field(default_factory=list)  # url, why (not an article now, invalid, error)
    write_failed: list[tuple[str, str]] = field(default_factory=list)  # url, why the database refused the write
    locked_sites: list[str] = field(default_factory=list)  # a crawl held their run lock: not re-extracted
    changed_urls: list[str] = field(default_factory=list)


def _latest_with_page(site: str | None, since: datetime | None):  # type: ignore[no-untyped-def]
    newest = (
        select(REVISIONS.c.article_id, func.max(REVISIONS.c.revision_no).label("revision_no"))
        .group_by(REVISIONS.c.article_id)
        .subquery()
    )
    query = (
        select(ARTICLES.c.id, ARTICLES.c.url, SITES.c.key.label("site"), REVISIONS.c.raw_page_id)
        .join(SITES, SITES.c.id == ARTICLES.c.site_id)
        .join(newest, newest.c.article_id == ARTICLES.c.id)
        .join(
            REVISIONS,
            and_(REVISIONS.c.article_id == newest.c.article_id, REVISIONS.c.revision_no == newest.c.revision_no),
        )
        .outerjoin(RAW_PAGES, RAW_PAGES.c.id == REVISIONS.c.raw_page_id)
        .order_by(SITES.c.key, ARTICLES.c.id)
    )
    if site is not None:
        query = query.where(SITES.c.key == site)
    if since is not None:
        query = query.where(RAW_PAGES.c.fetched_at >= since)
    return query


def reextract(
    store: ArticleStore,
    extractor: Extractor,
    *,
    site: str | None = None,
    since: datetime | None = None,
    learned: Stripper | None = None,
) -> ReextractReport:
    """Re-extract the archived pages of ``site`` (all sites by default) fetched since ``since``.

    ``learned`` strips learned boilerplate (default: what the store learned, default thresholds).
    """
    report = ReextractReport()
    engine: Engine = store.engine
    strip = learned if learned is not None else LearnedStripper(engine)
    with reading(engine) as conn:
        targets = conn.execute(_latest_with_page(site, since)).all()
    for site_key, group in groupby(targets, key=lambda target: target.site):
        lock = try_lock_sites(engine, [site_key])  # never beside a crawl of the same site
        if lock is None:
            report.locked_sites.append(site_key)
            continue
        try:
            for target in group:
                _guarded(store, extractor, strip, target, report)
        finally:
            lock.release()
    return report


def _guarded(store: ArticleStore, extractor: Extractor, strip: Stripper, target, report: ReextractReport) -> None:  # type: ignore[no-untyped-def]
    if target.raw_page_id is None:
        report.without_raw_page += 1
        return
    report.examined += 1
    try:
        _one(store, extractor, strip, target, report)
    except Exception as exc:  # noqa: BLE001 - one bad page does not stop the others
        if classify(exc) != "data":
            report.write_failed.append((target.url, describe(exc)))
            return
        log.warning("re-extraction failed for %s: %s", target.url, exc)
        report.refused.append((target.url, f"error: {type(exc).__name__}: {exc}"))


def _one(store: ArticleStore, extractor: Extractor, strip: Stripper, target, report: ReextractReport) -> None:  # type: ignore[no-untyped-def]
    with reading(store.engine) as conn:
        raw = read_raw_page(conn, target.raw_page_id)
    result = extractor(target.site, raw.body, raw.url)  # outside any transaction: writers are not held up
    if not isinstance(result, Article):
        report.refused.append((target.url, f"not an article now: {result.page_class.value}"))
        return
    result = strip(target.site, result)
    errors = validation_errors(result)
    if errors:
        report.refused.append((target.url, "invalid: " + "; ".join(str(e) for e in errors)))
        return
    # The article keeps its identity even if the extractor now finds another canonical URL.
    page = FetchedArticle(target.site, replace(result, url=target.url), raw.url, raw.fetched_at)
    with writing(store.engine) as conn:
        outcome = store.save_on(conn, page, origin="reextract", raw_page_id=raw.id)
    if outcome.result == "unchanged":
        report.unchanged += 1
        return
    report.changed += 1
    report.changed_urls.append(target.url)
    if outcome.revision_no is not None:
        report.revisions += 1
