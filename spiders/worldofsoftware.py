"""World of Software (worldofsoftware.org): WordPress + Foxiz theme (SITES.md §4)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from harvester.extraction.rules import SiteRules
from harvester.site_spider import SiteSpider

# Foxiz containers that are boilerplate wherever they appear (SITES.md §4.4, §4.5).
_STRIP = (
    "#rb-privacy", "#site-header", "#header-mobile", "#s-title-sticky", ".breadcrumb-wrap", ".single-meta",
    ".t-shared-sec", ".l-shared-sec-outer", ".inline-single-ad", ".ad-wrap", ".ad-description", ".ad-script",
    ".ad-image", "ins.adsbygoogle", ".entry-newsletter", ".newsletter-box", ".e-shared-sec",
    ".sticky-share-list-buffer", ".reaction-sec", ".entry-pagination", ".comment-box-wrap", "#comments",
    "#respond", ".sidebar-wrap", ".sfoter-sec", ".single-related", ".single-popular", "footer.footer-wrap",
    "#rb-user-popup-form", "#rb-popup-newsletter", ".usr-holder", ".efoot", ".entry-top", ".entry-bottom",
    ".rb-table-contents", ".s-feat-outer", ".feat-caption", ".rbbsl", ".tag-bar",
)

RULES = SiteRules(
    key="worldofsoftware",
    site_names=("World of Software", "World Of Software"),
    title=("article h1.s-title", ".single-header h1", "h1.s-title"),
    body=("article .entry-content.rbct", "article .entry-content", ".entry-content.rbct", "[itemprop=articleBody]"),
    strip=_STRIP,
    drop_paragraphs=(re.compile(r"^-?\s*advertisement\s*-?$", re.IGNORECASE),),
    authors=(
        ".single-header .meta-author.co-authors .meta-separate a",
        ".single-header .meta-author a",
        ".single-header .meta-author",
        ".single-meta .meta-avatar img[alt]",
    ),
    published=(".single-header time.date.published[datetime]", ".single-header time.published[datetime]"),
    modified=(".single-header time.updated-date[datetime]", ".single-header time.updated[datetime]"),
    section=(".single-header .s-cats a.p-category", ".single-header a[rel~=category]"),
    tags=(".efoot .tag-bar a[rel~=tag]", ".tag-bar a[rel~=tag]", "article .tag-bar a"),
    lead_image=(
        ".s-feat-outer .s-feat .featured-lightbox-trigger[data-source]",
        ".s-feat-outer .s-feat img.wp-post-image",
        ".s-feat-outer .s-feat img",
    ),
    never_dates=("#site-header", "#header-mobile", ".sidebar-wrap", ".single-related", ".entry-pagination",
                 "footer.footer-wrap", ".comment-box-wrap"),
)

# WordPress permalinks /%postname%/; the rest of the root-level namespace is site pages.
POST_PATH = re.compile(r"/([a-z0-9]+(?:-[a-z0-9]+)*)/")
RESERVED_SLUGS = frozenset({"category", "tag", "author", "page", "feed", "search", "web-stories", "about",
                            "about-us", "contact", "contact-us", "advertise", "comments", "login"})
RESERVED_PREFIXES = ("privacy", "terms", "wp-", "cookie")
LISTING_PATH = re.compile(r"/(?:category/[a-z0-9-]+(?:/[a-z0-9-]+)*/)?(?:page/\d+/)?")
PAGED_LISTING = re.compile(r"(/(?:category/[a-z0-9-]+(?:/(?!page/)[a-z0-9-]+)*/)?)(?:page/(\d+)/)?")
UNWANTED_SITEMAP = re.compile(r"taxonom|users|posts-page|(?:category|tag|author|page)-sitemap")


class WorldOfSoftwareSpider(SiteSpider):
    """World of Software: WordPress (Foxiz theme); posts at root-level slugs ``/{slug}/``."""

    name = "worldofsoftware"
    site_name = "World of Software"
    origin = "https://worldofsoftware.org"
    rules = RULES
    sitemap_paths = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")
    feed_paths = ("/feed/",)
    listing_paths = ("/",)

    article_path = POST_PATH
    reserved_slugs = RESERVED_SLUGS
    listing_path = LISTING_PATH

    def is_article_url(self, url: str) -> bool:
        slug = urlsplit(url).path.strip("/")
        return super().is_article_url(url) and not slug.startswith(RESERVED_PREFIXES)

    def next_listing_page(self, url: str) -> str | None:
        """WordPress serves ``…/page/N/`` under every listing whatever paging UI the theme shows
        (numbers, "Older Articles", AJAX "Show More", infinite scroll)."""
        match = PAGED_LISTING.fullmatch(urlsplit(url).path)
        if not match or urlsplit(url).query:
            return None
        return f"{self.origin}{match.group(1)}page/{int(match.group(2) or 1) + 1}/"

    def is_wanted_sitemap(self, url: str) -> bool:
        return not UNWANTED_SITEMAP.search(urlsplit(url).path)
