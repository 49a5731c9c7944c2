"""``harvester mirror serve SITE``: the README's ``scrapy crawl SITE -a base_url=…`` example, as written."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

from tests.conftest import clean_env
from tests.crawling import REPO_ROOT
from tests.goldens import mirror_goldens

SITE = "itpostnews"


def test_serve_a_mirror_crawl_it_as_the_readme_says_and_stop_with_ctrl_c(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", "mirror", "serve", SITE, "--port", "0"],
        cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        line = server.stdout.readline()
        match = re.fullmatch(rf"serving the {SITE} mirror at (http://127\.0\.0\.1:\d+)\n", line)
        assert match, line
        base = match.group(1)
        with urllib.request.urlopen(base + "/robots.txt", timeout=30) as answer:
            assert answer.status == 200 and b"Sitemap" in answer.read()
        db = tmp_path / "harvest.db"
        stats = tmp_path / "stats.json"
        crawl = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", SITE, "-a", f"base_url={base}",
             "-s", f"DATABASE_URL=sqlite:///{db}", "-s", f"HARVESTER_STATS_FILE={stats}", "-s", "LOG_LEVEL=WARNING"],
            cwd=REPO_ROOT, env=clean_env(), capture_output=True, text=True, timeout=300,
        )
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        assert "Traceback" not in crawl.stderr and "Deprecat" not in crawl.stderr and "Disabled" not in crawl.stderr
        assert json.loads(stats.read_text(encoding="utf-8"))["finish_reason"] == "finished"
        with closing(sqlite3.connect(db)) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(mirror_goldens(SITE))
        server.send_signal(signal.SIGINT)  # Ctrl-C
        deadline = time.monotonic() + 30
        while server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.returncode == 0
        rest = server.stderr.read()
        assert "Traceback" not in rest and rest.rstrip().endswith("stopped"), rest
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
