"""A loopback HTTP server for the offline site mirrors (demo and tests).

A mirror is a folder whose files sit at the real site's URL paths:

* a path ending in ``/`` is served from ``index.html`` in that folder, else ``index.xml``;
* any other path from the file at exactly that path (a file with no extension is HTML);
* a path with no file is a 404; query strings are ignored.

It answers ``GET`` and ``HEAD`` only, binds to 127.0.0.1, and answers conditional requests
(``If-None-Match`` with the file's ETag, ``If-Modified-Since`` with its mtime) with 304, as real
sites do, so incremental re-crawls can be tested. It speaks HTTP/1.1 and keeps connections open
between requests, as real sites do (a new connection per page would make the crawl's own cost per
page look larger than it is); stopping the server closes them all.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import sys
import threading
from collections.abc import Iterator
from http import HTTPStatus
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

MIRROR_SITES = ("worldofsoftware", "itpostnews", "budapestpost")


def bundled_mirror(site: str) -> Path:
    """The folder of a mirror shipped inside the package."""
    root = Path(str(resources.files("harvester") / "mirrors" / site))
    if not root.is_dir():
        raise FileNotFoundError(f"no bundled mirror for site {site!r}")
    return root


def resolve_path(root: Path, url_path: str) -> Path | None:
    """The mirror file that answers ``url_path``, or None (a 404)."""
    path = unquote(urlsplit(url_path).path) or "/"
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    target = root.joinpath(*parts) if parts else root
    if path.endswith("/"):
        for index in ("index.html", "index.xml"):
            candidate = target / index
            if candidate.is_file():
                return candidate
        return None
    return target if target.is_file() else None


def content_type(file: Path, body: bytes) -> str:
    """The Content-Type header for a mirror file."""
    suffix = file.suffix.lower()
    if suffix == ".xml":
        head = body[:512].lstrip()
        if b"<rss" in head:
            return "application/rss+xml; charset=utf-8"
        if b"<feed" in head:
            return "application/atom+xml; charset=utf-8"
        return "application/xml; charset=utf-8"
    if suffix == ".txt":
        return "text/plain; charset=utf-8"
    if suffix == ".json":
        return "application/json"
    return "text/html; charset=utf-8"


def _handler_for(root: Path) -> type[BaseHTTPRequestHandler]:
    class MirrorHandler(BaseHTTPRequestHandler):
        server_version = "harvester-mirror/1"
        protocol_version = "HTTP/1.1"  # keep-alive: every answer says its length (304 has no body)

        server: MirrorServer

        def setup(self) -> None:
            super().setup()
            self.server.connections.add(self.connection)

        def handle(self) -> None:
            try:
                super().handle()
            except (ConnectionError, TimeoutError):
                pass  # the client went away (or the server stopped) between two requests: nothing to answer

        def finish(self) -> None:
            self.server.connections.discard(self.connection)
            super().finish()

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            self._serve(with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(with_body=False)

        def _serve(self, with_body: bool) -> None:
            file = resolve_path(root, self.path)
            if file is None:
                body = b"<html><body><h1>404 Not Found</h1></body></html>"
                self.send_response(HTTPStatus.NOT_FOUND)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)
                return
            body = file.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            mtime = int(file.stat().st_mtime)
            if self._not_modified(etag, mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type(file, body))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def _not_modified(self, etag: str, mtime: int) -> bool:
            """RFC 9110: If-None-Match wins over If-Modified-Since."""
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:
                return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
            if_modified_since = self.headers.get("If-Modified-Since")
            if if_modified_since:
                try:
                    return mtime <= parsedate_to_datetime(if_modified_since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the crawl logs what matters

    return MirrorHandler


class MirrorServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its open (kept-alive) connections, to end them when it stops."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.connections: set[socket.socket] = set()

    def handle_error(self, request: object, client_address: object) -> None:
        """A client gone mid-answer (a crawl killed or stopped) is expected, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    def close_connections(self) -> None:
        """End the kept-alive connections of the stopped server: its clients see it gone, as they
        would a real server's, instead of being answered by the threads still holding them."""
        for connection in list(self.connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def serve_mirror(root: Path, port: int = 0) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 in a background thread; yields the base URL."""
    with serve(_handler_for(Path(root)), port, name=f"mirror:{root}") as server:
        host, bound_port = server.server_address[:2]
        yield f"http://{host}:{bound_port}"


@contextlib.contextmanager
def serve(handler: type[BaseHTTPRequestHandler], port: int = 0, name: str = "mirror") -> Iterator[MirrorServer]:
    """A ``MirrorServer`` with ``handler`` (the mirror's, or a test's variant of it) on 127.0.0.1,
    in a background thread; stopping it ends its kept-alive connections too."""
    server = MirrorServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        server.close_connections()
        thread.join(timeout=5)
