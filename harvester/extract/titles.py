"""The article title and the site's names (to tell a title from a logo or a "| Site" suffix).

Order: the site's rule selectors, then the h1 closest to og:title / JSON-LD headline / <title>,
then those values themselves.
"""

from __future__ import annotations

from typing import Any

from lxml.html import HtmlElement

from harvester.extract import jsonld
from harvester.extract.metatags import MetaIndex, first_meta
from harvester.extract.normalize import normalize_optional, normalize_text
from harvester.extract.pagemeta import PageMeta
from harvester.extract.rules import SiteRules
from harvester.extract.select import select, select_all, text_of, value_of

TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
MAX_SUFFIX_WORDS = 4


def strip_site_suffix(title: str, site_names: tuple[str, ...]) -> str:
    """``title`` without a trailing "<sep> Site Name" (known names, else a short last part)."""
    known = {n.casefold() for n in site_names}
    for sep in TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        head, tail = head.strip(), tail.strip()
        if not head:
            continue
        if tail.casefold() in known:
            return head
        if not known and len(tail.split()) <= MAX_SUFFIX_WORDS and len(tail) < len(head):
            return head
    return title


def site_names(rules: SiteRules | None, index: MetaIndex, items: list[dict[str, Any]]) -> tuple[str, ...]:
    """The site's names: from its rules, og:site_name / application-name, JSON-LD WebSite/Organization."""
    names: list[str] = list(rules.site_names) if rules else []
    names += [normalize_text(v) for v in index.get("og:site_name", [])]
    names += [normalize_text(v) for v in index.get("application-name", [])]
    for item in items:
        types = item.get("@type")
        if types in ("WebSite", "Organization", "NewsMediaOrganization") and isinstance(item.get("name"), str):
            names.append(normalize_text(item["name"]))
    return tuple(dict.fromkeys(n for n in names if n))


def _pick_h1(root: HtmlElement, site_names: tuple[str, ...], hints: list[str]) -> HtmlElement | None:
    """The title h1: inside article/main first, never a site-name logo, closest to the hints."""
    names = {n.casefold() for n in site_names}
    scoped = select(root, "article h1, main h1, [role=main] h1")
    ordered = scoped + [h for h in root.iter("h1") if h not in scoped]
    candidates = [h for h in ordered if text_of(h) and text_of(h).casefold() not in names]
    if not candidates:
        return None
    folded = [h.casefold() for h in hints if h]
    for h1 in candidates:
        text = text_of(h1).casefold()
        if any(text == hint or text in hint or hint in text for hint in folded):
            return h1
    return candidates[0]


def find_title(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
               index: MetaIndex, article: dict[str, Any] | None) -> None:
    """Set ``meta.title`` (and ``meta.title_node`` when it comes from an element)."""
    names = {n.casefold() for n in meta.site_names}
    for el in select_all(root, rules.title if rules else ()):
        value = value_of(el)
        if value and value.casefold() not in names:
            meta.title, meta.title_node, meta.sources["title"] = value, el, "selector"
            return
    og_title = first_meta(index, ("og:title", "twitter:title"))
    headline = normalize_optional(jsonld.strings(article.get("headline"))[0]) if article and jsonld.strings(article.get("headline")) else None
    title_tag = normalize_optional(root.findtext(".//title"))
    hints = [strip_site_suffix(t, meta.site_names) for t in (og_title, headline, title_tag) if t]
    h1 = _pick_h1(root, meta.site_names, hints)
    if h1 is not None:
        meta.title, meta.title_node, meta.sources["title"] = text_of(h1), h1, "selector"
    elif og_title:
        meta.title, meta.sources["title"] = strip_site_suffix(og_title, meta.site_names), "meta"
    elif headline:
        meta.title, meta.sources["title"] = headline, "json-ld"
    elif title_tag:
        meta.title, meta.sources["title"] = strip_site_suffix(title_tag, meta.site_names), "meta"
