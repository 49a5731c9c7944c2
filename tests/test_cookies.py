"""Cookies (harvester.cookies): a site's own cookies still work, a cookie bomb is capped, and the
public-suffix check never goes to the network. Real crawls of a small site on 127.0.0.1."""

from __future__ import annotations

import html
import itertools
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harvester.cookies import DEFAULT_MAX_COOKIE_BYTES, _suffixes, is_public_suffix
from tests.crawling import scrapy_crawl
from tests.hostile import pages
from tests.hostile.articles import STORIES

ARTICLES = 12


class CookieSite:
    """Articles behind a consent cookie: without ``consent=yes`` an article answers with a redirect
    to ``/consent/``, which sets the cookie and sends the reader back. With ``bomb`` every answer also
    sets 40 new cookies of 4 KB. Records the size of each request's Cookie header."""

    def __init__(self, *, bomb: bool) -> None:
        self.bomb = bomb
        self.cookie_sizes: list[int] = []
        self.routes = {f"/news/2026/03/{i + 1:02d}/{STORIES[i % len(STORIES)].slug}-{i}/":
                       pages.article_page(STORIES[i % len(STORIES)]).replace(
                           STORIES[i % len(STORIES)].title, f"{STORIES[i % len(STORIES)].title} ({i})").encode()
                       for i in range(ARTICLES)}
        self._names = itertools.count()

    @contextmanager
    def serve(self) -> Iterator[str]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802
                cookie = self.headers.get("Cookie", "")
                site.cookie_sizes.append(len(cookie))
                path = self.path.split("?", 1)[0]
                status, headers, body = 200, {"Content-Type": "text/html; charset=utf-8"}, b""
                if path == "/robots.txt":
                    headers["Content-Type"], body = "text/plain", f"User-agent: *\nSitemap: {base}/sitemap.xml\n".encode()
                elif path == "/sitemap.xml":
                    headers["Content-Type"] = "application/xml"
                    body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                            + "".join(f"<url><loc>{html.escape(base + p)}</loc></url>" for p in site.routes)
                            + "</urlset>").encode()
                elif path == "/consent/":
                    back = self.path.partition("?back=")[2] or "/"
                    status, headers["Location"] = 302, back
                    headers["Set-Cookie"] = "consent=yes; Path=/"
                elif path in site.routes:
                    if "consent=yes" in cookie:
                        body = site.routes[path]
                    else:
                        status, headers["Location"] = 302, f"/consent/?back={path}"
                else:
                    status, body = 404, b"<html><body>not found</body></html>"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if site.bomb:
                    for _ in range(40):
                        self.send_header("Set-Cookie", f"bomb{next(site._names)}={'x' * 4000}; Path=/")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield base
        finally:
            server.shutdown()
            server.server_close()


def _crawl(site: CookieSite, tmp_path: Path) -> tuple[int, str]:
    with site.serve() as base:
        db = tmp_path / "cookies.db"
        done = scrapy_crawl("news", base, f"sqlite:///{db}", tmp_path, site_arg=True)
    assert done.returncode == 0, done.log[-2000:]
    with closing(sqlite3.connect(db)) as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return stored, done.log


def test_a_sites_own_consent_cookie_still_opens_its_articles(tmp_path: Path) -> None:
    stored, log = _crawl(CookieSite(bomb=False), tmp_path)
    assert stored == ARTICLES
    assert "Public Suffix" not in log and "Traceback" not in log


def test_a_cookie_bomb_is_capped_and_the_site_is_still_crawled(tmp_path: Path) -> None:
    """Without the cap the jar held 160 KB after the first answer, and every later request was
    refused by the server (431), so nothing was stored."""
    site = CookieSite(bomb=True)
    stored, log = _crawl(site, tmp_path)
    assert stored == ARTICLES
    assert max(site.cookie_sizes) <= DEFAULT_MAX_COOKIE_BYTES
    assert "Public Suffix" not in log and "Traceback" not in log


def test_the_public_suffix_check_uses_the_bundled_list_only() -> None:
    assert _suffixes().suffix_list_urls == ()
    assert is_public_suffix("co.uk") and is_public_suffix("github.io")
    assert not is_public_suffix("example.co.uk") and not is_public_suffix("127.0.0.1")
