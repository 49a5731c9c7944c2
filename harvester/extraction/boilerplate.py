"""Removing boilerplate elements from a body container (selectors, tags, class/id tokens)."""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.etree
from lxml.html import HtmlElement

from harvester.extraction.select import class_tokens, select_all

REMOVE_TAGS = frozenset(
    {
        "script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea",
        "nav", "aside", "footer", "svg", "template", "object", "embed", "canvas", "video", "audio",
        "dialog", "label", "menu", "link", "meta",
    }
)
EMBED_CLASSES = frozenset(
    {"twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "reddit-card", "fb-post",
     "fb-video", "wp-embedded-content", "bluesky-embed", "threads-embed"}
)
# One part of a class name / id (split on - and _) that marks boilerplate.
BOILERPLATE_PARTS = frozenset(
    {
        "ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adsense", "adslot",
        "sponsor", "sponsored", "sponsors", "share", "shares", "sharing", "shared", "social", "newsletter",
        "subscribe", "subscription", "related", "readmore", "comment", "comments", "breadcrumb",
        "breadcrumbs", "reaction", "reactions", "promo", "promotion", "popup", "modal", "cookie", "cookies",
        "consent", "gdpr", "sidebar", "pagination", "byline", "meta", "disqus", "outbrain", "taboola",
        "respond", "login", "signup", "tags", "tagcloud", "toc", "feedback", "factbox", "infobox", "faktabox", "faktbox",
    }
)
# Consecutive parts that together mark boilerplate.
BOILERPLATE_PAIRS = frozenset(
    {
        ("read", "also"), ("read", "more"), ("see", "also"), ("also", "read"), ("author", "box"),
        ("author", "bio"), ("author", "card"), ("about", "author"), ("tag", "bar"), ("tag", "list"),
        ("post", "tags"), ("load", "more"), ("show", "more"), ("no", "image"), ("skip", "link"),
        ("more", "stories"), ("you", "might"), ("sign", "up"), ("author", "line"), ("author", "name"),
        ("author", "info"), ("table", "contents"), ("table", "of"), ("author", "meta"), ("post", "author"), ("entry", "author"), ("author", "wrap"),
        ("fact", "box"), ("facts", "box"), ("info", "box"), ("fakta", "boks"),
    }
)
# Whole class names / ids that mark hidden or injected content.
BOILERPLATE_NAMES = frozenset(
    {"adsbygoogle", "sharedaddy", "addtoany", "screen-reader-text", "sr-only", "visually-hidden",
     "hidden", "d-none", "bio", "jp-relatedposts", "yarpp-related", "crp_related"}
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPLIT = re.compile(r"[-_]+")

KEEP_SHARE = 0.6
"""A generic removal never takes an element holding more than this share of the container's text."""


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=8192)
def name_parts(name: str) -> tuple[str, ...]:
    """The lower-case words of a class name or id, split at - and _ and at camelCase humps
    ("NewsletterBox" -> ("newsletter", "box")). Cached: a page repeats its class names on many
    elements, and several stages ask about the same elements."""
    return tuple(p.lower() for p in _SPLIT.split(_CAMEL.sub("-", name)) if p)


def raw_class_tokens(el: HtmlElement) -> list[str]:
    """The class names and the id of an element as written (case kept, for camelCase splitting)."""
    names = (el.get("class") or "").split()
    ident = (el.get("id") or "").strip()
    return names + ([ident] if ident else [])


@lru_cache(maxsize=8192)
def is_boilerplate_name(name: str) -> bool:
    """True when one class name or id says boilerplate (token match, not substring)."""
    if name.lower() in BOILERPLATE_NAMES:
        return True
    parts = name_parts(name)
    if any(p in BOILERPLATE_PARTS for p in parts):
        return True
    return any(pair in BOILERPLATE_PAIRS for pair in zip(parts, parts[1:]))


def _is_generic_boilerplate(el: HtmlElement) -> bool:
    if el.tag in REMOVE_TAGS:
        return True
    if el.tag == "blockquote" and (EMBED_CLASSES.intersection(class_tokens(el)) or el.get("data-instgrm-permalink")):
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    return any(is_boilerplate_name(t) for t in raw_class_tokens(el))


def _text_len(el: HtmlElement) -> int:
    return len("".join(el.itertext()).strip())


def _link_text_len(el: HtmlElement) -> int:
    return sum(_text_len(a) for a in el.iter("a"))


MIN_CLUSTER_LINKS = 3
CLUSTER_LINK_SHARE = 0.8


def is_link_cluster(el: HtmlElement) -> bool:
    """A list/box of links only (related headlines, menus): most of its text is link text."""
    if el.tag not in ("ul", "ol", "div", "section", "dl", "table"):
        return False
    if sum(1 for a in el.iter("a") if a.get("href")) < MIN_CLUSTER_LINKS:
        return False  # (counted before any text is measured)
    total = _text_len(el)
    return total > 0 and _link_text_len(el) / total >= CLUSTER_LINK_SHARE


CARD_TAGS = frozenset({"figure", "div", "section", "aside", "article", "li", "p"})
CARD_BLOCKS = frozenset({"div", "p", "h2", "h3", "h4", "h5", "h6", "span", "figcaption", "header", "footer", "section"})
MIN_CARD_BLOCKS = 2


def is_link_card(el: HtmlElement) -> bool:
    """A link preview card: all of the element's text inside one link that holds several text blocks
    (a headline, a description, a publisher line), e.g. an embedded bookmark of another page."""
    if el.tag not in CARD_TAGS:
        return False
    links = [a for a in el.iter("a") if a.get("href")]
    if len(links) != 1:
        return False
    total = _text_len(el)
    if not total or _text_len(links[0]) < total:
        return False
    blocks = [b for b in links[0].iterdescendants() if isinstance(b.tag, str) and b.tag in CARD_BLOCKS
              and b.text and b.text.strip()]
    return len(blocks) >= MIN_CARD_BLOCKS


def remove(el: HtmlElement) -> None:
    """Remove ``el`` but keep the text that follows it (its tail)."""
    if el.getparent() is not None:
        el.drop_tree()


def strip_boilerplate(root: HtmlElement, selectors: tuple[str, ...] = ()) -> None:
    """Remove, below ``root``: the given selectors, then boilerplate tags, tokens and link clusters.

    Generic removals spare any element holding most of the container's text, so a wrapper with an
    unlucky class name cannot take the article with it.
    """
    for el in select_all(root, selectors):
        if el is not root:
            remove(el)
    for el in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        remove(el)
    total = max(_text_len(root), 1)
    for el in list(root.iterdescendants()):
        if not isinstance(el.tag, str) or el.getparent() is None or _detached(el, root):
            continue
        if _is_generic_boilerplate(el) or is_link_cluster(el) or is_link_card(el):
            if el.tag in ("script", "style", "noscript", "template") or _text_len(el) <= KEEP_SHARE * total:
                remove(el)


def _detached(el: HtmlElement, root: HtmlElement) -> bool:
    node = el
    while node is not None and node is not root:
        node = node.getparent()
    return node is None
