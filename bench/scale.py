"""Scale-out benchmark: pages/s of 1, 2 and 4 workers sharing one frontier on Redis.

Usage: ``python -m bench.scale [--hosts 12] [--pages 100] [--latency 0.5] [--concurrency 4]
[--host-delay 0.1] [--workers 1,2,4] [--database URL] [--json FILE]``

A loopback "site" of many hosts (one server per port, each its own host to the crawler) whose
server waits ``--latency`` seconds before every answer, with small article pages, so the
crawl is bound by latency, not by the two cores. Each worker (a real ``scrapy crawl news``
process) is limited to ``--concurrency`` requests at once; the cluster limits every host to
one request per ``--host-delay`` seconds and ``--concurrency`` at once. For each worker count,
one run crawls every host once; the servers record the arrival of each request, and the
table gives the article pages per second (first to last article request), the speed-up over
one worker (also over the middle 80 % of the article requests, "steady", which leaves out
the ramp-up while workers start and the tail) and the largest per-host rate seen in any one-second window across the cluster.
Needs ``redis-server`` on the PATH; the store is off unless ``--database`` names one (at the
current schema: ``harvester db upgrade`` first).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from tests.cluster_site import ClusterSite, max_rate
from tests.redis_server import redis_server

ROOT = Path(__file__).resolve().parents[1]


def crawl(url: str, sites: list[ClusterSite], workers: int, args: argparse.Namespace, folder: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    if args.database:
        env["HARVESTER_DATABASE_URL"] = args.database
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", "sites=" + ",".join(site.url for site in sites),
        "-s", f"HARVESTER_FRONTIER_URL={url}", "-s", f"CONCURRENT_REQUESTS={args.concurrency}",
        "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}",
        "-s", f"HARVESTER_CLUSTER_HOST_DELAY={args.host_delay}",
        "-s", f"HARVESTER_CLUSTER_HOST_CONCURRENCY={args.concurrency}",
        "-s", "RETRY_TIMES=0", "-s", "LOG_LEVEL=INFO", "-s", f"HARVESTER_STORE_ENABLED={bool(args.database)}",
    ]
    started = time.monotonic()
    processes = [
        subprocess.Popen([*command, "-s", f"LOG_FILE={folder / f'w{workers}-{n}.log'}"], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for n in range(workers)
    ]
    for process in processes:
        if process.wait(timeout=1800) != 0:
            raise SystemExit(f"a worker failed; see {folder}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=12)
    parser.add_argument("--pages", type=int, default=100, help="articles per host")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the servers wait per request")
    parser.add_argument("--concurrency", type=int, default=4, help="requests at once per worker, and per host")
    parser.add_argument("--host-delay", type=float, default=0.1, help="cluster-wide seconds between requests to a host")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--database", default=None)
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="harvester-scale-") as tmp, redis_server() as url:
        folder = Path(tmp)
        for workers in (int(n) for n in args.workers.split(",")):
            sites = [ClusterSite(args.pages, latency=args.latency, small=True) for _ in range(args.hosts)]
            for site in sites:
                site.__enter__()
            client = redis.Redis.from_url(url)
            commands = int(client.info("stats")["total_commands_processed"])
            try:
                wall = crawl(url, sites, workers, args, folder)
            finally:
                for site in sites:
                    site.__exit__(None, None, None)
            articles = sorted(t for site in sites for t in site.hits("/2025/"))
            fetched = len(articles)
            span = articles[-1] - articles[0] if fetched > 1 else float("nan")
            per_host = max(max_rate(site.hits()) for site in sites)
            commands = int(client.info("stats")["total_commands_processed"]) - commands
            requests = sum(len(site.requests) for site in sites)
            # steady state: the middle 80 % of the article requests (without ramp-up and tail)
            low, high = articles[fetched // 10], articles[fetched - 1 - fetched // 10] if fetched > 10 else (0, 0)
            steady = (fetched - 2 * (fetched // 10) - 1) / (high - low) if high > low else float("nan")
            results.append({
                "workers": workers, "articles": fetched, "expected": args.hosts * args.pages,
                "pages_per_s": fetched / span, "steady_pages_per_s": steady, "wall_s": wall, "max_host_rate": per_host,
                "redis_commands_per_request": commands / max(1, requests),
            })
            print(f"{workers} worker(s): {fetched} article pages, {fetched / span:.1f} pages/s "
                  f"(steady {steady:.1f}), largest per-host rate {per_host:.0f}/s, {wall:.0f} s wall, "
                  f"{commands / max(1, requests):.1f} Redis commands per request", flush=True)
    base, steady_base = results[0]["pages_per_s"], results[0]["steady_pages_per_s"]
    limit = min(1 / args.host_delay, args.concurrency / args.latency) if args.host_delay else args.concurrency / args.latency
    print(f"\nhosts {args.hosts} x {args.pages} pages, latency {args.latency} s, {args.concurrency} requests/worker, "
          f"per-host limit {1 / args.host_delay if args.host_delay else float('inf'):.0f}/s (host delay {args.host_delay} s), "
          f"per-host ceiling {limit:.0f}/s")
    print("| workers | pages/s | speed-up | steady pages/s | steady speed-up | largest per-host rate (/s) | article pages | wall (s) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in results:
        print(f"| {row['workers']} | {row['pages_per_s']:.1f} | {row['pages_per_s'] / base:.2f}x | "
              f"{row['steady_pages_per_s']:.1f} | {row['steady_pages_per_s'] / steady_base:.2f}x | "
              f"{row['max_host_rate']:.0f} | {row['articles']}/{row['expected']} | {row['wall_s']:.0f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
