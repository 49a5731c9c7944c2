"""The id of this process in the fetch log (``fetch_log.worker``): host, process id and a nonce."""

from __future__ import annotations

import os
import socket
import uuid

_ids: dict[int, str] = {}


def worker_id() -> str:
    """This process's worker id (a new one after a fork)."""
    pid = os.getpid()
    if pid not in _ids:
        _ids[pid] = f"{socket.gethostname()[:60]}:{pid}:{uuid.uuid4().hex[:6]}"
    return _ids[pid]
