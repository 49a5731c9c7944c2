"""The article's scope in the page: the element holding title and body, and what inside it is
page furniture (navigation, sidebars, related lists, comments) rather than the article."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from harvester.extraction.select import select

SCOPE_SKIP_TAGS = frozenset({"nav", "aside", "footer", "form"})
SCOPE_SKIP_PARTS = frozenset({"related", "sidebar", "comment", "comments", "widget", "menu", "popular",
                              "recommended", "footer", "respond", "navigation", "nav", "pagination"})


def outside_article(el: HtmlElement, scope: HtmlElement, skip_tags: frozenset[str] = SCOPE_SKIP_TAGS,
                    skip_parts: frozenset[str] = SCOPE_SKIP_PARTS) -> bool:
    """True when ``el`` sits in navigation, a sidebar, related list or comments below ``scope``."""
    node: HtmlElement | None = el
    while node is not None and node is not scope:
        if node.tag in skip_tags:
            return True
        for token in (node.get("class") or "").lower().split() + [(node.get("id") or "").lower()]:
            if skip_parts & set(re.split(r"[-_]+", token)):
                return True
        node = node.getparent()
    return False


def article_scope(title_node: HtmlElement | None, body_node: HtmlElement) -> HtmlElement:
    """The smallest element holding both the title and the body (the body's parent without a title)."""
    if title_node is None:
        return body_node.getparent() if body_node.getparent() is not None else body_node
    ancestors = set()
    node: HtmlElement | None = title_node
    while node is not None:
        ancestors.add(node)
        node = node.getparent()
    node = body_node
    while node is not None and node not in ancestors:
        node = node.getparent()
    return node if node is not None else body_node


def scoped(scope: HtmlElement, selector: str, skip_tags: frozenset[str] = SCOPE_SKIP_TAGS,
           skip_parts: frozenset[str] = SCOPE_SKIP_PARTS) -> list[HtmlElement]:
    """Elements under ``scope`` matching ``selector``, outside the skipped furniture."""
    return [el for el in select(scope, selector) if not outside_article(el, scope, skip_tags, skip_parts)]
