"""Where the shared frontier is, how to connect, and the names of its keys."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SETTING = "HARVESTER_FRONTIER_URL"
KEY_PREFIX = "harvester"
# One id per process: written into fetch_log (harvester.db.models) and the run's worker list.
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def frontier_url(settings: Any) -> str | None:
    """The frontier URL: the Scrapy setting (``-s`` wins), else the environment variable, else None."""
    value = settings.get(SETTING) if settings is not None else None
    if not value:
        value = os.environ.get(SETTING, "")
    value = str(value).strip()
    if not value:
        return None
    scheme = urlsplit(value).scheme
    if scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"{SETTING}: not a Redis URL ({redact(value)}); use redis://[:password@]host:port/db or rediss://")
    return value


def redact(url: str) -> str:
    """The URL with its password (and user name) replaced by ``***``: safe to log."""
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def connect(url: str) -> Any:
    """A Redis client for ``url`` (redis://, rediss:// for TLS, unix://)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10, health_check_interval=30)


def connect_async(url: str) -> Any:
    import redis.asyncio

    return redis.asyncio.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)


def crawl_namespace(spider_name: str, sites: list[str]) -> str:
    """The key prefix of one crawl: the spider and the sites it crawls (``news -a site=A`` and
    ``news -a site=B`` are different crawls)."""
    digest = hashlib.sha256("\n".join(sorted(sites)).encode("utf-8")).hexdigest()[:12]
    # {hash tag}: on a Redis Cluster all keys of one crawl live in one slot (the scripts touch several)
    return f"{KEY_PREFIX}:{{crawl:{spider_name}:{digest}}}"


def host_key(netloc: str) -> str:
    """The key prefix of a host's politeness state, shared by every crawl on the same Redis."""
    return f"{KEY_PREFIX}:{{host:{netloc.lower()}}}"


class Cluster:
    """One process's connection to the cluster for one crawl (shared by scheduler, run, robots)."""

    def __init__(self, url: str, spider_name: str, sites: list[str], settings: Any) -> None:
        self.url = url
        self.safe_url = redact(url)
        self.client = connect(url)
        self.namespace = crawl_namespace(spider_name, sites)
        self.visibility = settings.getfloat("HARVESTER_CLUSTER_LEASE_SECONDS", 60.0)
        self.worker_timeout = settings.getfloat("HARVESTER_CLUSTER_WORKER_TIMEOUT", 30.0)

    def key(self, name: str) -> str:
        return f"{self.namespace}:{name}"


def cluster_of(crawler: Any) -> Cluster | None:
    """The crawler's ``Cluster`` (made once, when the spider exists), or None without a frontier URL."""
    cached = getattr(crawler, "_harvester_cluster", False)
    if cached is not False:
        return cached
    url = frontier_url(crawler.settings)
    cluster = None
    if url:
        from harvester.spider_sites import site_keys

        cluster = Cluster(url, crawler.spider.name, site_keys(crawler.spider), crawler.settings)
    crawler._harvester_cluster = cluster
    return cluster
