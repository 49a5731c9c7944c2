"""Page classification: soft 404s and listings (before the body), too-short pages (after)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from harvester.extract.cleaning import link_density
from harvester.extract.generic import _direct_text, structural_candidates
from harvester.extract.metadata import PageMeta
from harvester.extract.normalize import normalize_text
from harvester.extract.select import text_of

SOFT_404 = re.compile(
    r"\b404\b|\bpage not found\b|\bnot found\b|\bnothing (?:was )?found\b|"
    r"\bpage (?:does not|doesn't|does no longer) exist\b|\bno longer (?:exists|available)\b|"
    r"\bcannot be found\b|\bcan't be found\b|\bcould ?n[o']t (?:be )?f(?:ou)?nd\b|\boops\b",
    re.IGNORECASE,
)
MAX_404_TITLE_WORDS = 12
MIN_TEASERS = 3
"""A page with this many headline links and no article markers is a listing."""
LONG_TEXT_CHARS = 600
"""Direct paragraph text of one container that marks an article."""
MAX_LINKS_IN_ARTICLE_TEXT = 3
HEADLINE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def soft_404_reason(root: HtmlElement, meta: PageMeta) -> str | None:
    """A reason when the page's h1 or <title> says "not found", else None."""
    h1 = next((text_of(h) for h in root.iter("h1") if text_of(h)), "")
    title = normalize_text(root.findtext(".//title"))
    for label, text in (("h1", h1), ("title", title)):
        if text and len(text.split()) <= MAX_404_TITLE_WORDS and SOFT_404.search(text):
            return f"soft 404: {label} says {text!r}"
    return None


def headline_links(root: HtmlElement) -> set[str]:
    """Distinct targets of links inside headings (teaser headlines)."""
    found: set[str] = set()
    for tag in HEADLINE_TAGS:
        for heading in root.iter(tag):
            for a in heading.iter("a"):
                href = (a.get("href") or "").strip()
                if href and not href.startswith("#") and text_of(a):
                    found.add(href)
    for article in root.iter("article"):
        for a in article.iter("a"):
            href = (a.get("href") or "").strip()
            if href and len(text_of(a).split()) >= 4:
                found.add(href)
                break
    return found


def has_long_text(body: HtmlElement, meta: PageMeta) -> bool:
    """True when one container after the title holds long paragraph text and few headline links."""
    for node in structural_candidates(body, meta.title_node):
        if _direct_text(node) >= LONG_TEXT_CHARS and len(headline_links(node)) < MAX_LINKS_IN_ARTICLE_TEXT:
            return True
    return False


def listing_reason(body: HtmlElement, meta: PageMeta) -> str | None:
    """A reason when the page is a listing of teasers without article markers, else None."""
    teasers = headline_links(body)
    if len(teasers) < MIN_TEASERS:
        return None
    if (meta.og_type or "").lower() == "article" or meta.jsonld_article:
        return None
    if has_long_text(body, meta):
        return None
    paragraphs = sum(1 for p in body.iter("p") if len(text_of(p).split()) >= 8)
    return (
        f"listing: {len(teasers)} article links, link density {link_density(body):.2f}, "
        f"{paragraphs} paragraphs, no article markers"
    )
