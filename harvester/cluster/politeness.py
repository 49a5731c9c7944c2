"""Per-host politeness for the whole cluster: one delay and one concurrency limit per host,
shared by every worker on the same Redis, so four workers do not hit a host four times harder.

Before a request is downloaded the middleware takes the host's token in one Redis script:

* ``harvester:host:<host>:next``  the earliest time (Redis clock, ms) the next request may start;
  taking the token moves it ``delay`` ahead;
* ``harvester:host:<host>:slots`` sorted set of requests in flight on the host with their expiry;
  at most ``concurrency`` members (an entry of a dead worker expires after the download timeout).

When the token is not free, the request waits with ``await asyncio.sleep`` (the event loop keeps
downloading other hosts) and tries again; the slot is given back when the response or failure
comes back. Within one worker the requests for one host queue for the token in order (an
``asyncio.Lock`` per host), so only one of them asks Redis at a time: when every waiting request
asked, three workers of eight requests each on one host made about 25 script calls per request
granted, now about 4 (``harvester/cluster/politeness_calls`` counts them).

Settings: ``HARVESTER_CLUSTER_HOST_DELAY`` (seconds, default ``DOWNLOAD_DELAY``) and
``HARVESTER_CLUSTER_HOST_CONCURRENCY`` (default ``CONCURRENT_REQUESTS_PER_DOMAIN``).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
import weakref
from typing import Any

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from harvester.cluster.config import connect_async, frontier_url, host_key

TOKEN_META = "_harvester_host_token"
MAX_WAIT_SECONDS = 600.0  # bounded: a host never freed (a bug) cannot hold a request forever

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -1 end
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < nxt then return nxt - now end
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], now + delay, 'PX', math.max(delay * 2, 1000))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]) * 2)
return 0
"""


class ClusterPolitenessMiddleware:
    """Downloader middleware: waits (asynchronously) for the host's cluster-wide token."""

    def __init__(self, crawler: Any, url: str, delay: float, concurrency: int, slot_ttl: float) -> None:
        self.crawler = crawler
        self.client = connect_async(url)
        self.delay_ms = max(0, int(delay * 1000))
        self.concurrency = max(1, concurrency)
        self.slot_ttl_ms = max(1000, int(slot_ttl * 1000))
        self._acquire = self.client.register_script(_ACQUIRE)
        # a host's lock lives while a request holds or waits for it
        self._host_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @classmethod
    def from_crawler(cls, crawler: Any) -> ClusterPolitenessMiddleware:
        settings = crawler.settings
        url = frontier_url(settings)
        if not url:
            raise NotConfigured("no shared frontier (HARVESTER_FRONTIER_URL)")
        delay = settings.getfloat("HARVESTER_CLUSTER_HOST_DELAY", settings.getfloat("DOWNLOAD_DELAY"))
        concurrency = settings.getint(
            "HARVESTER_CLUSTER_HOST_CONCURRENCY", settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8)
        )
        # a slot outlives any real download (timeout plus slack), so a dead worker's slot expires
        ttl = settings.getfloat("DOWNLOAD_TIMEOUT", 180) + 30
        return cls(crawler, url, delay, concurrency, ttl)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).netloc.lower()
        key = host_key(host)
        token = uuid.uuid4().hex
        started = time.monotonic()
        waited = False
        lock = self._host_locks.get(key)
        if lock is None:
            lock = self._host_locks[key] = asyncio.Lock()
        async with lock:  # this worker's requests for the host take the token one after another
            while True:
                wait_ms = int(await self._acquire(
                    keys=[f"{key}:next", f"{key}:slots"],
                    args=[self.delay_ms, self.concurrency, self.slot_ttl_ms, token],
                ))
                self.crawler.stats.inc_value("harvester/cluster/politeness_calls")
                if wait_ms == 0:
                    break
                self.crawler.stats.inc_value("harvester/cluster/politeness_busy" if wait_ms < 0 else
                                             "harvester/cluster/politeness_early")
                waited = True
                if time.monotonic() - started > MAX_WAIT_SECONDS:
                    self.crawler.stats.inc_value("harvester/cluster/politeness_timeout")
                    break
                # -1: all slots busy; poll soon. Else sleep until the next start time, with jitter
                # so the workers waiting on one host do not all ask at the same instant.
                pause = 0.02 if wait_ms < 0 else wait_ms / 1000
                await asyncio.sleep(pause + random.uniform(0, 0.01))
        if waited:
            self.crawler.stats.inc_value("harvester/cluster/politeness_waits")
        request.meta[TOKEN_META] = (key, token)
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        await self._release(request)
        return response

    async def process_exception(self, request: Request, exception: BaseException) -> None:
        await self._release(request)
        return None

    async def _release(self, request: Request) -> None:
        taken = request.meta.pop(TOKEN_META, None)
        if taken:
            key, token = taken
            try:
                await self.client.zrem(f"{key}:slots", token)
            except Exception:  # noqa: BLE001 - the slot expires on its own
                self.crawler.stats.inc_value("harvester/cluster/politeness_release_failed")
