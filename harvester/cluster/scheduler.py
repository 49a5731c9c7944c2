"""A Scrapy scheduler whose queue is the shared frontier on Redis.

Requests go through the shared duplicate filter (scrapy-redis ``RFPDupeFilter``: a Redis set
of request fingerprints), are encoded as JSON (``codec``) and pushed to the crawl's queue.
``next_request`` takes one under a lease; an entry that does not decode is refused, counted
(``harvester/cluster/rejected``) and dropped, never executed.

Leases: every half second the scheduler acknowledges the leases of requests the engine has
finished with (the response or failure went through the spider and its items through the
pipelines, or the request was replaced by a retry or redirect, which is in the frontier by
then), renews the others, and returns other workers' expired leases to the queue. A spider
that goes idle stays open (``DontCloseSpider``) while the frontier has queued or leased
requests anywhere, and closes when both are empty.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.core.scheduler import BaseScheduler, Scheduler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from twisted.internet import task

from harvester.cluster import codec
from harvester.cluster.config import Cluster, cluster_of, frontier_url
from harvester.cluster.frontier import Frontier

logger = logging.getLogger(__name__)
TICK_SECONDS = 0.5


class ClusterScheduler(BaseScheduler):
    """The scheduler of a crawl on a shared frontier (Scrapy's own one without a frontier URL)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cluster: Cluster | None = None
        self.frontier: Frontier | None = None
        self.dupefilter: RFPDupeFilter | None = None
        self.spider: Spider | None = None
        self._leases: dict[bytes, Request] = {}
        self._loop: task.LoopingCall | None = None
        self._last_renew = 0.0
        self._last_requeue = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        if not frontier_url(crawler.settings):
            return Scheduler.from_crawler(crawler)
        scheduler = cls(crawler)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # --- lifecycle ----------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.cluster = cluster_of(self.crawler)
        assert self.cluster is not None
        self.frontier = Frontier(self.cluster.client, self.cluster.namespace, self.cluster.visibility)
        self.dupefilter = RFPDupeFilter(
            self.cluster.client, key=self.frontier.dupefilter_key,
            debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"),
        )
        queued, leased = self.frontier.sizes()
        spider.logger.info(
            "shared frontier %s at %s: %d queued, %d leased", self.cluster.namespace, self.cluster.safe_url,
            queued, leased,
        )
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(TICK_SECONDS, now=False)

    def close(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.frontier is None or self.cluster is None:
            return
        if self._leases:
            finished = set(self._finished())
            self.frontier.ack(finished)
            self.frontier.release([raw for raw in self._leases if raw not in finished])  # for the others
            self._leases.clear()
        if reason == "finished" and self.frontier.sizes() == (0, 0):
            # the crawl is done everywhere: forget it, so that the next run starts afresh
            self.frontier.clear()
            robots = list(self.cluster.client.scan_iter(match=self.cluster.key("robots:*"), count=1000))
            if robots:
                self.cluster.client.delete(*robots)

    # --- queue --------------------------------------------------------------------------------

    def has_pending_requests(self) -> bool:
        return self.frontier is not None and self.frontier.queued() > 0

    def enqueue_request(self, request: Request) -> bool:
        assert self.frontier is not None and self.dupefilter is not None and self.spider is not None
        if not request.dont_filter and self.dupefilter.request_seen(request):
            self.dupefilter.log(request, self.spider)
            return False
        try:
            entry = codec.encode(request, self.spider)
        except codec.Unencodable as exc:
            self.stats.inc_value("harvester/cluster/unencodable")
            logger.error("not shared (kept out of the frontier): %s", exc)
            return False
        self.frontier.push(entry, request.priority)
        self.stats.inc_value("scheduler/enqueued/redis")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self) -> Request | None:
        assert self.frontier is not None and self.spider is not None
        for _ in range(50):  # bounded: a run of refused entries does not hold the event loop
            raw = self.frontier.pop()
            if raw is None:
                return None
            try:
                request = codec.decode(raw, self.spider)
            except codec.Rejected as exc:
                self.frontier.ack([raw])
                self.stats.inc_value("harvester/cluster/rejected")
                self.stats.inc_value(f"harvester/cluster/rejected/{exc.reason}")
                logger.warning("refused a frontier entry [%s]: %r", exc, raw[:120])
                continue
            self._leases[raw] = request
            self.stats.inc_value("scheduler/dequeued/redis")
            self.stats.inc_value("scheduler/dequeued")
            return request
        return None

    def __len__(self) -> int:
        return self.frontier.queued() if self.frontier is not None else 0

    # --- leases and idleness -----------------------------------------------------------------

    def _finished(self) -> list[bytes]:
        """Leased requests the engine no longer has in progress."""
        slot = getattr(self.crawler.engine, "_slot", None)
        inprogress = getattr(slot, "inprogress", None)
        if inprogress is None:
            return []
        return [raw for raw, request in self._leases.items() if request not in inprogress]

    def _tick(self) -> None:
        if self.frontier is None:
            return
        try:
            finished = self._finished()
            if finished:
                self.frontier.ack(finished)
                for raw in finished:
                    del self._leases[raw]
            now = time.monotonic()
            if now - self._last_renew >= self.frontier.visibility_ms / 4000:
                self._last_renew = now
                self.frontier.renew(self._leases)
            if now - self._last_requeue >= 1.0:
                self._last_requeue = now
                returned = self.frontier.requeue_expired()
                if returned:
                    self.stats.inc_value("harvester/cluster/leases_expired", returned)
                    logger.info("%d expired leases returned to the frontier", returned)
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None and slot.closing is None:
                slot.nextcall.schedule()  # poll the shared queue sooner than Scrapy's 5 s heartbeat
        except Exception:  # noqa: BLE001 - a Redis hiccup must not stop the loop
            logger.exception("frontier maintenance failed; retrying")

    def spider_idle(self, spider: Spider) -> None:
        """Stay open while any worker may still add work: queued or leased requests remain."""
        if self.frontier is None:
            return
        self._tick()  # this worker is idle: every lease it holds is finished
        if self._leases:
            self.frontier.ack(list(self._leases))
            self._leases.clear()
        self.frontier.requeue_expired()
        queued, leased = self.frontier.sizes()
        if queued or leased:
            raise DontCloseSpider
