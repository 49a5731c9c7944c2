"""Articles held only in a page's embedded application state.

Client-rendered pages (Next.js ``<script id="__NEXT_DATA__">``, Nuxt ``window.__NUXT__``, Redux-style
``window.__INITIAL_STATE__`` / ``__PRELOADED_STATE__`` / ``__APOLLO_STATE__``, or any
``<script type="application/json">``) ship the article as JSON and draw it in the browser: the HTML
has a skeleton where the body should be. This module finds the article-like object in that JSON
(a title string next to a long body field, HTML or plain text) and turns it into an HTML container
and metadata values. The pipeline only uses it when the HTML itself has no article body, and the
container goes through the same cleaning and text rules as any other. Values found here are
recorded with the source "embedded".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from harvester.extraction import jsonvalue
from harvester.extraction.normalize import normalize_text

SOURCE = "embedded"
_STATE_ASSIGNMENT = re.compile(
    r"window\.(?:__NEXT_DATA__|__NUXT__|__INITIAL_STATE__|__PRELOADED_STATE__|__APOLLO_STATE__|__APP_STATE__|"
    r"__STATE__|__DATA__|__INITIAL_DATA__|__SERVER_DATA__)\s*=\s*",
)
# Any other inline script: a JSON object literal assigned or passed to a call, e.g. a query cache
# hydrated with window["__RQ"].push({...}) or self.__next_f.push([...]).
_JSON_ARGUMENT = re.compile(r"(?:=|\(|,)\s*(\{\s*\"|\[\s*\{\s*\")")
MAX_JSON_STARTS = 20
TITLE_KEYS = ("title", "headline", "name")
BODY_KEYS = ("articleBody", "body", "bodyHtml", "body_html", "content", "contentHtml", "content_html", "html",
             "text", "articleText", "fullText")
PUBLISHED_KEYS = ("datePublished", "publishedAt", "published_at", "publishDate", "publishedDate",
                  "published", "firstPublished", "publicationDate", "date", "createdAt", "created_at")
MODIFIED_KEYS = ("dateModified", "updatedAt", "updated_at", "modifiedAt", "modified", "lastModified",
                 "updated", "modifiedDate")
AUTHOR_KEYS = ("author", "authors", "byline", "creator", "writers")
SECTION_KEYS = ("section", "category", "categories", "articleSection", "primaryCategory")
TAG_KEYS = ("tags", "keywords", "topics")
IMAGE_KEYS = ("coverImage", "featuredImage", "featured_image", "leadImage", "mainImage", "image", "thumbnail")
MIN_BODY_CHARS = 300
"""A body field shorter than this (as text) is a teaser or an excerpt, not an article."""
MAX_DEPTH = 12
_TAG = re.compile(r"<[a-zA-Z][^>]*>")


@dataclass
class EmbeddedArticle:
    """The article found in embedded state: a body container and whatever metadata sat beside it."""

    container: HtmlElement
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None


def _state_texts(root: HtmlElement) -> list[str]:
    """JSON texts of the page's state scripts (JSON scripts first, then window.X = {...} assignments)."""
    found: list[str] = []
    for script in root.iter("script"):
        kind = (script.get("type") or "").lower()
        text = script.text or ""
        if kind == "application/ld+json" or not text.strip():
            continue
        if kind == "application/json" or script.get("id") == "__NEXT_DATA__":
            found.append(text)
            continue
        starts = [m.end() for m in _STATE_ASSIGNMENT.finditer(text)]
        if not starts and len(text) >= MIN_BODY_CHARS:
            starts = [m.start(1) for m in _JSON_ARGUMENT.finditer(text)][:MAX_JSON_STARTS]
        found.extend(text[start:] for start in starts)
    return found


def _load(text: str) -> Any:
    """The first JSON value of ``text`` (trailing JavaScript ignored), or None."""
    text = text.lstrip()
    if not text or text[0] not in "{[":
        return None
    return jsonvalue.first_value(text)


def _as_text(value: Any) -> str:
    """A body field's text: strings as they are, WordPress-style {"rendered": ...} unwrapped."""
    if isinstance(value, dict):
        for key in ("rendered", "html", "value"):
            if isinstance(value.get(key), str):
                return value[key]
        return ""
    return value if isinstance(value, str) else ""


def _plain_length(text: str) -> int:
    if _TAG.search(text):
        try:
            return len(normalize_text(lxml.html.fragment_fromstring(text, create_parent="div").text_content()))
        except (ValueError, lxml.etree.ParserError):
            return 0
    return len(normalize_text(text))


def _title_of(obj: dict[str, Any]) -> str | None:
    for key in TITLE_KEYS:
        value = _as_text(obj.get(key))
        if value and len(value) < 400 and not _TAG.search(value):
            return normalize_text(value) or None
    return None


def _best_body(obj: dict[str, Any]) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for key in BODY_KEYS:
        text = _as_text(obj.get(key))
        if not text:
            continue
        length = _plain_length(text)
        if length >= MIN_BODY_CHARS and (best is None or length > best[1]):
            best = (text, length)
    return best


def _candidates(value: Any, depth: int, out: list[tuple[int, dict[str, Any], str]]) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        if _title_of(value):
            body = _best_body(value)
            if body:
                out.append((body[1], value, body[0]))
        for child in value.values():
            _candidates(child, depth + 1, out)
    elif isinstance(value, list):
        for child in value:
            _candidates(child, depth + 1, out)


def _container(body: str) -> HtmlElement:
    """The body field as a <div>: HTML parsed as it is, plain text split into paragraphs at blank lines."""
    if _TAG.search(body):
        return lxml.html.fragment_fromstring(body, create_parent="div")
    div = lxml.html.fragment_fromstring("<div></div>")
    for part in re.split(r"\n\s*\n|\r\n\s*\r\n", body):
        if part.strip():
            p = div.makeelement("p", {})
            p.text = part.strip()
            div.append(p)
    return div


def _names(value: Any) -> list[str]:
    """Names from a string, an object with a name (or title/displayName), or a list of them."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        for key in ("name", "displayName", "title", "fullName"):
            if isinstance(value.get(key), str) and value[key].strip():
                return [value[key]]
        return []
    if isinstance(value, list):
        return [n for entry in value for n in _names(entry)]
    return []


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if obj.get(key) not in (None, "", [], {}):
            return obj[key]
    return None


def _image(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        for key in ("url", "src", "source_url", "href"):
            if isinstance(value.get(key), str) and value[key]:
                return value[key]
    if isinstance(value, list) and value:
        return _image(value[0])
    return None


def embedded_article(root: HtmlElement) -> EmbeddedArticle | None:
    """The article of the page's embedded state (the longest titled body), or None."""
    found: list[tuple[int, dict[str, Any], str]] = []
    for text in _state_texts(root):
        _candidates(_load(text), 0, found)
    if not found:
        return None
    _length, obj, body = max(found, key=lambda entry: entry[0])
    try:
        container = _container(body)
    except (ValueError, lxml.etree.ParserError):
        return None
    published = _first(obj, PUBLISHED_KEYS)
    modified = _first(obj, MODIFIED_KEYS)
    keywords = _first(obj, TAG_KEYS)
    tags = [t for part in (keywords.split(",") if isinstance(keywords, str) else _names(keywords))
            for t in [normalize_text(part)] if t]
    sections = _names(_first(obj, SECTION_KEYS))
    return EmbeddedArticle(
        container=container,
        title=_title_of(obj),
        authors=_names(_first(obj, AUTHOR_KEYS)),
        published=published if isinstance(published, str) else None,
        modified=modified if isinstance(modified, str) else None,
        section=normalize_text(sections[0]) if sections else None,
        tags=tags,
        image=_image(_first(obj, IMAGE_KEYS)),
    )
