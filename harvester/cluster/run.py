"""One distributed run: every worker of one crawl of one site on the same frontier shares one
``crawl_runs`` row.

* The first worker (it wins ``NS:run:starting`` in Redis) takes the run lock and creates the
  run; its id goes to ``NS:run``. Every later worker reads it and joins (``crawl_runs.workers``
  + 1) instead of being skipped. The lock is held by each worker in a mode that lets the run's
  workers share it but keeps single-process runs out (``harvester.db.cluster``).
* Each worker heartbeats in ``NS:workers`` (a sorted set scored by the Redis clock).
* A worker leaving adds its page count to ``NS:pages`` and removes itself (and workers whose
  heartbeat is older than ``HARVESTER_CLUSTER_WORKER_TIMEOUT``: killed ones); the worker that
  leaves last completes the run row (the frontier itself is cleared by the scheduler of a
  worker that finishes with it empty, see ``harvester.cluster.scheduler``).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from twisted.internet import task

from harvester.cluster.config import Cluster, cluster_of
from harvester.db.cluster import add_worker, lock_for_run
from harvester.db.lock import RunLock
from harvester.db.runs import start_run
from harvester.db.worker import worker_id

logger = logging.getLogger(__name__)
JOIN_WAIT_SECONDS = 60.0

_HEARTBEAT = """
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) + tonumber(t[2]) / 1e6, ARGV[1])
return 1
"""

# KEYS: workers, run, pages; ARGV: me, pages, worker timeout (s). Returns the run's total
# pages when this worker is the last one, else -1.
_LEAVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZREM', KEYS[1], ARGV[1])
local total = redis.call('INCRBY', KEYS[3], tonumber(ARGV[2]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[1]) > 0 then return -1 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return total
"""


class ClusterRun:
    """This worker's part in the distributed run of its crawl."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.client = cluster.client
        self.first = False
        self.run_id: int | None = None
        self._heartbeat = self.client.register_script(_HEARTBEAT)
        self._leave = self.client.register_script(_LEAVE)
        self._loop: task.LoopingCall | None = None

    @classmethod
    def of(cls, crawler: Any) -> ClusterRun | None:
        """The crawler's distributed run, or None when the crawl has no shared frontier."""
        existing = getattr(crawler, "_harvester_cluster_run", None)
        if existing is not None:
            return existing
        cluster = cluster_of(crawler)
        if cluster is None:
            return None
        crawler._harvester_cluster_run = cls(cluster)
        return crawler._harvester_cluster_run

    def lock(self, engine: Engine, sites: list[str]) -> RunLock | None:
        """Join the run (or start it, when first): the lock this worker holds; None: skipped."""
        deadline = time.monotonic() + JOIN_WAIT_SECONDS
        while time.monotonic() < deadline:
            run_id = self.client.get(self.cluster.key("run"))
            if run_id is not None:
                self.run_id, self.first = int(run_id), False
                return lock_for_run(engine, sites, first=False)
            if self.client.set(self.cluster.key("run:starting"), worker_id(), nx=True, ex=int(JOIN_WAIT_SECONDS)):
                lock = lock_for_run(engine, sites, first=True)
                if lock is None:
                    self.client.delete(self.cluster.key("run:starting"))
                    return None
                self.first = True
                return lock
            time.sleep(0.1)  # another worker is creating the run right now (bounded wait)
        logger.error("no run id appeared in %s within %.0f s", self.cluster.key("run"), JOIN_WAIT_SECONDS)
        return None

    def start(self, engine: Engine, spider: str) -> int:
        """The run id: a new run row (first worker) or the joined one (``workers`` + 1)."""
        if self.first:
            self.run_id = start_run(engine, spider, datetime.now(UTC))
            self.client.set(self.cluster.key("run"), self.run_id)
            self.client.delete(self.cluster.key("run:starting"))
        else:
            assert self.run_id is not None
            add_worker(engine, self.run_id)
        self._beat()
        self._loop = task.LoopingCall(self._beat)
        self._loop.start(1.0, now=False)
        logger.info(
            "%s distributed run %d as worker %s", "started" if self.first else "joined", self.run_id, worker_id()
        )
        return self.run_id

    def _beat(self) -> None:
        try:
            self._heartbeat(keys=[self.cluster.key("workers")], args=[worker_id()])
        except Exception:  # noqa: BLE001 - the next beat may work; a long outage makes us look dead
            logger.exception("cluster heartbeat failed")

    def leave(self, pages: int, reason: str) -> int | None:
        """Leave the run; when this worker is the last one, the run's total pages (complete the
        run row with them), else None."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        total = int(self._leave(
            keys=[self.cluster.key("workers"), self.cluster.key("run"), self.cluster.key("pages")],
            args=[worker_id(), pages, self.cluster.worker_timeout],
        ))
        if total < 0:
            logger.info("left distributed run %s; other workers carry on", self.run_id)
            return None
        logger.info("last worker of distributed run %s: completing it (%s)", self.run_id, reason)
        return total
