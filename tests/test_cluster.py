"""Scale-out on a shared Redis frontier (harvester.cluster), with a real redis-server.

The codec and frontier tests need only redis-server; the crawl tests run real ``scrapy crawl``
worker processes against a generated site into PostgreSQL (``HARVESTER_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from scrapy import Request

from harvester.cluster import codec
from harvester.cluster.config import crawl_namespace, frontier_url, redact
from harvester.cluster.frontier import Frontier
from harvester.db import make_engine
from harvester.db.testing import POSTGRES_TEST_URL_ENV, database_at_head_url, empty_database_url
from spiders.news import NewsSpider
from tests.cluster_site import ClusterSite, max_rate
from tests.crawling import REPO_ROOT
from tests.redis_server import available, redis_server
from tests.stores import rows, scalar

# Outside CI a missing redis-server or PostgreSQL skips these tests; in CI (CI=true) they run and fail.
IN_CI = os.environ.get("CI", "").lower() == "true"
pytestmark = pytest.mark.skipif(not available() and not IN_CI,
                                reason="redis-server is not installed (apt-get install redis-server)")
needs_postgres = pytest.mark.skipif(
    not os.environ.get(POSTGRES_TEST_URL_ENV, "").strip() and not IN_CI, reason=f"{POSTGRES_TEST_URL_ENV} is not set"
)

HOST_DELAY = 0.04  # the cluster-wide per-host delay of the crawl tests: at most 25 requests/s


class Evil:
    """A pickle that would create ``path`` when unpickled."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.path}",))


def spider() -> NewsSpider:
    return NewsSpider(site="http://127.0.0.1:8000")


# --- codec ------------------------------------------------------------------------------------


def test_codec_round_trip_keeps_what_the_spider_needs() -> None:
    news = spider()
    request = news._request("http://127.0.0.1:8000/news/", news.parse_listing, "listing", priority=10, probe=True, depth=2)
    request.meta["download_slot"] = "private"
    request.meta["not_json"] = object()
    again = codec.decode(codec.encode(request, news), news)
    assert again.url == request.url and again.priority == 10
    assert again.callback == news.parse_listing and again.errback == news.on_error
    assert again.cb_kwargs == {"depth": 2}
    assert again.meta == {"harvester_probe": True, "harvester_article": False, "harvester_channel": "listing"}


def test_codec_keeps_method_headers_and_body() -> None:
    news = spider()
    request = Request("http://127.0.0.1:8000/x", method="POST", body=b"\x00\xffdata", headers={"X-A": ["1", "2"]},
                      dont_filter=True)
    again = codec.decode(codec.encode(request, news), news)
    assert (again.method, again.body, again.headers.getlist("X-A"), again.dont_filter) == ("POST", b"\x00\xffdata", [b"1", b"2"], True)
    assert again.callback is None  # the spider's parse


def test_codec_refuses_callbacks_that_are_not_the_spiders() -> None:
    news = spider()
    with pytest.raises(codec.Unencodable):
        codec.encode(Request("http://127.0.0.1:8000/", callback=print), news)
    entry = json.loads(codec.encode(Request("http://127.0.0.1:8000/"), news))
    for name in ("__init__", "_request", "no_such_method", "os.system", "crawler"):
        with pytest.raises(codec.Rejected):
            codec.decode(json.dumps({**entry, "callback": name}), news)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json {", "not_json"),
        (b"[1, 2]", "not_object"),
        (b'{"url": "http://x/"}', "fields"),
        (b"\xff\xfe", "not_json"),
    ],
)
def test_codec_refuses_garbage(raw: bytes, reason: str) -> None:
    with pytest.raises(codec.Rejected) as refused:
        codec.decode(raw, spider())
    assert refused.value.reason == reason


def test_codec_refuses_wrong_types_and_schemes() -> None:
    news = spider()
    entry = json.loads(codec.encode(Request("http://127.0.0.1:8000/"), news))
    for change in ({"url": "file:///etc/passwd"}, {"priority": "1"}, {"priority": True}, {"method": "BREW"},
                   {"body": "***"}, {"headers": {"A": "b"}}, {"v": 2}, {"meta": []}):
        with pytest.raises(codec.Rejected):
            codec.decode(json.dumps({**entry, **change}), news)


def test_a_pickle_is_refused_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Evil(marker))
    with pytest.raises(codec.Rejected):
        codec.decode(payload, spider())
    assert not marker.exists()


# --- configuration ----------------------------------------------------------------------------


def test_frontier_url_setting_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.settings import Settings

    monkeypatch.setenv("HARVESTER_FRONTIER_URL", "redis://10.0.0.1:6379/0")
    assert frontier_url(Settings()) == "redis://10.0.0.1:6379/0"
    assert frontier_url(Settings({"HARVESTER_FRONTIER_URL": "rediss://:pw@h:6380/1"})) == "rediss://:pw@h:6380/1"
    monkeypatch.delenv("HARVESTER_FRONTIER_URL")
    assert frontier_url(Settings()) is None
    with pytest.raises(ValueError, match="not a Redis URL"):
        frontier_url(Settings({"HARVESTER_FRONTIER_URL": "http://user:secret@h/"}))
    assert "secret" not in redact("rediss://user:secret@h:6380/1") and "h:6380" in redact("rediss://:secret@h:6380/1")


# --- frontier ---------------------------------------------------------------------------------


def test_leases_expire_back_to_the_queue_and_acks_finish_them() -> None:
    with redis_server() as url:
        client = redis.Redis.from_url(url)
        frontier = Frontier(client, "t:crawl", visibility_seconds=0.3)
        frontier.push("low", 0)
        frontier.push("high", 10)
        first = frontier.pop()
        assert first == b"high" and frontier.sizes() == (1, 1)
        second = frontier.pop()
        assert second == b"low" and frontier.pop() is None and frontier.sizes() == (0, 2)
        frontier.ack([second])
        time.sleep(0.4)
        assert frontier.requeue_expired() == 1
        assert frontier.sizes() == (1, 0) and frontier.pop() == b"high"  # with its priority
        time.sleep(0.2)
        assert frontier.renew([b"high"]) == 1
        time.sleep(0.2)
        assert frontier.requeue_expired() == 0  # renewed: still leased
        frontier.release([b"high"])
        assert frontier.sizes() == (1, 0)
        frontier.clear()
        assert client.keys("t:crawl:*") == []


def test_password_url_works_and_is_not_logged() -> None:
    with redis_server(password="s3cret-pw") as url:
        assert redis.Redis.from_url(url).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis.from_url(url.replace("s3cret-pw", "wrong")).ping()
        assert "s3cret-pw" not in redact(url)


# --- real workers into PostgreSQL -------------------------------------------------------------


def start_worker(site: ClusterSite, url: str, database: str, folder: Path, n: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database
    env["HARVESTER_FRONTIER_URL"] = url  # from the environment; -s would win
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"site={site.url}",
        "-s", f"DOWNLOAD_DELAY={HOST_DELAY}", "-s", "HARVESTER_CLUSTER_HOST_CONCURRENCY=4",
        "-s", "CONCURRENT_REQUESTS=8", "-s", "RETRY_TIMES=0",
        "-s", "HARVESTER_CLUSTER_LEASE_SECONDS=10", "-s", "HARVESTER_CLUSTER_WORKER_TIMEOUT=8",
        "-s", f"LOG_FILE={folder / f'worker{n}.log'}", "-s", f"HARVESTER_STATS_FILE={folder / f'worker{n}.json'}",
        *extra,
    ]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_all(workers: list[subprocess.Popen[bytes]], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for worker in workers:
        try:
            codes.append(worker.wait(timeout=max(1.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            for other in workers:
                other.kill()
            raise
    return codes


def stats(folder: Path, n: int) -> dict[str, object]:
    path = folder / f"worker{n}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def assert_crawled_once(database: str, site: ClusterSite, workers: int) -> None:
    engine = make_engine(database)
    try:
        urls = [row[0] for row in rows(engine, "SELECT url FROM articles")]
        assert len(urls) == len(set(urls)) == site.count
        assert set(urls) == site.article_urls()
        assert scalar(engine, "SELECT count(*) FROM article_revisions") == site.count  # nothing stored twice
        runs = rows(engine, "SELECT id, status, workers, articles_new FROM crawl_runs")
        assert len(runs) == 1, runs
        run_id, status, worker_count, new = runs[0]
        assert (status, worker_count, new) == ("finished", workers, site.count)
        fetched_by = rows(engine, "SELECT worker, count(*) FROM fetch_log WHERE run_id = :r GROUP BY worker", r=run_id)
        assert len(fetched_by) >= 2 and all(worker for worker, _ in fetched_by), fetched_by
    finally:
        engine.dispose()


def assert_polite(site: ClusterSite) -> None:
    hits = site.hits()
    # the cluster grants starts HOST_DELAY apart; arrivals may bunch by a little scheduling jitter
    assert max_rate(hits, window=2.0) <= (2.0 / HOST_DELAY + 3) / 2.0, max_rate(hits, window=2.0)
    assert len(site.hits("/robots.txt")) <= 2  # the robots middleware's fetch + the spider's own, once per run


@needs_postgres
def test_three_workers_crawl_a_site_once_and_refuse_injected_entries(tmp_path: Path) -> None:
    database = database_at_head_url("postgresql", tmp_path)
    marker = tmp_path / "pickle-ran"
    with redis_server() as url, ClusterSite(520, small=True) as site:
        client = redis.Redis.from_url(url)
        queue = f"{crawl_namespace('news', [site.url.removeprefix('http://')])}:queue"
        client.zadd(queue, {pickle.dumps(Evil(marker)): -1000, b"garbage {": -1000,
                            json.dumps({"url": "http://127.0.0.1:1/", "callback": "os.system"}): -1000})
        workers = [start_worker(site, url, database, tmp_path, n) for n in range(3)]
        assert wait_all(workers, timeout=400) == [0, 0, 0]
        assert client.keys("harvester:{crawl:*") == []  # the finished run cleared its frontier
    assert not marker.exists()
    rejected = sum(int(stats(tmp_path, n).get("harvester/cluster/rejected", 0)) for n in range(3))
    assert rejected == 3
    assert_crawled_once(database, site, workers=3)
    assert_polite(site)
    assert all(int(stats(tmp_path, n).get("response_received_count", 0)) > 0 for n in range(3))  # all worked


@needs_postgres
def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path: Path) -> None:
    database = database_at_head_url("postgresql", tmp_path)
    engine = make_engine(database)
    # each page answers after 0.3 s, so the killed worker surely holds leased requests in flight
    with redis_server() as url, ClusterSite(500, latency=0.3, small=True) as site:
        workers = [start_worker(site, url, database, tmp_path, n) for n in range(3)]
        deadline = time.monotonic() + 200
        while time.monotonic() < deadline and scalar(engine, "SELECT count(*) FROM articles") < 120:
            time.sleep(0.2)
        assert workers[1].poll() is None, "the crawl ended before the kill"
        workers[1].send_signal(signal.SIGKILL)
        assert wait_all([workers[0], workers[2]], timeout=400) == [0, 0]
        workers[1].wait(timeout=10)
    engine.dispose()
    # what the killed worker had leased came back to the frontier; what it had spooled, a survivor replayed
    assert sum(int(stats(tmp_path, n).get("harvester/cluster/leases_expired", 0)) for n in (0, 2)) > 0
    assert_crawled_once(database, site, workers=3)
    assert_polite(site)


@needs_postgres
def test_distributed_run_locks_are_shared_but_keep_single_runs_out(tmp_path: Path) -> None:
    from harvester.db.cluster import lock_for_run
    from harvester.db.lock import try_lock_sites

    database = empty_database_url("postgresql", tmp_path)
    engine = make_engine(database)
    try:
        first = lock_for_run(engine, ["site-a"], first=True)
        second = lock_for_run(engine, ["site-a"], first=False)
        assert first is not None and second is not None  # the run's workers share the lock
        assert try_lock_sites(engine, ["site-a"]) is None  # a single-process run is skipped
        first.release()
        assert try_lock_sites(engine, ["site-a"]) is None  # still held by the second worker
        second.release()
        single = try_lock_sites(engine, ["site-a"])
        assert single is not None
        assert lock_for_run(engine, ["site-a"], first=True) is None  # and the other way round
        single.release()
    finally:
        engine.dispose()


def test_queued_site_runs_are_validated() -> None:
    from harvester.cluster.jobs import SiteRun, parse

    known = {"news", "itpostnews"}
    run = SiteRun("news", {"site": "http://127.0.0.1:1"}, {"DOWNLOAD_DELAY": "0"})
    assert parse(run.to_json(), known) == run
    for bad in (b"garbage", pickle.dumps(run), json.dumps({"spider": "evil", "args": {}, "settings": {}}),
                json.dumps({"spider": "news", "args": {"site": 1}, "settings": {}}),
                json.dumps({"spider": "news", "args": {}, "settings": {"DATABASE_URL": "postgresql://x"}})):
        with pytest.raises(ValueError):
            parse(bad, known)


@needs_postgres
def test_a_worker_serves_queued_site_runs_several_at_once(tmp_path: Path) -> None:
    database = database_at_head_url("postgresql", tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database
    with redis_server() as url, ClusterSite(20) as first, ClusterSite(20) as second:
        env["HARVESTER_FRONTIER_URL"] = url
        harvester = [sys.executable, "-m", "harvester.cli"]
        for site in (first, second):
            subprocess.run([*harvester, "crawl", "news", "-a", f"site={site.url}", "--submit", "-s", "DOWNLOAD_DELAY=0.01",
                            "-s", "HARVESTER_STORE_BATCH_SIZE=1"], cwd=REPO_ROOT, env=env, check=True, timeout=60)
        redis.Redis.from_url(url).rpush("harvester:site_runs", b"garbage")
        worker = subprocess.run([*harvester, "worker", "--slots", "2", "--idle-exit", "3"], cwd=REPO_ROOT, env=env,
                                capture_output=True, text=True, timeout=600)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert "refused a queued site run" in worker.stderr
    assert worker.stderr.count("site run news started") == 2
    assert worker.stderr.rindex("site run news started") < worker.stderr.index("site run news ended")  # at once
    engine = make_engine(database)
    try:
        assert rows(engine, "SELECT status, workers, articles_new FROM crawl_runs ORDER BY id") == [("finished", 1, 20)] * 2
        assert scalar(engine, "SELECT count(DISTINCT url) FROM articles") == 40
    finally:
        engine.dispose()


def test_a_scheduled_job_can_queue_its_runs_on_the_cluster() -> None:
    from harvester.schedule import ConfigError, parse_schedule

    schedule = parse_schedule({"jobs": {"wos": {"spider": "worldofsoftware", "interval": "1h", "cluster_workers": 3}}})
    command = schedule.jobs[0].command("postgresql+psycopg://u:secret@h/db")
    assert command[3:] == ["crawl", "worldofsoftware", "--submit", "--workers", "3"]  # no database in the job
    with pytest.raises(ConfigError, match="cluster_workers"):
        parse_schedule({"jobs": {"wos": {"interval": "1h", "cluster_workers": 0}}})


def test_the_addon_is_off_without_a_frontier_url_and_wires_everything_with_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.settings import Settings

    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
    from scrapy.utils.conf import build_component_list
    from scrapy.utils.misc import load_object

    from harvester.cluster.addon import ClusterAddon
    from harvester.cluster.politeness import ClusterPolitenessMiddleware
    from harvester.cluster.robots import SharedRobotsTxtMiddleware
    from harvester.runner import project_settings

    monkeypatch.delenv("HARVESTER_FRONTIER_URL", raising=False)
    with pytest.raises(NotConfigured):
        ClusterAddon().update_settings(project_settings())
    settings: Settings = project_settings({"HARVESTER_FRONTIER_URL": "redis://127.0.0.1:1/0", "DOWNLOAD_DELAY": "0.25"})
    ClusterAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "harvester.cluster.scheduler.ClusterScheduler"
    assert settings.getfloat("HARVESTER_CLUSTER_HOST_DELAY") == 0.25  # the per-host delay becomes the cluster's
    assert settings.getfloat("DOWNLOAD_DELAY") == 0 and not settings.getbool("AUTOTHROTTLE_ENABLED")
    enabled = [load_object(m) for m in build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))]
    assert SharedRobotsTxtMiddleware in enabled and RobotsTxtMiddleware not in enabled
    assert enabled[-1] is ClusterPolitenessMiddleware  # the last one before the download


@needs_postgres
def test_a_shared_run_lock_checks_and_is_retaken_shared(tmp_path: Path) -> None:
    from harvester.db.cluster import lock_for_run
    from harvester.db.lock import try_lock_sites

    engine = make_engine(empty_database_url("postgresql", tmp_path))
    try:
        lock = lock_for_run(engine, ["site-b"], first=True)
        other = lock_for_run(engine, ["site-b"], first=False)
        assert lock is not None and other is not None and lock.check() == "held"
        lock._conn.invalidate()  # the connection is lost, as in a server restart
        assert lock.check() == "reacquired"  # shared again: the other worker still holds it too
        assert try_lock_sites(engine, ["site-b"]) is None
        lock.release()
        other.release()
    finally:
        engine.dispose()
