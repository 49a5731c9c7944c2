"""The article title and the site's names (to tell a title from a logo or a "| Site" suffix).

Order: the site's rule selectors; then the headline the page declares twice, when og:title and the
JSON-LD headline agree with each other (site suffix removed) but not with the visible h1 (a display
variant: a kicker or overline inside the h1, a shortened or extended on-page headline); then the
visible h1 closest to og:title / JSON-LD headline / <title> (never a visually hidden one, kicker
and overline children left out); then those values themselves. Site-name suffixes and prefixes
are removed in any script ("Title ㅣSite", "Site | Title", "Title - Site").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from lxml.html import HtmlElement

from harvester.extraction import jsonld
from harvester.extraction.metatags import MetaIndex, first_meta
from harvester.extraction.normalize import normalize_optional, normalize_text
from harvester.extraction.pagemeta import PageMeta
from harvester.extraction.rules import SiteRules
from harvester.extraction.select import select_all, text_of, value_of

TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
MAX_SUFFIX_WORDS = 4
_SEPARATOR_CHARS = r"|\-–—:·•»«/\\ㅣ｜‖~"
KICKER_PARTS = frozenset({"kicker", "topline", "overline", "dachzeile", "roofline", "eyebrow", "supertitle",
                          "overtitle", "flag", "label", "rubric", "rubrik", "category", "tagline",
                          "surtitle", "pretitle", "preheadline", "superheadline", "antetitulo", "occhiello"})
HIDDEN_NAMES = frozenset({"sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "screenreader-only",
                          "hidden", "d-none", "hide", "offscreen", "a11y-hidden", "u-hidden", "is-hidden", "sr-text"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PART_SPLIT = re.compile(r"[-_]+|(?<=[a-z])(?=[A-Z])")


def _strip_known(title: str, names: tuple[str, ...]) -> str:
    """``title`` without a known site name glued to either end by any separator, in any script."""
    for name in sorted(names, key=len, reverse=True):
        if not _name_pattern(name).search(title):
            continue  # the name is not in the title at all: neither title pattern can match
        rest = _known_rest(title, name)
        if rest:
            return rest
    return title


_BEFORE_NAME = re.compile(rf"(?P<rest>.+?)\s*[{_SEPARATOR_CHARS}]+\s*", re.IGNORECASE)
_AFTER_NAME = re.compile(rf"\s*[{_SEPARATOR_CHARS}]+\s*(?P<rest>.+)$", re.IGNORECASE)


def _known_rest(title: str, name: str) -> str:
    """What ``_title_patterns(name)`` leave of ``title`` ("" when neither matches), without compiling
    them: a name without surrounding white space can only sit right before the title's trailing
    white space (suffix) or right after its leading white space (prefix), so the name is compared
    there and the separators matched by patterns compiled once for all names."""
    if not name or name != name.strip():
        for pattern in _title_patterns(name):
            match = pattern.match(title)
            if match and match["rest"].strip():
                return match["rest"].strip()
        return ""
    literal = _name_pattern(name)
    end = len(title.rstrip())
    start = end - len(name)
    if start > 0 and literal.fullmatch(title, start, end):
        match = _BEFORE_NAME.fullmatch(title, 0, start)
        if match and match["rest"].strip():
            return match["rest"].strip()
    begin = len(title) - len(title.lstrip())
    if literal.fullmatch(title, begin, begin + len(name)):
        match = _AFTER_NAME.match(title, begin + len(name))
        if match and match["rest"].strip():
            return match["rest"].strip()
    return ""


@lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern[str]:
    """The site name as a case-insensitive pattern (a linear search, cheap to compile)."""
    return re.compile(re.escape(name), re.IGNORECASE)


@lru_cache(maxsize=1024)
def _title_patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Titles with the site name as suffix and as prefix (what ``_known_rest`` does without compiling
    them, and still uses for a name with surrounding white space)."""
    escaped = re.escape(name)
    return (re.compile(rf"^(?P<rest>.+?)\s*[{_SEPARATOR_CHARS}]+\s*{escaped}\s*$", re.IGNORECASE),
            re.compile(rf"^\s*{escaped}\s*[{_SEPARATOR_CHARS}]+\s*(?P<rest>.+)$", re.IGNORECASE))


def strip_site_suffix(title: str, site_names: tuple[str, ...]) -> str:
    """``title`` without a trailing "<sep> Site Name" or a leading "Site Name <sep>" (known names,
    any separator and script), else without a short last part after a spaced separator."""
    stripped = _strip_known(title, site_names)
    if stripped != title:
        return stripped
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


def _parts(el: HtmlElement) -> set[str]:
    names = (el.get("class") or "").split() + ([el.get("id")] if el.get("id") else [])
    return {p.lower() for n in names for p in _PART_SPLIT.split(n) if p} | {n.lower() for n in names}


def is_hidden(el: HtmlElement) -> bool:
    """True when ``el`` or an ancestor is visually hidden (sr-only classes, hidden, display:none)."""
    node: HtmlElement | None = el
    while node is not None:
        names = {n.lower() for n in (node.get("class") or "").split()}
        if names & HIDDEN_NAMES or node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return True
        if _HIDDEN_STYLE.search(node.get("style") or ""):
            return True
        node = node.getparent()
    return False


def _glued_lead(h1: HtmlElement) -> HtmlElement | None:
    """A first child that opens the h1 and runs into the text after it without a space, a lower-case
    letter meeting a capital (``<h1><span>Nationale Demo</span>Der 9. Juli naht …</h1>``): a kicker
    that a style sheet puts on a line of its own, whatever its class. Kept together, its words would
    merge with the headline's ("DemoDer"). A word split over elements (a drop cap "D|er", a link
    "Trump|s", "Bundes|liga") has no such case change and stays."""
    if (h1.text or "").strip():
        return None
    first = next((child for child in h1 if isinstance(child.tag, str)), None)
    if first is None or first.tag in ("br", "img"):
        return None
    lead, tail = first.text_content(), first.tail or ""
    if not lead.strip() or not tail.strip():
        return None
    return first if lead[-1:].islower() and tail[:1].isupper() else None


def headline_text(h1: HtmlElement) -> str:
    """The h1's text without kicker/overline children and visually hidden parts."""
    skipped = [c for c in h1.iterdescendants() if isinstance(c.tag, str)
               and (_parts(c) & KICKER_PARTS or is_hidden(c))]
    glued = _glued_lead(h1)
    if glued is not None and glued not in skipped:
        skipped.append(glued)
    if not skipped:
        return text_of(h1)
    chunks: list[str] = []

    def walk(el: HtmlElement) -> None:
        if el in skipped:
            chunks.append(" ")
        else:
            chunks.append(el.text or "")
            for child in el:
                if isinstance(child.tag, str):
                    walk(child)
                chunks.append(child.tail or "")

    walk(h1)
    return normalize_text("".join(chunks)) or text_of(h1)


def _in_main(el: HtmlElement, root: HtmlElement) -> bool:
    """True when an ancestor of ``el`` up to ``root`` is an article, main or role=main element (the
    page's h1s are few: walking up from each is cheaper than matching selectors over the page)."""
    for node in el.iterancestors():
        if node.tag in ("article", "main") or node.get("role") == "main":
            return True
        if node is root:
            break
    return False


def page_title(root: HtmlElement) -> str:
    """``normalize_text(root.findtext(".//title"))``, looking in <head> first: a search of the whole
    page walks all of it (lxml's iterators look one match ahead)."""
    first = next((child for child in root if isinstance(child.tag, str)), None)
    if first is not None and first.tag == "head":
        for title in first.iter("title"):  # <head> precedes the rest of the page
            return normalize_text(title.text)
    return normalize_text(root.findtext(".//title"))


def first_heading(headings: list[HtmlElement]) -> str:
    """The visible text of the first h1 that has any ("" when none has)."""
    return next((text for text in (text_of(h) for h in headings) if text), "")


def title_and_heading(root: HtmlElement, meta: PageMeta | None) -> tuple[str, str]:
    """The page's <title> and first h1 text, as ``read_metadata`` found them (read from the page
    when ``meta`` does not hold them)."""
    title = meta.page_title if meta is not None and meta.page_title is not None else page_title(root)
    headings = meta.headings if meta is not None and meta.headings is not None else list(root.iter("h1"))
    return title, first_heading(headings)


def _pick_h1(root: HtmlElement, site_names: tuple[str, ...], hints: list[str],
             headings: list[HtmlElement] | None = None) -> HtmlElement | None:
    """The title h1: inside article/main first, never a site-name logo nor a visually hidden
    heading, closest to the hints."""
    names = {n.casefold() for n in site_names}
    headings = list(root.iter("h1")) if headings is None else headings
    scoped = [h for h in headings if _in_main(h, root)]  # "article h1, main h1, [role=main] h1"
    ordered = scoped + [h for h in headings if h not in scoped]
    candidates = [h for h in ordered if headline_text(h) and headline_text(h).casefold() not in names
                  and not is_hidden(h)]
    if not candidates:
        return None
    folded = [h.casefold() for h in hints if h]
    for h1 in candidates:
        text = headline_text(h1).casefold()
        if any(text == hint or text in hint or hint in text for hint in folded):
            return h1
    return candidates[0]


def _same(a: str | None, b: str | None) -> bool:
    def norm(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value).split()).strip("\"'“”„‘’«» ").casefold()

    return bool(a and b) and norm(a) == norm(b)  # type: ignore[arg-type]


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
    title_tag = (meta.page_title if meta.page_title is not None else page_title(root)) or None
    if headline:
        headline = strip_site_suffix(headline, meta.site_names)
    hints = [strip_site_suffix(t, meta.site_names) for t in (og_title, headline, title_tag) if t]
    h1 = _pick_h1(root, meta.site_names, hints, meta.headings)
    declared = strip_site_suffix(og_title, meta.site_names) if og_title else None
    if declared and _same(declared, headline) and (h1 is None or not _same(headline_text(h1), headline)):
        meta.title, meta.sources["title"] = headline, "json-ld"
        meta.title_node = h1
    elif h1 is not None:
        meta.title, meta.title_node, meta.sources["title"] = headline_text(h1), h1, "selector"
    elif declared and headline and declared.startswith(headline) and len(headline) < len(declared):
        meta.title, meta.sources["title"] = headline, "json-ld"  # og:title = headline + a suffix
    elif declared:
        meta.title, meta.sources["title"] = declared, "meta"
    elif headline:
        meta.title, meta.sources["title"] = headline, "json-ld"
    elif title_tag:
        meta.title, meta.sources["title"] = strip_site_suffix(title_tag, meta.site_names), "meta"
    if meta.title:
        meta.title = meta.title.replace("\u00ad", "")  # soft hyphens are layout, not text
