"""Extension: crawl progress every ``HARVESTER_PROGRESS_INTERVAL`` seconds (0: off).

On a terminal (standard error is a TTY) one line, for every crawl of the process together, is
rewritten in place and cut to the terminal's width; a log line clears it first, so the two never
mix. Otherwise (cron, systemd, a pipe, a log file) a plain log line is written each time. Both
read the crawl stats only and count in the shared vocabulary (``harvester.outcomes``).
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from harvester.outcomes import Outcomes

log = logging.getLogger(__name__)

#: The counts of every running crawl in this process, so several crawls share one terminal line.
_RUNNING: dict[str, Outcomes] = {}


def rate(pages: int, seconds: float) -> str:
    return f"{pages / seconds if seconds > 0 else 0.0:.1f} pages/s"


def live_line(running: dict[str, Outcomes], seconds: float, width: int) -> str:
    """The terminal line for the crawls in ``running``: their totals, cut to ``width - 1``
    characters (the last column is left free so the cursor never wraps)."""
    total = sum(running.values(), Outcomes())
    who = next(iter(running)) if len(running) == 1 else f"{len(running)} sites"
    line = f"{who}: {total.describe()}, {rate(total.pages, seconds)}"
    limit = max(10, width - 1)
    return line if len(line) <= limit else line[: limit - 1] + "…"


class _ClearLine(logging.Filter):
    """Clears the progress line before a log record is written to the same terminal."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def filter(self, record: logging.LogRecord) -> bool:
        if _RUNNING:
            self.stream.write("\r\x1b[K")
        return True


class Progress:
    def __init__(self, crawler: Any, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.on_terminal = stream.isatty()
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self._filters: list[tuple[logging.Handler, logging.Filter]] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        interval = crawler.settings.getfloat("HARVESTER_PROGRESS_INTERVAL", 0)
        if interval <= 0:
            raise NotConfigured  # no message: Scrapy would log "Disabled …" at WARNING
        extension = cls(crawler, interval, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        if self.on_terminal:
            for handler in logging.getLogger().handlers:
                stream = getattr(handler, "stream", None)
                if stream is not None and getattr(stream, "isatty", lambda: False)():
                    line_filter = _ClearLine(stream)
                    handler.addFilter(line_filter)
                    self._filters.append((handler, line_filter))
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def outcomes(self) -> Outcomes:
        return Outcomes.of_stats(dict(self.crawler.stats.get_stats()))

    def seconds(self) -> float:
        return time.monotonic() - self.started

    def report(self, spider: Any) -> None:
        counts = self.outcomes()
        if not self.on_terminal:
            log.info("progress %s: %s, %s", spider.name, counts.describe(), rate(counts.pages, self.seconds()))
            return
        _RUNNING[spider.name] = counts
        width = shutil.get_terminal_size((80, 24)).columns
        self.stream.write("\r\x1b[K" + live_line(_RUNNING, self.seconds(), width))
        self.stream.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.closed = (spider.name, reason)

    def engine_stopped(self) -> None:
        """The final line, once the store has written everything (its counts are final then)."""
        name, reason = getattr(self, "closed", (self.crawler.spidercls.name, "unknown"))
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        for handler, line_filter in self._filters:
            handler.removeFilter(line_filter)
        counts = self.outcomes()
        line = f"{name}: {counts.describe()}, {rate(counts.pages, self.seconds())} ({reason})"
        if self.on_terminal:
            _RUNNING.pop(name, None)
            self.stream.write("\r\x1b[K")  # the end-of-crawl summary follows from the command
            self.stream.flush()
        else:
            log.info("progress %s", line)
