"""Extension: write the crawl stats as JSON when the spider closes.

Enabled by the ``HARVESTER_STATS_FILE`` setting (a path; ``%(name)s`` is the spider name).
Scheduled jobs and tests read it instead of scraping the log.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured


class StatsFile:
    def __init__(self, crawler: Any, path_template: str) -> None:
        self.crawler = crawler
        self.path_template = path_template

    @classmethod
    def from_crawler(cls, crawler: Any) -> StatsFile:
        path = crawler.settings.get("HARVESTER_STATS_FILE")
        if not path:
            raise NotConfigured  # no message: Scrapy would log "Disabled …" at WARNING
        extension = cls(crawler, path)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.name = spider.name
        self.reason = reason

    def engine_stopped(self) -> None:
        """Written once the engine stopped: after the store has completed the run (its counts)."""
        name = getattr(self, "name", None) or self.crawler.spidercls.name
        stats = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = getattr(self, "reason", None) or stats.get("finish_reason", "unknown")
        path = Path(self.path_template % {"name": name})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stats, default=_json_default, indent=1, sort_keys=True), encoding="utf-8")


def _json_default(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)
