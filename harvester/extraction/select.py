"""CSS selection on lxml trees, tolerant of bad selectors, plus small tree helpers."""

from __future__ import annotations

from functools import lru_cache

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from harvester.extraction.normalize import normalize_text
from harvester.extraction.visible import visible_text_content


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector | None:
    try:
        return CSSSelector(selector)
    except (SelectorError, ValueError, SyntaxError):
        return None


def select(root: HtmlElement, selector: str) -> list[HtmlElement]:
    """Elements under (or equal to) ``root`` matching ``selector``; [] for an invalid selector."""
    compiled = _compiled(selector)
    if compiled is None:
        return []
    return [el for el in compiled(root) if isinstance(el.tag, str)]


def select_all(root: HtmlElement, selectors: tuple[str, ...]) -> list[HtmlElement]:
    """Elements matching any of ``selectors``, selector by selector, without duplicates."""
    seen: set[HtmlElement] = set()
    out: list[HtmlElement] = []
    for selector in selectors:
        for el in select(root, selector):
            if el not in seen:
                seen.add(el)
                out.append(el)
    return out


def text_of(el: HtmlElement) -> str:
    """Normalised visible text of an element (img alt and script/style/noscript/template text excluded)."""
    return normalize_text(visible_text_content(el))


def value_of(el: HtmlElement) -> str:
    """An element's value: content/alt/title attributes for meta/img, else its text."""
    if el.tag == "meta":
        return normalize_text(el.get("content"))
    if el.tag == "img":
        return normalize_text(el.get("alt") or el.get("title"))
    return text_of(el)


def is_inside(el: HtmlElement, ancestors: list[HtmlElement]) -> bool:
    """True when ``el`` is one of ``ancestors`` or below one of them."""
    targets = set(ancestors)
    node: HtmlElement | None = el
    while node is not None:
        if node in targets:
            return True
        node = node.getparent()
    return False


def class_tokens(el: HtmlElement) -> list[str]:
    """The class names and the id of an element, lower-cased."""
    names = (el.get("class") or "").lower().split()
    ident = (el.get("id") or "").lower().strip()
    return names + ([ident] if ident else [])


def image_src(el: HtmlElement) -> str | None:
    """The real image URL of an element (lazy-loading attributes and srcset understood)."""
    for attr in ("data-source", "data-src", "data-lazy-src", "data-original", "src", "href", "content"):
        value = (el.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    srcset = (el.get("srcset") or el.get("data-srcset") or "").strip()
    if srcset:
        return srcset.split(",")[0].strip().split(" ")[0]
    return None
