"""The microdata/RDFa fallbacks skip selectors whose itemprop/property/rel values the page lacks,
and still find what the selectors find."""

from __future__ import annotations

import pytest

import harvester.extraction.scope as scope_module
from harvester.extraction.document import parse
from harvester.extraction.markup import _attribute_tests, markup_from_page
from harvester.extraction.pagemeta import PageMeta


def test_attribute_tests_are_only_necessary_values() -> None:
    assert _attribute_tests("[itemprop=author] [itemprop=name]") == (("itemprop", "=", "name"), ("itemprop", "=", "author"))
    assert _attribute_tests("a[rel~=tag]") == (("rel", "~=", "tag"),)
    assert _attribute_tests(":not([rel=tag])") == ()  # a negation requires nothing to be written
    assert _attribute_tests("[rel=tag], .x") == ()  # either may match
    assert _attribute_tests("a[href*='/author/']") == (("href", "*=", "/author/"),)
    assert _attribute_tests(".vcard.author .fn") == (("class", "~=", "fn"), ("class", "~=", "author"), ("class", "~=", "vcard"))


def test_microdata_and_rel_links_are_still_found() -> None:
    body = parse("""<html><body><article><h1>T</h1>
        <span itemprop="author" itemscope><span itemprop="name">Jane Doe</span></span>
        <a rel="nofollow tag" href="/t/x">Climate</a><a rel="category" href="/c/s">Science</a>
        </article></body></html>""").body
    meta = PageMeta(url="https://example.com/a")
    markup_from_page(body, meta)
    assert meta.authors == ["Jane Doe"]
    assert meta.tags == ["Climate"]
    assert meta.section == "Science"


def test_selectors_for_values_the_page_lacks_are_not_matched(monkeypatch: pytest.MonkeyPatch) -> None:
    matched: list[str] = []
    real = scope_module.select

    def spy(root: object, selector: str) -> list:
        matched.append(selector)
        return real(root, selector)  # type: ignore[arg-type]

    monkeypatch.setattr(scope_module, "select", spy)
    body = parse("<html><body><p rel='noopener' class='byline'>Plain text, no microdata.</p></body></html>").body
    markup_from_page(body, PageMeta(url="https://example.com/a"))
    assert matched == []  # no selector's values are written
    body = parse("<html><body><p class='byline'>By <a href='/author/jane'>Jane Doe</a></p></body></html>").body
    meta = PageMeta(url="https://example.com/a")
    markup_from_page(body, meta)
    assert meta.authors == ["Jane Doe"]
    assert matched == ["[class*=byline] a[href*='/author']"]  # the first selector that can match does
