"""Author names: people, found in the page and cleaned.

Order of trust: the site's rule selectors; JSON-LD ``author`` of the article object (Person
entries; ``givenName``/``familyName`` joined when there is no ``name``); author meta tags
(``author``, ``article:author``, ``dc.creator``, ``twitter:data1`` labelled "Written by" ...);
then, once the body is known, visible bylines (microdata, RDFa, rel=author, links to author
pages, hCard ``fn`` in a byline, see ``markup``).

The outlet is never an author while someone else is named: a name equal to the site's names
(``og:site_name``, JSON-LD ``publisher``, an ``Organization`` author) or to its domain ("stern.de",
"LTO" on lto.de) is kept only when no source names a person, and then later sources may still
replace it (``PageMeta.authors_are_outlet``).

Cleaning: "By"/"Von"/"Por"/"Par" prefixes, role words ("Staff Writer", "Redakteur", 기자 ...) and
e-mail addresses are removed; names joined by commas or "and / und / et / y / e / og / i / и / و"
are split, but "Surname, Given" (one word each side of a single comma, dc.creator style) stays one
person, written "Given Surname".
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from harvester.extraction import jsonld
from harvester.extraction.metatags import MetaIndex
from harvester.extraction.normalize import normalize_text
from harvester.extraction.pagemeta import PageMeta
from harvester.extraction.rules import SiteRules
from harvester.extraction.select import select, value_of

_PREFIX = re.compile(
    r"^(?:(?:written|posted|reported|words|story|text|photos?)\s+)?"
    r"(?:by|von|por|par|door|av|af|przez|от|tekst|text|autor(?:in)?|auteur|autore|forfatter|författare)\s*:?\s+"
    r"|^(?:authors?|byline|autor(?:en|in)?|auteurs?)\s*:\s*",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_CONJUNCTIONS = r"and|und|et|y|e|og|i|и|و|en|och|ve|és"
_SPLIT = re.compile(rf"\s+(?:{_CONJUNCTIONS})\s+|\s*&\s*|\s*[;|/]\s*|\s+·\s+|\s+[–—-]\s+", re.IGNORECASE)
_ROLE_WORDS = (
    r"reporter(?:in)?|editor(?:-at-large)?|correspondent|writer|staff|contributor|contributing|journalist(?:in)?|"
    r"columnist|photographer|analyst|producer|intern|freelance|chief|senior|deputy|bureau|desk|"
    r"redakteur(?:in)?|korrespondent(?:in)?|redaktion|rédacteur|rédactrice|envoyée?\s+spéciale?|"
    r"corresponsal|redactora?|periodista|giornalista|inviato|"
    r"기자|특파원|논설위원|선임기자|記者|特派員|编辑|编者"
)
_ROLE = re.compile(rf"\b(?:{_ROLE_WORDS})\b", re.IGNORECASE)
_ROLE_EDGE = re.compile(rf"^(?:(?:{_ROLE_WORDS})\s*)+|(?:\s*(?:{_ROLE_WORDS}))+$", re.IGNORECASE)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_KEY = re.compile(r"[\W_]+")
MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 100
"""A longer "name" is junk, a word of thousands of characters in a hostile byline (the longest author
name extracted from the dev set's 258 pages has 26 characters)."""
MAX_AUTHORS = 50
"""Authors kept per article, the first ones (the most on one dev-set page is 9; a page listing
20,000 would cost the store 20,000 rows)."""
ORGANIZATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "organisation",
                                "website", "brand", "onlinebusiness", "localbusiness"})
TWITTER_AUTHOR_LABELS = re.compile(r"written by|author|verfasst von|autor|geschrieben von|écrit par|escrito por|"
                                   r"scritto da|door|skrevet af|skrivet av|av", re.IGNORECASE)


def _without_roles(name: str) -> str:
    """``name`` without role words at either end ("신현주 기자" -> "신현주")."""
    previous = None
    while previous != name:
        previous = name
        name = _ROLE_EDGE.sub("", name).strip(" ,.:-–—")
    return name


def _split(text: str) -> list[str]:
    """One byline into parts: conjunctions and separators, then commas unless "Surname, Given"."""
    parts: list[str] = []
    for chunk in _SPLIT.split(text):
        pieces = [p.strip() for p in chunk.split(",")]
        if len(pieces) == 2 and all(len(p.split()) == 1 for p in pieces) and all(pieces) \
                and not _ROLE.search(pieces[1]):
            parts.append(f"{pieces[1]} {pieces[0]}")  # "Kolter, Max": one person
        else:
            parts.extend(pieces)
    return parts


def clean_author(raw: str) -> list[str]:
    """The people named in one byline string, in order."""
    text = normalize_text(raw)
    text = _EMAIL.sub(" ", _URL.sub(" ", text))
    text = _PARENS.sub(" ", text)
    text = normalize_text(_PREFIX.sub("", text))
    people: list[str] = []
    for part in _split(text):
        name = normalize_text(_PREFIX.sub("", part)).strip(" .:-–—")
        if _ROLE.search(name):
            name = _without_roles(name)
        if not name or not _HAS_LETTER.search(name) or _ROLE.search(name):
            continue
        if len(name.split()) > MAX_NAME_WORDS or len(name) > MAX_NAME_CHARS:
            continue
        people.append(name)
    return people


def clean_authors(raws: list[str]) -> list[str]:
    """Every byline cleaned and split, de-duplicated (case-insensitive), order kept; at most
    ``MAX_AUTHORS``."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in raws:
        for name in clean_author(raw):
            key = _key(name)  # "Sophie Foster" and "sophie-foster" are one person
            if key not in seen:
                seen.add(key)
                out.append(name)
                if len(out) == MAX_AUTHORS:
                    return out
    return out


def _key(name: str) -> str:
    return _KEY.sub("", name.casefold())


def domain_keys(url: str) -> set[str]:
    """Name keys of the site's domain: "www.stern.de" -> {"sternde", "stern"}."""
    host = (urlsplit(url).hostname or "").lower()
    labels = [label for label in host.split(".") if label and label != "www"]
    keys: set[str] = set()
    if len(labels) >= 2:
        # the label before the public suffix; a two-level suffix when the second-last label is short
        core = labels[-3] if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2 else labels[-2]
        keys |= {core, _key(".".join(labels[labels.index(core):]))}
    return {k for k in keys if len(k) >= 2}


def outlet_keys(meta: PageMeta, article: dict[str, Any] | None, items: list[dict[str, Any]]) -> set[str]:
    """Keys of every name the outlet goes by on this page."""
    names = list(meta.site_names)
    if article is not None:
        names += jsonld.names(article.get("publisher"))
    for item in items:
        if jsonld.types_of(item) & ORGANIZATION_TYPES:
            names += jsonld.names(item)
    keys = {_key(n) for n in names if _key(n)}
    return keys | domain_keys(meta.url)


def is_outlet(name: str, outlets: set[str]) -> bool:
    key = _key(name)
    return bool(key) and (key in outlets or any(key == o + "redaktion" or key == "redaktion" + o for o in outlets))


def person_names(value: Any) -> tuple[list[str], list[str]]:
    """(people, organisations) named by a JSON-LD ``author`` value."""
    people: list[str] = []
    orgs: list[str] = []
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        if isinstance(entry, dict):
            names = jsonld.names(entry)
            if not names and (entry.get("givenName") or entry.get("familyName")):
                names = [" ".join(jsonld.strings(entry.get("givenName")) + jsonld.strings(entry.get("familyName")))]
            (orgs if jsonld.types_of(entry) & ORGANIZATION_TYPES else people).extend(names)
        elif isinstance(entry, (str, list)):
            people.extend(jsonld.names(entry))
    return people, orgs


def _meta_bylines(index: MetaIndex) -> list[str]:
    raw = [v for key in ("author", "article:author", "dc.creator", "dcterms.creator", "sailthru.author",
                         "parsely-author", "byl") for v in index.get(key, [])]
    for n in range(1, 5):
        labels = index.get(f"twitter:label{n}", [])
        if labels and TWITTER_AUTHOR_LABELS.search(labels[0]):
            raw += index.get(f"twitter:data{n}", [])
    return [v for v in raw if not v.strip().lower().startswith("http")]


def set_authors(meta: PageMeta, names: list[str], source: str, outlets: set[str]) -> bool:
    """Take ``names`` when they name a person (outlet names dropped); else keep the outlet as a
    fallback when nothing better is known. True when people were set."""
    people = [n for n in names if not is_outlet(n, outlets)]
    if people:
        meta.authors, meta.sources["authors"], meta.authors_are_outlet = people, source, False
        return True
    if names and not meta.authors:
        meta.authors, meta.sources["authors"], meta.authors_are_outlet = names[:1], source, True
    return False


def find_authors(root: HtmlElement, rules: SiteRules | None, meta: PageMeta, index: MetaIndex,
                 article: dict[str, Any] | None, items: list[dict[str, Any]] | None = None) -> None:
    """Set ``meta.authors`` in the order of trust of the module docstring."""
    outlets = outlet_keys(meta, article, items or [])
    meta.outlet_keys = outlets
    for selector in rules.authors if rules else ():
        names = clean_authors([value_of(el) for el in select(root, selector)])
        if names:  # the site's own selectors are trusted as they are
            meta.authors, meta.sources["authors"] = names, "selector"
            return
    if article is not None:
        people, orgs = person_names(article.get("author"))
        if set_authors(meta, clean_authors(people), "json-ld", outlets | {_key(o) for o in orgs}):
            return
        set_authors(meta, clean_authors(orgs), "json-ld", outlets)
    set_authors(meta, clean_authors(_meta_bylines(index)), "meta", outlets)
