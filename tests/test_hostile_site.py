"""End to end: ``scrapy crawl news`` against a hostile site served on 127.0.0.1 (tests/hostile).

One real crawl (module fixture) with the project's defaults, no setting given (the site is on
loopback, so the crawl runs without delays: harvester/loopback.py), into a fresh SQLite file; the
tests then read the store, the crawl stats and what the servers saw.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.crawling import REPO_ROOT
from tests.hostile import HostileSite

# fetch_log reasons the crawl must record (names agreed with the lead; align here if they change).
OFF_SITE = "off_site"
REDIRECT_LOOP = "redirect_loop"  # also "too many redirects"
BAD_SCHEME = "bad_scheme"  # a redirect to file:, ftp:, ...
ROBOTS_DISALLOW = "robots_disallow"
ROBOTS_OUTCOME = "skipped"  # robots.txt disallow is its own outcome, not an error
DUPLICATE = "duplicate"
TOO_LARGE = "too_large"
TIMEOUT = "timeout"
CONNECTION_REFUSED = "connection_refused"
CONNECTION_RESET = "connection_reset"
DNS = "dns"
EXTRACT_TIMEOUT = "extract_timeout"
EXTRACT_MEMORY = "extract_memory"


def http_reason(status: int) -> str:
    return f"http_{status}"


CRAWL_TIMEOUT_SECONDS = 120
EXTRA_SETTINGS: tuple[str, ...] = ()
"""Nothing by default; for diagnosis only (e.g. CLOSESPIDER_TIMEOUT to see the store of a crawl that overruns)."""
MAX_LOOP_STALL_MS = 250
LOOP_STALL_STAT = "harvester/loop/max_stall_ms"
FORBIDDEN_IN_TEXT = {"alert(": "script text", "\x00": "NUL", "\u202e": "bidi override U+202E",
                     "\u202d": "bidi override U+202D", "\u2066": "bidi isolate U+2066",
                     "\u200b": "zero-width space", "\u200c": "zero-width non-joiner",
                     "\u200d": "zero-width joiner", "\u2060": "word joiner", "\ufeff": "BOM / zero-width no-break"}


@dataclass
class HostileCrawl:
    site: HostileSite
    db_path: Path
    returncode: int | None  # None: killed at the time limit
    seconds: float
    stats: dict[str, Any]
    log: str

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with closing(sqlite3.connect(self.db_path)) as db:
            return db.execute(sql, params).fetchall()

    def url(self, path: str) -> str:
        return self.site.base + path

    def fetch_rows(self, *paths: str) -> list[tuple[str, str, str | None]]:
        """(url, outcome, reason) of the fetch_log rows for these paths (URLs compared unquoted)."""
        wanted = {unquote(self.url(p)) for p in paths} | {unquote(p) for p in paths if "://" in p}
        return [row for row in self.rows("SELECT url, outcome, reason FROM fetch_log") if unquote(row[0]) in wanted]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> HostileCrawl:
    work = tmp_path_factory.mktemp("hostile")
    db_path = work / "hostile.db"
    stats_file, log_file = work / "stats.json", work / "crawl.log"
    site = HostileSite()
    with site.running():
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
        env["HARVESTER_DATABASE_URL"] = f"sqlite:///{db_path}"
        command = [
            sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"site={site.base}",
            "-s", f"HARVESTER_STATS_FILE={stats_file}", "-s", f"LOG_FILE={log_file}", "-s", "LOG_LEVEL=INFO",
            # nothing but the project's defaults (on loopback they run without delays: harvester/loopback.py)
            *EXTRA_SETTINGS,
        ]
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=CRAWL_TIMEOUT_SECONDS)
            returncode: int | None = process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the crawl and its extraction workers
            output, _ = process.communicate(timeout=30)
            returncode = None
        seconds = time.monotonic() - started
    log = (log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() else "") + output
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return HostileCrawl(site, db_path, returncode, seconds, stats, log)


def test_crawl_finishes_within_two_minutes_and_exits_0(crawl: HostileCrawl) -> None:
    assert crawl.returncode is not None, f"crawl still running after {CRAWL_TIMEOUT_SECONDS} s: killed\n{crawl.log[-3000:]}"
    assert crawl.returncode == 0, crawl.log[-3000:]


def test_exactly_the_good_articles_are_stored_once(crawl: HostileCrawl) -> None:
    stored = [unquote(url) for (url,) in crawl.rows("SELECT url FROM articles")]
    expected = {unquote(crawl.url(path)) for path in crawl.site.good}
    copies = {unquote(crawl.url(path)) for path in crawl.site.uncanonical_copies}
    assert len(stored) == len(set(stored))
    assert len(copies & set(stored)) == 1, "the article served under three URLs without rel=canonical"
    assert sorted(set(stored) - expected - copies) == [], "stored pages that are not good articles"
    assert sorted(expected - set(stored)) == [], "good articles not stored"


def test_the_copies_without_canonical_are_recorded_as_duplicates_of_the_stored_one(crawl: HostileCrawl) -> None:
    rows = crawl.fetch_rows(*crawl.site.uncanonical_copies)
    stored = [r for r in rows if r[1] == "stored"]
    duplicates = [r for r in rows if (r[1], r[2]) == ("unchanged", DUPLICATE)]
    assert len(stored) == 1 and len(duplicates) == 2, rows
    article_ids = {article_id for (article_id,) in crawl.rows(
        "SELECT DISTINCT article_id FROM fetch_log WHERE url IN (%s)" % ",".join("?" * len(rows)), *[r[0] for r in rows])}
    assert len(article_ids) == 1 and None not in article_ids


def test_no_stored_text_carries_script_text_or_invisible_characters(crawl: HostileCrawl) -> None:
    rows = crawl.rows("SELECT url, title, body_text, body_html, coalesce(description, '') FROM articles")
    assert rows, "nothing stored"
    found = [(url, name) for url, *fields in rows for text in fields for char, name in FORBIDDEN_IN_TEXT.items()
             if char in (text or "")]
    assert found == []


def test_the_injection_page_keeps_its_words_as_text(crawl: HostileCrawl) -> None:
    rows = [r for r in crawl.rows("SELECT url, title, body_text, body_html FROM articles")
            if unquote(r[0]) == unquote(crawl.url(crawl.site.injection_path))]
    assert len(rows) == 1, "the injection article (a good article) is not stored"
    _, title, body_text, body_html = rows[0]
    assert title == "Councillor's \"Robert'); DROP TABLE articles;--\" motion fails"
    assert "The motion was rejected by 30 votes to 5 after a debate that lasted most of the evening" in body_text
    assert "<iframe src=//evil.example>" in body_text  # markup-looking text stays text ...
    assert "&lt;iframe" in body_html and "<iframe" not in body_html  # ... and is escaped in the HTML
    assert "<script" not in body_html and "<template" not in body_html and "<noscript" not in body_html


def test_charsets_are_decoded_right(crawl: HostileCrawl) -> None:
    rows = {unquote(url): (title, body) for url, title, body in crawl.rows("SELECT url, title, body_text FROM articles")}
    wrong = {}
    for path, expected in crawl.site.charset_checks.items():
        title, body = rows.get(unquote(crawl.url(path)), ("", ""))
        missing = [text for text in expected if text not in f"{title}\n{body}"]
        if missing:
            wrong[path] = missing
    assert wrong == {}
    title, body = rows.get(unquote(crawl.url(crawl.site.cp1252_path)), ("", ""))
    assert title == "Café owners protest new € price rules"
    assert "\ufffd" not in title + body


def test_nothing_is_fetched_off_site(crawl: HostileCrawl) -> None:
    assert crawl.site.elsewhere, "no other-host server could be started"
    assert {server.base_url: server.hits for server in crawl.site.elsewhere} == {
        server.base_url: [] for server in crawl.site.elsewhere}
    leaked = [hit for hit in crawl.site.site.hits if any(s in unquote(hit) for s in ("root:", "/bin/", "lollol"))]
    assert leaked == [], "an XML entity was expanded into a requested URL"


def test_the_huge_sitemap_listed_first_does_not_starve_the_good_articles(crawl: HostileCrawl) -> None:
    assert crawl.site.site.routes["/robots.txt"].body.decode().index("huge.xml") < \
        crawl.site.site.routes["/robots.txt"].body.decode().index("sitemap_index.xml")
    stored = {unquote(url) for (url,) in crawl.rows("SELECT url FROM articles")}
    assert {unquote(crawl.url(p)) for p in crawl.site.good} <= stored


FAILURES = {
    # name: (attribute of the site holding the path(s), reason, outcome or None for any)
    "redirect loop": ("loop_paths", REDIRECT_LOOP, "error"),
    "too many redirects": ("chain_paths", REDIRECT_LOOP, "error"),
    "off-site redirect": ("offsite_paths", OFF_SITE, None),
    "redirect to file:/ftp:/javascript:": ("bad_scheme_paths", BAD_SCHEME, None),
    "30 MB page": ("big_path", TOO_LARGE, "error"),
    "30 MB page without Content-Length": ("unsized_path", TOO_LARGE, "error"),
    "gzip bomb": ("bomb_path", TOO_LARGE, "error"),
    "deflate and brotli bombs": ("other_bomb_paths", TOO_LARGE, "error"),
    "a body that does not decode as its Content-Encoding": ("corrupt_gzip_path", "bad_encoding", "error"),
    "gzipped sitemap bomb": ("sitemap_bomb_path", TOO_LARGE, None),
    "one byte a second": ("drip_path", TIMEOUT, "error"),
    "hangs after headers": ("hang_path", TIMEOUT, "error"),
    "404": ("missing_path", http_reason(404), "error"),
    "429 with Retry-After": ("rate_limited_path", http_reason(429), "error"),
    "connection reset": ("reset_path", CONNECTION_RESET, "error"),
    "robots.txt disallow": ("private_path", ROBOTS_DISALLOW, ROBOTS_OUTCOME),
    "duplicate (redirect to a URL already fetched)": ("duplicate_redirect", DUPLICATE, None),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_each_failure_is_in_fetch_log_with_its_reason(crawl: HostileCrawl, case: str) -> None:
    attribute, reason, outcome = FAILURES[case]
    paths = getattr(crawl.site, attribute)
    paths = (paths,) if isinstance(paths, str) else tuple(paths)
    if reason == DUPLICATE:  # the row may carry the redirect's source or its target
        paths += tuple(p for p, s in crawl.site.good.items() if s.slug == "harbour-bridge-reopens-after-repairs")
    if reason == OFF_SITE:  # ... or the off-site target
        paths += tuple(s.base_url + "/news/2026/10/15/offsite-article-elsewhere/" for s in crawl.site.elsewhere)
    rows = crawl.fetch_rows(*paths)
    matching = [r for r in rows if r[2] == reason and (outcome is None or r[1] == outcome)]
    assert matching, f"no fetch_log row with reason {reason!r} (outcome {outcome}) for {paths[:3]}: rows {rows}"


def test_other_http_errors_are_recorded_with_their_status(crawl: HostileCrawl) -> None:
    missing = []
    for path, trap in crawl.site.traps.items():
        http = [r for r in trap.reasons if r.startswith("http_")]
        if http and not any(row[2] in http for row in crawl.fetch_rows(path)):
            missing.append((path, http))
    assert missing == []


def test_every_trap_page_is_accounted_for_and_none_is_stored(crawl: HostileCrawl) -> None:
    unaccounted, stored = [], []
    for path, trap in crawl.site.traps.items():
        rows = crawl.fetch_rows(path)
        if any(row[1] == "stored" for row in rows):
            stored.append(path)
        if not rows:
            unaccounted.append(path)
        elif "" not in trap.reasons and not any(row[2] in trap.reasons for row in rows):
            unaccounted.append((path, trap.reasons, [row[1:] for row in rows]))
    assert stored == []
    assert unaccounted == []


def test_consent_wall_longer_than_250_words_is_blocked_not_stored(crawl: HostileCrawl) -> None:
    rows = crawl.fetch_rows(crawl.site.consent_path)
    assert rows and all(row[1] == "not_article" and row[2] == "blocked" for row in rows), rows


def test_every_failed_or_skipped_fetch_has_a_reason(crawl: HostileCrawl) -> None:
    rows = crawl.rows("SELECT url, outcome FROM fetch_log WHERE outcome IN ('error', 'skipped', 'not_article') "
                      "AND (reason IS NULL OR reason = '')")
    assert rows == []
    assert crawl.rows("SELECT count(*) FROM fetch_log WHERE outcome = 'error'")[0][0] > 0


def test_a_page_that_timed_out_is_not_fetched_again_in_the_run(crawl: HostileCrawl) -> None:
    """It held a download slot for DOWNLOAD_TIMEOUT already; the next run tries it again."""
    hits = crawl.site.site.hits
    assert [hits.count(path) for path in (crawl.site.drip_path, crawl.site.hang_path)] == [1, 1]


def test_every_reason_is_a_word_of_the_vocabulary_not_an_exception_name(crawl: HostileCrawl) -> None:
    """Reasons are lower-case words (``too_large``, ``http_404``); a class name such as ``ValueError``
    means a failure nobody classified."""
    reasons = {reason for (reason,) in crawl.rows("SELECT DISTINCT reason FROM fetch_log WHERE reason IS NOT NULL")}
    assert sorted(r for r in reasons if not re.fullmatch(r"[a-z][a-z0-9_]*", r)) == []


def test_no_callback_of_the_crawl_raised(crawl: HostileCrawl) -> None:
    """Whatever the site serves, every page ends in a row with a reason: never a spider error,
    which loses the rest of the page (a sitemap's other entries, a listing's other links)."""
    assert "Traceback" not in crawl.log, crawl.log[crawl.log.index("Traceback") - 300:][:3000]
    assert int(crawl.stats.get("spider_exceptions_count", 0) or 0) == 0
    assert int(crawl.stats.get("harvester/discovery/unreadable_urls", 0)) >= 1  # the sitemap's unreadable entries


def test_the_event_loop_never_stalls_for_long(crawl: HostileCrawl) -> None:
    assert LOOP_STALL_STAT in crawl.stats, f"no {LOOP_STALL_STAT} in the crawl stats"
    assert float(crawl.stats[LOOP_STALL_STAT]) < MAX_LOOP_STALL_MS
