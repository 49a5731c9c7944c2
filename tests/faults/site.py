"""A generated news site of a few hundred distinct articles, served on 127.0.0.1 a little slowly.

The site is written in the mirror layout (``harvester.mirror_server``) and served by the same
handler, wrapped so that every article response waits ``delay`` seconds (long enough for a
crawl to be interrupted half-way, short enough to keep the tests quick) and every request is
counted with its time, so that tests can act "after N article requests" and check when
fetching stopped.

Discovery: ``robots.txt`` names the sitemap (every article), the home page declares the feed
(the newest 50) and lists the newest 30. Pages carry no ``rel=canonical``: the stored URL of an
article is the URL it was served at, ``base_url + path``.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harvester.mirror_server import _handler_for, serve
from tests.generic_sites import article_html, rss, urlset, write

#: Enough articles for the issue's "site of >= 250 articles".
ARTICLE_COUNT = 260
ARTICLE_PREFIX = "/2025/"

_TOPICS = (
    "grid", "harbour", "rail", "water", "school", "clinic", "bridge", "tram", "budget", "library",
    "airport", "ferry", "market", "museum", "stadium", "tunnel", "reservoir", "orchard", "bakery", "factory",
)
_PLACES = (
    "Northfield", "Eastmoor", "Westbrook", "Southgate", "Lakeside", "Hillcrest", "Riverton", "Oakham",
    "Ashby", "Kingsbridge", "Millbrook", "Stonehaven", "Fairview", "Greenhill", "Redcliff",
)


@dataclass
class NewsSite:
    """``count`` articles at date-and-slug paths; ``paths`` in publication order, newest last."""

    count: int = ARTICLE_COUNT
    seed: int = 9
    paths: list[str] = field(default_factory=list)

    def write(self, root: Path) -> NewsSite:
        rng = random.Random(self.seed)
        dates: dict[str, str] = {}
        for n in range(self.count):
            topic, place = _TOPICS[n % len(_TOPICS)], _PLACES[(n * 7 + self.seed) % len(_PLACES)]
            month, day = 1 + (n // 28) % 12, 1 + n % 28
            path = f"{ARTICLE_PREFIX}{month:02d}/{day:02d}/{place.lower()}-{topic}-plan-story-{self.seed}-{n}/"
            date = f"2025-{month:02d}-{day:02d}T{8 + n % 10:02d}:{n % 60:02d}:00+00:00"
            title = f"{place} {topic} plan, story {n} of edition {self.seed}: what changes for residents"
            html = article_html(title, rng, date)
            # one sentence no other article has, so that no two bodies are alike
            html = html.replace("</article>", f"<p>{_unique_sentence(n, self.seed, place, topic)}</p></article>")
            write(root, path, html)
            self.paths.append(path)
            dates[path] = date
        newest = list(reversed(self.paths))
        write(root, "/robots.txt", "User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n")
        write(root, "/sitemap.xml", urlset(self.paths, dates))
        write(root, "/feed.xml", rss(newest[:50], dates))
        links = "".join(f'<li><a href="{p}">Story</a></li>' for p in newest[:30])
        write(root, "/", (
            '<html><head><title>Loopback News</title>'
            '<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed.xml"></head>'
            f'<body><h1>Loopback News</h1><ul>{links}</ul><a href="/about/">About</a></body></html>'
        ))
        write(root, "/about/", "<html><body><h1>About us</h1><p>A small newsroom.</p></body></html>")
        return self

    def urls(self, base_url: str) -> set[str]:
        """The URLs its articles are stored under when served at ``base_url``."""
        return {base_url + path for path in self.paths}


def _unique_sentence(n: int, seed: int, place: str, topic: str) -> str:
    return (f"Officials in {place} filed notice {seed}-{n:04d} about the {topic} works, "
            f"with {n * 13 % 97 + 3} objections and a hearing set for week {n % 52 + 1}.")


@dataclass
class Served:
    """A running server: its base URL and what it was asked for."""

    base_url: str
    delay: float
    _lock: threading.Lock = field(default_factory=threading.Lock)
    article_times: list[float] = field(default_factory=list)  # monotonic time of each article request
    other_requests: int = 0

    @property
    def article_requests(self) -> int:
        with self._lock:
            return len(self.article_times)

    def article_requests_after(self, moment: float) -> int:
        """How many article requests arrived after ``moment`` (``time.monotonic()``)."""
        with self._lock:
            return sum(1 for t in self.article_times if t > moment)

    def last_article_request(self) -> float | None:
        with self._lock:
            return max(self.article_times, default=None)

    def _count(self, path: str) -> bool:
        with self._lock:
            if path.startswith(ARTICLE_PREFIX):
                self.article_times.append(time.monotonic())
                return True
            self.other_requests += 1
            return False


@contextlib.contextmanager
def serve_site(root: Path, delay: float = 0.03) -> Iterator[Served]:
    """Serve ``root`` on 127.0.0.1 (a port of the OS's choosing); each article answer waits
    ``served.delay`` seconds (change it while serving to slow the crawl down or speed it up)."""
    base = _handler_for(root)
    holder: list[Served] = []

    class SlowHandler(base):  # type: ignore[misc, valid-type]
        def _serve(self, with_body: bool) -> None:
            served = holder[0]
            if served._count(self.path) and served.delay > 0:
                time.sleep(served.delay)
            super()._serve(with_body)

    with serve(SlowHandler, name="fault-site") as server:
        host, port = server.server_address[:2]
        holder.append(Served(f"http://{host}:{port}", delay))
        yield holder[0]
