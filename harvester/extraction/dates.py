"""Article dates: published/modified found in the page and parsed into timezone-aware datetimes.

Order of trust (the first source that gives a date wins, for each of published and modified):

1. the site's rule selectors (``SiteRules.published`` / ``.modified``), outside ``never_dates``;
2. JSON-LD ``datePublished`` / ``dateModified`` of the article object, wherever it sits (top level,
   arrays, ``@graph``, ``mainEntity``; ``LiveBlogPosting`` counts as an article, see ``jsonld``);
3. meta tags (``article:published_time``, ``dcterms.created``, ``date`` ...);
4. ``<time datetime>`` next to the title (the nearest enclosing block of the title that holds
   one, outside navigation, sidebars and related lists; "updated" ones give modified);
5. a visible dateline: short text blocks after the title, read with htmldate's patterns;
6. the URL (``/2025/04/01/``, ``/20250401``, ``-2025-04-01``): a calendar day only.

Offsets. A value without an offset takes the offset of another date on the same page written for
the same wall-clock minute (JSON-LD "12:13" and meta "12:13+01:00": +01:00, source ``;tz=page``);
else the site's time zone (``SiteRules.time_zone``, source ``;tz=site``); else it is stored as UTC
with the source marked ``;tz=unknown`` (e.g. ``json-ld;tz=unknown``), never silently as UTC; a
calendar day without a time and without a zone is stored at 12:00 UTC (the same day in every
offset within ±11 h), its source marked ``;tz=unknown;day``.
Finally published is never later than modified: a modified value earlier than published is dropped.
Visible "today" lines before the title never give a date.
"""

from __future__ import annotations

import re
import warnings
from html import escape as html_escape
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateparser
from lxml.html import HtmlElement

from harvester.extraction import jsonld
from harvester.extraction.metatags import MetaIndex
from harvester.extraction.pagemeta import PageMeta
from harvester.extraction.rules import SiteRules
from harvester.extraction.scope import outside_article
from harvester.extraction.select import is_inside, select_all, text_of

_HAS_DIGIT = re.compile(r"\d")
_HAS_TIME = re.compile(r"\d[T\s]\d{1,2}:\d{2}|^\d{1,2}:\d{2}|\d{1,2}:\d{2}")

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


@dataclass(frozen=True)
class Stamp:
    """A date as written: ``value`` is naive when the page gave no offset."""

    value: datetime
    source: str
    has_time: bool

    @property
    def aware(self) -> bool:
        return self.value.tzinfo is not None


def parse_stamp(raw: str | None, source: str) -> Stamp | None:
    """A machine-written date (attribute, meta, JSON-LD), offset kept only when written."""
    if not raw or not _HAS_DIGIT.search(raw):
        return None
    raw = raw.strip()
    try:
        parsed: datetime | None = dateparser.isoparse(raw)
    except (ValueError, OverflowError):
        parsed = _parse(raw)
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    return Stamp(parsed, source, bool(_HAS_TIME.search(raw)))


def parse_machine_date(value: str | None) -> datetime | None:
    """A date from markup, timezone-aware; a value without an offset is taken as UTC (used where
    no other source can place it, e.g. embedded application state). None when not a date."""
    stamp = parse_stamp(value, "")
    if stamp is None:
        return None
    return stamp.value if stamp.aware else stamp.value.replace(tzinfo=timezone.utc)


def parse_text_date(value: str | None) -> datetime | None:
    """A date from visible text: accepted only when the text carries its own offset."""
    if not value or not _HAS_DIGIT.search(value):
        return None
    parsed = _parse(value, fuzzy=True)
    if parsed is None or parsed.tzinfo is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed


PUBLISHED_META = ("article:published_time", "og:published_time", "published_time", "datepublished",
                  "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date.created", "pubdate",
                  "publishdate", "publish-date", "sailthru.date", "parsely-pub-date", "article.published",
                  "date", "dc.date", "dcterms.date", "publication_date", "cxenseparse:recs:publishtime")
MODIFIED_META = ("article:modified_time", "og:updated_time", "modified_time", "datemodified",
                 "dcterms.modified", "last-modified", "article.updated", "lastmod")
_UPDATED = re.compile(r"updat|modif|aktualisiert|geändert", re.IGNORECASE)
_PUBLISHED_HINT = re.compile(r"publi|pubdate|created|posted|erschienen", re.IGNORECASE)


def _element_stamp(el: HtmlElement, source: str) -> Stamp | None:
    for attr in ("datetime", "content", "data-time", "data-datetime", "data-date"):
        stamp = parse_stamp(el.get(attr), source)
        if stamp:
            return stamp
    value = parse_text_date(text_of(el))
    return Stamp(value, source, True) if value else None


def date_from_element(el: HtmlElement) -> datetime | None:
    """A date from an element: datetime/content attributes (machine) or its text (needs an offset)."""
    stamp = _element_stamp(el, "selector")
    if stamp is None:
        return None
    return stamp.value if stamp.aware else stamp.value.replace(tzinfo=timezone.utc)


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


def _hint(el: HtmlElement) -> str:
    parts = [el.get("class") or "", el.get("itemprop") or "", el.get("id") or ""]
    parent = el.getparent()
    if parent is not None:
        parts += [parent.get("class") or "", parent.get("itemprop") or ""]
    return " ".join(parts)


def title_times(root: HtmlElement, title_node: HtmlElement | None,
                never: list[HtmlElement]) -> tuple[list[Stamp], list[Stamp]]:
    """(published, modified) ``<time datetime>`` stamps of the nearest block around the title that
    holds any, up to the enclosing article/main (never the whole body); outside an article/main
    element only times after the title count (a site header's "today" line comes before it).
    "Updated" ones are modified."""
    start = title_node
    if start is None:
        found = root.xpath("//article|//main")
        start = found[0] if found else None
    node = start
    while node is not None and node.tag not in ("body", "html"):
        times = [t for t in node.iter("time")
                 if t.get("datetime") and not is_inside(t, never) and not _in_page_chrome(t, node)]
        if times and title_node is not None and node.tag not in ("article", "main"):
            order = {el: i for i, el in enumerate(node.iter())}
            times = [t for t in times if order[t] > order.get(title_node, -1)]
        if times:
            published: list[Stamp] = []
            modified: list[Stamp] = []
            for el in sorted(times, key=lambda t: not _PUBLISHED_HINT.search(_hint(t))):
                stamp = parse_stamp(el.get("datetime"), "time")
                if stamp is not None:
                    (modified if _UPDATED.search(_hint(el)) else published).append(stamp)
            return published, modified
        if node.tag in ("article", "main"):
            break
        node = node.getparent()
    return [], []


_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<s>[/_.-])(?P<m>0[1-9]|1[0-2])(?P=s)(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
    r"|(?<!\d)(?P<y2>(?:19|20)\d\d)(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?:(?:[01]\d|2[0-3])[0-5]\d)?"
)


def url_date(url: str) -> Stamp | None:
    """A calendar day written in the URL's path (``/2025/04/01/``, ``-20250401``, ``A20260129...``)."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path.split("://", 1)[-1].partition("/")[2]
    for match in _URL_DATE.finditer(path):
        y, m, d = (match["y"], match["m"], match["d"]) if match["y"] else (match["y2"], match["m2"], match["d2"])
        try:
            value = datetime(int(y), int(m), int(d))
        except ValueError:
            continue
        if value <= datetime.now() + timedelta(days=2):
            return Stamp(value, "url", False)
    return None


DATELINE_BLOCKS = 40
"""How many text blocks after the title the dateline search reads."""
DATELINE_CHARS = 160


def dateline_date(root: HtmlElement, title_node: HtmlElement | None) -> Stamp | None:
    """A date in the short text blocks that follow the title (a dateline, "Published 1 March
    2025"), read with htmldate's multilingual patterns; lines before the title (a site header's
    "today" line) are never read."""
    if title_node is None:
        return None
    blocks: list[str] = []
    started = False
    for el in root.iter():
        if el is title_node:
            started = True
            continue
        if not started or not isinstance(el.tag, str) or el.tag in ("script", "style", "nav", "aside"):
            continue
        text = " ".join(t.strip() for t in [el.text or ""] if t.strip())
        if text and len(text) <= DATELINE_CHARS and _HAS_DIGIT.search(text):
            blocks.append(html_escape(text))
        if len(blocks) >= DATELINE_BLOCKS:
            break
    if not blocks:
        return None
    try:
        from htmldate import find_date  # the dateline patterns trafilatura relies on
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    page = "<html><body>" + "".join(f"<p>{b}</p>" for b in blocks) + "</body></html>"
    try:
        found = find_date(page, extensive_search=True, original_date=True, outputformat="%Y-%m-%d %H:%M:%S")
    except Exception:  # noqa: BLE001 - a last resort must never crash extraction
        return None
    stamp = parse_stamp(found, "dateline") if found else None
    if stamp is None:
        return None
    # a full date must be written in one block (htmldate also accepts a bare year or month)
    day = re.compile(rf"(?<!\d)0?{stamp.value.day}(?!\d)")
    if not any(str(stamp.value.year) in b and day.search(b.replace(str(stamp.value.year), " ")) for b in blocks):
        return None
    return Stamp(stamp.value, "dateline", not found.endswith("00:00:00"))


def _zone(rules: SiteRules | None) -> ZoneInfo | None:
    if rules is None or not rules.time_zone:
        return None
    try:
        return ZoneInfo(rules.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def settle(stamp: Stamp, pool: list[Stamp], rules: SiteRules | None) -> tuple[datetime, str]:
    """The stamp as an aware datetime and its source (with ``;tz=...`` when the offset was not
    written next to it)."""
    if stamp.aware:
        return stamp.value, stamp.source
    if stamp.has_time:
        minute = stamp.value.replace(second=0, microsecond=0)
        for other in pool:
            if other.aware and other.has_time and other.value.replace(tzinfo=None, second=0, microsecond=0) == minute:
                return stamp.value.replace(tzinfo=other.value.tzinfo), f"{stamp.source};tz=page"
    zone = _zone(rules)
    if zone is not None:
        return stamp.value.replace(tzinfo=zone), f"{stamp.source};tz=site"
    if not stamp.has_time:  # a calendar day only: noon UTC is that day in every offset within ±11 h
        return stamp.value.replace(hour=12, tzinfo=timezone.utc), f"{stamp.source};tz=unknown;day"
    return stamp.value.replace(tzinfo=timezone.utc), f"{stamp.source};tz=unknown"


def _first(stamps: list[Stamp]) -> Stamp | None:
    return stamps[0] if stamps else None


def find_dates(root: HtmlElement, rules: SiteRules | None, meta: PageMeta, index: MetaIndex,
               article: dict[str, Any] | None, html: str | None = None) -> None:
    """Set ``meta.published`` and ``meta.modified`` in the order of trust of the module docstring."""
    never = select_all(root, rules.never_dates) if rules else []
    candidates: dict[str, list[list[Stamp]]] = {"published": [], "modified": []}
    for kind, selectors in (("published", rules.published if rules else ()),
                            ("modified", rules.modified if rules else ())):
        found = [_element_stamp(el, "selector") for el in select_all(root, selectors) if not is_inside(el, never)]
        candidates[kind].append([s for s in found if s])
    for kind, key in (("published", "datePublished"), ("modified", "dateModified")):
        raws = jsonld.strings(article.get(key)) if article is not None else []
        candidates[kind].append([s for s in (parse_stamp(r, "json-ld") for r in raws) if s])
    for kind, keys in (("published", PUBLISHED_META), ("modified", MODIFIED_META)):
        candidates[kind].append([s for key in keys for s in (parse_stamp(r, "meta") for r in index.get(key, [])) if s])
    published_times, modified_times = title_times(root, meta.title_node, never)
    candidates["published"].append(published_times)
    candidates["modified"].append(modified_times)
    pool = [s for levels in candidates.values() for level in levels for s in level]
    for kind in ("published", "modified"):
        stamp = next((level[0] for level in candidates[kind] if level), None)
        if stamp is None and kind == "published":
            stamp = dateline_date(root, meta.title_node) or url_date(meta.url)
        if stamp is not None:
            value, source = settle(stamp, pool, rules)
            setattr(meta, kind, value)
            meta.sources[kind] = source
    keep_order(meta)


def keep_order(meta: PageMeta) -> None:
    """Published is never later than modified: a modified value before published is dropped."""
    if meta.published is not None and meta.modified is not None and meta.modified < meta.published:
        meta.modified = None
        meta.sources.pop("modified", None)


def dates_from_scope(scope: HtmlElement, rules: SiteRules | None, meta: PageMeta) -> None:
    """Last resort once the body is known: time[datetime] inside the article scope (never in
    ``rules.never_dates``), for whichever of published/modified is still missing."""
    if meta.published is not None and meta.modified is not None:
        return
    never = select_all(scope.getroottree().getroot(), rules.never_dates) if rules else []
    times = [t for t in scope.iter("time")
             if t.get("datetime") and not is_inside(t, never) and not _in_page_chrome(t, scope)]
    for el in times:
        updated = bool(_UPDATED.search(" ".join([el.get("class") or "", el.get("itemprop") or ""])))
        stamp = parse_stamp(el.get("datetime"), "selector")
        if stamp is None:
            continue
        value, source = settle(stamp, [], rules)
        if updated and meta.modified is None:
            meta.modified, meta.sources["modified"] = value, source
        elif not updated and meta.published is None:
            meta.published, meta.sources["published"] = value, source
    keep_order(meta)
