"""The extraction pipeline: decode -> parse -> metadata -> classify (blocked, soft 404, listing) ->
body -> text rules -> classify (paywall, too short) -> lead."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from harvester.extraction.classify import MAX_PAYWALL_BODY_WORDS as MAX_WALL_BODY_WORDS
from harvester.extraction.classify import (
    GIANT_DUMP_DENSITY,
    GIANT_DUMP_LINKS,
    blocked_reason,
    link_dump_reason,
    link_text_reason,
    listing_reason,
    paywall_reason,
    soft_404_reason,
    wall_reason,
)
from harvester.extraction.cleaning import Paragraph, drop_nodes, sanitized_html
from harvester.extraction.document import MAX_ELEMENTS, MalformedPage, decode_page, parse
from harvester.extraction.embedded import embedded_article
from harvester.extraction.generic import MIN_BODY_WORDS, BodyCandidate, choose, evaluate, find_body
from harvester.extraction.language import detect_language
from harvester.extraction.lead import find_lead
from harvester.extraction.metadata import (
    PageMeta,
    apply_embedded,
    article_scope,
    dates_from_scope,
    markup_from_page,
    markup_from_scope,
    read_metadata,
)
from harvester.extraction.model import Article, ExtractionResult, NonArticle, PageClass
from harvester.extraction.pagetext import PageText
from harvester.extraction.rules import SiteRules
from harvester.extraction.select import text_of
from harvester.extraction.textrules import drop_bylines

_NO_TEXT = re.compile(r"(?:<[^>]*>|<!--.*?-->|\s+)*+", re.DOTALL)
"""Markup and white space from the start of the page: when it reaches the end, the page without its
tags is blank (the scan stops at the first visible character instead of copying the whole page
without its tags; possessive, so it keeps no backtracking state however many tags there are)."""


def _article_scope(title_node: HtmlElement | None, candidate: BodyCandidate) -> HtmlElement:
    """Where article dates (time[datetime]) may be read: the enclosing <article>, else the
    smallest element holding the title and the body."""
    node: HtmlElement | None = candidate.node
    while node is not None:
        if node.tag == "article":
            return node
        node = node.getparent()
    return article_scope(title_node, candidate.node)


def add_lead(page_body: HtmlElement, meta: PageMeta, candidate: BodyCandidate, page_text: PageText | None = None) -> None:
    """Put the page's lead (summary) first when the generic body left it out."""
    kept = candidate.outcome.kept
    if not kept:
        return
    known = {p.text for p in kept} | {meta.title or ""}
    if meta.title_node is not None:
        known.add(text_of(meta.title_node))
    lead = find_lead(page_body, meta.title_node, kept[0].text, meta.description, known, page_text)
    if lead:
        node = candidate.cleaned.makeelement("p", {})
        node.text = lead
        candidate.cleaned.insert(0, node)
        kept.insert(0, Paragraph(lead, node, "p"))


def _article(meta: PageMeta, candidate: BodyCandidate, url: str) -> Article:
    drop_nodes(candidate.cleaned, candidate.outcome.dropped, candidate.outcome.kept)
    sources = dict(meta.sources)
    sources["body"] = {"rules": "selector", "generic": "selector", "embedded": "embedded"}.get(candidate.origin, "detected")
    sources["body_html"] = sources["body"]
    body = [p.text for p in candidate.paragraphs]
    language = meta.language
    if not language:
        language = detect_language("\n".join([meta.title or "", *body]))
        if language:
            sources["language"] = "detected"
    return Article(
        url=meta.url,
        title=meta.title or "",
        body=body,
        body_html=sanitized_html(candidate.cleaned, url, in_place=True),  # the last use of the cleaned copy
        authors=list(meta.authors),
        published=meta.published,
        modified=meta.modified,
        section=meta.section,
        tags=list(meta.tags),
        lead_image=meta.lead_image,
        description=meta.description,
        language=language,
        sources=sources,
    )


def from_embedded_state(root: HtmlElement, url: str, rules: SiteRules | None, meta: PageMeta) -> BodyCandidate | None:
    """The body held in the page's embedded application state (see ``embedded``), cleaned like any
    other container; its metadata fills what the markup left empty."""
    found = embedded_article(root)
    if found is None:
        return None
    title = meta.title or found.title
    candidate = choose([evaluate(found.container, "embedded", rules, title, meta.site_names)])
    if candidate is None:
        return None
    candidate.stage = "embedded"
    apply_embedded(found, meta, url, rules)
    return candidate


def run(html: str | bytes | None, url: str, rules: SiteRules | None = None) -> ExtractionResult:
    """Extract the article of one page, or say what else the page is."""
    if not html:
        return NonArticle(url, PageClass.EMPTY, "empty: no bytes")
    text, utf8 = decode_page(html)
    if _NO_TEXT.match(text).end() == len(text):
        return NonArticle(url, PageClass.EMPTY, "empty: no text")
    try:
        document = parse(text, utf8)
    except MalformedPage as exc:
        return NonArticle(url, PageClass.MALFORMED, f"malformed: {exc}")
    meta = read_metadata(document.root, url, rules, text)
    blocked = blocked_reason(document.root, document.body, text)
    reason = None if blocked else soft_404_reason(document.root, meta)
    if reason:
        return NonArticle(url, PageClass.SOFT_404, reason)
    reason = None if blocked else (listing_reason(document.body, meta)
                                   or link_dump_reason(document.body, GIANT_DUMP_LINKS, GIANT_DUMP_DENSITY))
    if reason:
        return NonArticle(url, PageClass.LISTING, reason)
    if document.oversized:  # the body search would run into the worker's time budget
        return NonArticle(url, PageClass.MALFORMED,
                          f"malformed: over {MAX_ELEMENTS:,} elements, more than any article page has")
    # the body repeats the heading as shown (kicker included), which may differ from the stored title
    shown = text_of(meta.title_node) if meta.title_node is not None else meta.title
    # the page's text measured once for the generic path's stages; a site-rule page skips it
    page_text = document.body_text if rules is None else None
    candidate = find_body(document.body, document.text, url, rules, shown or meta.title, meta.title_node, meta.site_names,
                          page_text)
    if candidate is None or candidate.words < MIN_BODY_WORDS:
        candidate = from_embedded_state(document.root, url, rules, meta) or candidate
    if blocked and (candidate is None or candidate.words < MAX_WALL_BODY_WORDS):
        return NonArticle(url, PageClass.BLOCKED, blocked)
    if candidate is not None:  # a wall or a link dump of any length
        body_text = "\n".join(p.text for p in candidate.paragraphs)
        reason = wall_reason(document.root, candidate.node, body_text, meta)
        if reason:
            return NonArticle(url, PageClass.BLOCKED, reason)
        reason = link_text_reason(body_text, document.body, page_text)
        if reason:
            return NonArticle(url, PageClass.LISTING, reason)
    reason = paywall_reason(document.root, document.body, candidate.words if candidate else 0, text,
                            meta.accessible_for_free)
    if reason:
        return NonArticle(url, PageClass.PAYWALL, reason)
    if candidate is None:
        return NonArticle(url, PageClass.TOO_SHORT, f"too short: no body container with {MIN_BODY_WORDS}+ words")
    if candidate.origin not in ("trafilatura", "embedded"):
        markup_from_scope(article_scope(meta.title_node, candidate.node), meta)
        dates_from_scope(_article_scope(meta.title_node, candidate), rules, meta)
    markup_from_page(document.body, meta)
    drop_bylines(candidate.outcome, meta.authors)
    if candidate.stage == "generic":
        add_lead(document.body, meta, candidate, page_text)
    if candidate.words < MIN_BODY_WORDS:
        return NonArticle(url, PageClass.TOO_SHORT, f"too short: body has {candidate.words} words")
    if not meta.title:
        return NonArticle(url, PageClass.MALFORMED, "malformed: no title in h1, og:title, JSON-LD or <title>")
    return _article(meta, candidate, url)
