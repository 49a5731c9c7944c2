"""Extension: crawl progress every ``HARVESTER_PROGRESS_INTERVAL`` seconds (0: off).

On a terminal (standard error is a TTY) one line is rewritten in place; otherwise (cron, systemd,
a pipe, a log file) a plain log line is written each time. Both read the crawl stats only:
pages fetched, articles stored (new / changed), unchanged, non-articles, errors, pages a second.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

log = logging.getLogger(__name__)

#: The current line of every crawl in this process, so several crawls share one terminal line.
_LINES: dict[str, str] = {}


@dataclass(frozen=True)
class Snapshot:
    pages: int
    stored_new: int
    stored_changed: int
    unchanged: int
    non_articles: int
    errors: int
    seconds: float

    @classmethod
    def of(cls, stats: dict[str, Any], seconds: float) -> Snapshot:
        def total(prefix: str) -> int:
            return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))

        return cls(
            pages=total("response_received_count"),
            stored_new=total("harvester/stored/new"),
            stored_changed=total("harvester/stored/changed"),
            unchanged=total("harvester/stored/unchanged") + total("harvester/incremental/not_modified")
            + total("harvester/incremental/unchanged"),
            non_articles=total("harvester/non_article/"),
            errors=total("harvester/error/"),
            seconds=seconds,
        )

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        return (
            f"{self.pages} pages, {self.stored_new + self.stored_changed} articles stored "
            f"({self.stored_new} new, {self.stored_changed} changed), {self.unchanged} unchanged, "
            f"{self.non_articles} non-articles, {self.errors} errors, {self.rate:.1f} pages/s"
        )


class Progress:
    def __init__(self, crawler: Any, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.on_terminal = stream.isatty()
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        interval = crawler.settings.getfloat("HARVESTER_PROGRESS_INTERVAL", 0)
        if interval <= 0:
            raise NotConfigured("HARVESTER_PROGRESS_INTERVAL is 0")
        extension = cls(crawler, interval, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def snapshot(self) -> Snapshot:
        return Snapshot.of(dict(self.crawler.stats.get_stats()), time.monotonic() - self.started)

    def report(self, spider: Any) -> None:
        line = f"{spider.name}: {self.snapshot().describe()}"
        if not self.on_terminal:
            log.info("progress %s", line)
            return
        _LINES[spider.name] = line
        self.stream.write("\r\x1b[K" + " | ".join(_LINES.values()))
        self.stream.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.closed = (spider.name, reason)

    def engine_stopped(self) -> None:
        """The final line, once the store has written everything (its counts are final then)."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        name, reason = getattr(self, "closed", (self.crawler.spidercls.name, "unknown"))
        line = f"{name}: {self.snapshot().describe()} ({reason})"
        if self.on_terminal:
            _LINES.pop(name, None)
            self.stream.write("\r\x1b[K" + line + "\n")
            self.stream.flush()
        else:
            log.info("progress %s", line)
