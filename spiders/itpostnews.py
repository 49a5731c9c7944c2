"""IT Post News (itpostnews.com): platform unknown, so several candidates plus the
structural rule and the generic fallback, never one class name (SITES.md §5)."""

from __future__ import annotations

import re

from harvester.extraction.rules import SiteRules
from harvester.site_spider import SiteSpider

RULES = SiteRules(
    key="itpostnews",
    site_names=("IT Post News", "ITPostNews", "IT Post"),
    title=("article h1", "main h1", ".post-title", ".entry-title", "h1"),
    body=(
        "[itemprop=articleBody]",
        "article .entry-content",
        ".entry-content",
        ".post-content",
        ".article-content",
        ".article-body",
        ".post-body",
        ".story-body",
        ".news-content",
        ".content-body",
        "article",
    ),
    strip=(".no-image", ".noimage", ".load-more", ".show-more", ".read-more", ".related", ".share"),
    drop_paragraphs=(
        re.compile(r"^no[-_ ]?image$", re.IGNORECASE),
        re.compile(r"^(show|load|read) more$", re.IGNORECASE),
    ),
    authors=("article [rel~=author]", "article .author-name", "article .byline [itemprop=name]"),
    published=("article time.published[datetime]", "article time[itemprop=datePublished]"),
    modified=("article time.updated[datetime]", "article time[itemprop=dateModified]"),
    lead_image=("article figure.featured img", ".featured-image img", ".post-thumbnail img"),
    lead_image_after_title=True,
    placeholder_image=re.compile(r"no[-_ ]?image", re.IGNORECASE),
    url_rewrites=((re.compile(r"/default\.html?$", re.IGNORECASE), "/"),),
)

ARTICLE_PATH = re.compile(r"/news/([a-z0-9]+(?:-[a-z0-9]+)*)/(?:default\.htm)?")
NOT_ARTICLE_SLUGS = frozenset({"page", "tag", "category", "author", "search"})
LISTING_PATH = re.compile(r"/(?:news/(?:page/\d+/)?)?")


class ITPostNewsSpider(SiteSpider):
    """IT Post News: articles at ``/news/{slug}/default.htm`` (or ``/news/{slug}/``)."""

    name = "itpostnews"
    site_name = "IT Post News"
    origin = "https://itpostnews.com"
    rules = RULES
    sitemap_paths = ("/sitemap.xml", "/sitemap_index.xml")
    feed_paths = ("/feed/", "/rss")
    listing_paths = ("/", "/news/")

    article_path = ARTICLE_PATH
    reserved_slugs = NOT_ARTICLE_SLUGS
    listing_path = LISTING_PATH

    def article_key(self, url: str) -> str:
        """``/news/x/default.htm`` and ``/news/x/`` are one article."""
        return url.removesuffix("default.htm")
