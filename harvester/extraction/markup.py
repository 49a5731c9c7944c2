"""Last-resort authors, section and tags from microdata, RDFa (schema.org vocabulary, with or
without the "schema:" prefix) and rel=author/category/tag links, read after the body is known:
first inside the article scope, then on the whole page outside navigation and sidebars."""

from __future__ import annotations

import re
from functools import lru_cache

from cssselect import SelectorError, parse
from cssselect.parser import Attrib, Class, CombinedSelector, Element
from lxml.etree import XPath
from lxml.html import HtmlElement

from harvester.extraction.authors import clean_authors, set_authors
from harvester.extraction.pagemeta import PageMeta
from harvester.extraction.scope import SCOPE_SKIP_PARTS, SCOPE_SKIP_TAGS, scoped
from harvester.extraction.select import value_of
from harvester.extraction.taxonomy import clean_tags, kicker_section

AUTHOR_MARKUP = (
    "[itemprop=author] [itemprop=name]", "[itemprop=author]",
    "[rel~='schema:author'] [property~='schema:name']", "[property~='schema:author'] [property~='schema:name']",
    "[rel~='schema:author']", "[property~='schema:author']", "a[rel~=author]",
    ".byline .fn", ".vcard.author .fn", ".author.vcard a", "[class*=byline] a[href*='/author']",
    "a[href*='/author/']", "a[href*='/authors/']", "a[href*='/autor/']", "a[href*='/autoren/']",
    "a[href*='/auteur/']", "a[href*='/autore/']", "a[href*='/journalist/']", "a[href*='/profile/']",
)
SECTION_MARKUP = ("[itemprop=articleSection]", "[property~='schema:articleSection']", "a[rel~=category]")
TAG_MARKUP = ("[itemprop=keywords]", "[property~='schema:keywords']", "[property~='schema:about']", "a[rel~=tag]")

# Page level: the article's own footer may hold its categories and tags (AMP and print templates),
# so only navigation, sidebars, forms and related/comment blocks are excluded there.
PAGE_SKIP_TAGS = frozenset({"nav", "aside", "form"})
PAGE_SKIP_PARTS = SCOPE_SKIP_PARTS - {"footer"}


_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_TESTS = frozenset({"=", "~=", "*=", "^=", "$=", "|=", "exists"})


@lru_cache(maxsize=256)
def _attribute_tests(selector: str) -> tuple[tuple[str, str, str], ...]:
    """The attribute tests (class names as ``class ~= name``) that elements of the page must pass
    for ``selector`` to match anything: each names a value that some element must have written in
    that attribute. None (``()``: the selector may match any page) for one that is not a plain chain
    of element, class and attribute tests (a negation, for one, holds no necessary value; nor does a
    group "a, b")."""
    try:
        parsed = parse(selector)
    except SelectorError:
        return ()
    if len(parsed) != 1:
        return ()
    tests: list[tuple[str, str, str]] = []
    pending = [parsed[0].parsed_tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CombinedSelector):
            pending += [node.selector, node.subselector]
        elif isinstance(node, Attrib):
            if node.namespace is not None or node.operator not in _TESTS or not _NAME.fullmatch(node.attrib):
                return ()
            tests.append((node.attrib, node.operator, node.value.value if node.value is not None else ""))
            pending.append(node.selector)
        elif isinstance(node, Class):
            tests.append(("class", "~=", node.class_name))
            pending.append(node.selector)
        elif not isinstance(node, Element):
            return ()
    return tuple(tests)


@lru_cache(maxsize=64)
def _values_of(name: str) -> XPath:
    return XPath(f"descendant-or-self::*/@{name}", smart_strings=False)


class _Written:
    """The attribute values written under a scope, read per attribute on first need (one walk each,
    where matching each microdata, RDFa, class or link selector walks the whole scope)."""

    def __init__(self, scope: HtmlElement) -> None:
        self._scope = scope
        self._values: dict[str, tuple[set[str], set[str], str]] = {}

    def _read(self, name: str) -> tuple[set[str], set[str], str]:
        """The values of attribute ``name``: whole, split into tokens, and joined (for substrings)."""
        if name not in self._values:
            found = _values_of(name)(self._scope)
            self._values[name] = (set(found), {token for value in found for token in value.split()},
                                  "\n".join(found))
        return self._values[name]

    def possible(self, selector: str) -> bool:
        """False when ``selector`` cannot match: a value it tests for is written nowhere. (Tokens are
        split at any white space, substrings looked for across values: never fewer than match.)"""
        for name, operator, value in _attribute_tests(selector):
            whole, tokens, joined = self._read(name)
            if operator == "=":
                found = value in whole
            elif operator == "~=":
                found = value in tokens
            elif operator == "exists":
                found = bool(whole)
            else:  # *= ^= $= |=: the value is at least a substring of one
                found = value in joined
            if not found:
                return False
        return True


def _tag_values(el: HtmlElement) -> list[str]:
    """Tags of one element as written (``clean_tags`` normalises them): a link's text, or a
    comma-separated keywords value."""
    if "category" in (el.get("rel") or "").lower():
        return []
    value = value_of(el)
    return value.split(",") if el.tag == "meta" or "keywords" in (el.get("itemprop") or el.get("property") or "") else [value]


def markup_from_scope(scope: HtmlElement, meta: PageMeta, skip_tags: frozenset[str] = SCOPE_SKIP_TAGS,
                      skip_parts: frozenset[str] = SCOPE_SKIP_PARTS) -> None:
    """Last resort for authors, section and tags: microdata, RDFa and rel=author/category/tag links
    inside ``scope`` (never in navigation, sidebars, related lists or comments). A selector testing
    for an attribute value or a class that the scope does not hold is not matched at all."""
    written = _Written(scope)
    if not meta.authors or meta.authors_are_outlet:
        for selector in filter(written.possible, AUTHOR_MARKUP):
            names = clean_authors([value_of(el) for el in scoped(scope, selector, skip_tags, skip_parts)])
            if names and set_authors(meta, names, "selector", meta.outlet_keys):
                break
    if meta.section is None:
        for selector in filter(written.possible, SECTION_MARKUP):
            # a category link may sit in a small <nav> (a kicker); site menus carry no rel=category
            found = scoped(scope, selector, skip_tags - {"nav"}, skip_parts)
            values = [v for v in (value_of(el) for el in found) if v]
            if values:
                meta.section, meta.sources["section"] = values[0], "selector"
                break
    if not meta.tags:
        for selector in filter(written.possible, TAG_MARKUP):
            found = scoped(scope, selector, skip_tags, skip_parts)
            tags = clean_tags([t for el in found for t in _tag_values(el)])
            if tags:
                meta.tags, meta.sources["tags"] = tags, "selector"
                break


def markup_from_page(body: HtmlElement, meta: PageMeta) -> None:
    """After the article scope: a kicker link above the title for the section, then microdata, RDFa
    and rel links anywhere on the page outside navigation, sidebars, related lists and comments."""
    if meta.section is None:
        section = kicker_section(meta.title_node, meta.url)
        if section:
            meta.section, meta.sources["section"] = section, "selector"
    markup_from_scope(body, meta, PAGE_SKIP_TAGS, PAGE_SKIP_PARTS)
