"""The Core ``Table`` objects of the models, for statements that do not need the ORM."""

from __future__ import annotations

from sqlalchemy import Table

from harvester.db.models import (
    Article,
    ArticleAuthor,
    ArticleRevision,
    ArticleSignature,
    ArticleSignatureBand,
    ArticleTag,
    BoilerplatePage,
    Author,
    CrawlRun,
    FetchLog,
    RawPage,
    Site,
    SpoolMark,
    SiteBoilerplate,
    Tag,
    UrlState,
)

SITES: Table = Site.__table__  # type: ignore[assignment]
ARTICLES: Table = Article.__table__  # type: ignore[assignment]
AUTHORS: Table = Author.__table__  # type: ignore[assignment]
TAGS: Table = Tag.__table__  # type: ignore[assignment]
ARTICLE_AUTHORS: Table = ArticleAuthor.__table__  # type: ignore[assignment]
ARTICLE_TAGS: Table = ArticleTag.__table__  # type: ignore[assignment]
REVISIONS: Table = ArticleRevision.__table__  # type: ignore[assignment]
RAW_PAGES: Table = RawPage.__table__  # type: ignore[assignment]
CRAWL_RUNS: Table = CrawlRun.__table__  # type: ignore[assignment]
FETCH_LOG: Table = FetchLog.__table__  # type: ignore[assignment]
SIGNATURES: Table = ArticleSignature.__table__  # type: ignore[assignment]
SIGNATURE_BANDS: Table = ArticleSignatureBand.__table__  # type: ignore[assignment]
URL_STATE: Table = UrlState.__table__  # type: ignore[assignment]
SPOOL_MARKS: Table = SpoolMark.__table__  # type: ignore[assignment]
SITE_BOILERPLATE: Table = SiteBoilerplate.__table__  # type: ignore[assignment]
BOILERPLATE_PAGES: Table = BoilerplatePage.__table__  # type: ignore[assignment]
