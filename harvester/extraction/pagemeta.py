"""The metadata record of one page: each value plus where it came from (``sources``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml.html import HtmlElement


@dataclass
class PageMeta:
    """Everything read from a page's markup, before the body is known."""

    url: str
    title: str | None = None
    title_node: HtmlElement | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    lead_image: str | None = None
    description: str | None = None
    language: str | None = None
    og_type: str | None = None
    jsonld_article: bool = False
    accessible_for_free: bool | None = None  # JSON-LD isAccessibleForFree, when the page says
    site_names: tuple[str, ...] = ()
    authors_are_outlet: bool = False  # the authors found so far only name the outlet
    outlet_keys: set[str] = field(default_factory=set)  # name keys of the outlet (see authors)
    sources: dict[str, str] = field(default_factory=dict)
    page_title: str | None = None  # normalised text of the page's first <title> ("" without one)
    headings: list[HtmlElement] | None = None  # the page's h1 elements, in document order
