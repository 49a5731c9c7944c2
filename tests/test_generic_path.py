"""The generic path's use of trafilatura: one parse shared with it, its fast pass, its full pass
only on doubt, and site-rule pages that never reach it."""

from __future__ import annotations

import lxml.etree
import pytest

import harvester.extraction.generic as generic
from harvester.extraction import Article, extract
from harvester.extraction.document import decode, parse
from harvester.extraction.normalize import count_words, normalize_text
from harvester.extraction.pagetext import PageText
from harvester.extraction.registry import site_rules
from harvester.mirror_server import bundled_mirror, resolve_path
from tests.goldens import ORIGINS, mirror_goldens

SENTENCE = "This sentence carries the plain words of an ordinary news article body."
LONG = " ".join([SENTENCE] * 6)


def page(body: str) -> str:
    return f"<html lang='en'><head><title>Title</title></head><body><main><h1>Title</h1>{body}</main></body></html>"


def test_parse_drops_comments_and_processing_instructions() -> None:
    root = parse(page(f"<p>{LONG}</p><!-- a comment --><?php echo 1 ?><p>{LONG}</p>")).root
    assert not list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction))


def test_text_after_a_comment_reaches_trafilatura_through_our_tree() -> None:
    # trafilatura given a tree that keeps comment nodes drops the text that follows a comment
    html = page(f"<div><p>{LONG}</p><!-- ad slot -->Tail words after the comment. {LONG}</div>")
    body = generic.trafilatura_body(parse(html).root)
    assert body is not None
    assert "Tail words after the comment." in normalize_text(body.text_content())


def test_a_full_article_needs_only_the_fast_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    passes: list[bool] = []
    real = generic._trafilatura

    def spy(page_: object, fast: bool, **kwargs: object) -> object:
        passes.append(fast)
        return real(page_, fast, **kwargs)

    monkeypatch.setattr(generic, "_trafilatura", spy)
    html = page("".join(f"<p>{LONG} Paragraph {i}.</p>" for i in range(6)))
    body = generic.trafilatura_body(parse(html).root)
    assert body is not None and count_words(normalize_text(body.text_content())) > 300
    assert passes == [True]


def test_a_short_fast_result_beside_long_page_paragraphs_is_doubted() -> None:
    root = parse(page("".join(f"<p>{LONG} Paragraph {i}.</p>" for i in range(6)))).root
    full = generic._trafilatura(root, fast=True)
    assert full is not None and not generic.doubtful(full, root)
    teaser = generic._trafilatura(parse(page(f"<p>{LONG}</p>")).root, fast=True)
    assert teaser is not None
    # the page holds six times the paragraph text the fast pass returned: its full pass may find it
    assert generic.doubtful(teaser, root)
    assert generic.doubtful(None, root)


def test_an_empty_fast_result_runs_the_full_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    passes: list[bool] = []
    real = generic._trafilatura

    def fast_finds_nothing(page_: object, fast: bool, **kwargs: object) -> object:
        passes.append(fast)
        return None if fast else real(page_, fast, **kwargs)

    monkeypatch.setattr(generic, "_trafilatura", fast_finds_nothing)
    body = generic.trafilatura_body(parse(page(f"<p>{LONG}</p><p>{LONG} Two.</p>")).root)
    assert passes == [True, False]
    assert body is not None and SENTENCE in normalize_text(body.text_content())


def test_site_rule_pages_never_run_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("trafilatura ran on a page whose site rules found the body")

    def unmeasured(*args: object, **kwargs: object) -> None:
        raise AssertionError("the generic path's page text index was built for a site-rule page")

    monkeypatch.setattr(generic, "_trafilatura", forbidden)
    monkeypatch.setattr(PageText, "__init__", unmeasured)
    checked = 0
    for site in ("worldofsoftware", "itpostnews", "budapestpost"):
        rules = site_rules(site)
        for golden in mirror_goldens(site)[:3]:
            path = resolve_path(bundled_mirror(site), golden.path)
            assert path is not None
            result = extract(path.read_bytes(), ORIGINS[site] + golden.path, rules)
            assert isinstance(result, Article), golden.name
            assert result.body == golden.expected["body"]
            checked += 1
    assert checked >= 6


def test_normalize_text_folds_every_unicode_space_and_drops_zero_width() -> None:
    assert normalize_text(" a\u00a0b\u3000c\u2028d\u200be\ufeff \n") == "a b c de"
    assert decode(b"<p>x</p>") == "<p>x</p>"
