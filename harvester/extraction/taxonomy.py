"""The article's section and tags from the site's selectors, JSON-LD and meta tags, and the
section named by a lone category link above the title (a "kicker")."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from harvester.extraction import jsonld
from harvester.extraction.metatags import MetaIndex, first_meta
from harvester.extraction.normalize import normalize_text
from harvester.extraction.pagemeta import PageMeta
from harvester.extraction.rules import SiteRules
from harvester.extraction.select import select, select_all, text_of, value_of
from harvester.extraction.urls import absolute_url

TAXONOMY_SEGMENTS = frozenset(
    {"tag", "tags", "category", "categories", "section", "sections", "topic", "topics", "channel", "rubric",
     "rubrik", "ressort", "kategorie", "categoria", "categorie", "thema", "themen", "subject", "subjects"}
)
MAX_KICKER_WORDS = 4
MAX_TAG_CHARS = 500
"""A longer "tag" is a paragraph or junk a page put in a keywords field, not a tag (the longest tag
extracted from the dev set's 258 pages has 194 characters: a comma-separated list in one
``article:tag``). 500 characters stay within what a PostgreSQL index takes (about 2,700 bytes)."""
MAX_TAGS = 100
"""Tags kept per article, the first ones (the most on one dev-set page is 21; a page listing 20,000
would cost the store 20,000 rows)."""


def tag_text(value: str) -> str:
    """One tag as stored: normalised, without a leading "#"."""
    return normalize_text(value).lstrip("#")


def clean_tags(values: list[str]) -> list[str]:
    """Tags normalised, empty and over-long ones dropped, de-duplicated case-insensitively (first
    spelling kept); at most ``MAX_TAGS``."""
    seen: dict[str, str] = {}
    for v in values:
        v = tag_text(v)
        if v and len(v) <= MAX_TAG_CHARS and v.casefold() not in seen:
            seen[v.casefold()] = v
            if len(seen) == MAX_TAGS:
                break
    return list(seen.values())


def find_section(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
                 index: MetaIndex, article: dict[str, Any] | None) -> None:
    """Set ``meta.section``: the site's selectors, then JSON-LD ``articleSection``, then article:section."""
    for el in select_all(root, rules.section if rules else ()):
        value = value_of(el)
        if value:
            meta.section, meta.sources["section"] = value, "selector"
            break
    if meta.section is None and article is not None:
        sections = [normalize_text(s) for s in jsonld.strings(article.get("articleSection"))]
        if sections and sections[0]:
            meta.section, meta.sources["section"] = sections[0], "json-ld"
    if meta.section is None:
        value = first_meta(index, ("article:section",))
        if value:
            meta.section, meta.sources["section"] = value, "meta"


def find_tags(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
              index: MetaIndex, article: dict[str, Any] | None) -> None:
    """Set ``meta.tags``: the site's selectors, then article:tag, then JSON-LD ``keywords``."""
    for selector in rules.tags if rules else ():
        tags = clean_tags([value_of(el) for el in select(root, selector)])
        if tags:
            meta.tags, meta.sources["tags"] = tags, "selector"
            return
    tags = clean_tags(index.get("article:tag", []))
    if tags:
        meta.tags, meta.sources["tags"] = tags, "meta"
        return
    if article is not None:
        raw = article.get("keywords")
        values = [part for s in jsonld.strings(raw) for part in (s.split(",") if isinstance(raw, str) else [s])]
        tags = clean_tags(values)
        if tags:
            meta.tags, meta.sources["tags"] = tags, "json-ld"


def find_section_and_tags(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
                          index: MetaIndex, article: dict[str, Any] | None) -> None:
    """``find_section`` then ``find_tags``."""
    find_section(root, rules, meta, index, article)
    find_tags(root, rules, meta, index, article)


def _is_taxonomy_link(href: str, base: str) -> bool:
    """True for a link to a section/tag page: a taxonomy path segment, or a one-segment path."""
    found = absolute_url(href, base)
    if not found:
        return False
    segments = [seg for seg in urlsplit(found).path.split("/") if seg]
    return bool(segments) and (bool(TAXONOMY_SEGMENTS & {seg.lower() for seg in segments}) or len(segments) == 1)


def kicker_section(title_node: HtmlElement | None, base: str) -> str | None:
    """The section named by a lone category link right above the title (a "kicker"), or None.

    Only the block immediately before the h1 counts, it must hold exactly one link, be all link
    text, a few words long, and point to a taxonomy page: a breadcrumb has several links and a
    byline comes after the title."""
    if title_node is None:
        return None
    block = title_node.getprevious()
    while block is not None and not isinstance(block.tag, str):
        block = block.getprevious()
    if block is None or block.tag in ("nav", "ol", "ul", "img", "figure", "picture"):
        return None
    links = [a for a in block.iter("a") if a.get("href")]
    if len(links) != 1:
        return None
    text = text_of(block)
    if not text or text != text_of(links[0]) or len(text.split()) > MAX_KICKER_WORDS:
        return None
    return text if _is_taxonomy_link(links[0].get("href") or "", base) else None
