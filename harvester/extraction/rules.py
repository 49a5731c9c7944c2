"""Site rules: what a site spider tells the extractor about its site's markup.

A spider module builds one ``SiteRules``; the extractor applies it and falls back to the
generic path for whatever the rules do not find. All selectors are CSS and are tried in
order; the first that yields a non-empty value wins. Site knowledge lives only in the
site's spider module: nothing here names a site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SiteRules:
    key: str  # the site key, e.g. "worldofsoftware"
    site_names: tuple[str, ...] = ()  # names used in <title> suffixes, bylines, logos
    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()  # candidate body containers, best first
    strip: tuple[str, ...] = ()  # elements removed from the body before cleaning
    drop_paragraphs: tuple[re.Pattern[str], ...] = ()  # a matching paragraph is dropped
    stop_paragraphs: tuple[re.Pattern[str], ...] = ()  # the body ends before a matching paragraph
    authors: tuple[str, ...] = ()  # elements whose text (or content/alt) is one author each
    published: tuple[str, ...] = ()  # elements with a datetime/content attribute or date text
    modified: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lead_image: tuple[str, ...] = ()  # <img> (src/data-src) or elements with data-source/href
    placeholder_image: re.Pattern[str] | None = None  # src/alt of "no image" placeholders
    never_dates: tuple[str, ...] = ()  # elements whose dates are never article dates
    # Added by the extraction core (optional, defaults keep the original behaviour):
    lead_image_after_title: bool = False  # take the first real <img> after the title h1
    url_rewrites: tuple[tuple[re.Pattern[str], str], ...] = ()  # applied to the page URL when
    # the page has no rel=canonical, e.g. (re.compile(r"/default\.htm$"), "/")
    time_zone: str | None = None  # IANA zone (e.g. "Europe/Vienna") for dates written without offset
    extra: dict[str, str] = field(default_factory=dict)  # free-form hints, documented per use
