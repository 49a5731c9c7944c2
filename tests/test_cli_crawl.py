"""``harvester crawl`` and ``harvester runs``: one run for cron or a systemd timer, exit codes and
one-line failures, progress lines when not on a terminal, and the run history table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harvester.db import upgrade
from harvester.mirror_server import bundled_mirror, serve_mirror
from harvester.outcomes import Outcomes
from harvester.progress import live_line
from tests.goldens import mirror_goldens

SITE = "itpostnews"


def harvester(tmp_path: Path, *args: str, database: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = database or f"sqlite:///{tmp_path / 'harvest.db'}"
    return subprocess.run([sys.executable, "-m", "harvester.cli", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_crawl_stores_a_mirror_with_progress_lines_and_runs_shows_it(tmp_path: Path) -> None:
    with serve_mirror(bundled_mirror(SITE)) as base:
        done = harvester(tmp_path, "crawl", SITE, "--base-url", f"{SITE}={base}", "-s", "DOWNLOAD_DELAY=0",
                         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "HARVESTER_PROGRESS_INTERVAL=0.2")
    assert done.returncode == 0, done.stderr[-3000:]
    progress = [line for line in done.stderr.splitlines() if "[harvester.progress] INFO: progress" in line]
    assert len(progress) >= 2, done.stderr[-3000:]  # periodic lines, then the final one
    goldens = len(mirror_goldens(SITE))
    assert f": {goldens} new, " in progress[-1] and progress[-1].endswith("(finished)"), progress[-1]
    assert "\r" not in done.stderr  # no terminal line rewriting when not on a terminal
    assert f"{SITE}: " in done.stderr.splitlines()[-1] and f"{goldens} new" in done.stderr.splitlines()[-1]

    runs = harvester(tmp_path, "runs", "--site", SITE, "--last", "5")
    assert runs.returncode == 0, runs.stderr
    header, *lines = runs.stdout.splitlines()
    assert header.split()[:3] == ["run", "site", "status"]
    assert len(lines) == 1 and lines[0].split()[1:3] == [SITE, "finished"]
    # "started (UTC)" and the start time both split in two: the columns line up
    assert lines[0].split()[header.split().index("new")] == str(goldens)
    assert harvester(tmp_path, "runs", "--site", "budapestpost").stdout.splitlines()[1:] == []


def one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("harvester: error: "), done.stderr[-2000:]
    for word in words:
        assert word in last, last


def test_unknown_site_and_no_site_are_one_line_failures(tmp_path: Path) -> None:
    unknown = harvester(tmp_path, "crawl", "nosuchsite")
    one_line_error(unknown, "unknown site 'nosuchsite'", SITE)
    assert unknown.stderr.count("\n") == 1
    one_line_error(harvester(tmp_path, "crawl"), "--all")
    one_line_error(harvester(tmp_path, "crawl", SITE, "--base-url", "nosuchsite=http://127.0.0.1:1"), "unknown site")


def test_an_outdated_database_is_a_one_line_failure(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0004")
    done = harvester(tmp_path, "crawl", SITE, database=url)
    one_line_error(done, "harvester db upgrade")
    assert done.stderr.count("\n") == 1


def test_a_crawl_that_fetches_nothing_fails(tmp_path: Path) -> None:
    with serve_mirror(bundled_mirror(SITE)) as base:
        pass  # the server is gone: its port now refuses connections
    done = harvester(tmp_path, "crawl", SITE, "--base-url", f"{SITE}={base}", "-s", "RETRY_TIMES=0", "-s", "LOG_LEVEL=ERROR")
    one_line_error(done, f"{SITE}: no page could be fetched")


def test_outcomes_read_the_stats_in_one_vocabulary() -> None:
    stats = {
        "response_received_count": 40, "harvester/stored/new": 5, "harvester/stored/changed": 1,
        "harvester/stored/unchanged": 2, "harvester/incremental/unchanged": 1, "harvester/incremental/not_modified": 3,
        "harvester/incremental/skipped_known": 7, "harvester/non_article/listing": 4, "harvester/non_article/empty": 1,
        "harvester/error/http_404": 2, "harvester/error/timeout": 1, "harvester/skipped/robots_disallow": 1,
        # the fetch_log rows the store pipeline took: failed and not fetched by rule
        "harvester/failed/http_404": 2, "harvester/failed/invalid": 1, "harvester/failed/IgnoreRequest": 1,
        "harvester/failed/robots_txt": 1, "harvester/not_fetched/robots_disallow": 1,
        "harvester/not_fetched/over_budget": 2, "harvester/not_fetched/redirected": 1, "harvester/store/failed": 1,
    }
    assert Outcomes.of_stats(stats).describe() == (
        "40 pages: 5 new, 1 changed, 3 unchanged, 3 not modified, 7 skipped, 5 not an article, 4 failed, "
        "6 not fetched by rule"
    )
    assert Outcomes.of_stats({}).describe() == "0 pages: 0 new, 0 failed"


def test_the_live_line_of_three_busy_crawls_fits_80_columns() -> None:
    busy = Outcomes(pages=123456, new=23456, changed=3456, unchanged=45678, not_modified=56789, skipped=67890,
                    not_article=7890, failed=8901, by_rule=901)
    line = live_line({"worldofsoftware": busy, "itpostnews": busy, "budapestpost": busy}, 3600.0, 80)
    assert len(line) == 79 and line.startswith("3 sites: 370368 pages: ") and line.endswith("…")
    assert live_line({"itpostnews": Outcomes(pages=3, new=1)}, 2.0, 80) == "itpostnews: 3 pages: 1 new, 0 failed, 1.5 pages/s"


def test_on_an_80_column_terminal_progress_fits_and_log_lines_stand_alone(tmp_path: Path) -> None:
    """Three crawls under a real pseudo-terminal 80 columns wide: every piece of the rewritten
    line fits, and each log line starts a line of its own instead of trailing the progress."""
    import fcntl
    import pty
    import re
    import struct
    import termios
    import threading
    from contextlib import ExitStack

    from harvester.mirror_server import MIRROR_SITES

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    chunks: list[bytes] = []

    def read_all() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal's last writer closed it
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_", "COLUMNS", "LINES"))}
    with ExitStack() as stack:
        bases = [f"{site}={stack.enter_context(serve_mirror(bundled_mirror(site)))}" for site in MIRROR_SITES]
        args = [arg for base in bases for arg in ("--base-url", base)]
        done = subprocess.run(
            [sys.executable, "-m", "harvester.cli", "crawl", *MIRROR_SITES, *args, "--database",
             f"sqlite:///{tmp_path / 'harvest.db'}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
             "-s", "HARVESTER_PROGRESS_INTERVAL=0.1", "-s", "RETRY_TIMES=0"],
            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, timeout=300,
        )
    os.close(slave)
    reader.join(timeout=30)
    os.close(master)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert done.returncode == 0, screen[-3000:]
    pieces = [piece.replace("\x1b[K", "") for piece in re.split(r"\r\n|\r|\n", screen)]
    live = [piece for piece in pieces if " pages/s" in piece and "(finished)" not in piece]
    assert live, screen[-3000:]  # the live line was drawn
    assert max(len(piece) for piece in live) <= 79, max(live, key=len)
    logged = [piece for piece in pieces if re.search(r"\] (WARNING|ERROR):", piece)]
    assert logged, screen[-3000:]  # each mirror has a page missing on purpose: a warning
    assert all(re.match(r"\d{4}-\d\d-\d\d ", piece) for piece in logged), logged


def test_outcomes_of_a_runs_fetch_log() -> None:
    counts = {("stored", "new"): 4, ("stored", "changed"): 1, ("unchanged", "content_hash"): 2,
              ("not_modified", "http_304"): 3, ("not_article", "listing"): 5, ("error", "http_404"): 2,
              ("error", "IgnoreRequest"): 1, ("skipped", "robots"): 3, ("invalid", "title"): 1, ("discovery", "sitemap"): 9}
    assert Outcomes.of_fetch_log(30, counts) == Outcomes(
        pages=30, new=4, changed=1, unchanged=2, not_modified=3, not_article=5, failed=3, by_rule=4)
