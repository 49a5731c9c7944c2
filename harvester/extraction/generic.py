"""Finding the body container: site rule candidates, generic candidates, the structural
rule (the element after the title with the most paragraph text), then trafilatura."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from harvester.extraction.backmap import prune_boilerplate
from harvester.extraction.boilerplate import _is_generic_boilerplate, strip_boilerplate
from harvester.extraction.cleaning import Paragraph, clean_container, link_density, paragraphs_of
from harvester.extraction.normalize import normalize_text
from harvester.extraction.pagetext import PageText
from harvester.extraction.rules import SiteRules
from harvester.extraction.select import is_inside, select_all
from harvester.extraction.textrules import RuleOutcome, apply_text_rules

log = logging.getLogger(__name__)

GENERIC_BODY_SELECTORS: tuple[str, ...] = (
    "[itemprop=articleBody]",
    "article .entry-content",
    ".entry-content",
    ".post-content",
    ".article-content",
    ".article-body",
    ".article-text",
    ".story-body",
    ".post-body",
    "article",
)
FAVOR_PRECISION = False
MIN_BODY_WORDS = 40
"""Under this many words a page has no article body (TOO_SHORT)."""
MAX_LINK_DENSITY = 0.5
NESTED_SHARE = 0.85
"""A container nested in the best one is preferred when it keeps this share of its text."""
SIBLING_SHARE = 0.3
STRUCTURAL_TAGS = frozenset({"div", "section", "article", "main", "td", "span", "body", "font", "center"})


@dataclass
class BodyCandidate:
    """A possible body container, cleaned and run through the text rules."""

    node: HtmlElement  # in the page tree
    origin: str  # "rules", "generic", "structural", "trafilatura"
    cleaned: HtmlElement  # cleaned copy
    outcome: RuleOutcome
    link_density: float
    stage: str = "generic"  # "rules" when the site's body selectors found it

    @property
    def paragraphs(self) -> list[Paragraph]:
        return self.outcome.kept

    @property
    def words(self) -> int:
        return sum(p.words for p in self.outcome.kept)

    @property
    def score(self) -> float:
        return self.words * (1.0 - self.link_density)


def evaluate(node: HtmlElement, origin: str, rules: SiteRules | None, title: str | None,
             site_names: tuple[str, ...], cleaned: HtmlElement | None = None) -> BodyCandidate:
    """Clean ``node`` (a copy), extract its paragraphs and apply the text rules."""
    if cleaned is None:
        cleaned = clean_container(node, rules.strip if rules else ())
    outcome = apply_text_rules(paragraphs_of(cleaned), title, rules, site_names)
    return BodyCandidate(node, origin, cleaned, outcome, link_density(cleaned))


def _depth(el: HtmlElement) -> int:
    depth = 0
    while el.getparent() is not None:
        el = el.getparent()
        depth += 1
    return depth


def choose(candidates: list[BodyCandidate]) -> BodyCandidate | None:
    """The best candidate: most clean text, but the most specific container that keeps most of it."""
    valid = [c for c in candidates if c.words >= MIN_BODY_WORDS and c.link_density <= MAX_LINK_DENSITY]
    if not valid:
        return None
    best = max(valid, key=lambda c: c.score)
    nested = [c for c in valid if c.score >= NESTED_SHARE * best.score and is_inside(c.node, [best.node])]
    return max(nested, key=lambda c: _depth(c.node)) if nested else best


def _direct_text(el: HtmlElement) -> int:
    """Characters of paragraph text directly in ``el``: child <p>s (minus links) and bare text lines."""
    total = len(normalize_text(el.text))
    for child in el:
        total += len(normalize_text(child.tail))
        if child.tag == "p":
            text = len(normalize_text(child.text_content()))
            links = sum(len(normalize_text(a.text_content())) for a in child.iter("a"))
            total += max(text - links, 0)
    return total


def _in_boilerplate(el: HtmlElement, root: HtmlElement) -> bool:
    node: HtmlElement | None = el
    while node is not None and node is not root:
        if node.tag != "form" and _is_generic_boilerplate(node):
            return True
        node = node.getparent()
    return False


def structural_candidates(body: HtmlElement, title_node: HtmlElement | None) -> list[HtmlElement]:
    """The element after the title (or holding it) with the most direct paragraph text,
    plus its parent when the text is split over several sibling blocks."""
    order = {el: i for i, el in enumerate(body.iter())}
    title_pos = order.get(title_node, -1) if title_node is not None else -1
    ancestors = set()
    node = title_node
    while node is not None:
        ancestors.add(node)
        node = node.getparent()
    scored = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag not in STRUCTURAL_TAGS:
            continue
        if title_pos >= 0 and order[el] < title_pos and el not in ancestors:
            continue
        score = _direct_text(el)
        if score > 0:
            scored.append((score, el))
    scored.sort(key=lambda pair: -pair[0])
    for score, el in scored[:20]:
        if _in_boilerplate(el, body):
            continue
        found = [el]
        parent = el.getparent()
        if parent is not None:
            strong = [c for c in parent if isinstance(c.tag, str) and _direct_text(c) >= SIBLING_SHARE * score]
            if len(strong) >= 2:
                found.append(parent)
        return found
    return []


_TRAFILATURA_TAGS = {
    "head": "h2", "list": "ul", "item": "li", "quote": "blockquote", "row": "tr", "cell": "td",
    "lb": "br", "hi": "em", "ref": "a", "graphic": "img", "main": "div", "code": "pre",
}


MIN_TRAFILATURA_CHARS = 250
"""Under this many characters (trafilatura's own ``min_extracted_size``) its fast pass is doubted."""
CONTAINER_RATIO = 1.3
"""The fast pass is doubted when one container of the page holds this many times its text in
paragraphs ..."""
PAGE_TEXT_FLOOR = 0.2
"""... or when the whole page's paragraphs hold under this share of it (the text sits in divs:
trafilatura's own extractor tends to find nothing there and its whole-page baseline takes over,
where the full pass lets readability compete)."""
_UNCLEAN = ("aside", "audio", "button", "fencedframe", "fieldset", "figure", "footer", "iframe", "input", "label",
            "link", "nav", "noindex", "noscript", "object", "option", "select", "source", "svg", "time")
"""What trafilatura's full pass calls an unclean result, where justext competes (the tags of its
SANITIZED_XPATH, ".//aside|.//audio|...": one walk over the result finds the first instead of one
walk per tag finding all)."""


def _trafilatura(page: HtmlElement | str, fast: bool, raw: Any = None) -> Any:
    """trafilatura's document for ``page`` (its body tree unserialised), None when it finds none.

    ``raw``: the page's pruned copy that the passes over one page share (``trafpass.RawTree``);
    with it trafilatura's cascade runs without the copies it makes for other callers."""
    if raw is not None and not FAVOR_PRECISION:  # trafpass follows the balanced focus only
        from harvester.extraction import trafpass

        try:
            return trafpass.run(raw, fast=fast)
        except Exception:  # noqa: BLE001 - trafilatura's own bare_extraction below then tries
            log.warning("trafpass failed on a page; bare_extraction instead", exc_info=True)
    from trafilatura import bare_extraction  # heavy import: only on the generic path

    # Without ``url`` trafilatura leaves link targets as written instead of resolving every link
    # of the page (about a tenth of its time; the extracted text is the same on all 258 dev-set
    # pages); ``sanitized_html`` makes the body's links absolute.
    try:
        return bare_extraction(page, url=None, fast=fast, output_format="xml", include_comments=False,
                               favor_precision=FAVOR_PRECISION, include_tables=True, include_links=True)
    except Exception:  # noqa: BLE001 - the fallback must never crash extraction
        return None


def _raw_tree(page: HtmlElement, page_text: PageText | None = None) -> Any:
    """The pruned copy of ``page`` its trafilatura passes share, None when the installed trafilatura
    is not the release ``trafpass`` follows (``bare_extraction`` then runs as it is)."""
    from harvester.extraction import trafpass

    if not trafpass.mirrored():
        return None
    try:
        return trafpass.RawTree(page, page_text)
    except Exception:  # noqa: BLE001 - bare_extraction then runs as it is
        return None


def _paragraph_chars(root: HtmlElement, page_text: PageText | None = None) -> tuple[int, int]:
    """Characters of paragraph text: on the whole page, and in the container holding the most of it
    (paragraphs counted for their parent and grandparent, as readability scores its candidates)."""
    total = 0
    by_container: dict[HtmlElement, int] = {}
    for p in root.iter("p"):
        chars = len(normalize_text(page_text.raw(p) if page_text is not None else p.text_content()))
        total += chars
        parent = p.getparent()
        if parent is not None:
            by_container[parent] = by_container.get(parent, 0) + chars
            grandparent = parent.getparent()
            if grandparent is not None:
                by_container[grandparent] = by_container.get(grandparent, 0) + chars
    return total, max(by_container.values(), default=0)


def doubtful(document: Any, root: HtmlElement, page_text: PageText | None = None) -> bool:
    """True when trafilatura's fast pass (no readability/justext comparison) may have taken too
    little: what its full pass replaces. That pass swaps in readability's container when it is over
    twice as long, or when the own result has no paragraph text or more tables than paragraphs, and
    justext's when the own result is short or unclean (holds svg, figure, nav ...). The paragraph
    text of the page's richest container stands in for readability's length (with a margin:
    ``CONTAINER_RATIO`` against its 2). Measured on the dev set: 17 of 258 pages are doubted, and
    every page where the full pass changed the result for the better is among them."""
    if document is None or document.body is None:
        return True
    length = len(document.raw_text or "")
    if length < MIN_TRAFILATURA_CHARS:
        return True
    paragraphs = len(document.body.findall(".//p"))
    if not paragraphs or len(document.body.findall(".//table")) > paragraphs:
        return True
    if next(document.body.iterdescendants(*_UNCLEAN), None) is not None:
        return True
    page, container = _paragraph_chars(root, page_text)
    return container > CONTAINER_RATIO * length or page < PAGE_TEXT_FLOOR * length


def _as_html(document: Any) -> HtmlElement | None:
    """trafilatura's body tree as an HTML container, cleaned as its XML output is (empty elements,
    nested paragraphs, control characters, blank text) and with HTML tag names."""
    from trafilatura.utils import sanitize_tree
    from trafilatura.xml import CONTROL_PARSER, delete_element, keeps_empty, remove_empty_elements, strip_double_tags

    main = document.body
    for element in main.iter("*"):
        if len(element) == 0 and not element.text and not element.tail and not keeps_empty(element):
            delete_element(element, keep_tail=False)
    strip_double_tags(main)
    remove_empty_elements(main)
    sanitize_tree(main)
    main = lxml.etree.fromstring(lxml.etree.tostring(main, encoding="unicode"), CONTROL_PARSER)
    for el in main.iter():
        if el.tag in _TRAFILATURA_TAGS:
            if el.tag == "ref" and el.get("target"):
                el.set("href", el.get("target"))
            el.tag = _TRAFILATURA_TAGS[el.tag]
        for attr in list(el.attrib):
            if attr not in ("href", "src", "alt"):
                del el.attrib[attr]
    main.tag = "div"
    main.tail = None
    return lxml.html.fragment_fromstring(lxml.etree.tostring(main, encoding="unicode"))


def trafilatura_body(page: HtmlElement | str, page_text: PageText | None = None) -> HtmlElement | None:
    """The main content found by trafilatura, as an HTML container (None when it finds none).

    ``page`` is best the parsed page (``document.parse``: one parse for both). trafilatura runs in
    fast mode; only when ``doubtful`` says its fallbacks could change the result does its full pass
    (readability and justext comparisons, about 1.5x the time) run as well."""
    if not isinstance(page, HtmlElement):
        document = _trafilatura(page, fast=False)  # no tree to judge the fast pass by
    else:
        raw = _raw_tree(page, page_text)
        document = _trafilatura(page, fast=True, raw=raw)
        if doubtful(document, page, page_text):
            document = _trafilatura(page, fast=False, raw=raw) or document
    if document is None or document.body is None:
        return None
    try:
        return _as_html(document)
    except (lxml.etree.LxmlError, ValueError):
        return None


def find_body(page_body: HtmlElement, html: str, url: str, rules: SiteRules | None, title: str | None,
              title_node: HtmlElement | None, site_names: tuple[str, ...],
              page_text: PageText | None = None) -> BodyCandidate | None:
    """The article body: rule candidates first, then trafilatura and generic + structural
    (``page_text``: the text of ``page_body``'s elements, when the caller measured it already)."""

    def run(nodes: list[HtmlElement], origin: str) -> list[BodyCandidate]:
        return [evaluate(n, origin, rules, title, site_names) for n in nodes]

    found: list[list[HtmlElement]] = []

    def structural_nodes() -> list[HtmlElement]:
        """The structural candidates, measured once and only when a path needs them."""
        if not found:
            found.append(structural_candidates(page_body, title_node))
        return found[0]

    def inside(nodes: list[HtmlElement]) -> list[HtmlElement]:
        """Structural candidates nested in one of ``nodes`` (a more specific container)."""
        return [s for s in structural_nodes() if s not in nodes and is_inside(s, nodes)]

    if rules is not None and rules.body:
        matched = select_all(page_body, rules.body)
        chosen = choose(run(matched, "rules") + run(inside(matched), "structural"))
        if chosen is not None:
            chosen.stage = "rules"
            return chosen

    def markup() -> BodyCandidate | None:
        generic = select_all(page_body, GENERIC_BODY_SELECTORS)
        seen = set(generic)
        return choose(run(generic, "generic") + run([n for n in structural_nodes() if n not in seen], "structural"))

    def fallback() -> BodyCandidate | None:
        texts = page_text if page_text is not None else PageText(page_body)
        container = trafilatura_body(page_body.getroottree().getroot(), texts)
        if container is None:
            return None
        prune_boilerplate(container, page_body, texts)
        strip_boilerplate(container, rules.strip if rules else ())  # a tree of our own: cleaned without a copy
        return choose([evaluate(container, "trafilatura", rules, title, site_names, cleaned=container)])

    # Unknown site: trafilatura first (it measures better on the dev set, see bench/quality.py);
    # a known site whose body selectors missed: the markup candidates its pages were tuned on.
    first, second = (markup, fallback) if rules is not None else (fallback, markup)
    return first() or second()
