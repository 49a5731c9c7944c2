"""The trafilatura back-check: a block of its output found on the page only inside boilerplate goes."""

from __future__ import annotations

import lxml.html

from harvester.extraction.backmap import prune_boilerplate
from harvester.extraction.document import parse
from harvester.extraction.pagetext import PageText

LONG = " ".join(["The council approved the new budget for the harbour after a long debate."] * 4)
PAGE = f"""<html><body>
<article><p>{LONG}</p><p>\u200bZero-width start of a paragraph that stays in the article.</p>
<p> \u200b Shared line shown twice on the page.</p></article>
<div class="newsletter-box"><p>Sign up to get the morning briefing in your inbox.</p>
<p>Shared line shown twice   on the page.</p></div>
</body></html>"""


def _output() -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(
        f"<div><p>{LONG}</p><p>Zero-width start of a paragraph that stays in the article.</p>"
        "<p>Sign up to get the morning briefing in your inbox.</p><p>Shared line shown twice on the page.</p></div>")


def _texts(container: lxml.html.HtmlElement) -> list[str]:
    return [p.text_content() for p in container.iter("p")]


def test_blocks_found_only_in_boilerplate_are_dropped() -> None:
    body = parse(PAGE).body
    for page_text in (None, PageText(body)):
        container = _output()
        prune_boilerplate(container, body, page_text)
        texts = _texts(container)
        assert "Sign up to get the morning briefing in your inbox." not in texts
        assert "Zero-width start of a paragraph that stays in the article." in texts  # matched despite the ZWSP
        assert "Shared line shown twice on the page." in texts  # also in the article (behind a ZWSP): kept
        assert LONG in texts
