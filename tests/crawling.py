"""Running a real ``scrapy crawl`` against a mirror served on 127.0.0.1 (test helper)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class CrawlOutcome:
    returncode: int
    stats: dict[str, Any]
    log: str

    def stat(self, key: str) -> int:
        return int(self.stats.get(f"harvester/{key}", 0))


def scrapy_crawl(
    site: str, base_url: str, database_url: str, workdir: Path, *extra: str, site_arg: bool = False
) -> CrawlOutcome:
    """Run ``scrapy crawl SITE -a base_url=...`` in a subprocess, as a user would from the project folder.

    With ``site_arg`` the URL is passed as ``-a site=...`` (the generic spider) instead.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    stats_file = workdir / f"{site}-stats.json"
    log_file = workdir / f"{site}.log"
    for stale in (stats_file, log_file):
        stale.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database_url
    command = [
        sys.executable, "-m", "scrapy", "crawl", site,
        "-a", f"{'site' if site_arg else 'base_url'}={base_url}",
        "-s", f"HARVESTER_STATS_FILE={stats_file}",
        "-s", f"LOG_FILE={log_file}",
        "-s", "LOG_LEVEL=INFO",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "RETRY_TIMES=0",
        *extra,
    ]
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    log += completed.stderr
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return CrawlOutcome(completed.returncode, stats, log)
