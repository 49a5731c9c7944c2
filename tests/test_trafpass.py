"""trafpass runs trafilatura's cascade on our page tree with fewer copies: it must return what
``bare_extraction`` returns, select what trafilatura's XPath expressions select, and leave the page
tree as it was."""

from __future__ import annotations

import os

import lxml.etree
import pytest
from trafilatura import bare_extraction
from trafilatura.baseline import html2txt as reference_html2txt
from trafilatura.core import REMOVE_COMMENTS_AND_LISTS_XPATH
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.settings import BASIC_CLEAN_XPATH
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH

from harvester.extraction import trafpass
from harvester.extraction.document import parse

# With another trafilatura release the generic path runs bare_extraction itself and these tests do
# not apply; under CI (CI=true) they run anyway, so that the upgrade is seen (re-check trafpass
# against the new release, then move MIRRORED_VERSION) instead of skipped.
pytestmark = pytest.mark.skipif(not trafpass.mirrored() and not os.environ.get("CI"),
                                reason="trafpass follows another trafilatura release")

SENTENCE = "This sentence carries the plain words of an ordinary news article body."
LONG = " ".join([SENTENCE] * 6)
NAV = "".join(f"<li><a href='/s{i}'>Section {i} headline link</a></li>" for i in range(30))


def page(body: str, head: str = "") -> str:
    return f"<html lang='en'><head><title>Title</title>{head}</head><body>{body}</body></html>"


PAGES = {
    "article": page(f"<nav><ul>{NAV}</ul></nav><main><h1>Title</h1>"
                    + "".join(f"<p>{LONG} Paragraph {i}.</p>" for i in range(8)) + "</main>"),
    "short among links": page(f"<div class='menu'><ul>{NAV}{NAV}</ul></div><article><h1>Title</h1>"
                              f"<p>{LONG}</p></article><div class='more'>{' '.join([SENTENCE] * 60)}</div>"),
    "tiny": page("<div><h1>Title</h1><p>Just a few words here.</p></div><div>Another short line.</div>"),
    "comments and infinite scroll": page(
        f"<article><h1>Title</h1><p>{LONG}</p><p>{LONG} Two.</p></article>"
        f"<div id='comments'><p>{SENTENCE} A reader comment.</p></div>"
        f"<ul class='comment-list'><li>{SENTENCE} Another comment.</li></ul>"
        f"<div class='infinite-scroll'><h2>Next story</h2><p>{LONG}</p></div>"
        f"<section class='elementor-share-buttons'><a href='/x'>Share</a></section>"),
    "cookie banners": page(
        f"<div class='cookie-banner'>We use cookies. {SENTENCE}</div>"
        "<div id='ONETRUST-consent-sdk'>Consent manager text.</div>"
        "<div class='cooKie-notice'>Kelvin-sign cookie notice.</div>"
        "<div class='xcookıe-consent'>Dotless-i cookie consent.</div>"
        "<div class=\"a&quot;b'cookie-bar\">Both quotes in a class.</div>"
        f"<div class='site-footer'>Footer text.</div><main><h1>Title</h1><p>{LONG}</p></main>"
        "<aside>Aside text.</aside><script>var x = 1;</script>"),
    "teasers": page(f"<div class='menu'><ul>{NAV}</ul></div><div class='Teaser-box'><p>{LONG} Teaser.</p></div>"
                    f"<article><h1>Title</h1><p>{SENTENCE}</p></article>"
                    f"<div class='more'>{' '.join([SENTENCE] * 40)}</div>"),
    "forum": page(f"<article><h1>Title</h1><p>{LONG}</p></article>"
                  f"<div class='comments'><div class='comment'><p>{LONG} A post.</p></div></div>",
                  head='<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'),
}


def _reference(root: lxml.etree._Element, fast: bool) -> tuple[bytes, str] | None:
    document = bare_extraction(root, url=None, fast=fast, output_format="xml", include_comments=False,
                               include_tables=True, include_links=True)
    return None if document is None else (lxml.etree.tostring(document.body), document.raw_text)


@pytest.mark.parametrize("with_page_text", [False, True], ids=["measured", "bounded"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_run_returns_what_bare_extraction_returns_and_leaves_the_page_alone(name: str, with_page_text: bool) -> None:
    """Also with the page's text, as the generic path gives it: the recall check may then be
    settled by the bound on the page measure instead of measuring."""
    document = parse(PAGES[name])
    root = document.root
    before = lxml.etree.tostring(root)
    raw = trafpass.RawTree(root, document.body_text if with_page_text else None)
    for fast in (True, False):  # the full pass after the fast one on the same shared tree
        ours = trafpass.run(raw, fast=fast)
        expected = _reference(parse(PAGES[name]).root, fast)
        assert (None if ours is None else (lxml.etree.tostring(ours.body), ours.raw_text)) == expected, (name, fast)
    assert lxml.etree.tostring(root) == before


@pytest.mark.parametrize("name", sorted(PAGES))
def test_raw_tree_prunes_as_trafilatura_does(name: str) -> None:
    root = parse(PAGES[name]).root
    expected = prune_unwanted_nodes(prune_unwanted_nodes(parse(PAGES[name]).root, RAW_TREE_PRUNE_XPATH),
                                    [] if name == "forum" else REMOVE_COMMENTS_AND_LISTS_XPATH)
    raw = trafpass.RawTree(root)
    assert lxml.etree.tostring(raw.tree) == lxml.etree.tostring(expected)
    taken = raw.take()
    taken.clear()  # the taker may change it; the next reader gets a fresh one
    assert lxml.etree.tostring(raw.tree) == lxml.etree.tostring(expected)


def test_the_full_pass_reuses_the_fast_extraction_only_on_teaser_free_pages() -> None:
    raw = trafpass.RawTree(parse(PAGES["teasers"]).root)
    assert not raw.teaser_free  # TEASER_DISCARD_XPATH folds the T
    trafpass.run(raw, fast=True)
    assert raw.stage_one == {}
    raw = trafpass.RawTree(parse(PAGES["short among links"]).root)
    assert raw.teaser_free
    trafpass.run(raw, fast=True)
    assert set(raw.stage_one) == {"balanced"}


def test_prunes_are_skipped_when_no_name_can_match() -> None:
    raw = trafpass.RawTree(parse(PAGES["article"]).root)
    assert raw._expressions == []
    raw = trafpass.RawTree(parse(PAGES["comments and infinite scroll"]).root)
    assert len(raw._expressions) == 3


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_measure_and_its_node_selection_match_trafilatura(name: str) -> None:
    raw = trafpass.RawTree(parse(PAGES[name]).root)
    body = raw.tree.find(".//body")
    assert trafpass.basic_clean_nodes(body) == BASIC_CLEAN_XPATH(body)
    assert trafpass.basic_clean_nodes(body, raw.names) == BASIC_CLEAN_XPATH(body)
    assert trafpass.html2txt(raw.tree, raw.names) == reference_html2txt(raw.tree)
    assert trafpass.html2txt(raw.take(), raw.names, in_place=True) == reference_html2txt(raw.tree)


def test_cookie_banner_selection_folds_case_as_the_exslt_test_does() -> None:
    body = parse(PAGES["cookie banners"]).body
    selected = {el.get("class") or el.get("id") for el in trafpass.basic_clean_nodes(body)}
    assert {"cookie-banner", "ONETRUST-consent-sdk", "cooKie-notice", "xcookıe-consent",
            "a\"b'cookie-bar", "site-footer"} <= selected


@pytest.mark.parametrize("value", ["plain", 'double"quote', "single'quote", "both\"and'", '"', ""])
def test_xpath_literal_reads_back_as_the_value(value: str) -> None:
    assert lxml.etree.XPath(f"string({trafpass._xpath_literal(value)})")(lxml.etree.Element("x")) == value


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_measure_bound_is_never_below_the_measure(name: str) -> None:
    document = parse(PAGES[name])
    raw = trafpass.RawTree(document.root, document.body_text)
    bound = raw.measure_bound()
    assert bound is not None and bound >= len(reference_html2txt(raw.tree))


def test_page_measure_bound_counts_nested_deleted_text_once_and_needs_the_page_text() -> None:
    html = page(f"<aside>{SENTENCE}<script>var a = 1;</script><footer>{SENTENCE}</footer></aside>"
                f"<main><p>{LONG}</p><svg><style>.x{{}}</style></svg></main>")
    document = parse(html)
    raw = trafpass.RawTree(document.root, document.body_text)
    visible = len(document.body_text.raw(document.body)) - len(document.body_text.raw(document.body.find("aside")))
    visible -= len(document.body_text.raw(document.body.find(".//svg")))
    blocks = sum(1 for el in document.body.iter("aside", "footer", "main", "p"))  # two characters each
    assert raw.measure_bound() == visible + 2 * blocks
    assert raw.measure_bound() >= len(reference_html2txt(raw.tree))
    assert trafpass.RawTree(document.root).measure_bound() is None


def test_an_expression_without_readable_name_tests_always_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura.xpaths

    unreadable = lxml.etree.XPath(".//*[self::div][@data-x]")
    assert trafpass._name_tests(unreadable.path) == ((), ())
    monkeypatch.setattr(trafilatura.xpaths, "RAW_TREE_PRUNE_XPATH", [unreadable])
    raw = trafpass.RawTree(parse(page(f"<main><p>{LONG}</p><div data-x='1'>Pruned words.</div></main>")).root)
    assert raw._expressions[0] is unreadable
    assert "Pruned words." not in lxml.etree.tostring(raw.tree, encoding="unicode")
