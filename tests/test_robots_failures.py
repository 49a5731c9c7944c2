"""robots.txt that hangs or fails: the site is still crawled, promptly, and the failure is recorded.

Every page of a host waits for its robots.txt (Scrapy's RobotsTxtMiddleware); a hanging one held
the site for DOWNLOAD_TIMEOUT, three times over with retries, and a robots.txt answering 5xx or
timing out left the fallback sitemaps unprobed. Real crawls (``scrapy crawl news``) of a small
site on 127.0.0.1 whose only article list is ``/sitemap.xml``.
"""

from __future__ import annotations

import html
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from harvester.robotstxt import MAX_ROBOTS_BYTES, BoundedRobotParser, RobotsTimeout, readable_part
from tests.crawling import scrapy_crawl
from tests.hostile import pages
from tests.hostile.articles import STORIES
from tests.hostile.server import HostileServer, Route, html_route

ROBOTS_TIMEOUT = 2


def _site(robots: Route) -> HostileServer:
    server = HostileServer()
    story = STORIES[0]
    server.routes[story.path] = html_route(pages.article_page(story))
    server.routes["/robots.txt"] = robots
    return server


def _crawl(server: HostileServer, tmp_path: Path) -> tuple[list[tuple[str, str, str | None, str | None]], list[str]]:
    base = server.base_url
    server.routes["/sitemap.xml"] = html_route(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{html.escape(base + STORIES[0].path)}</loc></url></urlset>", content_type="application/xml")
    db = tmp_path / "robots.db"
    done = scrapy_crawl("news", base, f"sqlite:///{db}", tmp_path, "-s", f"HARVESTER_ROBOTS_TIMEOUT={ROBOTS_TIMEOUT}",
                        "-s", "DOWNLOAD_TIMEOUT=60", "-s", "RETRY_TIMES=2", site_arg=True)
    assert done.returncode == 0, done.log[-2000:]
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT url, outcome, reason, detail FROM fetch_log").fetchall()
        stored = [url for (url,) in conn.execute("SELECT url FROM articles")]
    return [(url.replace(base, ""), outcome, reason, detail) for url, outcome, reason, detail in rows], stored


def test_a_hanging_robots_txt_times_out_on_its_own_short_timeout_and_the_site_is_still_crawled(tmp_path: Path) -> None:
    with _site(Route("hang", headers={"Content-Type": "text/plain"}, length=500)) as server:
        rows, stored = _crawl(server, tmp_path)
        robots_hits = server.hits.count("/robots.txt")
    timeouts = [r for r in rows if r[0] == "/robots.txt" and r[2] == "timeout"]
    assert timeouts, rows
    assert all(f"{ROBOTS_TIMEOUT:.1f} seconds" in (r[3] or "") for r in timeouts), timeouts  # not DOWNLOAD_TIMEOUT (60)
    assert robots_hits <= 2  # the middleware's fetch and discovery's, neither retried after a timeout
    assert [url.rsplit("/", 2)[-2] for url in stored] == [STORIES[0].slug]  # found through the fallback sitemap


def test_a_robots_txt_answering_500_is_recorded_and_the_fallback_sitemaps_are_probed(tmp_path: Path) -> None:
    with _site(Route(status=500, headers={"Content-Type": "text/plain"}, body=b"oops")) as server:
        rows, stored = _crawl(server, tmp_path)
    assert ("/robots.txt", "error", "http_500") in [r[:3] for r in rows]
    assert ("/sitemap.xml", "discovery", "sitemap") in [r[:3] for r in rows]
    assert [url.rsplit("/", 2)[-2] for url in stored] == [STORIES[0].slug]


def test_the_middleware_sets_the_robots_timeout_only_for_robots_txt() -> None:
    middleware = RobotsTimeout.from_crawler(get_crawler(settings_dict={"HARVESTER_ROBOTS_TIMEOUT": 4,
                                                                         "DOWNLOAD_TIMEOUT": 30}))
    robots, page = Request("http://127.0.0.1:8000/robots.txt"), Request("http://127.0.0.1:8000/news/robots.txt")
    own = Request("http://127.0.0.1:8000/robots.txt", meta={"download_timeout": 1})
    for request in (robots, page, own):
        middleware.process_request(request)
    assert robots.meta["download_timeout"] == 4
    assert "download_timeout" not in page.meta
    assert own.meta["download_timeout"] == 1
    shorter = RobotsTimeout.from_crawler(get_crawler(settings_dict={"HARVESTER_ROBOTS_TIMEOUT": 20, "DOWNLOAD_TIMEOUT": 5}))
    assert shorter.timeout == 5  # never longer than every other request's
    with pytest.raises(NotConfigured):
        RobotsTimeout.from_crawler(get_crawler(settings_dict={"HARVESTER_ROBOTS_TIMEOUT": 0}))


def test_only_the_first_500_kib_of_a_robots_txt_are_read_cut_at_a_line_end() -> None:
    head = b"User-agent: *\nDisallow: /private/\n"
    filler = b"".join(b"Disallow: /archive/%06d/\n" % i for i in range(40_000))  # about 1 MB of rules
    body = head + filler + b"Disallow: /news/\n"
    part = readable_part(body)
    assert len(part) <= MAX_ROBOTS_BYTES and part.endswith(b"\n") and body.startswith(part)
    parser = BoundedRobotParser(body, None)
    assert not parser.allowed("https://example.org/private/x", "harvester")  # a rule in the part read
    assert parser.allowed("https://example.org/news/story/", "harvester")  # a rule past 500 KiB: not read
    assert readable_part(head) == head


def test_the_project_reads_robots_txt_with_the_bounded_parser() -> None:
    from harvester.runner import project_settings

    assert project_settings().get("ROBOTSTXT_PARSER") == "harvester.robotstxt.BoundedRobotParser"
