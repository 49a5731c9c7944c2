"""Extraction in worker processes: results, and pages over their budgets recorded, never fatal."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from harvester.extraction import Article
from harvester.minhash import fingerprint_body
from harvester.workers import (
    EXTRACT_ERROR,
    EXTRACT_INTERRUPTED,
    EXTRACT_MEMORY,
    EXTRACT_TIMEOUT,
    ExtractFailure,
    Extracted,
    ExtractionPool,
    PageJob,
    run_job,
)

PAGE = ("<html><head><title>Harbour plan</title></head><body><article><h1>Harbour plan approved</h1>"
        + "".join(f"<p>The council approved the harbour plan on day {n}, after a long debate about costs, "
                  f"ferries and the fishing fleet that uses the old quay every morning.</p>" for n in range(8))
        + "</article></body></html>")


def slow(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def hungry(mib: int) -> int:
    return len(bytearray(mib * 1024 * 1024))


def broken() -> None:
    raise KeyError("a bug")


@pytest.fixture(scope="module")
def pool():
    pool = ExtractionPool(workers=2, timeout=8.0, memory_mb=1024)
    pool.start()
    yield pool
    pool.close()


def run(coro):
    return asyncio.run(coro)


def test_a_page_is_extracted_in_a_worker(pool: ExtractionPool) -> None:
    result = run(pool.extract(PageJob(PAGE.encode(), "https://example.com/harbour/", "text/html", None)))
    assert isinstance(result, Extracted) and isinstance(result.result, Article)
    assert result.result.title == "Harbour plan approved"
    assert len(result.body_sha256) == 64 and result.raw_compressed
    assert result.fingerprint == fingerprint_body(result.result.body)  # the store's near-duplicate signature


def test_a_page_over_its_time_budget_is_recorded_and_the_worker_replaced(pool: ExtractionPool) -> None:
    started = time.monotonic()
    result = run(pool.run(slow, 60))
    assert isinstance(result, ExtractFailure) and result.reason == EXTRACT_TIMEOUT
    assert time.monotonic() - started < 30
    assert run(pool.run(slow, 0)) == "done"  # the pool goes on


def test_a_page_over_its_memory_budget_is_recorded(pool: ExtractionPool) -> None:
    result = run(pool.run(hungry, 4096))
    assert isinstance(result, ExtractFailure) and result.reason == EXTRACT_MEMORY
    assert run(pool.run(hungry, 1)) == 1024 * 1024


def test_an_exception_in_a_worker_is_a_recorded_reason(pool: ExtractionPool) -> None:
    result = run(pool.run(broken))
    assert isinstance(result, ExtractFailure) and result.reason == EXTRACT_ERROR and "KeyError" in result.detail


def test_cancelling_pending_pages_answers_at_once() -> None:
    pool = ExtractionPool(workers=2, timeout=20.0, memory_mb=1024)
    pool.start()

    async def scenario() -> tuple[object, float]:
        task = asyncio.ensure_future(pool.run(slow, 15))
        await asyncio.sleep(1.0)
        started = time.monotonic()
        pool.cancel_pending()
        return await task, time.monotonic() - started

    try:
        result, took = run(scenario())
    finally:
        pool.close()
    assert isinstance(result, ExtractFailure) and result.reason == EXTRACT_INTERRUPTED
    assert took < 1.0


def test_one_crawler_stopping_lets_go_of_its_own_pages_only() -> None:
    """Crawlers of one process (``harvester crawl`` of several sites) share the pool: when one
    finishes or stops, the pages the others are waiting for are still extracted."""

    class Crawler:  # an owner, as the spiders are
        pass

    first, second = Crawler(), Crawler()
    pool = ExtractionPool(workers=2, timeout=20.0, memory_mb=1024)
    pool.start()

    async def scenario() -> tuple[object, object, object, object]:
        mine = asyncio.ensure_future(pool.run(slow, 15, owner=first))
        theirs = asyncio.ensure_future(pool.run(slow, 2, owner=second))
        await asyncio.sleep(1.0)
        assert pool.cancel_pending(first) == 1
        after_first = await pool.run(slow, 0, owner=first)
        after_second = await pool.run(slow, 0, owner=second)
        return await mine, await theirs, after_first, after_second

    try:
        mine, theirs, after_first, after_second = run(scenario())
    finally:
        pool.close()
    assert isinstance(mine, ExtractFailure) and mine.reason == EXTRACT_INTERRUPTED
    assert isinstance(after_first, ExtractFailure) and after_first.reason == EXTRACT_INTERRUPTED
    assert not isinstance(theirs, ExtractFailure) and not isinstance(after_second, ExtractFailure)


_CAFE = ("<html><head><title>Café prices rise</title></head><body><article><h1>Café prices rise</h1>"
         + "".join(f"<p>The café menu now costs 5 € for a coffee and a croissant, the owners said on day {i}, "
                   "and regulars say they will keep coming because the bakers are the best in town.</p>"
                   for i in range(4)) + "</article></body></html>")


def _body_of(body: bytes, content_type: str | None) -> str:
    result = run_job(PageJob(body, "https://news.example/2026/11/27/cafe-prices-rise/", content_type, None)).result
    assert isinstance(result, Article), result
    return " ".join(result.body)


def test_the_http_charset_wins_over_a_missing_declaration() -> None:
    assert "café menu now costs 5 €" in _body_of(_CAFE.encode("cp1252"), "text/html; charset=windows-1252")


def test_utf8_bytes_and_their_text_extract_alike_and_a_header_charset_still_wins() -> None:
    utf8 = _CAFE.encode()
    assert "café menu now costs 5 €" in _body_of(utf8, "text/html; charset=utf-8")  # the bytes path
    assert "café menu now costs 5 €" in _body_of(utf8, "text/html")  # undeclared: valid UTF-8
    assert "cafÃ©" in _body_of(utf8, "text/html; charset=windows-1252")  # what a browser shows too


STARTING = r"""
import asyncio, sys, time
from harvester.workers import ExtractionPool, PageJob
page = sys.stdin.read().encode()

async def main():
    pool = ExtractionPool(workers=2, timeout=60.0, memory_mb=0)
    pool.start()  # in a fresh process: the fork server still has its imports to do
    ticks = [time.monotonic()]
    async def tick():
        while True:
            await asyncio.sleep(0.005)
            ticks.append(time.monotonic())
    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    result = await pool.extract(PageJob(page, "https://example.com/harbour/", "text/html", None))
    ticks.append(time.monotonic())
    ticker.cancel()
    pool.close()
    longest = max(b - a for a, b in zip(ticks, ticks[1:]))
    print(type(result).__name__, longest, ticks[-1] - ticks[0])

asyncio.run(main())
"""


def test_starting_the_workers_never_blocks_the_event_loop() -> None:
    """The first page waits for the workers to start (the fork server imports the extractor first,
    about half a second) without blocking the loop: its timers keep firing all along (when the
    start blocked the loop, one gap between two timers was most of the wait)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", STARTING], input=PAGE, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    kind, longest, waited = done.stdout.split()
    assert kind == "Extracted"
    assert float(longest) < 0.5 * float(waited), f"the loop stood still {longest} s of the {waited} s wait"


STOPPING = r"""
import asyncio, sys
from harvester.workers import ExtractionPool, PageJob
page = sys.stdin.read().encode()

async def main():
    pool = ExtractionPool(workers=2, timeout=60.0, memory_mb=0)
    pool.start()
    waiting = asyncio.create_task(pool.extract(PageJob(page, "https://example.com/harbour/", "text/html", None)))
    await asyncio.sleep(0.05)  # the page now awaits the workers' start
    pool.cancel_pending()  # the crawl is shutting down
    result = await asyncio.wait_for(waiting, 60)
    pool.close()
    print(type(result).__name__, getattr(result, "reason", ""))

asyncio.run(main())
"""


def test_a_page_awaiting_the_workers_start_is_let_go_at_shutdown() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", STOPPING], input=PAGE, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["ExtractFailure", EXTRACT_INTERRUPTED]


UNGUARDED = r"""
import sys
from scrapy.cmdline import execute

# no `if __name__ == "__main__":` around it: the workers' fork server imports this module, which
# starts the crawl again there, and the workers die as they start
execute(["scrapy", "crawl", "news", "-a", "site=" + sys.argv[1], "-s", "LOG_FILE=" + sys.argv[2],
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"])
"""


def test_a_crawl_whose_workers_die_as_they_start_fails_with_the_reason(tmp_path: Path) -> None:
    """Every worker dying at start (here a script without a `__main__` guard, which the fork server
    re-runs) made each discovery callback raise pebble's BrokenProcessPool: nothing was stored,
    nothing recorded why, and the run ended `finished`, exit 0. Now the pages are recorded
    `extract_crash`, and the run stops, `failed`, with the reason and what to do about it."""
    import html
    import sqlite3
    import subprocess
    import sys
    from contextlib import closing

    from harvester.db.testing import sqlite_at_head
    from tests.hostile import pages
    from tests.hostile.articles import STORIES
    from tests.crawling import REPO_ROOT
    from tests.hostile.server import HostileServer, html_route

    server = HostileServer()
    for story in STORIES[:3]:
        server.routes[story.path] = html_route(pages.article_page(story))
    script = tmp_path / "crawl_script.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    database = sqlite_at_head(tmp_path / "unguarded.db")
    log_file = tmp_path / "crawl.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database
    with server:
        base = server.base_url
        server.routes["/sitemap.xml"] = html_route(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{html.escape(base + s.path)}</loc></url>" for s in STORIES[:3]) + "</urlset>",
            content_type="application/xml")
        done = subprocess.run([sys.executable, str(script), base, str(log_file)], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=240)  # exit 0: `harvester crawl` has the exit code that tells
    log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    assert "BrokenProcessPool" not in log
    with closing(sqlite3.connect(database.removeprefix("sqlite:///"))) as conn:
        runs = conn.execute("SELECT status, status_detail FROM crawl_runs").fetchall()
        crashed = conn.execute("SELECT count(*) FROM fetch_log WHERE reason = 'extract_crash'").fetchone()[0]
    failed = [detail for status, detail in runs if status == "failed"]
    assert len(failed) == 1, (runs, done.stderr[-2000:])
    assert "__main__" in failed[0]
    # the fork server's re-runs of the script found the site's run lock taken: they did nothing
    assert {status for status, _ in runs} == {"failed", "skipped"} or len(runs) == 1
    assert crashed >= 1
