"""Downloader middleware: robots.txt gets a short timeout of its own.

Every request of a host waits for that host's robots.txt (Scrapy's RobotsTxtMiddleware), so a
robots.txt that hangs held the whole site for the full ``DOWNLOAD_TIMEOUT`` (30 s) before the
first page, and for as long again when the spider's discovery fetched it too. A robots.txt is a
small static file: ``HARVESTER_ROBOTS_TIMEOUT`` seconds (default 10) is plenty. A request that
already names its own ``download_timeout`` keeps it. It runs before Scrapy's
DownloadTimeoutMiddleware (350), which only fills in a timeout that is not set.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached


class RobotsTimeout:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Any) -> RobotsTimeout:
        timeout = crawler.settings.getfloat("HARVESTER_ROBOTS_TIMEOUT", 10.0)
        if timeout <= 0:
            raise NotConfigured("HARVESTER_ROBOTS_TIMEOUT is 0: robots.txt gets DOWNLOAD_TIMEOUT")
        return cls(min(timeout, crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 180.0)))

    def process_request(self, request: Request) -> None:
        if urlparse_cached(request).path == "/robots.txt":
            request.meta.setdefault("download_timeout", self.timeout)
