"""robots.txt, bounded: a short timeout of its own, and a size past which it is not read.

**Timeout** (``RobotsTimeout``, a downloader middleware).

Every request of a host waits for that host's robots.txt (Scrapy's RobotsTxtMiddleware), so a
robots.txt that hangs held the whole site for the full ``DOWNLOAD_TIMEOUT`` (30 s) before the
first page, and for as long again when the spider's discovery fetched it too. A robots.txt is a
small static file: ``HARVESTER_ROBOTS_TIMEOUT`` seconds (default 10) is plenty. A request that
already names its own ``download_timeout`` keeps it. It runs before Scrapy's
DownloadTimeoutMiddleware (350), which only fills in a timeout that is not set.

**Size** (``BoundedRobotParser``, the ``ROBOTSTXT_PARSER``, and ``readable_part`` for discovery's
``Sitemap:`` lines). Scrapy parses robots.txt on the event loop and checks every request against
every rule there: a 4 MB robots.txt of 100,000 rules took 3 s to parse and 88 ms per request. Only
its first ``MAX_ROBOTS_BYTES`` (500 KiB, what RFC 9309 asks a crawler to read at least, and
where Google stops) are read, cut at a line's end.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.httpobj import urlparse_cached

MAX_ROBOTS_BYTES = 500 * 1024


def readable_part(body: bytes) -> bytes:
    """The part of a robots.txt that is read: its first MAX_ROBOTS_BYTES, up to the last whole line."""
    if len(body) <= MAX_ROBOTS_BYTES:
        return body
    head = body[:MAX_ROBOTS_BYTES]
    end = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[: end + 1] if end >= 0 else b""


class BoundedRobotParser(ProtegoRobotParser):
    """Scrapy's Protego parser over ``readable_part`` of the body."""

    def __init__(self, robotstxt_body: bytes, spider: Any) -> None:
        super().__init__(readable_part(robotstxt_body), spider)


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
