"""The article's lead (summary, standfirst): a block between the title and the body.

Generic extractors often skip the lead because it sits outside the body container, styled apart.
A block is the lead when it lies after the title and before the first body paragraph in the page,
outside boilerplate, and either carries a lead class/id token or repeats the page's description
(og/meta/JSON-LD). Only text visible on the page is ever added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from lxml.html import HtmlElement

from harvester.extraction.boilerplate import _is_generic_boilerplate, name_parts, raw_class_tokens
from harvester.extraction.cleaning import inline_text
from harvester.extraction.normalize import count_words, normalize_text
from harvester.extraction.pagetext import PageText
from harvester.extraction.select import class_tokens
from harvester.extraction.textrules import is_cross_link

LEAD_PARTS = frozenset(
    {"lead", "lede", "teaser", "intro", "summary", "standfirst", "subtitle", "subheadline", "excerpt",
     "deck", "dek", "abstract", "sapo", "chapo", "perex", "subline", "strapline", "description", "desc"}
)
LEAD_TAGS = frozenset({"p", "div", "h2", "h3", "section", "span", "header"})
MIN_LEAD_WORDS = 6
MAX_LEAD_WORDS = 120
DESCRIPTION_MATCH = 0.7
"""Share of the lead's words that the description must share for an unmarked block to count."""
PREFIX_CHARS = 60
_SPLIT = re.compile(r"[-_]+")
_WORD = re.compile(r"\w+")


CAMEL_LEAD_PARTS = frozenset({"lead", "lede", "dek", "deck", "standfirst", "intro"})
"""Lead words also recognised inside a camelCase class name ("ContentHeaderDek-emptdL")."""


def _marked(el: HtmlElement) -> bool:
    if any(LEAD_PARTS & set(_SPLIT.split(token)) for token in class_tokens(el)):
        return True
    return any(CAMEL_LEAD_PARTS.intersection(name_parts(token)) for token in raw_class_tokens(el))


CAPTION_PARTS = frozenset({"caption", "figcaption", "credit", "credits", "slideshow", "carousel"})


@lru_cache(maxsize=8192)
def _caption_name(token: str) -> bool:
    return not CAPTION_PARTS.isdisjoint(name_parts(token))


def _in_figure(el: HtmlElement) -> bool:
    """Captions are never the lead: a block inside a figure, named caption/credit, or holding one."""
    def caption(node: HtmlElement) -> bool:
        return node.tag in ("figure", "figcaption") or any(_caption_name(token) for token in raw_class_tokens(node))

    node: HtmlElement | None = el.getparent()
    while node is not None:
        if node.tag in ("figure", "figcaption"):
            return True
        node = node.getparent()
    return caption(el) or any(caption(d) for d in el.iterdescendants() if isinstance(d.tag, str))


def _words(description: str | None) -> frozenset[str]:
    """The description's words, case-folded (read once per page, compared with many blocks)."""
    return frozenset(w.casefold() for w in _WORD.findall(description)) if description else frozenset()


def _similar(text: str, known: frozenset[str] | None) -> bool:
    """True when ``DESCRIPTION_MATCH`` of the words of ``text`` are description words (``known``,
    None without a description)."""
    if known is None:
        return False
    words = [w.casefold() for w in _WORD.findall(text)]
    return bool(words) and sum(w in known for w in words) / len(words) >= DESCRIPTION_MATCH


def _in_boilerplate(el: HtmlElement, title_ancestors: frozenset[HtmlElement] = frozenset()) -> bool:
    """True inside a boilerplate block; the wrappers that also hold the title are the article's own
    region (a page-state class such as "page-hero-ad-hidden" on them says nothing about the lead)."""
    node: HtmlElement | None = el
    while node is not None:
        if node.tag in ("body", "html") or node in title_ancestors:
            return False
        if node.tag not in ("form", "header") and _is_generic_boilerplate(node):
            return True
        node = node.getparent()
    return False


def find_lead(page_body: HtmlElement, title_node: HtmlElement | None, first_paragraph: str,
              description: str | None, known: set[str], page_text: PageText | None = None) -> str | None:
    """The lead's text, or None. ``known`` holds texts already in the article (title, body);
    ``page_text`` the text of ``page_body``'s elements, when measured already."""
    if title_node is None or not first_paragraph:
        return None
    if not any(a is page_body for a in title_node.iterancestors()):
        return None  # the walk below starts at the title: one outside the body has no lead after it
    prefix = first_paragraph[:PREFIX_CHARS]
    known_words = _words(description) if description else None
    title_ancestors = frozenset(title_node.iterancestors())
    big = 2 * max(len(first_paragraph) + 200, 1000)
    for el in _following(title_node, page_body):
        if not isinstance(el.tag, str) or el.tag not in LEAD_TAGS:
            continue
        raw = page_text.raw(el) if page_text is not None else el.text_content()
        if len(raw) > big and _too_big(normalize_text(raw[:big]), first_paragraph):
            continue
        text = normalize_text(raw)
        if text.startswith(prefix) and len(text) <= len(first_paragraph) + 200:
            return None  # the body begins: no lead before it
        if prefix in text:
            continue  # an ancestor of the body
        if not (MIN_LEAD_WORDS <= count_words(text) <= MAX_LEAD_WORDS) or not (_marked(el) or _similar(text, known_words)):
            continue  # (the cheap tests first: most blocks are neither marked nor like the description)
        if not _in_boilerplate(el, title_ancestors) and not _in_figure(el):
            lead = inline_text(el)
            if lead and lead not in known and not is_cross_link(lead):
                return lead
    return None


def _too_big(start: str, first_paragraph: str) -> bool:
    """True when a block whose normalised text begins with ``start`` is neither the body's beginning
    (too long) nor a lead (too many words), whatever follows: the tests below would pass it by, so
    its whole text need not be normalised."""
    return len(start) > len(first_paragraph) + 200 and count_words(start) > MAX_LEAD_WORDS


def _following(el: HtmlElement, root: HtmlElement) -> Iterator[HtmlElement]:
    """The elements after ``el`` in document order inside ``root``, without ``el``'s descendants
    (lazily: the walk usually ends a few blocks after the title)."""
    node: HtmlElement | None = el
    while node is not None and node is not root:
        for sibling in node.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()
        node = node.getparent()
