"""The shared frontier of one crawl on Redis primitives: a priority queue with leases.

Keys (``NS`` = the crawl's namespace, ``harvester.cluster.config.crawl_namespace``):

* ``NS:queue``      sorted set: entry (JSON, ``codec``) scored by ``-priority`` (lowest first);
* ``NS:leases``     sorted set: entries taken by a worker, scored by their deadline (ms, Redis
  server clock, so workers' clocks do not matter);
* ``NS:lease_score`` hash: entry -> its queue score, to put an expired lease back in its place;
* ``NS:dupefilter`` set of request fingerprints (scrapy-redis ``RFPDupeFilter``).

Taking an entry moves it from the queue to the leases in one script, so at every moment
each unfinished request is in exactly one of the two: "queue and leases both empty" means
the crawl is done. A worker acknowledges (removes) its lease when the request is finished,
renews it while it runs; an expired lease (its worker died) goes back to the queue.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

_POP = _NOW + """
local item = redis.call('ZPOPMIN', KEYS[1])
if #item == 0 then return false end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), item[1])
redis.call('HSET', KEYS[3], item[1], item[2])
return item[1]
"""

_RENEW = _NOW + """
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return n
"""

_REQUEUE = _NOW + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
for _, member in ipairs(expired) do
  local score = redis.call('HGET', KEYS[3], member) or '0'
  redis.call('ZADD', KEYS[1], score, member)
  redis.call('ZREM', KEYS[2], member)
  redis.call('HDEL', KEYS[3], member)
end
return #expired
"""


class Frontier:
    """One crawl's queue and leases in Redis (all operations are single round trips)."""

    def __init__(self, client: redis.Redis, namespace: str, visibility_seconds: float) -> None:
        self.client = client
        self.namespace = namespace
        self.queue_key = f"{namespace}:queue"
        self.leases_key = f"{namespace}:leases"
        self.scores_key = f"{namespace}:lease_score"
        self.dupefilter_key = f"{namespace}:dupefilter"
        self.visibility_ms = max(1, int(visibility_seconds * 1000))
        self._pop = client.register_script(_POP)
        self._renew = client.register_script(_RENEW)
        self._requeue = client.register_script(_REQUEUE)

    def push(self, entry: str, priority: int) -> None:
        self.client.zadd(self.queue_key, {entry: -priority})

    def pop(self) -> bytes | None:
        """Take the first entry under a lease (None: the queue is empty)."""
        return self._pop(keys=[self.queue_key, self.leases_key, self.scores_key], args=[self.visibility_ms]) or None

    def ack(self, entries: Iterable[bytes]) -> None:
        """The requests are finished (or refused): drop their leases."""
        members = list(entries)
        if not members:
            return
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zrem(self.leases_key, *members)
            pipe.hdel(self.scores_key, *members)
            pipe.execute()

    def release(self, entries: Iterable[bytes]) -> None:
        """Give leases back at once (a worker stopping early): their requests go back to the queue."""
        members = list(entries)
        if members:
            self.client.zadd(self.leases_key, {member: 0 for member in members}, xx=True)
            self.requeue_expired()

    def renew(self, entries: Iterable[bytes]) -> int:
        members = list(entries)
        if not members:
            return 0
        return int(self._renew(keys=[self.leases_key], args=[self.visibility_ms, *members]))

    def requeue_expired(self) -> int:
        """Put expired leases back in the queue; the number put back."""
        return int(self._requeue(keys=[self.queue_key, self.leases_key, self.scores_key]))

    def sizes(self) -> tuple[int, int]:
        """(queued, leased)."""
        with self.client.pipeline(transaction=False) as pipe:
            pipe.zcard(self.queue_key)
            pipe.zcard(self.leases_key)
            queued, leased = pipe.execute()
        return int(queued), int(leased)

    def queued(self) -> int:
        return int(self.client.zcard(self.queue_key))

    def clear(self) -> None:
        """Forget the crawl: queue, leases and seen fingerprints."""
        self.client.delete(self.queue_key, self.leases_key, self.scores_key, self.dupefilter_key)
