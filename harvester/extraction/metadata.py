"""Article metadata: title, authors, dates, section, tags, lead image, description, language and
canonical URL. Each value records where it came from in ``sources``.

Order everywhere: the site's rule selectors, then page metadata (meta tags, JSON-LD), then generic
markup. This module runs the field finders in order (``read_metadata``), and fills gaps from
embedded state (``apply_embedded``); the finders live in titles, authors, dates, taxonomy, images,
language and canonical, the after-body fallbacks in scope, dates and markup.
"""

from __future__ import annotations

from typing import Any

from lxml.html import HtmlElement

from harvester.extraction import jsonld
from harvester.extraction.authors import clean_authors, find_authors
from harvester.extraction.canonical import find_url
from harvester.extraction.dates import dates_from_scope, find_dates, parse_machine_date
from harvester.extraction.embedded import SOURCE as EMBEDDED
from harvester.extraction.embedded import EmbeddedArticle
from harvester.extraction.images import find_lead_image, is_placeholder
from harvester.extraction.language import find_language
from harvester.extraction.markup import markup_from_page, markup_from_scope
from harvester.extraction.metatags import MetaIndex, first_meta, meta_index
from harvester.extraction.normalize import normalize_optional
from harvester.extraction.pagemeta import PageMeta
from harvester.extraction.rules import SiteRules
from harvester.extraction.scope import article_scope
from harvester.extraction.taxonomy import clean_tags, find_section_and_tags
from harvester.extraction.titles import find_title, page_title, site_names
from harvester.extraction.urls import absolute_url

__all__ = ["PageMeta", "apply_embedded", "article_scope", "dates_from_scope", "markup_from_page",
           "markup_from_scope", "read_metadata"]


def _accessible_for_free(article: dict[str, Any] | None) -> bool | None:
    value = article.get("isAccessibleForFree") if article is not None else None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _find_description(meta: PageMeta, index: MetaIndex, article: dict[str, Any] | None) -> None:
    description = first_meta(index, ("description", "og:description", "twitter:description"))
    if description:
        meta.description, meta.sources["description"] = description, "meta"
    elif article is not None and jsonld.strings(article.get("description")):
        meta.description = normalize_optional(jsonld.strings(article.get("description"))[0])
        if meta.description:
            meta.sources["description"] = "json-ld"


def read_metadata(root: HtmlElement, url: str, rules: SiteRules | None, html: str | None = None) -> PageMeta:
    """All metadata that does not need the body (see ``dates_from_scope`` for the rest); ``html``
    (the page text) lets the date search read a visible dateline as a last resort."""
    index = meta_index(root)
    items = jsonld.jsonld_items(root)
    article = jsonld.article_item(items)
    meta = PageMeta(url=url)
    meta.page_title, meta.headings = page_title(root), list(root.iter("h1"))  # asked for by several stages
    meta.url, meta.sources["url"] = find_url(root, url, rules)
    meta.site_names = site_names(rules, index, items)
    meta.og_type = first_meta(index, ("og:type",))
    meta.jsonld_article = article is not None
    meta.accessible_for_free = _accessible_for_free(article)
    find_title(root, rules, meta, index, article)
    find_authors(root, rules, meta, index, article, items)
    find_dates(root, rules, meta, index, article, html)
    find_section_and_tags(root, rules, meta, index, article)
    find_lead_image(root, rules, meta, url, index, article)
    _find_description(meta, index, article)
    meta.language, source = find_language(root, index)
    if meta.language:
        meta.sources["language"] = source
    return meta


def apply_embedded(found: EmbeddedArticle, meta: PageMeta, base: str, rules: SiteRules | None) -> None:
    """Fill the fields the markup left empty from an article found in embedded state."""
    if not meta.title and found.title:
        meta.title, meta.sources["title"] = found.title, EMBEDDED
    if not meta.authors:
        names = clean_authors(found.authors)
        if names:
            meta.authors, meta.sources["authors"] = names, EMBEDDED
    for kind, raw in (("published", found.published), ("modified", found.modified)):
        value = parse_machine_date(raw) if getattr(meta, kind) is None else None
        if value is not None:
            setattr(meta, kind, value)
            meta.sources[kind] = EMBEDDED
    if meta.section is None and found.section:
        meta.section, meta.sources["section"] = found.section, EMBEDDED
    if not meta.tags and (tags := clean_tags(found.tags)):
        meta.tags, meta.sources["tags"] = tags, EMBEDDED
    if meta.lead_image is None and found.image and not is_placeholder(found.image, None, rules):
        image = absolute_url(found.image, base)
        if image:
            meta.lead_image, meta.sources["lead_image"] = image, EMBEDDED
