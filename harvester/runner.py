"""Running spiders from Python (the ``harvester`` command, tests): one process, several sites."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from harvester.extraction.rules import SiteRules

# Loopback mirrors are our own servers: no need to be polite to them.
LOOPBACK_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 0,
}


@dataclass(frozen=True)
class CrawlResult:
    site: str
    stats: dict[str, Any]

    @property
    def finish_reason(self) -> str:
        return str(self.stats.get("finish_reason", "unknown"))


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings, found even when run outside the project folder."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "harvester.settings")
    settings = get_project_settings()
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


def spider_names(settings: Settings | None = None) -> list[str]:
    return sorted(SpiderLoader.from_settings(settings or project_settings()).list())


def argument_problem(spider_cls: type, arguments: Mapping[str, str]) -> str | None:
    """Why ``spider_cls`` refuses these spider arguments (``-a``), as its own constructor checks
    them (a missing or malformed site URL, ``since``, ``base_url``), or None: asked before any crawl
    starts, so a bad argument is one line instead of a traceback from inside the crawler."""
    try:
        spider_cls(**arguments)
    except (ValueError, OSError) as exc:
        return str(exc)
    return None


def site_rules(site: str, settings: Settings | None = None) -> SiteRules:
    """The extraction rules of the site spider named ``site``."""
    loader = SpiderLoader.from_settings(settings or project_settings())
    try:
        spider_cls = loader.load(site)
    except KeyError:
        known = ", ".join(sorted(loader.list()))
        raise KeyError(f"unknown site {site!r} (known: {known})") from None
    rules = getattr(spider_cls, "rules", None)
    if not isinstance(rules, SiteRules):
        raise KeyError(f"spider {site!r} has no site rules")
    return rules


def crawl(
    sites: Mapping[str, Mapping[str, Any]],
    overrides: Mapping[str, Any] | None = None,
) -> list[CrawlResult]:
    """Crawl each site (spider name -> spider arguments) in one process; blocks until done."""
    process = CrawlerProcess(project_settings(overrides))
    crawlers = []
    for name, arguments in sites.items():
        crawler = process.create_crawler(name)
        crawlers.append((name, crawler))
        process.crawl(crawler, **dict(arguments))
    process.start()
    return [CrawlResult(name, dict(crawler.stats.get_stats())) for name, crawler in crawlers]
