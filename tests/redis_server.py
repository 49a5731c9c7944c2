"""A real, throwaway redis-server on 127.0.0.1 for tests (the Debian ``redis-server`` binary).

No persistence (``--save '' --appendonly no``), its files in a temporary folder, stopped
(SIGTERM, then SIGKILL) when the context ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def available() -> bool:
    return shutil.which("redis-server") is not None


@contextmanager
def redis_server(password: str | None = None) -> Iterator[str]:
    """Start redis-server; yield its URL (``redis://[:password@]127.0.0.1:PORT/0``)."""
    with tempfile.TemporaryDirectory(prefix="harvester-redis-") as folder:
        for _ in range(5):
            port = free_port()
            command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                       "--dir", folder, "--logfile", f"{folder}/redis.log"]
            if password:
                command += ["--requirepass", password]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            url = f"redis://{':' + password + '@' if password else ''}127.0.0.1:{port}/0"
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            if process.poll() is None:
                break
        else:
            raise RuntimeError("redis-server did not start")
        try:
            yield url
        finally:
            client.close()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
