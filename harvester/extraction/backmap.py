"""Checking trafilatura's output against the page it came from.

trafilatura returns its paragraphs without the page's class names and ids, so the cleaning stage
cannot see that a paragraph sat in a newsletter box, an author bio, a fact box or a hidden popup.
Here each block of its output is looked up in the page by its text; a block found only inside
boilerplate (by the same class/id rules as the cleaning stage, also link cards and link clusters) is
removed. A boilerplate wrapper that holds most of the extracted text never counts, so an unlucky
class name on the article's own container cannot take the article with it.
"""

from __future__ import annotations

from functools import lru_cache

from lxml.html import HtmlElement

from harvester.extraction.boilerplate import (
    _HIDDEN_STYLE,
    BOILERPLATE_NAMES,
    BOILERPLATE_PAIRS,
    BOILERPLATE_PARTS,
    KEEP_SHARE,
    is_link_card,
    is_link_cluster,
    name_parts,
    raw_class_tokens,
)
from harvester.extraction.normalize import normalize_text
from harvester.extraction.pagetext import PageText

OUTPUT_BLOCKS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "pre", "div"})
PAGE_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "pre", "div",
                         "span", "figcaption", "dd", "dt", "section", "strong", "b", "a", "em", "label", "header"})
MIN_CHARS = 2
NEVER_BOILERPLATE = frozenset({"form", "html", "body"})
"""Wrappers that hold whole pages (ASP.NET forms) are never a reason to drop text."""
LAYOUT_PARTS = frozenset({"sidebar", "meta", "byline", "tags", "tagcloud", "toc", "pagination", "breadcrumb",
                          "breadcrumbs"})
"""Tokens the cleaning stage removes inside a body container but that, page-wide, also name layout
wrappers (a "sidebar-grid" around the article): not a reason to drop trafilatura's text."""
CONTENT_PARTS = BOILERPLATE_PARTS - LAYOUT_PARTS


@lru_cache(maxsize=8192)
def _content_boilerplate_name(token: str) -> bool:
    """True when one class name or id names non-article content (``CONTENT_PARTS``, not layout)."""
    if token.lower() in BOILERPLATE_NAMES:
        return True
    parts = name_parts(token)
    return any(p in CONTENT_PARTS for p in parts) or any(pair in BOILERPLATE_PAIRS for pair in zip(parts, parts[1:]))


def is_boilerplate_block(el: HtmlElement) -> bool:
    """True for an element whose class/id names non-article content (newsletter, comments, author bio,
    ads, popups), that is hidden, or that is a link card or a link cluster. aria-hidden is not enough:
    some pages hide article text from screen readers only. Embedded posts are left to the text rules,
    which recognise them by their attribution line."""
    if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    if any(_content_boilerplate_name(token) for token in raw_class_tokens(el)):
        return True
    return el.tag in ("aside", "nav") or is_link_card(el) or is_link_cluster(el)


def _text(el: HtmlElement) -> str:
    return normalize_text(el.text_content())


HEAD_CHARS = 24
"""Page elements are first compared by the start of their text (cheap), in full only on a match."""


def _page_index(page_body: HtmlElement, wanted: set[str], texts: PageText) -> dict[str, list[HtmlElement]]:
    """Page elements whose whole text is one of ``wanted``.

    Normalising text is the cost here, so an element's text is normalised in full only when it
    could normalise to a wanted one: its raw length lies between the shortest wanted text (folding
    never lengthens) and far over the longest (only whitespace folds), and the normalised start of
    its text (a prefix of the normalised whole) begins one of the wanted texts. Lengths and texts
    come from ``texts`` (measured once for the page), so the length test copies no text."""
    index: dict[str, list[HtmlElement]] = {}
    longest = max(len(t) for t in wanted)
    shortest = min(len(t) for t in wanted)
    heads = {t[:HEAD_CHARS] for t in wanted}
    firsts = {t[0] for t in wanted}
    bound = 4 * longest + 400
    for el in page_body.iter(*PAGE_BLOCKS):
        length = texts.length(el)
        if length < shortest or length > bound:
            continue
        raw = texts.raw(el)
        start = raw[:4 * HEAD_CHARS]
        first = start.lstrip()[:1]
        if first and first not in firsts and first.isprintable():
            continue  # a printable first character is the normalised text's first character
        head = normalize_text(start)
        if len(head) >= HEAD_CHARS:
            if head[:HEAD_CHARS] not in heads:
                continue
            text = normalize_text(raw)
        elif len(raw) <= 4 * HEAD_CHARS:
            text = head  # the whole text, already normalised
        else:
            text = normalize_text(raw)
        if text in wanted:
            index.setdefault(text, []).append(el)
    return index


def _normalized_longer(raw: str, limit: float) -> bool:
    """``len(normalize_text(raw)) > limit``, normalising only a start of ``raw`` when that is already
    long enough (a normalised start of a text is a start of the normalised text)."""
    head = int(2 * limit) + 100
    if len(raw) > head and len(normalize_text(raw[:head])) > limit:
        return True
    return len(normalize_text(raw)) > limit


def _in_boilerplate(el: HtmlElement, limit: float, cache: dict[HtmlElement, bool], texts: PageText) -> bool:
    """True when an ancestor of ``el`` (or ``el``) is boilerplate holding at most ``limit`` characters.

    An ancestor's text holds its descendants' text, so the walk up stops at the first element over
    ``limit``: neither it nor anything above it can count (and their text is never measured)."""
    node: HtmlElement | None = el
    path: list[HtmlElement] = []
    found = False
    while node is not None:
        if node in cache:
            found = cache[node]
            break
        path.append(node)
        if texts.length(node) > limit and _normalized_longer(texts.raw(node), limit):  # folding never lengthens
            break
        if node.tag not in NEVER_BOILERPLATE and is_boilerplate_block(node):
            found = True
            break
        node = node.getparent()
    for visited in path:
        cache[visited] = found
    return found


def prune_boilerplate(container: HtmlElement, page_body: HtmlElement, page_text: PageText | None = None) -> None:
    """Remove from ``container`` (trafilatura's output) the blocks that the page holds only in boilerplate
    (``page_text``: the page's text, measured once for all stages)."""
    blocks = [el for el in container.iter(*OUTPUT_BLOCKS) if el is not container]
    texts = {el: _text(el) for el in blocks}
    wanted = {t for t in texts.values() if len(t) >= MIN_CHARS}
    if not wanted:
        return
    total = len(_text(container))
    limit = KEEP_SHARE * total
    page_text = page_text if page_text is not None else PageText(page_body)
    index = _page_index(page_body, wanted, page_text)
    cache: dict[HtmlElement, bool] = {}
    for el in blocks:
        matches = index.get(texts[el])
        if not matches or el.getparent() is None:
            continue
        if all(_in_boilerplate(m, limit, cache, page_text) for m in matches):
            el.drop_tree()
