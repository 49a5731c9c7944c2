"""Scrapy item pipelines: thin glue from spider items to validation and the store."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import reactor

from harvester.db import ArticleStore, SchemaOutdated, ensure_schema, make_engine, redact_url, resolve_database_url
from harvester.items import ArticleItem
from harvester.validation import validation_errors


class ValidationPipeline:
    """Drops items that must not be stored, counting each reason in the crawl stats."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        errors = validation_errors(item.article)
        if errors:
            for error in errors:
                self.crawler.stats.inc_value(f"harvester/invalid/{error.field}")
            reasons = "; ".join(str(error) for error in errors)
            raise DropItem(f"invalid article {item.article.url}: {reasons}")
        return item


class StorePipeline:
    """Upserts articles into the configured database (``HARVESTER_DATABASE_URL`` / ``DATABASE_URL``).

    A new, empty database gets the current schema on the first crawl; one at an older schema
    revision stops the crawl with a message naming ``harvester db upgrade``.
    Set ``HARVESTER_STORE_ENABLED = False`` to crawl without storing.
    """

    def __init__(self, crawler: Any, database_url: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.store: ArticleStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        if not crawler.settings.getbool("HARVESTER_STORE_ENABLED", True):
            raise NotConfigured("store disabled by HARVESTER_STORE_ENABLED")
        return cls(crawler, resolve_database_url(crawler.settings.get("DATABASE_URL")))

    def open_spider(self) -> None:
        engine = make_engine(self.database_url)
        try:
            ensure_schema(engine)
        except SchemaOutdated as exc:
            engine.dispose()
            self.crawler.spider.logger.error("%s (database %s)", exc, redact_url(self.database_url))
            self.crawler.stats.set_value("harvester/error/schema_outdated", 1)
            reactor.callLater(0, self._stop, "schema_outdated")
            return
        self.store = ArticleStore(engine)
        spider = self.crawler.spider
        self.store.register_site(spider.name, getattr(spider, "site_name", "") or spider.name, getattr(spider, "origin", None))
        self.crawler.spider.logger.info("storing articles in %s", redact_url(self.database_url))

    def _stop(self, reason: str) -> None:
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if self.store is None:
            raise DropItem(f"not stored (database schema outdated): {item.article.url}")
        outcome = self.store.save(
            item.site, item.article, fetched_url=item.fetched_url, fetched_at=item.fetched_at
        )
        self.crawler.stats.inc_value(f"harvester/stored/{outcome}")
        return item
