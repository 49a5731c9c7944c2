"""Author names: found in the page (site selectors, JSON-LD, meta tags), bylines cleaned of "By",
roles, e-mail addresses, and split into people."""

from __future__ import annotations

import re
from typing import Any

from lxml.html import HtmlElement

from harvester.extract import jsonld
from harvester.extract.metatags import MetaIndex
from harvester.extract.normalize import normalize_text
from harvester.extract.pagemeta import PageMeta
from harvester.extract.rules import SiteRules
from harvester.extract.select import select, value_of

_PREFIX = re.compile(
    r"^(?:(?:written|posted|reported|words|story|text|photos?)\s+)?by\s*:?\s+|^(?:authors?|byline)\s*:\s*",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SPLIT = re.compile(r"\s+and\s+|\s*&\s*|\s*[,;|/]\s*|\s+·\s+|\s+[–—-]\s+", re.IGNORECASE)
_ROLE = re.compile(
    r"\b(reporter|editor|correspondent|writer|staff|contributor|contributing|journalist|columnist|"
    r"photographer|analyst|producer|intern|freelance|chief|senior|deputy|bureau|desk)\b",
    re.IGNORECASE,
)
_HAS_LETTER = re.compile(r"[^\W\d_]")
MAX_NAME_WORDS = 6


def clean_author(raw: str) -> list[str]:
    """The people named in one byline string, in order."""
    text = normalize_text(raw)
    text = _EMAIL.sub(" ", _URL.sub(" ", text))
    text = _PARENS.sub(" ", text)
    text = normalize_text(_PREFIX.sub("", text))
    people: list[str] = []
    for part in _SPLIT.split(text):
        name = normalize_text(_PREFIX.sub("", part)).strip(" .:-–—")
        if not name or not _HAS_LETTER.search(name) or _ROLE.search(name):
            continue
        if len(name.split()) > MAX_NAME_WORDS:
            continue
        people.append(name)
    return people


def clean_authors(raws: list[str]) -> list[str]:
    """Every byline cleaned and split, de-duplicated (case-insensitive), order kept."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in raws:
        for name in clean_author(raw):
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                out.append(name)
    return out


def find_authors(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
                 index: MetaIndex, article: dict[str, Any] | None) -> None:
    """Set ``meta.authors``: the site's selectors, then JSON-LD ``author``, then author meta tags."""
    for selector in rules.authors if rules else ():
        names = clean_authors([value_of(el) for el in select(root, selector)])
        if names:
            meta.authors, meta.sources["authors"] = names, "selector"
            return
    if article is not None:
        names = clean_authors(jsonld.names(article.get("author")))
        if names:
            meta.authors, meta.sources["authors"] = names, "json-ld"
            return
    raw = [v for key in ("author", "article:author", "dc.creator", "sailthru.author") for v in index.get(key, [])]
    names = clean_authors([v for v in raw if not v.strip().lower().startswith("http")])
    if names:
        meta.authors, meta.sources["authors"] = names, "meta"
