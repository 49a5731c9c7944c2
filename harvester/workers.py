"""Extraction off the event loop: a pool of worker processes with a time and memory budget per page.

The spider hands each article response to :class:`ExtractionPool` and awaits the result; the
event loop only downloads, schedules and hands off. The pool is pebble's ``ProcessPool``: a
page that overruns its time budget (``HARVESTER_EXTRACT_TIMEOUT``) has its worker killed and
replaced, and comes back as :class:`ExtractFailure` ``extract_timeout``; a page that exhausts
the worker's address-space limit (``HARVESTER_EXTRACT_MEMORY_MB``) comes back as
``extract_memory``; a worker that dies comes back as ``extract_crash``. The crawl goes on.

``HARVESTER_EXTRACT_WORKERS`` sets the number of processes (default: the number of CPUs);
``1`` extracts in the crawling process itself, for debugging with a plain traceback.

Back-pressure needs no queue of its own: a response whose extraction is pending stays in
Scrapy's scraper slot, and once ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes are pending the engine
stops downloading until results come back.

Workers ignore SIGINT (a Ctrl-C reaches the whole process group): the crawling process decides
when to stop, and :meth:`ExtractionPool.cancel_pending` lets a shutdown go on within a second
whatever is being extracted.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
import weakref
from concurrent.futures import CancelledError, Future, TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool
from w3lib.encoding import html_to_unicode

from harvester import rawcodec
from harvester.extraction import Article, ExtractionResult, SiteRules, extract
from harvester.minhash import BodyFingerprint, fingerprint_body

log = logging.getLogger(__name__)
T = TypeVar("T")

EXTRACT_TIMEOUT = "extract_timeout"
EXTRACT_MEMORY = "extract_memory"
EXTRACT_CRASH = "extract_crash"
EXTRACT_INTERRUPTED = "extract_interrupted"
EXTRACT_ERROR = "extract_error"


@dataclass(frozen=True)
class PageJob:
    """One fetched page to extract: the bytes as received and what is needed to decode them."""

    body: bytes
    url: str  # the real-site URL
    content_type: str | None  # the HTTP Content-Type header: its charset wins over <meta>
    rules: SiteRules | None


@dataclass(frozen=True)
class Extracted:
    """A page's extraction result plus what the store needs of the raw page, computed in the worker."""

    result: ExtractionResult
    body_sha256: str
    raw_compressed: bytes  # the page's bytes, compressed for the raw page archive (harvester.rawcodec)
    seconds: float
    fingerprint: BodyFingerprint | None = None  # an article's MinHash signature, for the store's near-duplicates


@dataclass(frozen=True)
class ExtractFailure:
    """A page whose extraction did not complete; ``reason`` is a ``fetch_log`` reason."""

    reason: str  # EXTRACT_TIMEOUT, EXTRACT_MEMORY, EXTRACT_CRASH, EXTRACT_ERROR, EXTRACT_INTERRUPTED
    detail: str


def run_job(job: PageJob) -> Extracted:
    """Extract one page (runs in a worker process, or in-process with one worker)."""
    started = time.perf_counter()
    # decoded as a browser would: BOM, then the HTTP header's charset, then <meta charset>, then
    # detection (w3lib, the same rules as Scrapy's response.text)
    encoding, text = html_to_unicode(job.content_type, job.body) if job.body else ("", "")
    # Valid UTF-8 goes in as bytes: extraction decodes it to the same text and, having the bytes,
    # looks for control characters in them instead of the text (a scan of the text took 1.5 ms a page)
    page: str | bytes = job.body if encoding == "utf-8" and "\ufffd" not in text else text
    result = extract(page, job.url, job.rules)
    return Extracted(
        result=result,
        body_sha256=hashlib.sha256(job.body).hexdigest(),
        raw_compressed=rawcodec.compress(job.body),
        seconds=time.perf_counter() - started,
        fingerprint=fingerprint_body(result.body) if isinstance(result, Article) else None,
    )


def _ready() -> None:
    """The task that starts the workers (see ``ExtractionPool.run``)."""


def _guarded(function: Callable[..., T], *args: Any) -> T | ExtractFailure:
    """``function(*args)``; a failure comes back as a value with its reason, never as a crash."""
    try:
        return function(*args)
    except MemoryError:
        return ExtractFailure(EXTRACT_MEMORY, "the page exhausted the worker's memory budget")
    except RecursionError:
        return ExtractFailure(EXTRACT_ERROR, "the page is nested too deeply to process")
    except Exception as exc:  # noqa: BLE001 - a bug or unforeseen input: recorded, the crawl goes on
        log.exception("extraction failed")
        return ExtractFailure(EXTRACT_ERROR, f"{type(exc).__name__}: {exc}"[:500])


WORKER_GC_THRESHOLD = 10_000
"""A worker's young generation is collected every this many allocations (Python's 700 cost about 3%
of the extraction's CPU, finding almost nothing to free)."""


def _init_worker(memory_mb: int) -> None:
    """Worker set-up: leave signals to the parent, load the extractor now (the first page must not
    pay for the imports out of its time budget), cap the address space, and keep the garbage
    collector off the extractor's own objects (frozen: shared with the fork server, never traversed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    import harvester.extraction.pipeline  # noqa: F401 - trafilatura, lxml, language models
    import harvester.discovery  # noqa: F401
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


WORKER_PRELOAD = ["harvester.workers", "harvester.extraction.pipeline", "harvester.discovery", "trafilatura", "numpy"]
"""What the fork server imports once, before it forks each worker (and each replacement). numpy is
named because the workers sign every article (``harvester.minhash`` imports it only when signing)."""


def worker_context() -> multiprocessing.context.BaseContext:
    """Workers are forked from a fork server: a clean process started once, which imports the
    extractor once (``WORKER_PRELOAD``), so that N workers and every replacement of a killed one
    start in milliseconds instead of paying the imports again (about a second of CPU each). The
    crawling process itself is never forked: it runs threads and an event loop."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


class ExtractionPool:
    """Extracts pages in worker processes; one pool per crawling process, shared by its crawlers."""

    def __init__(self, workers: int, timeout: float, memory_mb: int) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._pool: ProcessPool | None = None
        self._pending: dict[asyncio.Future[Any], object] = {}  # page in flight -> its crawler (owner)
        self._stopped: weakref.WeakSet[Any] = weakref.WeakSet()  # crawlers that stopped waiting
        self._closing = False
        self._starter: threading.Thread | None = None
        self.broken: str | None = None  # why no worker can run, once they all died (see ``_broken``)

    @property
    def in_process(self) -> bool:
        return self.workers == 1

    def start(self) -> None:
        if self.in_process or self._pool is not None:
            return
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the workers inherit it
        self._pool = ProcessPool(
            max_workers=self.workers,
            initializer=_init_worker,
            initargs=(self.memory_mb,),
            context=worker_context(),
        )

    async def extract(self, job: PageJob, *, owner: object = None) -> Extracted | ExtractFailure:
        """The page's extraction, awaited off the event loop."""
        return await self.run(run_job, job, owner=owner)

    async def run(self, function: Callable[..., T], *args: Any, owner: object = None) -> T | ExtractFailure:
        """``function(*args)`` in a worker (a pure, picklable function), within the page budgets.

        ``owner`` is the crawler asking (several crawlers of one process share the pool):
        ``cancel_pending(owner)`` lets go of its pages only."""
        if self._closing or (owner is not None and owner in self._stopped):
            return ExtractFailure(EXTRACT_INTERRUPTED, "the crawl is shutting down")
        if self.broken is not None:
            return ExtractFailure(EXTRACT_CRASH, self.broken)
        if self._pool is None:
            self.start()
        if self._pool is None:  # one worker: in-process, on the event loop (debugging)
            return _guarded(function, *args)
        if self._starter is None:
            # The workers start with the first page to extract (a crawl that extracts nothing, a
            # re-crawl of unchanged pages, never starts them), in a thread: starting them waits for
            # the fork server's imports (about half a second), which would block the event loop.
            self._starter = threading.Thread(target=self._pool.schedule, args=(_ready,), name="extraction-pool-start",
                                             daemon=True)
            self._starter.start()
        if self._starter.is_alive():
            await asyncio.to_thread(self._starter.join)
            if self._closing or (owner is not None and owner in self._stopped) or self._pool is None:
                return ExtractFailure(EXTRACT_INTERRUPTED, "the crawl is shutting down")
        future: Future[T | ExtractFailure] = self._pool.schedule(_guarded, (function, *args), timeout=self.timeout)
        waiting = asyncio.wrap_future(future)
        self._pending[waiting] = owner
        try:
            return await waiting
        except FutureTimeout:
            return ExtractFailure(EXTRACT_TIMEOUT, f"extraction took more than {self.timeout:g} s; worker replaced")
        except ProcessExpired as exc:  # killed from outside (the OOM killer: SIGKILL) or crashed
            reason = EXTRACT_MEMORY if exc.exitcode == -signal.SIGKILL else EXTRACT_CRASH
            return ExtractFailure(reason, f"extraction worker died: {exc}")
        except BrokenProcessPool as exc:
            return ExtractFailure(EXTRACT_CRASH, self._broken(exc))
        except (CancelledError, asyncio.CancelledError):
            future.cancel()
            return ExtractFailure(EXTRACT_INTERRUPTED, "the crawl stopped before the page was extracted")
        finally:
            self._pending.pop(waiting, None)

    def _broken(self, exc: BaseException) -> str:
        """Every worker died before it could take a page (pebble gave up on the pool): no page of
        this process can be extracted, so every later one gets this answer at once."""
        if self.broken is None:
            self.broken = (f"the extraction workers died as they started ({exc}). A script that starts a crawl must "
                           "do it under `if __name__ == \"__main__\":`: the workers' fork server imports the "
                           "script's module, which would start it again")
            log.error("%s", self.broken)
        return self.broken

    @property
    def pending(self) -> int:
        return len(self._pending)

    def cancel_pending(self, owner: object = None) -> int:
        """Stop waiting for the pages in flight of ``owner`` (one crawler stopping), or of every
        crawler (``None``: the process is shutting down); they come back ``extract_interrupted``,
        and so does whatever that owner asks for afterwards. Other crawlers sharing the pool go on."""
        if owner is None:
            self._closing = True
        else:
            self._stopped.add(owner)
        pending = [waiting for waiting, asker in self._pending.items() if owner is None or asker is owner]
        for waiting in pending:
            waiting.cancel()
        return len(pending)

    def close(self) -> None:
        """Stop the workers (what is running is killed: the crawl is over)."""
        self._closing = True
        pool, self._pool = self._pool, None
        if self._starter is not None:
            self._starter.join(timeout=10)  # a pool is not stopped while it is being started
            self._starter = None
        if pool is not None:
            pool.stop()
            pool.join(timeout=5)


_shared: dict[tuple[int, float, int], tuple[ExtractionPool, int]] = {}


def acquire_pool(workers: int, timeout: float, memory_mb: int) -> ExtractionPool:
    """The process's pool for these budgets (several crawlers in one process share it)."""
    key = (workers, timeout, memory_mb)
    pool, users = _shared.get(key, (None, 0))
    if pool is None:
        pool = ExtractionPool(workers, timeout, memory_mb)
    _shared[key] = (pool, users + 1)
    return pool


def release_pool(pool: ExtractionPool) -> None:
    """One crawler is done with ``pool``; the last one closes it."""
    for key, (shared, users) in list(_shared.items()):
        if shared is pool:
            if users <= 1:
                del _shared[key]
                pool.close()
            else:
                _shared[key] = (shared, users - 1)
            return
    pool.close()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
