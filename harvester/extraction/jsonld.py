"""JSON-LD items of a page, flattened, with the article item picked out.

Each ``<script type="application/ld+json">`` is read as extruct reads it: ``json.loads`` (not
strict about control characters) first, and only when that fails extruct's lenient reader
(comments around the JSON). The first step needs no extruct, whose import loads every one of its
extractors (microformats, RDFa, BeautifulSoup): a quarter of a second in each worker process.
Lone surrogate escapes are removed first, and a script nested deeper than ``jsonvalue.MAX_DEPTH``
is skipped (``harvester.extraction.jsonvalue``).
"""

from __future__ import annotations

import html
import json
from typing import Any

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from harvester.extraction.jsonvalue import within_depth, without_lone_surrogates

_JSONLD_SCRIPTS = lxml.etree.XPath('descendant-or-self::script[@type="application/ld+json"]')

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "technicalarticle",
        "techarticle", "scholarlyarticle", "liveblogposting", "report", "socialmediaposting",
    }
)


def _types(item: dict[str, Any]) -> set[str]:
    raw = item.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


NESTED_KEYS = ("@graph", "mainEntity", "mainEntityOfPage")
"""Keys whose objects are items in their own right (an article under a WebPage's mainEntity...)."""


def _flatten(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(value, list):
        for entry in value:
            _flatten(entry, out, depth + 1)
    elif isinstance(value, dict):
        out.append(value)
        for key in NESTED_KEYS:
            nested = value.get(key)
            if isinstance(nested, (dict, list)):
                _flatten(nested, out, depth + 1)


def jsonld_items(root: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page; a broken script is skipped, never fatal."""
    raw: list[Any] = []
    for script in _JSONLD_SCRIPTS(root):
        text = without_lone_surrogates(script.xpath("string()"))
        try:
            data = json.loads(text, strict=False)
        except RecursionError:
            continue  # nested deeper than anything real (see jsonvalue)
        except ValueError:
            raw.extend(item for item in _lenient(text) if within_depth(item))
            continue
        if not within_depth(data):
            continue
        if isinstance(data, list):
            raw.extend(item for item in data if item)
        elif isinstance(data, dict) and data:
            raw.append(data)
    items: list[dict[str, Any]] = []
    _flatten(raw, items)
    return items


def _lenient(text: str) -> list[Any]:
    """The items of a script that is not plain JSON, read by extruct (HTML or JavaScript comment
    lines around it); none when it cannot be read at all."""
    from extruct.jsonld import JsonLdExtractor

    holder = lxml.html.fragment_fromstring("<div></div>")
    script = lxml.html.fragment_fromstring("<script></script>")
    script.set("type", "application/ld+json")
    script.text = text
    holder.append(script)
    try:
        return list(JsonLdExtractor().extract_items(holder))
    except Exception:  # noqa: BLE001 - this script is unreadable
        return []


def types_of(item: dict[str, Any]) -> set[str]:
    """The item's schema.org types, lower-cased, without the vocabulary prefix."""
    return _types(item)


def article_item(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article object: the first item typed as an article (Article, NewsArticle, BlogPosting,
    LiveBlogPosting ...), found anywhere (top level, arrays, ``@graph``, ``mainEntity``); among
    several, the first one that carries a headline or a date."""
    found = [item for item in items if _types(item) & ARTICLE_TYPES]
    for item in found:
        if item.get("headline") or item.get("datePublished"):
            return item
    return found[0] if found else None


def names(value: Any) -> list[str]:
    """Names from a JSON-LD person/thing value: a string, a dict with ``name``, or a list of them."""
    if isinstance(value, str):
        return [html.unescape(value)]
    if isinstance(value, dict):
        name = value.get("name")
        return names(name) if name else []
    if isinstance(value, list):
        return [n for entry in value for n in names(entry)]
    return []


def image_urls(value: Any) -> list[str]:
    """Image URLs from a JSON-LD image value: a string, ImageObject, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl") or value.get("@id")
        return [url] if isinstance(url, str) else []
    if isinstance(value, list):
        return [u for entry in value for u in image_urls(entry)]
    return []


def strings(value: Any) -> list[str]:
    """A string or list of strings (numbers too) as a list of strings, HTML entities decoded
    (CMSs often write ``&quot;`` or ``&#8217;`` into JSON-LD)."""
    if isinstance(value, str):
        return [html.unescape(value)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        return [s for entry in value for s in strings(entry)]
    if isinstance(value, dict):
        return strings(value.get("name"))
    return []
