"""A disk that fills up under the SQLite database at a moment the test chooses.

As root: a small tmpfs (``mount -t tmpfs -o size=48m``) holds the database; ``fill()`` writes a
ballast file until the file system says ENOSPC, ``free()`` deletes it. Otherwise: SQLite's own
limit, ``PRAGMA max_page_count``, set on every connection of the crawl by the wrapper module
``tests.faults.limited_sqlite`` from a file that ``fill()`` writes (the database's current page
count: not one page more) and ``free()`` deletes. Either way the crawl's writes fail with
"database or disk is full" from that moment on. ``FAULTS_DISK=page_limit`` forces the
fallback (to try it as root).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.faults.limited_sqlite import LIMIT_FILE_ENV

TMPFS_SIZE = "48m"  # room for the whole site with its WAL once the ballast is gone


@dataclass
class SmallDisk:
    directory: Path  # put the database here
    mode: str  # "tmpfs" or "page_limit"
    limit_file: Path

    @property
    def database(self) -> Path:
        return self.directory / "harvest.db"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"

    @property
    def wrapper(self) -> list[str] | None:
        """The ``python`` arguments that run ``harvester`` under this disk's limit (None: plain)."""
        return ["-m", "tests.faults.limited_sqlite"] if self.mode == "page_limit" else None

    @property
    def env(self) -> dict[str, str]:
        return {LIMIT_FILE_ENV: str(self.limit_file)} if self.mode == "page_limit" else {}

    def fill(self) -> None:
        """From now on, not one more byte (tmpfs) or page (SQLite limit) fits."""
        if self.mode == "tmpfs":
            _fill_file_system(self.directory / "ballast")
            return
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=5)) as db:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
        self.limit_file.write_text(str(pages), encoding="utf-8")

    def free(self) -> None:
        (self.directory / "ballast").unlink(missing_ok=True)
        self.limit_file.unlink(missing_ok=True)


def _fill_file_system(ballast: Path) -> None:
    """Write zeros until the file system has no block left."""
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        chunk = 1 << 20
        while chunk >= 512:
            try:
                os.write(fd, b"\0" * chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                chunk //= 4
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    directory = tmp_path / "small-disk"
    directory.mkdir()
    limit_file = tmp_path / "page-limit"
    forced = os.environ.get("FAULTS_DISK", "")  # "page_limit": try the fallback as root too
    if os.geteuid() == 0 and sys.platform.startswith("linux") and forced != "page_limit":
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(directory)],
                                 capture_output=True, text=True, timeout=30)
        if mounted.returncode == 0:
            try:
                yield SmallDisk(directory, "tmpfs", limit_file)
            finally:
                if subprocess.run(["umount", str(directory)], capture_output=True, timeout=30).returncode != 0:
                    subprocess.run(["umount", "-l", str(directory)], capture_output=True, timeout=30)
            return
    yield SmallDisk(directory, "page_limit", limit_file)
