"""Hostile content in extraction: hidden text, invisible characters, walls of any length, link
dumps, markup-looking text, undeclared charsets. Each rule both ways: what it must catch, and a real
article that only looks similar."""

from __future__ import annotations

import html as htmllib

import lxml.html
import pytest

from harvester.extraction import Article, NonArticle, PageClass, extract
from harvester.extraction.classify import MIN_WALL_PHRASES, link_dump_reason, link_text_reason, wall_reason
from harvester.extraction.document import decode
from harvester.extraction.normalize import normalize_block, normalize_text, strip_invisible
from harvester.extraction.pagetext import PageText
from harvester.extraction.select import text_of
from harvester.extraction.visible import visible_text_content

URL = "https://news.example/2026/11/27/a-story-about-the-harbour/"
PROSE = [
    "The harbour authority said on Monday that it would spend the next two years rebuilding the northern "
    "quay, which has been closed to heavy lorries since a crack was found in its foundations last winter.",
    "Engineers will drive new steel piles into the seabed and pour a concrete deck on top of them, a method "
    "that lets the ferries keep using the southern quay while the work goes on, the authority said.",
    "Shipping companies welcomed the plan but asked for a clear timetable, because several of them have "
    "had to send cargo to other ports at higher cost while the quay has been closed to lorries.",
    "The city council will vote on its share of the cost next month. Most parties have said they support "
    "the project, although some want the authority to look again at cheaper ways to repair the old deck.",
]


def page(title_html: str = "A story about the harbour", body: list[str] | None = None, head: str = "",
         body_attrs: str = "", raw_body: str | None = None) -> str:
    paragraphs = raw_body if raw_body is not None else "".join(
        f"<p>{htmllib.escape(p, quote=False)}</p>" for p in (body if body is not None else PROSE))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>A story about the harbour</title>"
            f"<meta property='og:type' content='article'>{head}</head><body><header><a href='/'>Home</a></header>"
            f"<main><article {body_attrs}><h1>{title_html}</h1><div class='article-body'>{paragraphs}</div>"
            f"</article></main></body></html>")


def article(html: str | bytes) -> Article:
    result = extract(html, URL)
    assert isinstance(result, Article), result
    return result


# --- hidden text never reaches a title or a body --------------------------------------------------

@pytest.mark.parametrize("tag", ["script", "style", "noscript", "template"])
def test_hidden_element_text_inside_the_h1_is_not_in_the_title(tag: str) -> None:
    result = article(page(f"A story <{tag}>alert(1)</{tag}>about the harbour"))
    assert result.title == "A story about the harbour"


def test_hidden_element_text_inside_the_body_is_not_in_the_body() -> None:
    raw = "".join(f"<p>{p}</p>" for p in PROSE)
    raw = raw.replace("</p><p>Engineers", "<script>alert('x')</script></p><noscript>alert(2)</noscript>"
                      "<template><p>alert(3)</p></template><style>p{}</style><p>Engineers")
    result = article(page(raw_body=raw))
    assert "alert(" not in result.body_text and "alert(" not in result.body_html
    assert "p{}" not in result.body_text
    assert result.body[1].startswith("Engineers will drive")


def test_script_inside_preformatted_text_is_not_in_the_body() -> None:
    from harvester.extraction.cleaning import paragraphs_of

    root = lxml.html.fragment_fromstring("<div><pre>code line\n<script>alert(1)</script>next</pre></div>")
    assert [p.text for p in paragraphs_of(root)] == ["code line\nnext"]


def test_visible_text_keeps_the_text_around_and_after_hidden_elements() -> None:
    el = lxml.html.fragment_fromstring("<h1>One <script>x()</script>two <b>three<style>.a{}</style></b> four</h1>")
    assert visible_text_content(el) == "One two three four"
    assert text_of(lxml.html.fragment_fromstring("<h1>Plain <b>title</b></h1>")) == "Plain title"


# --- invisible and control characters -------------------------------------------------------------

INVISIBLE = ["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
             "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_strip_invisible_removes_each_control_bidi_and_zero_width_character(char: str) -> None:
    assert strip_invisible(f"ab{char}cd") == "abcd"
    assert normalize_text(f" ab{char} cd ") == "ab cd"
    assert normalize_block(f"ab{char}\ncd") == "ab\ncd"


def test_strip_invisible_keeps_ordinary_text_and_line_structure() -> None:
    text = "Café – “quoted” — 東京 — עברית — العربية\tcol\nnext line €"
    assert strip_invisible(text) == text


def test_invisible_characters_never_reach_title_body_or_html() -> None:
    title = "Harbour\u202e quay\u200b rebuilt\x00 soon"
    body = [p.replace(" the ", " the\u200d ", 1).replace(",", ",\u2066", 1) + "\x00" for p in PROSE]
    result = article(page(title, body, head="<meta name='description' content='Quay\u202e work\u2060'>"))
    assert result.title == "Harbour quay rebuilt soon"
    fields = [result.title, result.body_text, result.body_html, result.description or ""]
    for char in INVISIBLE:
        assert not any(char in field for field in fields), f"U+{ord(char):04X} left in a field"


# --- markup-looking text stays text ---------------------------------------------------------------

def test_markup_looking_text_is_stored_as_text_and_escaped_in_body_html() -> None:
    body = [PROSE[0] + " A protester held a sign saying <iframe src=//evil.example> and <b>bold</b>.", *PROSE[1:]]
    result = article(page(body=body))
    assert "<iframe src=//evil.example> and <b>bold</b>." in result.body_text
    assert "&lt;iframe src=//evil.example&gt;" in result.body_html
    assert "<iframe" not in result.body_html and "<b>bold" not in result.body_html


def test_sql_quotes_in_the_title_are_kept_verbatim() -> None:
    result = article(page(htmllib.escape("Robert'); DROP TABLE articles;-- and \"quotes\"")))
    assert result.title == "Robert'); DROP TABLE articles;-- and \"quotes\""


# --- consent walls and challenges whatever their length -------------------------------------------

CONSENT = (
    "We value your privacy. We and our partners store and/or access information on a device, such as cookies, "
    "and process personal data for personalised advertising and content, ad and content measurement and audience "
    "research. With your permission we and our partners may use precise geolocation data. You may click to "
    "consent to our processing, or manage your preferences before consenting. Some processing relies on "
    "legitimate interest, to which you have a right to object. "
)


def consent_page(words: int, title: str = "Before you continue", attrs: str = "class='consent-wall'",
                 h1: str = "We value your privacy") -> str:
    text = (CONSENT * (words // len(CONSENT.split()) + 1)).split()[:words]
    chunks = [" ".join(text[i:i + 60]) for i in range(0, len(text), 60)]
    paragraphs = "".join(f"<p>{c}</p>" for c in chunks)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><div {attrs}>"
            f"<h1>{h1}</h1>{paragraphs}<button>Accept all</button><button>Reject all</button>"
            f"</div></body></html>")


@pytest.mark.parametrize("words", [120, 400, 1500])
def test_consent_wall_is_blocked_whatever_its_length(words: int) -> None:
    result = extract(consent_page(words), URL)
    assert isinstance(result, NonArticle) and result.page_class is PageClass.BLOCKED, result


def test_long_consent_wall_is_blocked_by_its_phrases_alone() -> None:
    result = extract(consent_page(600, title="Harbour Gazette", attrs="class='box'", h1="Harbour Gazette"), URL)
    assert isinstance(result, NonArticle) and result.page_class is PageClass.BLOCKED, result
    assert "phrases" in result.reason


def test_long_challenge_page_is_blocked_by_its_title() -> None:
    filler = "".join(f"<p>{p}</p>" for p in PROSE * 3)
    html = (f"<html><head><title>Just a moment...</title></head><body><div id='main'><h1>Checking your browser</h1>"
            f"{filler}</div></body></html>")
    result = extract(html, URL)
    assert isinstance(result, NonArticle) and result.page_class is PageClass.BLOCKED, result


def test_article_that_mentions_cookies_and_consent_is_still_an_article() -> None:
    body = [
        "Regulators fined a large website operator on Tuesday for showing a cookie banner that made it harder to "
        "reject cookies than to accept them, the first such fine under the new consent rules.",
        "The banner offered a button to accept all cookies on its first screen, while users who wanted to refuse "
        "had to manage their preferences through three further pages, the regulator said.",
        *PROSE,
    ]
    result = article(page("Website fined over cookie consent banner", body))
    assert result.title == "Website fined over cookie consent banner"


def test_wall_reason_needs_several_distinct_phrases() -> None:
    root = lxml.html.document_fromstring("<html><head><title>News</title></head><body><p>x</p></body></html>")
    assert wall_reason(root, None, "We value your privacy and accept all cookies.") is None
    phrases = "We value your privacy. Accept all. Manage your preferences. Legitimate interest. Precise geolocation data."
    assert MIN_WALL_PHRASES <= 5
    assert wall_reason(root, None, phrases) is not None


# --- link lists, link tables, navigation dumps ----------------------------------------------------

def link_list_page(count: int = 80) -> str:
    items = "".join(f"<li><a href='/2026/11/{i:02d}/story-number-{i}-of-the-day/'>Story number {i} of the day "
                    f"about the harbour</a></li>" for i in range(count))
    return page(raw_body=f"<ul>{items}</ul>")


def link_table_page(count: int = 80) -> str:
    rows = "".join(f"<tr><td>2026-11-{1 + i % 28:02d}</td><td><a href='/archive/{i}/report-number-{i}/'>Archived "
                   f"report number {i} on the regional budget debate</a></td></tr>" for i in range(count))
    return page(raw_body=f"<table>{rows}</table>")


def nav_dump_page() -> str:
    groups = "".join(f"<li><a href='/s{g}/'>Section {g}</a><ul>" + "".join(
        f"<li><a href='/s{g}/t{t}/'>Topic {t} of section {g} coverage</a></li>" for t in range(15)) + "</ul></li>"
        for g in range(12))
    return page(raw_body=f"<div class='content'><ul>{groups}</ul></div>")


@pytest.mark.parametrize("make", [link_list_page, link_table_page, nav_dump_page], ids=["list", "table", "nav"])
def test_a_body_of_links_is_not_an_article(make) -> None:  # type: ignore[no-untyped-def]
    result = extract(make(), URL)
    assert isinstance(result, NonArticle) and result.page_class in (PageClass.LISTING, PageClass.TOO_SHORT), result


def test_a_table_of_links_is_a_listing() -> None:
    result = extract(link_table_page(), URL)
    assert isinstance(result, NonArticle) and result.page_class is PageClass.LISTING, result


def test_a_page_of_a_hundred_thousand_links_is_a_listing_quickly() -> None:
    import time

    items = "".join(f"<li><a href='/archive/2019/02/link-{i}/'>Link number {i}</a></li>" for i in range(100_000))
    started = time.monotonic()
    result = extract(f"<html><head><title>All links</title></head><body><h1>All links</h1><ul>{items}</ul></body></html>",
                     URL)
    assert isinstance(result, NonArticle) and result.page_class is PageClass.LISTING, result
    assert time.monotonic() - started < 20


def test_an_article_with_a_list_of_related_links_is_still_an_article() -> None:
    related = "".join(f"<li><a href='/2026/11/{i}/related-story-{i}/'>Related story {i}</a></li>" for i in range(8))
    raw = "".join(f"<p>{p} <a href='/source/{i}'>source</a></p>" for i, p in enumerate(PROSE)) + f"<ul>{related}</ul>"
    result = article(page(raw_body=raw))
    assert result.word_count >= 100


def test_link_dump_reason_both_ways() -> None:
    dump = lxml.html.fragment_fromstring(
        "<div>" + "".join(f"<a href='/{i}'>link text number {i}</a> " for i in range(30)) + "</div>")
    prose = lxml.html.fragment_fromstring(
        "<div>" + "".join(f"<p>{p} <a href='/{i}'>more</a></p>" for i, p in enumerate(PROSE * 6)) + "</div>")
    assert link_dump_reason(dump) is not None
    assert link_dump_reason(prose) is None


def test_link_text_reason_both_ways() -> None:
    links = [f"Archived report number {i} on the budget" for i in range(40)]
    body = lxml.html.document_fromstring(
        "<html><body>" + "".join(f"<p><a href='/r/{i}'>{t}</a> 2026-11-01</p>" for i, t in enumerate(links))
        + "</body></html>").find("body")
    for page_text in (None, PageText(body)):  # the generic path passes the page's measured text
        assert link_text_reason("\n".join(f"{t} 2026-11-01" for t in links), body, page_text) is not None
        assert link_text_reason("\n".join(PROSE * 3) + " " + links[0], body, page_text) is None


# --- charsets --------------------------------------------------------------------------------------

def test_undeclared_cp1252_bytes_decode_as_cp1252() -> None:
    text = "<html><body><p>Café Müller charges €4.50 – “naïve” prices</p></body></html>"
    assert decode(text.encode("cp1252")) == text


def test_a_stale_utf8_meta_does_not_override_cp1252_bytes() -> None:
    text = "<html><head><meta charset='utf-8'></head><body><p>Señora Núñez earns €61,000</p></body></html>"
    assert decode(text.encode("cp1252")) == text


def test_mostly_utf8_with_a_broken_byte_stays_utf8() -> None:
    raw = "<p>Gdańsk and Łódź — 2,300 workers</p>".encode().replace(b"2,300", b"2,\xff300")
    assert decode(raw) == "<p>Gdańsk and Łódź — 2,\ufffd300 workers</p>"


def test_declared_charsets_and_boms_still_win() -> None:
    text = "<html><head><meta charset='iso-8859-2'></head><body><p>Łódź</p></body></html>"
    assert decode(text.encode("iso-8859-2")) == text
    assert decode("<p>Kraków Ελλάδα</p>".encode("utf-16")) == "<p>Kraków Ελλάδα</p>"


def test_templates_are_dropped_in_linear_time_even_unclosed() -> None:
    import time

    from harvester.extraction.document import drop_templates

    assert drop_templates("a<template><p>x</p></template>b<TEMPLATE id=1>y</Template >c<template>z") == "abc<template>z"
    hostile = "<template>" * 100_000 + "x" * 1_000_000
    started = time.monotonic()
    assert drop_templates(hostile) == hostile
    assert time.monotonic() - started < 2


# --- hostile JSON: nesting deeper than any reader, lone surrogate escapes ---------------------------

def _jsonld(source: str) -> str:
    return f'<script type="application/ld+json">{source}</script>'


@pytest.mark.parametrize("source", [
    "[" * 100_000 + "]" * 100_000,  # json itself gives up (RecursionError)
    "// a comment line\n" + "[" * 100_000 + "]" * 100_000,  # the lenient reader's path
    '{"@type": "NewsArticle", "author": ' + "[" * 900 + '"Ann Lee"' + "]" * 900 + "}",  # json reads it; helpers would not
])
def test_json_ld_nested_beyond_any_reader_is_skipped_not_fatal(source: str) -> None:
    result = article(page(head=_jsonld(source)))
    assert result.title == "A story about the harbour"
    assert result.authors == []


def test_json_ld_nested_reasonably_is_still_read() -> None:
    wrapped = "[" * 5 + '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Ann Lee"}}' + "]" * 5
    assert article(page(head=_jsonld(wrapped))).authors == ["Ann Lee"]


def test_deep_embedded_state_is_skipped_not_fatal() -> None:
    """A client-rendered page (no body in the HTML) whose state nests beyond any reader."""
    deep = '{"a": ' * 5_000 + "1" + "}" * 5_000
    html = (f"<html><head><title>Harbour</title></head><body><div id='root'></div>"
            f"<script id='__NEXT_DATA__' type='application/json'>{deep}</script></body></html>")
    result = extract(html, URL)
    assert isinstance(result, NonArticle)


def test_lone_surrogate_escapes_never_reach_a_stored_field() -> None:
    """json decodes "\\ud800" into a str no encoder (no database) accepts; a pair (an emoji) is kept."""
    item = ('{"@type": "NewsArticle", "headline": "A story about the harbour", '
            '"author": {"@type": "Person", "name": "Ann \\udfff Lee \\ud83d\\ude00"}, '
            '"keywords": "ports\\ud800, ships", "articleSection": "Local\\udc00", '
            '"image": "https://news.example/img/\\ud800quay.jpg"}')
    result = article(page(head=_jsonld(item)))
    assert result.authors == ["Ann Lee \U0001f600"]
    assert result.tags == ["ports", "ships"]
    assert result.section == "Local"
    assert result.lead_image == "https://news.example/img/quay.jpg"
    for value in (result.title, *result.authors, *result.tags, result.section, result.lead_image, result.body_html,
                  *result.body):
        value.encode("utf-8")  # raises on a surrogate


def test_strip_invisible_removes_lone_surrogates() -> None:
    assert strip_invisible("Ann \ud800Lee\udfff") == "Ann Lee"
    assert normalize_text("Ann \ud800 Lee") == "Ann Lee"


# --- pages with more elements than any article: classed at once, not left to the time budget ---------

_SENTENCE = "The harbour authority said on Monday that it would rebuild the quay."


@pytest.mark.parametrize("markup", [
    "".join(f"<p>{_SENTENCE} {i}</p>" for i in range(60_000)),  # 300,000 took trafilatura over ten minutes
    "<table>" + "".join(f"<tr><td>{i}</td><td>{_SENTENCE}</td></tr>" for i in range(20_000)) + "</table>",
    "<p>" + (_SENTENCE + "<br>") * 60_000 + "</p>",
    "".join(f"<div class='c{i % 50}'><span>{_SENTENCE}</span></div>" for i in range(30_000)),
])
def test_a_page_with_more_elements_than_any_article_is_malformed(markup: str) -> None:
    result = extract(page(raw_body=markup), URL)
    assert isinstance(result, NonArticle)
    assert result.page_class == PageClass.MALFORMED and "elements" in result.reason


def test_a_long_article_well_under_the_element_limit_is_still_an_article() -> None:
    paragraphs = [f"{p} (Part {i}.)" for i in range(120) for p in PROSE]  # 480 paragraphs, longer than any dev-set page
    assert len(article(page(body=paragraphs)).body) == len(paragraphs)


@pytest.mark.parametrize("href", ["http://[oops/", "https://news.example:99999/story/"])
def test_an_unreadable_canonical_or_image_url_is_ignored_not_fatal(href: str) -> None:
    head = f"<link rel='canonical' href='{href}'><meta property='og:image' content='{href}'>"
    result = article(page(head=head))
    assert result.url == URL and result.lead_image is None
