"""The Scrapy add-on that puts a crawl on the shared frontier when ``HARVESTER_FRONTIER_URL``
is set (Scrapy setting, else environment); without it, ``NotConfigured`` and nothing changes.

In a cluster the per-host delay and concurrency are the cluster's (``politeness``), so the
per-process delay and AutoThrottle are turned off: their per-process limits would add up.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import NotConfigured

from harvester.cluster.config import SETTING, frontier_url, redact

# by name: a crawl without a frontier URL does not even import the Redis client
SCHEDULER = "harvester.cluster.scheduler.ClusterScheduler"
POLITENESS = "harvester.cluster.politeness.ClusterPolitenessMiddleware"
ROBOTS = "harvester.cluster.robots.SharedRobotsTxtMiddleware"

logger = logging.getLogger(__name__)


class ClusterAddon:
    def update_settings(self, settings: Any) -> None:
        url = frontier_url(settings)
        if url is None:
            raise NotConfigured  # silently: the usual single-process crawl
        settings.set(SETTING, url, priority="addon")  # the environment's value, for every component
        if settings.get("HARVESTER_CLUSTER_HOST_DELAY") is None:
            settings.set("HARVESTER_CLUSTER_HOST_DELAY", settings.getfloat("DOWNLOAD_DELAY"), priority="addon")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
        settings.set("SCHEDULER", SCHEDULER, priority="cmdline")
        settings["DOWNLOADER_MIDDLEWARES"][f"{RobotsTxtMiddleware.__module__}.{RobotsTxtMiddleware.__name__}"] = None
        settings["DOWNLOADER_MIDDLEWARES"][ROBOTS] = 100
        # last before the download handler: the token is taken only for a real download
        settings["DOWNLOADER_MIDDLEWARES"][POLITENESS] = 990
        logger.info("shared frontier: %s", redact(url))
