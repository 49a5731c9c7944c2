"""Body container -> paragraphs (in document order) and sanitized HTML.

Every p, heading, list item, block-quote paragraph, figure caption, pre, table row and
``<br>``-separated line (also bare text directly in a div) becomes one paragraph. Inline
elements join without added spaces; an image's alt text is not body text.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cached_property

import lxml.html
import nh3
from lxml.html import HtmlElement

from harvester.extraction.boilerplate import strip_boilerplate
from harvester.extraction.normalize import count_words, normalize_block, normalize_text, strip_invisible
from harvester.extraction.select import image_src
from harvester.extraction.visible import visible_text_content

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "li", "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "thead",
        "tfoot", "caption", "ul", "body", "html", "menu", "legend",
    }
)
SKIP_TAGS = frozenset(
    {
        "img", "picture", "source", "video", "audio", "track", "svg", "canvas", "map", "object", "embed",
        "script", "style", "noscript", "template", "iframe", "input", "select", "textarea", "button",
        "head", "title", "meta", "link", "option",
    }
)
CELL_TAGS = ("td", "th")
CELL_SEPARATOR = " | "

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption", "img", "a",
    "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "b", "i", "br", "pre", "code",
}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt"}, "a": {"href"}}
LINK_REL = "nofollow noopener"
_SPACE_BEFORE_CLOSE = re.compile(r"[ \t\n]+</(p|li|h[2-6]|figcaption|td|th|blockquote)>")


@dataclass
class Paragraph:
    """One body paragraph and the block element it came from."""

    text: str
    node: HtmlElement
    kind: str  # the tag of that block ("p", "h2", "li", "tr", "div" for bare text ...)

    @cached_property
    def words(self) -> int:
        """``count_words(text)``, counted once: candidates are compared by their words several times."""
        return count_words(self.text)


class _Walker:
    """Turns a tree into paragraphs; a paragraph ends at every block boundary and <br>."""

    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self._buffer: list[str] = []
        self._blocks: list[HtmlElement] = []

    def flush(self) -> None:
        text = normalize_text("".join(self._buffer))
        self._buffer = []
        if text and self._blocks:
            node = self._blocks[-1]
            self.paragraphs.append(Paragraph(text, node, str(node.tag)))

    def add(self, text: str | None) -> None:
        if text:
            self._buffer.append(text)

    def walk(self, el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP_TAGS:
            return
        if tag == "br":
            self.flush()
            return
        if tag == "tr":
            self._row(el)
            return
        if tag == "pre":
            self.flush()
            text = normalize_block(visible_text_content(el))
            if text:
                self.paragraphs.append(Paragraph(text, el, "pre"))
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
            self._blocks.append(el)
        self.add(el.text)
        for child in el:
            self.walk(child)
            self.add(child.tail)
        if block:
            self.flush()
            self._blocks.pop()

    def _row(self, row: HtmlElement) -> None:
        self.flush()
        cells = [inline_text(cell) for cell in row if isinstance(cell.tag, str) and cell.tag in CELL_TAGS]
        cells = [c for c in cells if c]
        if cells:
            self.paragraphs.append(Paragraph(CELL_SEPARATOR.join(cells), row, "tr"))


def inline_text(el: HtmlElement) -> str:
    """The text of an element as one line (its inner paragraphs joined with a space)."""
    walker = _Walker()
    walker._blocks.append(el)
    walker.add(el.text)
    for child in el:
        walker.walk(child)
        walker.add(child.tail)
    walker.flush()
    return normalize_text(" ".join(p.text for p in walker.paragraphs))


def paragraphs_of(root: HtmlElement) -> list[Paragraph]:
    """Paragraphs of ``root`` in document order (``root`` is not modified)."""
    walker = _Walker()
    walker._blocks.append(root)
    walker.add(root.text)
    for child in root:
        walker.walk(child)
        walker.add(child.tail)
    walker.flush()
    return walker.paragraphs


def detached_copy(node: HtmlElement) -> HtmlElement:
    """A deep copy of ``node`` without its tail, safe to modify."""
    clone = copy.deepcopy(node)
    clone.tail = None
    return clone


def clean_container(node: HtmlElement, strip: tuple[str, ...] = ()) -> HtmlElement:
    """A copy of the body container with boilerplate removed."""
    clone = detached_copy(node)
    strip_boilerplate(clone, strip)
    return clone


def link_density(root: HtmlElement) -> float:
    """Share of the text of ``root`` that sits inside links."""
    total = len(normalize_text(root.text_content()))
    if not total:
        return 0.0
    linked = sum(len(normalize_text(a.text_content())) for a in root.iter("a"))
    return min(linked / total, 1.0)


def drop_nodes(root: HtmlElement, dropped: list[Paragraph], kept: list[Paragraph]) -> None:
    """Remove from the HTML the blocks whose every paragraph was dropped by the text rules."""
    kept_nodes = {p.node for p in kept}
    for paragraph in dropped:
        node = paragraph.node
        if node is root or node in kept_nodes or node.getparent() is None:
            continue
        node.drop_tree()


def sanitized_html(root: HtmlElement, base_url: str, in_place: bool = False) -> str:
    """The body as sanitized HTML: structure tags only, absolute URLs, nofollow links. ``in_place``
    rewrites image and link URLs in ``root`` itself instead of a copy (for a tree used no further)."""
    clone = root if in_place else detached_copy(root)
    for img in list(clone.iter("img")):
        src = image_src(img)
        if src:
            img.set("src", src)
    try:
        clone.make_links_absolute(base_url, resolve_base_href=False)
    except ValueError:
        pass
    inner = (clone.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in clone
    )
    html = nh3.clean(
        inner,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
    )
    html = strip_invisible(html.replace("\u00a0", " ").replace("&nbsp;", " "))
    return _SPACE_BEFORE_CLOSE.sub(r"</\1>", html).strip()
