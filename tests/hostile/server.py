"""A threaded HTTP/1.0 server on a loopback address whose routes can misbehave on purpose.

A route answers with fixed bytes, streams a generated body, drips one byte a second, hangs after
its headers, resets the connection, or redirects. Every request path is recorded in ``hits``.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

MAX_MISBEHAVE_SECONDS = 150
"""A dripping or hanging answer gives up after this long (or when the server stops)."""


@dataclass
class Route:
    """What one path answers. ``kind``: static, stream, drip, hang, reset or redirect."""

    kind: str = "static"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: Callable[[], Iterable[bytes]] | None = None  # for "stream"
    length: int = 0  # Content-Length announced for stream/drip/hang
    location: str = ""  # for "redirect"


def html_route(text: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8") -> Route:
    body = text.encode() if isinstance(text, str) else text
    return Route(status=status, headers={"Content-Type": content_type}, body=body)


class HostileServer:
    """Serve ``routes`` (path -> Route; unknown paths are 404) on ``host``, port chosen by the OS."""

    def __init__(self, routes: dict[str, Route] | None = None, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = routes if routes is not None else {}
        self.hits: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"hostile:{host}", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def route_for(self, raw_path: str) -> Route | None:
        path = urlsplit(raw_path).path
        return self.routes.get(path) or self.routes.get(unquote(path))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"
            server_version = "hostile/1"

            def do_GET(self) -> None:  # noqa: N802
                with owner._lock:
                    owner.hits.append(self.path)
                route = owner.route_for(self.path)
                if route is None:
                    route = html_route(b"<html><body><h1>404 Not Found</h1></body></html>", status=404)
                try:
                    getattr(self, f"_{route.kind}")(route)
                except (BrokenPipeError, ConnectionResetError, TimeoutError):
                    pass

            def _start(self, route: Route, length: int | None) -> None:
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if length is not None:
                    self.send_header("Content-Length", str(length))
                self.end_headers()

            def _static(self, route: Route) -> None:
                self._start(route, len(route.body))
                self.wfile.write(route.body)

            def _stream(self, route: Route) -> None:
                self._start(route, route.length or None)
                assert route.chunks is not None
                for chunk in route.chunks():
                    if owner.stop.is_set():
                        return
                    self.wfile.write(chunk)

            def _drip(self, route: Route) -> None:
                self._start(route, route.length)
                self.wfile.flush()
                deadline = time.monotonic() + MAX_MISBEHAVE_SECONDS
                for index in range(route.length):
                    if owner.stop.wait(1.0) or time.monotonic() > deadline:
                        return
                    self.wfile.write(route.body[index % max(len(route.body), 1):][:1] or b" ")
                    self.wfile.flush()

            def _hang(self, route: Route) -> None:
                self._start(route, route.length)
                self.wfile.flush()
                owner.stop.wait(MAX_MISBEHAVE_SECONDS)

            def _reset(self, route: Route) -> None:
                # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()

            def _redirect(self, route: Route) -> None:
                self.send_response(route.status if 300 <= route.status < 400 else 302)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler


def repeat_chunks(head: bytes, para: bytes, tail: bytes, total: int) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """A body of exactly ``total`` bytes made of ``head``, ``para`` repeated, padding and ``tail``."""
    count = (total - len(head) - len(tail)) // len(para)
    pad = total - len(head) - len(tail) - count * len(para)

    def chunks() -> Iterator[bytes]:
        yield head
        block = para * 256
        full, rest = divmod(count, 256)
        for _ in range(full):
            yield block
        yield para * rest + b" " * pad
        yield tail

    return total, chunks
