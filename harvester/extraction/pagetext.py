"""The text of every element of a page, measured in one walk and shared by the stages.

Several stages compare elements of the page by their text (the trafilatura back-check, the lead
search, the link-dump check, trafilatura's doubt test). ``el.text_content()`` copies the whole
subtree's text on each call, so asking it of every element costs the page's text times its depth,
plus a call into libxml2's XPath engine each time. Here the page's text nodes are joined once, in
document order, and each element keeps where its text starts and ends: its text is a slice.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from harvester.extraction.normalize import normalize_text
from harvester.extraction.visible import HIDDEN_TAGS, visible_text_content


class PageText:
    """Text of the elements of the tree under ``root`` as it was when measured (the page tree is
    never modified by the extraction stages; an element added later is measured on demand)."""

    __slots__ = ("_hiding", "_spans", "_text")

    def __init__(self, root: HtmlElement) -> None:
        parts: list[str] = []
        append = parts.append
        position = 0
        spans: dict[HtmlElement, tuple[int, int]] = {}
        starts: list[int] = []  # where the text of each open element starts
        push, pop = starts.append, starts.pop
        for event, el in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
            if event == "start":
                push(position)
                text = el.text
                if text:
                    append(text)
                    position += len(text)
                continue
            if event == "end":
                spans[el] = (pop(), position)
            tail = el.tail  # an element's tail (and a comment's) is text of its parent
            if tail and el is not root:
                append(tail)
                position += len(tail)
        self._text = "".join(parts)
        self._spans = spans
        hiding: set[HtmlElement] = set()  # elements holding (or being) a script/style/noscript/template
        for hidden in root.iter(*HIDDEN_TAGS):
            node: HtmlElement | None = hidden
            while node is not None and node not in hiding:
                hiding.add(node)
                node = node.getparent()
        self._hiding = hiding

    def raw(self, el: HtmlElement) -> str:
        """``el.text_content()``."""
        span = self._spans.get(el)
        if span is None:
            return el.text_content()
        return self._text[span[0]:span[1]]

    def span(self, el: HtmlElement) -> tuple[int, int] | None:
        """Where the text of ``el`` starts and ends in the page's text (None: not measured)."""
        return self._spans.get(el)

    def length(self, el: HtmlElement) -> int:
        """``len(el.text_content())`` without copying the text."""
        span = self._spans.get(el)
        if span is None:
            return len(el.text_content())
        return span[1] - span[0]

    def visible(self, el: HtmlElement) -> str:
        """``select.text_of(el)``: normalised text without script, style, noscript and template text."""
        if el in self._hiding or el not in self._spans:
            return normalize_text(visible_text_content(el))
        return normalize_text(self.raw(el))
