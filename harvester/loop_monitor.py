"""Extension: measure how long the event loop is held up, so that a blocking call shows.

A timer asks to run every ``HARVESTER_LOOP_MONITOR_INTERVAL`` seconds (default 0.05); how
late it runs is how long something held the loop. The largest delay while the crawl runs
(from ``engine_started`` until the engine stops or the spider goes idle for good) is in the
stats as ``harvester/loop/max_stall_ms``, with ``harvester/loop/stalls_over_250ms``.
Set the interval to 0 to turn it off.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

STALL_REPORTED_MS = 250.0


class LoopMonitor:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.max_stall_ms = 0.0
        self._last = 0.0
        self._call: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> LoopMonitor:
        interval = crawler.settings.getfloat("HARVESTER_LOOP_MONITOR_INTERVAL", 0.05)
        if interval <= 0:
            raise NotConfigured("HARVESTER_LOOP_MONITOR_INTERVAL is 0")
        monitor = cls(crawler, interval)
        crawler.signals.connect(monitor.engine_started, signal=signals.engine_started)
        crawler.signals.connect(monitor.stop, signal=signals.spider_closed)
        return monitor

    def engine_started(self) -> None:
        self._last = time.monotonic()
        self._call = task.LoopingCall(self._tick)
        self._call.start(self.interval, now=False)

    def _tick(self) -> None:
        now = time.monotonic()
        engine = self.crawler.engine
        if engine is None or not engine.running:  # stopping: the close path is not measured
            self.stop()
            return
        stall_ms = max(0.0, (now - self._last - self.interval) * 1000)
        self._last = now
        if stall_ms > self.max_stall_ms:
            self.max_stall_ms = stall_ms
            self.crawler.stats.set_value("harvester/loop/max_stall_ms", round(stall_ms, 1))
        if stall_ms > STALL_REPORTED_MS:
            self.crawler.stats.inc_value("harvester/loop/stalls_over_250ms")

    def stop(self, *args: Any, **kwargs: Any) -> None:
        if self._call is not None and self._call.running:
            self._call.stop()
        self._call = None
        self.crawler.stats.set_value("harvester/loop/max_stall_ms", round(self.max_stall_ms, 1))
