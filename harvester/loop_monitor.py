"""Extension: measure how long the event loop is held up, so that a blocking call shows.

A timer asks to run every ``HARVESTER_LOOP_MONITOR_INTERVAL`` seconds (default 0.05). At each
tick two figures are taken for the interval just past:

* how late the timer ran (wall clock): what a user sees, but it also grows when the machine is
  overloaded and the process simply gets no CPU;
* how much CPU the loop's own thread used beyond the interval's expected idle time: time spent
  running code on the loop, i.e. a blocking call, whatever the machine's load.

``harvester/loop/max_stall_ms`` is the largest interval in which the loop was late *because it
was running code* (the smaller of the two figures); ``harvester/loop/max_wall_stall_ms`` is the
largest lateness of any kind. Both are measured while the crawl runs (from ``engine_started``
until the engine stops). Set the interval to 0 to turn the monitor off.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

STALL_REPORTED_MS = 250.0
logger = logging.getLogger(__name__)


class LoopMonitor:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.max_stall_ms = 0.0
        self.max_wall_stall_ms = 0.0
        self._last = 0.0
        self._last_cpu = 0.0
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
        self._last_cpu = time.thread_time()
        self._call = task.LoopingCall(self._tick)
        self._call.start(self.interval, now=False)

    def _tick(self) -> None:
        now, cpu = time.monotonic(), time.thread_time()
        engine = self.crawler.engine
        if engine is None or not engine.running:  # stopping: the close path is not measured
            self.stop()
            return
        wall_ms = max(0.0, (now - self._last - self.interval) * 1000)
        busy_ms = (cpu - self._last_cpu) * 1000
        self._last, self._last_cpu = now, cpu
        stall_ms = min(wall_ms, busy_ms)
        stats = self.crawler.stats
        if wall_ms > self.max_wall_stall_ms:
            self.max_wall_stall_ms = wall_ms
            stats.set_value("harvester/loop/max_wall_stall_ms", round(wall_ms, 1))
        if stall_ms > self.max_stall_ms:
            self.max_stall_ms = stall_ms
            stats.set_value("harvester/loop/max_stall_ms", round(stall_ms, 1))
        if stall_ms > STALL_REPORTED_MS:
            stats.inc_value("harvester/loop/stalls_over_250ms")
            logger.info("the event loop ran code for %.0f ms without a break", stall_ms)

    def stop(self, *args: Any, **kwargs: Any) -> None:
        if self._call is not None and self._call.running:
            self._call.stop()
        self._call = None
        self.crawler.stats.set_value("harvester/loop/max_stall_ms", round(self.max_stall_ms, 1))
        self.crawler.stats.set_value("harvester/loop/max_wall_stall_ms", round(self.max_wall_stall_ms, 1))
