"""The site keys a spider crawls: its run lock names and the scope of its incremental state."""

from __future__ import annotations

from typing import Any


def site_keys(spider: Any) -> list[str]:
    """One key per origin of a ``SiteSpider`` (its ``site_key``), else the spider's name."""
    maps = getattr(spider, "origin_maps", None) or []
    keys = {spider.site_key(site.origin + "/") for site in maps} if hasattr(spider, "site_key") else set()
    return sorted(keys or {spider.name})
