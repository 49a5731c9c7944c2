"""The hand-off from the crawl's event loop to the store: durable first, then written.

``Handoff.put`` appends a record to the spool on a dedicated thread (group commit: every record
waiting is written and fsynced together), resolves once the record is durable, and passes it to
the store writer's thread. While the writer's backlog is above ``backlog_limit`` the caller is
kept waiting: the crawl's items stay in Scrapy's scraper slot and the engine stops downloading
(back-pressure). The event loop never writes a file or the database itself.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from harvester.db.writer import StoreWriter
from harvester.spool import Spool, SpoolError


class Handoff:
    def __init__(self, spool: Spool, writer: StoreWriter, backlog_limit: int) -> None:
        self.spool = spool
        self.writer = writer
        self.backlog_limit = max(1, backlog_limit)
        self.failure: str | None = None
        self._lock = threading.Lock()
        self._waiting: list[tuple[Any, asyncio.Future[None] | None]] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvester-spool")
        self._loop: asyncio.AbstractEventLoop | None = None

    async def put(self, record: Any) -> None:
        """Hand ``record`` over; returns once it is durable (raises ``SpoolError`` if it cannot be)."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        done: asyncio.Future[None] = loop.create_future()
        self._enqueue(record, done)
        await done
        while self.writer.backlog > self.backlog_limit and self.writer.failure is None:
            await asyncio.sleep(0.1)

    def put_nowait(self, record: Any) -> None:
        """Hand ``record`` over without waiting (from signal handlers); durable shortly after."""
        self._enqueue(record, None)

    def _enqueue(self, record: Any, done: asyncio.Future[None] | None) -> None:
        if self.failure is not None:
            if done is not None:
                done.set_exception(SpoolError(self.failure))
            return
        with self._lock:
            self._waiting.append((record, done))
        self._executor.submit(self._flush)

    def _flush(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting, []
        if not batch:
            return
        try:
            seqs = self.spool.append([record for record, _ in batch])
        except SpoolError as exc:
            self.failure = str(exc)
            self._resolve(batch, exc)
            return
        self.writer.submit(zip(seqs, (record for record, _ in batch)))
        self._resolve(batch, None)

    def _resolve(self, batch: list[tuple[Any, asyncio.Future[None] | None]], error: Exception | None) -> None:
        loop = self._loop
        for _, done in batch:
            if done is None or loop is None or loop.is_closed():
                continue
            if error is None:
                loop.call_soon_threadsafe(_set_result, done)
            else:
                loop.call_soon_threadsafe(_set_exception, done, error)

    def flush_now(self) -> None:
        """Make everything handed over so far durable (blocking; for the end of a run)."""
        self._executor.submit(self._flush).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def _set_result(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _set_exception(future: asyncio.Future[None], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)
