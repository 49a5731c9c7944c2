"""A sitemap index of indexes without end (each child lists new children) cannot keep a run going:
at most HARVESTER_MAX_CHILD_SITEMAPS listed sitemaps are requested, the rest counted; the site's
articles are still stored. A real crawl (``scrapy crawl news``) of a site on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.crawling import scrapy_crawl
from tests.hostile import pages
from tests.hostile.articles import STORIES
from tests.hostile.server import HostileServer, Route, html_route

CAP = 25
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class EndlessIndexes(dict):  # type: ignore[type-arg]
    """Routes where any /sitemaps/<n>.xml is an index of ten new ones."""

    def get(self, path: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        if path.startswith("/sitemaps/") and path.endswith(".xml"):
            n = int(path.rsplit("/", 1)[1][:-4])
            children = "".join(f"<sitemap><loc>{self.base}/sitemaps/{10 * n + i}.xml</loc></sitemap>" for i in range(1, 11))
            return html_route(f'<?xml version="1.0"?><sitemapindex xmlns="{NS}">{children}</sitemapindex>',
                              content_type="application/xml")
        return super().get(path, default)

    base = ""


def test_an_endless_sitemap_index_is_bounded_and_the_articles_still_come(tmp_path: Path) -> None:
    routes = EndlessIndexes()
    server = HostileServer(routes)
    story = STORIES[0]
    routes[story.path] = html_route(pages.article_page(story))
    with server:
        base = routes.base = server.base_url
        routes["/robots.txt"] = html_route(f"User-agent: *\nSitemap: {base}/sitemaps/0.xml\nSitemap: {base}/articles.xml\n",
                                           content_type="text/plain")
        routes["/articles.xml"] = html_route(f'<?xml version="1.0"?><urlset xmlns="{NS}"><url><loc>{base}{story.path}'
                                             "</loc></url></urlset>", content_type="application/xml")
        db = tmp_path / "endless.db"
        done = scrapy_crawl("news", base, f"sqlite:///{db}", tmp_path, "-s", f"HARVESTER_MAX_CHILD_SITEMAPS={CAP}",
                            site_arg=True)
        requested = [hit for hit in server.hits if hit.startswith("/sitemaps/")]
    assert done.returncode == 0, done.log[-2000:]
    assert len(requested) == CAP + 1  # the one robots.txt names, and CAP its indexes listed
    assert done.stat("discovery/child_sitemaps_over_cap") > 0
    with closing(sqlite3.connect(db)) as conn:
        assert [url for (url,) in conn.execute("SELECT url FROM articles")] == [base + story.path]
