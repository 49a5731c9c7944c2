"""The crawling process's own machinery: the shutdown watch and the garbage collector settings."""

from __future__ import annotations

import asyncio
import gc
from types import SimpleNamespace

from scrapy.utils.test import get_crawler
from twisted.internet.task import Clock

from harvester import gc_tuning
from harvester.gc_tuning import GcTuning
from harvester.site_spider import _ShutdownWatch
from harvester.workers import WORKER_GC_THRESHOLD, ExtractionPool


class _Spider:
    """What the watch reads of a spider (a crawler whose engine the test drives, a real pool)."""

    def __init__(self, engine: SimpleNamespace) -> None:
        self.crawler = SimpleNamespace(engine=engine)
        self.pool = ExtractionPool(1, 5.0, 0)
        self.logger = SimpleNamespace(info=lambda *args: None)


def test_the_shutdown_watch_waits_for_the_engine_to_run_before_it_watches() -> None:
    """engine_started handlers run before the engine counts as running: a tick then is no stop."""
    engine = SimpleNamespace(running=False, _slot=None)
    spider = _Spider(engine)
    clock = Clock()
    watch = _ShutdownWatch(spider, 0.25, clock=clock)  # type: ignore[arg-type]
    clock.advance(0.3)
    clock.advance(0.3)
    assert spider not in spider.pool._stopped and watch._call.running
    engine.running = True
    clock.advance(0.3)
    assert spider not in spider.pool._stopped and watch._call.running
    engine.running = False  # a stop (Ctrl-C, CloseSpider)
    clock.advance(0.3)
    assert spider in spider.pool._stopped and not watch._call.running


def test_gc_tuning_is_set_while_a_crawl_runs_and_undone_after() -> None:
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    crawler = get_crawler(settings_dict={"HARVESTER_GC_FREEZE": True, "HARVESTER_GC_THRESHOLD": 12_345})
    first, second = GcTuning.from_crawler(crawler), GcTuning.from_crawler(crawler)
    try:
        first.engine_started()
        assert gc.get_threshold()[0] == 12_345 and gc.get_freeze_count() > frozen_before
        second.engine_started()  # a second crawler of the process: nothing more
        first.engine_stopped()
        assert gc.get_threshold()[0] == 12_345  # the other one still runs
        second.engine_stopped()
        assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    finally:
        gc_tuning._running = 0
        gc.unfreeze()
        gc.set_threshold(*before)


def _gc_state() -> tuple[int, int]:
    return gc.get_threshold()[0], gc.get_freeze_count()


def test_extraction_workers_keep_the_collector_off_the_extractor() -> None:
    pool = ExtractionPool(2, 30.0, 0)
    pool.start()
    try:
        threshold, frozen = asyncio.run(pool.run(_gc_state))
    finally:
        pool.close()
    assert threshold == WORKER_GC_THRESHOLD
    assert frozen > 10_000  # the extractor's modules, imported before the first page
