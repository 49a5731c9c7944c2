"""Extension: Scrapy's ``RemoteControl`` console, imported only when ``REMOTE_CONTROL_ENABLED`` turns it on.

Scrapy lists ``RemoteControl`` among its default extensions and imports its module (and aiohttp
with it: about 0.15 s of CPU) in every crawling process, even when the setting leaves it off,
as the harvester's settings do. This stands in for it: off, nothing is imported; on (``-s
REMOTE_CONTROL_ENABLED=True``), it is Scrapy's own extension, built as Scrapy would build it.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured


class LazyRemoteControl:
    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        if not crawler.settings.getbool("REMOTE_CONTROL_ENABLED"):
            raise NotConfigured  # no message: Scrapy would log "Disabled …" at WARNING
        from scrapy.extensions.remote_control import RemoteControl  # noqa: PLC0415 - the point of this class

        return RemoteControl.from_crawler(crawler)
