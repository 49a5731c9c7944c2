"""The page's <meta> tags, indexed by name, and the first usable value among several names."""

from __future__ import annotations

from lxml.html import HtmlElement

from harvester.extraction.normalize import normalize_text

MetaIndex = dict[str, list[str]]
"""meta[property|name|itemprop|http-equiv] (lower-cased) -> contents, in document order."""


def meta_index(root: HtmlElement) -> MetaIndex:
    """meta[property|name|itemprop] (lower-cased) -> contents, in document order."""
    index: MetaIndex = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (el.get(attr) or "").strip().lower()
            if key:
                index.setdefault(key, []).append(content)
    return index


def first_meta(index: MetaIndex, keys: tuple[str, ...]) -> str | None:
    """The first non-empty (normalised) content among ``keys``, in key order."""
    for key in keys:
        for value in index.get(key, []):
            value = normalize_text(value)
            if value:
                return value
    return None
