"""No throttling for a crawl of one's own machine.

Politeness (``DOWNLOAD_DELAY``, AutoThrottle) protects other people's servers. A crawl whose every
site is served from a loopback address (an offline mirror, ``harvester mirror serve``, a test
server) has nobody to be polite to: waiting half a second between its requests only makes a
1,000-page mirror take ten minutes. Such a crawl runs without the delay and without AutoThrottle,
as ``runner.LOOPBACK_SETTINGS`` does for the demo. Everything else stays: robots.txt is obeyed,
the bot identifies itself, every request has its timeout.

The change is made at Scrapy's ``spider`` priority, so a ``DOWNLOAD_DELAY`` or
``AUTOTHROTTLE_ENABLED`` given on the command line (``-s``, priority ``cmdline``) still wins, and
``HARVESTER_THROTTLE_LOOPBACK = True`` keeps the project's politeness on loopback too.
Only loopback counts (127.0.0.0/8, ::1, ``localhost``): a private address may be someone else's server.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from scrapy.settings import Settings

UNTHROTTLED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unthrottle_loopback(settings: Settings, hosts: Iterable[str | None]) -> bool:
    """Turn the delays off when every one of ``hosts`` is a loopback host (True when it did).

    Call before the crawler's settings are frozen (a spider's ``from_crawler``)."""
    found = list(hosts)
    if settings.frozen or not found or not all(is_loopback_host(host) for host in found):
        return False
    if settings.getbool("HARVESTER_THROTTLE_LOOPBACK", False):
        return False
    for name, value in UNTHROTTLED.items():
        settings.set(name, value, priority="spider")  # below the command line's priority: -s still wins
    return settings.getfloat("DOWNLOAD_DELAY") == 0 and not settings.getbool("AUTOTHROTTLE_ENABLED")
