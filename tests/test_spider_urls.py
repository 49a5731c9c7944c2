"""Which URLs each site spider treats as articles and as listings (site URL rules, SITES.md)."""

from __future__ import annotations

import pytest

from spiders.budapestpost import BudapestPostSpider
from spiders.itpostnews import ITPostNewsSpider
from spiders.worldofsoftware import WorldOfSoftwareSpider

WOS = "https://worldofsoftware.org"
ITP = "https://itpostnews.com"
BP = "https://budapestpost.com"


@pytest.mark.parametrize(
    "spider_cls, url, article, listing",
    [
        (WorldOfSoftwareSpider, WOS + "/can-alibabas-university-courses-help-china-outpace-the-west/", True, False),
        (WorldOfSoftwareSpider, WOS + "/beos-inspired-haiku-os-gets-arm64-port-booting/", True, False),
        (WorldOfSoftwareSpider, WOS + "/category/software/", False, True),
        (WorldOfSoftwareSpider, WOS + "/category/software/page/2/", False, True),
        (WorldOfSoftwareSpider, WOS + "/page/3/", False, True),
        (WorldOfSoftwareSpider, WOS + "/tag/ai/", False, False),
        (WorldOfSoftwareSpider, WOS + "/author/news-room/", False, False),
        (WorldOfSoftwareSpider, WOS + "/privacy-policy/", False, False),
        (WorldOfSoftwareSpider, WOS + "/web-stories/", False, False),
        (WorldOfSoftwareSpider, WOS + "/?s=alibaba", False, False),
        (WorldOfSoftwareSpider, WOS + "/some-post/feed/", False, False),
        (WorldOfSoftwareSpider, WOS + "/some-post", False, False),
        (ITPostNewsSpider, ITP + "/news/alibaba-empowers-chinese-students/default.htm", True, False),
        (ITPostNewsSpider, ITP + "/news/alibaba-empowers-chinese-students/", True, False),
        (ITPostNewsSpider, ITP + "/news/", False, True),
        (ITPostNewsSpider, ITP + "/news/page/2/", False, True),
        (ITPostNewsSpider, ITP + "/news/page/", False, False),
        (ITPostNewsSpider, ITP + "/tag/cloud/", False, False),
        (BudapestPostSpider, BP + "/alibaba-is-back-in-beijing-s-good-books-for-helping-to-fix-poverty", True, False),
        (BudapestPostSpider, BP + "/alibaba-is-back-in-beijing-s-good-books-for-helping-to-fix-poverty/", False, False),
        (BudapestPostSpider, BP + "/news/", False, True),
        (BudapestPostSpider, BP + "/news/page/2/", False, True),
        (BudapestPostSpider, BP + "/about", False, False),
        (BudapestPostSpider, BP + "/robots.txt", False, False),
        (BudapestPostSpider, BP + "/page/contact", False, False),
    ],
)
def test_article_and_listing_urls(spider_cls: type, url: str, article: bool, listing: bool) -> None:
    spider = spider_cls()
    assert spider.is_article_url(url) is article
    assert spider.is_listing_url(url) is listing


def test_itpostnews_merges_the_two_forms_of_an_article_url() -> None:
    spider = ITPostNewsSpider()
    assert spider.article_key(ITP + "/news/x-y/default.htm") == spider.article_key(ITP + "/news/x-y/")


def test_world_of_software_skips_taxonomy_sitemaps() -> None:
    spider = WorldOfSoftwareSpider()
    assert spider.is_wanted_sitemap(WOS + "/wp-sitemap-posts-post-1.xml")
    assert not spider.is_wanted_sitemap(WOS + "/wp-sitemap-taxonomies-category-1.xml")
    assert not spider.is_wanted_sitemap(WOS + "/wp-sitemap-users-1.xml")


@pytest.mark.parametrize(
    "url, following",
    [
        (WOS + "/", WOS + "/page/2/"),
        (WOS + "/page/2/", WOS + "/page/3/"),
        (WOS + "/category/software/", WOS + "/category/software/page/2/"),
        (WOS + "/category/software/page/7/", WOS + "/category/software/page/8/"),
        (WOS + "/some-post-slug-here/", None),
        (WOS + "/?s=x", None),
    ],
)
def test_world_of_software_pages_listings_the_wordpress_way(url: str, following: str | None) -> None:
    assert WorldOfSoftwareSpider().next_listing_page(url) == following


def test_other_sites_follow_only_linked_listing_pages() -> None:
    assert ITPostNewsSpider().next_listing_page(ITP + "/news/") is None
    assert BudapestPostSpider().next_listing_page(BP + "/news/") is None
