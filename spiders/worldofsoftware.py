"""World of Software (worldofsoftware.org): WordPress + Foxiz theme (SITES.md §4)."""

from __future__ import annotations

import re

from harvester.extract.rules import SiteRules

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

# --- spider ---
