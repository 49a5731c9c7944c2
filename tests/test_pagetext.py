"""PageText (the text of every element measured in one walk must equal what lxml says per element) and
the case-folding behind the rule prefilters."""

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


def test_search_key_folds_every_character_a_case_insensitive_search_takes_for_a_letter() -> None:
    # the prompt and consent-wall rules skip a pattern when none of its words is in search_key(text):
    # a character the pattern would match to a letter must become that letter, or a match is missed
    import re

    from harvester.extraction.textrules import search_key

    for code in (0x130, 0x131, 0x17F, 0x212A, *range(0x41, 0x5B)):
        char = chr(code)
        letters = [a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, char, re.IGNORECASE)]
        assert letters and all(search_key(char) == a for a in letters), hex(code)


def test_prompt_and_wall_prefilters_keep_every_match() -> None:
    from harvester.extraction.classify import WALL_PHRASES, _possible_phrases
    from harvester.extraction.textrules import is_prompt

    assert is_prompt("FOLLOW US ON LİNKEDIN")  # dotted capital I: the pattern matches it as i
    assert is_prompt("Sign up for our ſtory newsletter")
    wall = "We value your privacy. We and our partners store and/or access information on a device. Accept all"
    assert sum(1 for p in WALL_PHRASES if p.search(wall)) == 4
    assert _possible_phrases(wall) >= 4
