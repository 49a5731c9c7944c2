"""Article dates: published/modified found in the page (site selectors, meta tags, JSON-LD, then
time[datetime] in the article) and parsed into timezone-aware datetimes.

Visible "today" lines never give a date.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

from dateutil import parser as dateparser
from lxml.html import HtmlElement

from harvester.extract import jsonld
from harvester.extract.metatags import MetaIndex
from harvester.extract.pagemeta import PageMeta
from harvester.extract.rules import SiteRules
from harvester.extract.scope import outside_article
from harvester.extract.select import is_inside, select_all, text_of

_ISO_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_DIGIT = re.compile(r"\d")

# Zone abbreviations with one meaning (offset in hours). Ambiguous ones (IST, CST, BST in some
# places...) are left out on purpose: a date in an unknown zone is rejected, never guessed.
_ZONE_HOURS = {
    "UTC": 0, "GMT": 0, "UT": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11,
    "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13,
}
_TZINFOS = {name: timezone(timedelta(hours=hours), name) for name, hours in _ZONE_HOURS.items()}


def _parse(value: str, *, fuzzy: bool = False) -> datetime | None:
    """dateutil's parser with known zone names; None when the text names a zone it cannot place."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", dateparser.UnknownTimezoneWarning)
        try:
            return dateparser.parse(value, fuzzy=fuzzy, tzinfos=_TZINFOS)
        except (ValueError, OverflowError, TypeError, dateparser.UnknownTimezoneWarning):
            return None


def parse_machine_date(value: str | None) -> datetime | None:
    """A date from markup (datetime/content attributes, meta, JSON-LD).

    A value without an offset is taken as UTC, because markup dates are written by the
    CMS, which defaults to UTC. Returns None when the value is not a date.
    """
    if not value or not _HAS_DIGIT.search(value):
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = dateparser.isoparse(value)
    except (ValueError, OverflowError):
        parsed = _parse(value)
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def parse_text_date(value: str | None) -> datetime | None:
    """A date from visible text: accepted only when the text carries its own offset.

    Visible dates without a timezone cannot be made timezone-aware honestly, so they give None.
    """
    if not value or not _HAS_DIGIT.search(value):
        return None
    parsed = _parse(value, fuzzy=True)
    if parsed is None or parsed.tzinfo is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed


PUBLISHED_META = ("article:published_time", "og:published_time", "published_time", "datepublished",
                  "dc.date.issued", "dcterms.created", "pubdate", "publishdate", "sailthru.date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "modified_time", "datemodified",
                 "dcterms.modified", "last-modified")
_UPDATED = re.compile(r"updat|modif", re.IGNORECASE)


def date_from_element(el: HtmlElement) -> datetime | None:
    """A date from an element: datetime/content attributes (machine) or its text (needs an offset)."""
    for attr in ("datetime", "content", "data-time", "data-datetime", "data-date"):
        value = el.get(attr)
        if value:
            parsed = parse_machine_date(value)
            if parsed:
                return parsed
    return parse_text_date(text_of(el))


def find_dates(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
               index: MetaIndex, article: dict[str, Any] | None) -> None:
    """Set ``meta.published`` and ``meta.modified``: selectors (outside ``rules.never_dates``),
    then meta tags, then JSON-LD."""
    never = select_all(root, rules.never_dates) if rules else []
    for kind, selectors, meta_keys, ld_key in (
        ("published", rules.published if rules else (), PUBLISHED_META, "datePublished"),
        ("modified", rules.modified if rules else (), MODIFIED_META, "dateModified"),
    ):
        value: datetime | None = None
        source = ""
        for el in select_all(root, selectors):
            if not is_inside(el, never):
                value = date_from_element(el)
                if value:
                    source = "selector"
                    break
        if value is None:
            for key in meta_keys:
                for raw in index.get(key, []):
                    value = parse_machine_date(raw)
                    if value:
                        source = "meta"
                        break
                if value:
                    break
        if value is None and article is not None:
            for raw in jsonld.strings(article.get(ld_key)):
                value = parse_machine_date(raw)
                if value:
                    source = "json-ld"
                    break
        if value is not None:
            setattr(meta, kind, value)
            meta.sources[kind] = source


def _in_page_chrome(el: HtmlElement, scope: HtmlElement) -> bool:
    """True inside navigation, sidebars, related lists, comments, or a <header> that does not
    hold the article title (a site header with a "today" line)."""
    if outside_article(el, scope):
        return True
    node: HtmlElement | None = el
    while node is not None and node is not scope:
        if node.tag == "header" and not any(h.tag == "h1" for h in node.iter("h1")):
            return True
        node = node.getparent()
    return False


def dates_from_scope(scope: HtmlElement, rules: SiteRules | None, meta: PageMeta) -> None:
    """Last resort: time[datetime] inside the article (never in ``rules.never_dates``)."""
    never = select_all(scope.getroottree().getroot(), rules.never_dates) if rules else []
    times = [t for t in scope.iter("time")
             if t.get("datetime") and not is_inside(t, never) and not _in_page_chrome(t, scope)]
    for el in times:
        updated = bool(_UPDATED.search(" ".join([el.get("class") or "", el.get("itemprop") or ""])))
        value = parse_machine_date(el.get("datetime"))
        if value is None:
            continue
        if updated and meta.modified is None:
            meta.modified, meta.sources["modified"] = value, "selector"
        elif not updated and meta.published is None:
            meta.published, meta.sources["published"] = value, "selector"
