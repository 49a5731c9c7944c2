"""Scrapy's own job server: the project deploys to a real scrapyd on 127.0.0.1 as an egg built
by scrapyd-client, a crawl of a mirror is scheduled there, and its articles land in the
configured database."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from harvester.mirror_server import bundled_mirror, serve_mirror
from tests.crawling import REPO_ROOT
from tests.goldens import mirror_goldens

BIN = Path(sys.executable).parent


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, endpoint: str, data: dict[str, str] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A scrapyd on a free loopback port; yields its URL and the database its crawls write to."""
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.5\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "scrapyd.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = f"sqlite:///{db_path}"
    server = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("scrapyd did not start") from None
                time.sleep(0.2)
        yield base, db_path
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_deploy_to_scrapyd_and_crawl_a_mirror(scrapyd: tuple[str, Path], tmp_path: Path) -> None:
    base, db_path = scrapyd
    # deploy from a clean copy of the project, as a user deploys a checkout
    project = tmp_path / "project"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    with (project / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:test]\nurl = {base}/\nproject = harvester\n")
    deployed = subprocess.run([str(BIN / "scrapyd-deploy"), "test", "-v", "1"], cwd=project,
                              capture_output=True, text=True, timeout=300)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert '"status": "ok"' in deployed.stdout
    assert sorted(api(base, "listspiders.json?project=harvester")["spiders"]) == [
        "budapestpost", "itpostnews", "news", "worldofsoftware"
    ]

    site = "itpostnews"
    with serve_mirror(bundled_mirror(site)) as mirror_url:
        job = api(base, "schedule.json", {"project": "harvester", "spider": site, "base_url": mirror_url,
                                          "setting": "DOWNLOAD_DELAY=0"})
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            jobs = api(base, "listjobs.json?project=harvester")
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"scrapyd job did not finish: {jobs}")

    with closing(sqlite3.connect(db_path)) as db:
        stored = sorted(url for (url,) in db.execute("SELECT url FROM articles"))
    assert stored == sorted(golden.url for golden in mirror_goldens(site))
