"""Budapest Post (budapestpost.com): platform unknown (a network of sister sites sharing one
template), so several candidates, the structural rule, <br> splitting and text rules (SITES.md §6)."""

from __future__ import annotations

import re

from harvester.extraction.rules import SiteRules
from harvester.site_spider import SiteSpider

_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"

# The header "today" line of the network's template, e.g. "Saturday, Feb 22, 2025".
TODAY_LINE = re.compile(rf"^(?:{_WEEKDAYS}),?\s+[A-Z][a-z]+\.?\s+\d{{1,2}},?\s+\d{{4}}$")

RULES = SiteRules(
    key="budapestpost",
    site_names=("Budapest Post",),
    title=("article h1", "main h1", "h1"),
    body=(
        "[itemprop=articleBody]",
        ".article-text",
        ".article-body",
        ".article-content",
        ".post-content",
        ".entry-content",
        ".story-body",
        ".content",
        "article",
    ),
    strip=(".ai-disclaimer", ".disclaimer", ".related-articles", ".related", ".newsletter", ".audio-player",
           ".modal", ".header-date", ".current-date", ".motto", ".tagline"),
    drop_paragraphs=(
        TODAY_LINE,
        re.compile(r"^Cum Deo pro Patria et Libertate$", re.IGNORECASE),
        re.compile(r"^Budapest, Europe and world news$", re.IGNORECASE),
    ),
    stop_paragraphs=(
        re.compile(r"^AI Disclaimer:", re.IGNORECASE),
        re.compile(r"^Newsletter$", re.IGNORECASE),
        re.compile(r"^Related Articles$", re.IGNORECASE),
    ),
    authors=("article [rel~=author]", "article .author-name", "article .byline [itemprop=name]"),
    published=("article time[itemprop=datePublished]", "article time.published[datetime]"),
    modified=("article time[itemprop=dateModified]", "article time.updated[datetime]"),
    lead_image=("article h1 ~ figure img", "article h1 + img", "h1 + img", "h1 + figure img"),
    lead_image_after_title=True,
    never_dates=("header", ".header-date", ".current-date", ".today", ".date-line", ".dateline", ".site-header"),
)

ARTICLE_PATH = re.compile(r"/([a-z0-9]+(?:-[a-z0-9]+)*)")
NOT_ARTICLE_SLUGS = frozenset({"news", "latest", "about", "contact", "privacy", "terms", "search", "tag",
                               "tags", "author", "authors", "rss", "feed", "sitemap", "login", "register",
                               "newsletter", "section", "category"})
LISTING_PATH = re.compile(r"/(?:news/(?:page/\d+/)?)?")


class BudapestPostSpider(SiteSpider):
    """Budapest Post: articles at root-level slugs with no trailing slash, ``/{slug}``."""

    name = "budapestpost"
    site_name = "Budapest Post"
    origin = "https://budapestpost.com"
    rules = RULES
    sitemap_paths = ("/sitemap.xml",)
    feed_paths = ("/rss", "/feed")
    listing_paths = ("/", "/news/")
    follow_article_links = True  # the "Related Articles" list is the site's main cross-link

    article_path = ARTICLE_PATH
    reserved_slugs = NOT_ARTICLE_SLUGS
    listing_path = LISTING_PATH
