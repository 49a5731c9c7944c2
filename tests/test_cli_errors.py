"""Every bad input a new user can give is one line on standard error and a non-zero exit, and no
command that only reads creates a file. Each case runs the real command in a subprocess, in an
empty folder, with no harvester variable in the environment unless the case sets one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harvester.db.testing import sqlite_at_head
from tests.crawling import REPO_ROOT

READ_COMMANDS = (
    ("runs",),
    ("db", "current"),
    ("search", "word"),
    ("export",),
    ("reextract",),
    ("browse", "--port", "0"),
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    return env | extra


def files_under(folder: Path) -> set[Path]:
    """The files and folders under ``folder``, less the -wal/-shm files SQLite keeps next to an
    existing database that was opened read-only (they are not a new database)."""
    paths = set(folder.rglob("*"))
    return {p for p in paths if not (p.name.endswith(("-wal", "-shm")) and p.with_name(p.name[:-4]) in paths)}


@dataclass
class Case:
    args: tuple[str, ...]
    words: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    scrapy: bool = False  # `scrapy crawl …` from the project folder instead of `harvester …`


def run(case: Case, folder: Path) -> subprocess.CompletedProcess[str]:
    if case.scrapy:
        command = [sys.executable, "-m", "scrapy", *case.args, "-s", "LOG_LEVEL=WARNING"]
        cwd = REPO_ROOT
    else:
        command = [sys.executable, "-m", "harvester.cli", *case.args]
        cwd = folder
    return subprocess.run(command, cwd=cwd, env=clean_env(**case.env), capture_output=True, text=True, timeout=120)


def assert_one_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode != 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def store(tmp_path: Path) -> str:
    """A SQLite store at the current schema (no articles), outside the folder commands run in."""
    folder = tmp_path / "store"
    folder.mkdir()
    return sqlite_at_head(folder / "harvest.db")


def cases(tmp: Path, store: str) -> dict[str, Case]:
    missing = tmp / "work" / "typo.db"
    corrupt = tmp / "store" / "corrupt.db"
    read_only = f"sqlite:///file:{store.removeprefix('sqlite:///')}?mode=ro&uri=true"
    found: dict[str, Case] = {
        "unknown scheme": Case(("runs", "--database", "sqlte:///harvest.db"), ("unsupported database 'sqlte'", "sqlite:///", "postgresql://")),
        "unknown driver": Case(("runs", "--database", "mysql://bob:s3cret@127.0.0.1/news"), ("unsupported database 'mysql'", "bob:***@")),
        "driver not installed": Case(("runs", "--database", "postgresql+psycopg2://u@127.0.0.1:1/db"), ("'postgresql+psycopg2' is not installed", "psycopg 3")),
        "not a URL": Case(("runs", "--database", "harvest.db"), ("not a database URL", "sqlite:///PATH")),
        # postgres:// is PostgreSQL through psycopg 3: here nothing listens on port 1
        "postgres:// spelling": Case(("runs", "--database", "postgres://u:pw@127.0.0.1:1/db"), ("postgres://u:***@127.0.0.1:1/db", "Connection refused")),
        "postgresql:// spelling": Case(("db", "current"), ("postgresql://u:***@127.0.0.1:1/db", "Connection refused"),
                                       env={"HARVESTER_DATABASE_URL": "postgresql://u:pw@127.0.0.1:1/db"}),
        "a directory": Case(("crawl", "itpostnews", "--database", f"sqlite:///{tmp / 'work'}"), ("is a directory",)),
        "missing folder": Case(("crawl", "itpostnews", "--database", f"sqlite:///{tmp / 'work' / 'no' / 'h.db'}"), ("folder", "does not exist")),
        "corrupted database": Case(("export", "--database", f"sqlite:///{corrupt}"), ("file is not a database",)),
        "read-only database": Case(("crawl", "itpostnews", "--database", read_only), ("readonly",)),
        "unknown site: export": Case(("export", "--site", "nosuch", "--database", store), ("unknown site 'nosuch'", "itpostnews")),
        "unknown site: search": Case(("search", "word", "--site", "nosuch", "--database", store), ("unknown site 'nosuch'", "budapestpost")),
        "unknown site: runs": Case(("runs", "--site", "nosuch", "--database", store), ("unknown site 'nosuch'", "worldofsoftware")),
        "unknown mirror": Case(("mirror", "serve", "nosuch"), ("no bundled mirror", "itpostnews")),
        "browse PostgreSQL": Case(("browse", "--database", "postgresql://u@127.0.0.1:1/db"), ("SQLite stores only",)),
        "scrapy: unknown spider": Case(("crawl", "nosuchsite"), ("unknown spider 'nosuchsite'", "itpostnews"), scrapy=True),
        "scrapy: corrupted database": Case(("crawl", "itpostnews", "-s", f"DATABASE_URL=sqlite:///{corrupt}"),
                                           ("file is not a database",), scrapy=True),
        "scrapy: unknown scheme": Case(("crawl", "itpostnews"), ("unsupported database 'sqlte'",),
                                       env={"HARVESTER_DATABASE_URL": "sqlte:///x.db"}, scrapy=True),
        "scrapy: read-only database": Case(("crawl", "itpostnews", "-s", f"DATABASE_URL={read_only}"), ("readonly",), scrapy=True),
        # spider arguments, refused before anything is crawled or a store is opened
        "bad base_url": Case(("crawl", "itpostnews", "--base-url", "itpostnews=ftp://x", "--database", f"sqlite:///{missing}"),
                             ("itpostnews", "base_url", "'ftp://x'")),
        "scrapy: bad base_url": Case(("crawl", "itpostnews", "-a", "base_url=notaurl", "-s", f"DATABASE_URL=sqlite:///{missing}"),
                                     ("itpostnews", "base_url", "'notaurl'"), scrapy=True),
        "scrapy: no site for news": Case(("crawl", "news", "-s", f"DATABASE_URL=sqlite:///{missing}"),
                                         ("news", "no site given"), scrapy=True),
        "scrapy: bad since": Case(("crawl", "itpostnews", "-a", "since=yesterday", "-s", f"DATABASE_URL=sqlite:///{missing}"),
                                  ("since", "'yesterday'"), scrapy=True),
    }
    for command in READ_COMMANDS:
        found[f"missing file: {' '.join(command)}"] = Case((*command, "--database", f"sqlite:///{missing}"), ("no database at", str(missing)))
    return found


CASE_NAMES = sorted(cases(Path("/t"), "sqlite:////t/store/harvest.db"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_is_one_line_and_creates_nothing(name: str, tmp_path: Path, store: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "store" / "corrupt.db").write_bytes(b"this is not a database " * 200)
    case = cases(tmp_path, store)[name]
    before = files_under(tmp_path)
    done = run(case, work)
    assert_one_line(done, *case.words)
    assert files_under(tmp_path) == before, "a failing command left files behind"


def test_the_environment_names_the_database_when_the_command_line_does_not(tmp_path: Path) -> None:
    """Precedence, the smallest real check on both entry points: the command line over the environment."""
    env = {"HARVESTER_DATABASE_URL": "mysql://from-environment/db"}
    from_env = run(Case(("runs",), (), env=env), tmp_path)
    assert_one_line(from_env, "'mysql'")
    from_cli = run(Case(("runs", "--database", "sqlte:///from-command-line.db"), (), env=env), tmp_path)
    assert_one_line(from_cli, "'sqlte'")
    crawl_cli = run(Case(("crawl", "itpostnews", "-s", "DATABASE_URL=sqlte:///x.db"), (), env=env), tmp_path)
    assert_one_line(crawl_cli, "'sqlte'")
    scrapy_env = run(Case(("crawl", "itpostnews"), (), env=env, scrapy=True), tmp_path)
    assert_one_line(scrapy_env, "'mysql'")
    scrapy_cli = run(Case(("crawl", "itpostnews", "-s", "DATABASE_URL=sqlte:///x.db"), (), env=env, scrapy=True), tmp_path)
    assert_one_line(scrapy_cli, "'sqlte'")


def test_export_into_a_closed_pipe_exits_quietly(tmp_path: Path, store: str) -> None:
    """`harvester export | head`: the reader is gone before the first write."""
    from datetime import UTC, datetime

    from harvester.db import ArticleStore, make_engine
    from tests.goldens import mirror_goldens
    from tests.stores import save_golden

    articles = ArticleStore(make_engine(store))
    try:
        save_golden(articles, mirror_goldens("itpostnews")[0], datetime(2025, 1, 1, tzinfo=UTC))
    finally:
        articles.close()
    export = subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", "export", "--database", store],
        cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert export.stdout is not None and export.stderr is not None
    export.stdout.close()
    deadline = time.monotonic() + 60
    while export.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    stderr = export.stderr.read().decode()
    export.stderr.close()
    assert export.returncode == 141, (export.returncode, stderr)
    assert stderr == ""
