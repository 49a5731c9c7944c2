"""The article frontier of one crawl: which discovered article URL to fetch next.

Discovery (sitemaps, feeds, listings, URLs left over by an earlier run) adds article URLs
here instead of queueing a request for each, so that one sitemap of 50,000 URLs cannot bury
the site's feeds, listings and retries in Scrapy's queue. The spider takes URLs out a few at
a time (see ``SiteSpider._pump``), keeping only a small number of article requests queued.

Order: sources take turns (each sitemap document, each feed, the listings, the carry-over of
earlier runs are separate sources), and inside a source the newest URL comes first (news
sitemap publication date, lastmod, feed date; a listing link counts as new, an undated
sitemap entry as old). So a giant or hostile sitemap delays a site's other sources by at most
one URL per turn.

Bounds: at most ``max_per_run`` URLs are handed out in one run; what is added beyond that is
kept apart as ``overflow`` (the spider records it in ``url_state`` as pending, for the next
run). Memory is one small tuple per URL.

Unproductive sources are set aside: once ``probe`` URLs of a source have been fetched and fewer
than ``min_yield`` of them gave an article (a sitemap of dead links, a feed of tag pages), the
source gets no more turns in this run. Its remaining URLs stay pending in ``url_state``.
"""

from __future__ import annotations

import heapq
import itertools
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

#: Sort key of an entry with no date: after every dated one.
_UNDATED = float("inf")


@dataclass
class _Source:
    heap: list[tuple[float, int, str, datetime | None]] = field(default_factory=list)
    fetched: int = 0
    productive: int = 0


class Frontier:
    """Round-robin over sources, newest first within each; bounded per run."""

    def __init__(self, max_per_run: int, *, probe: int = 40, min_yield: float = 0.1) -> None:
        self.max_per_run = max(0, max_per_run)
        self.probe = probe
        self.min_yield = min_yield
        self._sources: OrderedDict[str, _Source] = OrderedDict()
        self._results: dict[str, _Source] = {}  # every source's counts, also once it is empty
        self.set_aside: dict[str, int] = {}  # source -> URLs left when it was set aside
        self.set_aside_urls: list[tuple[str, datetime | None]] = []  # those of the last source set aside
        self._order = itertools.count()
        self._size = 0
        self.handed_out = 0
        self.overflow: list[tuple[str, datetime | None]] = []

    def __len__(self) -> int:
        return self._size

    @property
    def admitted(self) -> int:
        return self.handed_out + self._size

    def add(self, url: str, source: str, date: datetime | None = None, *, fresh: bool = False) -> bool:
        """Queue ``url`` from ``source``; False when the run's budget is spent (kept in ``overflow``).

        ``fresh``: an undated URL that is known to be current (a link on a listing page).
        """
        if self.admitted >= self.max_per_run:
            self.overflow.append((url, date))
            return False
        if date is not None:
            key = -date.timestamp()
        else:
            key = -float(2**40) if fresh else _UNDATED
        if source in self.set_aside:
            self.set_aside[source] += 1
            self.overflow.append((url, date))
            return False
        entry = self._sources.get(source) or self._results.get(source) or _Source()
        self._sources[source] = self._results[source] = entry
        heapq.heappush(entry.heap, (key, next(self._order), url, date))
        self._size += 1
        return True

    def pop(self) -> tuple[str, datetime | None, str] | None:
        """The next URL to fetch, its date and its source (sources take turns), or None when empty."""
        while self._sources:
            source, entry = next(iter(self._sources.items()))
            self._sources.move_to_end(source)
            if not entry.heap:
                del self._sources[source]
                continue
            _, _, url, date = heapq.heappop(entry.heap)
            if not entry.heap:
                del self._sources[source]
            self._size -= 1
            self.handed_out += 1
            return url, date, source
        return None

    def results(self, source: str) -> tuple[int, int]:
        """(URLs fetched, of which productive) of ``source`` so far."""
        entry = self._results.get(source)
        return (entry.fetched, entry.productive) if entry else (0, 0)

    def report(self, source: str, productive: bool) -> None:
        """The outcome of a URL handed out from ``source``: an article, or not (an error, a non-article)."""
        entry = self._results.get(source)
        if entry is None:
            return
        entry.fetched += 1
        entry.productive += int(productive)
        if (source in self._sources and entry.fetched >= self.probe
                and entry.productive < self.min_yield * entry.fetched):
            left = self._sources.pop(source)
            self._size -= len(left.heap)
            self.set_aside[source] = len(left.heap)
            self.set_aside_urls = [(url, date) for _, _, url, date in left.heap]
            left.heap.clear()

    def drain(self) -> Iterator[tuple[str, datetime | None]]:
        """Everything not handed out (queued and overflow), e.g. to keep for the next run."""
        for entry in self._sources.values():
            for _, _, url, date in entry.heap:
                yield url, date
        yield from self.overflow
