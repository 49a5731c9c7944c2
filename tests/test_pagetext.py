"""PageText: the text of every element measured in one walk must equal what lxml says per element."""

from __future__ import annotations

import lxml.html

from harvester.extraction.document import parse
from harvester.extraction.pagetext import PageText
from harvester.extraction.select import text_of

PAGE = """<html><head><title>T</title></head><body>
 <div id="a">Lead <b>bold</b> tail<!-- a comment --> after comment
   <p>One <a href="/x">link<script>var x = 1;</script></a> and <i>more</i></p>text after p
   <noscript><p>No script <a href="/y">here</a></p></noscript>
   <ul><li>First</li><li>Second <span>nested <em>deep</em></span> end</li></ul>
   <template><p>inert</p></template><?pi data?>after pi
 </div>
 <div id="b">\u00a0Spaced \u200b text <style>.x{}</style></div>
</body></html>"""


def _trees() -> list[lxml.html.HtmlElement]:
    kept_comments = lxml.html.document_fromstring(PAGE)  # comments and PIs stay in this tree
    return [kept_comments.find("body"), parse(PAGE).body]


def test_raw_and_length_match_text_content_for_every_element() -> None:
    for body in _trees():
        index = PageText(body)
        for el in body.iter():
            if isinstance(el.tag, str):
                assert index.raw(el) == el.text_content()
                assert index.length(el) == len(el.text_content())


def test_visible_matches_text_of_with_hidden_elements_inside() -> None:
    for body in _trees():
        index = PageText(body)
        for el in body.iter():
            if isinstance(el.tag, str):
                assert index.visible(el) == text_of(el)
        link = body.find(".//a")
        assert index.visible(link) == "link"  # the script inside the link is not its text


def test_elements_added_later_are_measured_on_demand() -> None:
    body = parse(PAGE).body
    index = PageText(body)
    added = body.makeelement("p", {})
    added.text = "new text"
    body.append(added)
    assert index.raw(added) == "new text"
    assert index.length(added) == 8
    assert index.visible(added) == "new text"
