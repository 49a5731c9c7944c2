"""Site runs queued on the cluster: ``harvester crawl … --submit`` queues them, ``harvester
worker`` serves them.

A queued site run is a JSON object in the Redis list ``harvester:site_runs``: the spider name,
its ``-a`` arguments and ``-s`` settings (strings only; never a database URL or any other
credential: each worker uses its own ``HARVESTER_DATABASE_URL``). A worker takes one whenever it
has a free slot (``--slots``, several site runs at once) and runs it as a ``harvester crawl``
subprocess on the same frontier, so the run is shared with every other worker that takes a copy
of the same job (``--workers K`` queues K copies: K workers on one site run). Entries that are
not such objects, or name a spider this worker does not have, are refused and logged.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from harvester.cluster.config import SETTING, connect, redact

logger = logging.getLogger(__name__)
QUEUE_KEY = "harvester:site_runs"
#: settings a job may not carry: where the store is, and how to reach the cluster, are the worker's
FORBIDDEN_SETTINGS = frozenset({"DATABASE_URL", SETTING})


@dataclass(frozen=True)
class SiteRun:
    spider: str
    args: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"spider": self.spider, "args": self.args, "settings": self.settings}, sort_keys=True)

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "harvester.cli", "crawl", self.spider]
        for name, value in self.args.items():
            command += ["-a", f"{name}={value}"]
        for name, value in self.settings.items():
            command += ["-s", f"{name}={value}"]
        return command


def parse(raw: bytes | str, known: set[str]) -> SiteRun:
    """The site run of a queue entry; ValueError for anything else."""
    try:
        entry = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(entry, dict) or set(entry) != {"spider", "args", "settings"}:
        raise ValueError("not a site run object")
    spider, args, settings = entry["spider"], entry["args"], entry["settings"]
    if not isinstance(spider, str) or spider not in known:
        raise ValueError(f"unknown spider {str(spider)[:64]!r}")
    for name, pairs in (("args", args), ("settings", settings)):
        if not isinstance(pairs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs.items()):
            raise ValueError(f"{name}: not a map of strings")
    if FORBIDDEN_SETTINGS & set(settings):
        raise ValueError(f"settings: {sorted(FORBIDDEN_SETTINGS & set(settings))} come from the worker, not the job")
    return SiteRun(spider, args, settings)


def submit(url: str, runs: list[SiteRun], copies: int = 1) -> int:
    """Queue ``copies`` of each site run; the number queued."""
    client = connect(url)
    entries = [run.to_json() for run in runs for _ in range(max(1, copies))]
    if entries:
        client.rpush(QUEUE_KEY, *entries)
    return len(entries)


def serve(url: str, slots: int, known: set[str], *, idle_exit: float | None = None, poll: float = 1.0) -> int:
    """Run queued site runs, up to ``slots`` at once, until SIGTERM / SIGINT (or, with
    ``idle_exit``, until nothing ran or was queued for that many seconds). Exit status 0."""
    client = connect(url)
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    env = dict(os.environ, **{SETTING: url})
    running: list[tuple[SiteRun, subprocess.Popen[bytes]]] = []
    idle_since = time.monotonic()
    logger.info("worker serving site runs from %s with %d slots", redact(url), slots)
    try:
        while not stopping:
            for run, process in list(running):
                if process.poll() is not None:
                    running.remove((run, process))
                    logger.info("site run %s ended (exit %d)", run.spider, process.returncode)
            while len(running) < slots and not stopping:
                raw = client.lpop(QUEUE_KEY)
                if raw is None:
                    break
                try:
                    run = parse(raw, known)
                except ValueError as exc:
                    logger.warning("refused a queued site run: %s: %r", exc, raw[:120])
                    continue
                logger.info("site run %s started", run.spider)
                running.append((run, subprocess.Popen(run.command(), env=env)))
            if running:
                idle_since = time.monotonic()
            elif idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                break
            time.sleep(poll)
    finally:
        for _, process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the crawl records its run as shutdown
        for _, process in running:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
