"""A generated news site on 127.0.0.1 for scale-out tests and the benchmark.

``ClusterSite(count)`` serves ``robots.txt`` (naming the sitemap), ``/sitemap.xml`` (every
article) and ``count`` small article pages, built on request (nothing on disk), from a
thread per connection. Each request's arrival time and path are recorded (``requests``) so a
test can measure the rate a host was hit at; ``latency`` adds a fixed delay to every answer
(a slow remote site, without using any CPU).
"""

from __future__ import annotations

import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.generic_sites import article_html, sentence


def article_path(n: int) -> str:
    return f"/2025/03/{n % 28 + 1:02d}/story-{n}-council-rules-outages/"


def small_article_html(title: str, n: int, published: str) -> str:
    rng = random.Random(n)
    text = " ".join(sentence(rng) for _ in range(5))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>")


class ClusterSite:
    def __init__(self, count: int, *, latency: float = 0.0, small: bool = False) -> None:
        self.count = count
        self.latency = latency
        self.small = small  # one short paragraph per article: cheap to extract (benchmarks)
        self.requests: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                with site._lock:
                    site.requests.append((time.monotonic(), self.path))
                if site.latency:
                    time.sleep(site.latency)
                status, body, kind = site.page(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str) -> tuple[int, bytes, str]:
        if path == "/robots.txt":
            return 200, f"User-agent: *\nDisallow: /private/\nSitemap: {self.url}/sitemap.xml\n".encode(), "text/plain"
        if path == "/sitemap.xml":
            items = "".join(
                f"<url><loc>{self.url}{article_path(n)}</loc><lastmod>2025-03-{n % 28 + 1:02d}</lastmod></url>"
                for n in range(self.count)
            )
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
            return 200, xml.encode(), "application/xml"
        if path == "/":
            return 200, b"<html><body><h1>Cluster News</h1></body></html>", "text/html; charset=utf-8"
        for n in range(self.count) if path.startswith("/2025/03/") else ():
            if path == article_path(n):
                title = f"Council report {n + 1000} on the new rules"
                date = f"2025-03-{n % 28 + 1:02d}T09:00:00+00:00"
                html = small_article_html(title, n, date) if self.small else article_html(title, random.Random(n), date)
                return 200, html.encode(), "text/html; charset=utf-8"
        return 404, b"<html><body>not found</body></html>", "text/html; charset=utf-8"

    def article_urls(self) -> set[str]:
        return {self.url + article_path(n) for n in range(self.count)}

    def hits(self, prefix: str = "") -> list[float]:
        with self._lock:
            return sorted(t for t, path in self.requests if path.startswith(prefix))

    def __enter__(self) -> ClusterSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def max_rate(times: list[float], window: float = 1.0) -> float:
    """The most requests seen in any ``window`` seconds, per second."""
    best, start = 0, 0
    for end in range(len(times)):
        while times[end] - times[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best / window
