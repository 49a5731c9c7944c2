"""robots.txt fetched once per host per run and shared through Redis.

Scrapy's ``RobotsTxtMiddleware`` downloads robots.txt once per host *per process*; with this
subclass, the first worker to need a host's robots.txt downloads it and stores the body in
``NS:robots:<host>``; the others read it from there (they wait for it, asynchronously, up to
``WAIT_SECONDS``, then fetch it themselves). Without a shared frontier it is Scrapy's middleware.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from harvester.cluster.config import cluster_of
from harvester.robotstxt import readable_part

logger = logging.getLogger(__name__)
WAIT_SECONDS = 60.0
_FAILED = b"\x00failed"  # the first worker could not get robots.txt: everyone treats it as absent


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def _key(self, netloc: str) -> str | None:
        cluster = cluster_of(self.crawler)
        return cluster.key(f"robots:{netloc.lower()}") if cluster else None

    async def robot_parser(self, request: Request) -> Any:
        url = urlparse_cached(request)
        netloc = url.netloc
        key = self._key(netloc)
        if key is None or netloc in self._parsers:
            return await super().robot_parser(request)
        cluster = cluster_of(self.crawler)
        assert cluster is not None
        if cluster.client.set(f"{key}:claim", "1", nx=True, ex=int(WAIT_SECONDS)):
            return await super().robot_parser(request)  # this worker fetches it (see _parse_robots)
        body = await self._wait_for(cluster.client, key)
        if body is None:
            return await super().robot_parser(request)
        self._parsers[netloc] = Deferred()
        self._stats.inc_value("harvester/cluster/robots_shared")
        if body == _FAILED:
            self._robots_error(Exception("robots.txt not available"), netloc)
        else:
            robots_url = f"{url.scheme}://{netloc}/robots.txt"
            await RobotsTxtMiddleware._parse_robots(self, Response(robots_url, body=body), netloc, request)
        return self._parsers[netloc]

    async def _wait_for(self, client: Any, key: str) -> bytes | None:
        waited = 0.0
        while waited < WAIT_SECONDS:
            body = client.get(key)
            if body is not None:
                return body
            await asyncio.sleep(0.1)
            waited += 0.1
        return None

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        key = self._key(netloc)
        if key is not None:  # this worker downloaded it: share it
            cluster = cluster_of(self.crawler)
            assert cluster is not None
            body = readable_part(response.body) if response.status < 400 else b""  # what any worker reads
            cluster.client.set(key, body)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        key = self._key(netloc)
        cluster = cluster_of(self.crawler)
        if key is not None and cluster is not None:
            cluster.client.set(key, _FAILED, nx=True)
        super()._robots_error(exc, netloc)
