"""Unit tests of the extraction stages: decoding, normalisation, cleaning, text rules,
metadata and classification."""

from __future__ import annotations

import codecs
import re
from datetime import date, datetime, timedelta, timezone

import lxml.html
import pytest

from harvester.extraction import Article, NonArticle, PageClass, SiteRules, extract
from harvester.extraction.authors import clean_authors
from harvester.extraction.boilerplate import is_boilerplate_name
from harvester.extraction.cleaning import Paragraph, clean_container, paragraphs_of
from harvester.extraction.document import decode
from harvester.extraction.normalize import normalize_text
from harvester.extraction.textrules import apply_text_rules
from harvester.extraction.urls import canonical_url

LONG = " ".join(["Sentence with several plain words in it."] * 8)  # 56 words


def page(body: str, head: str = "", lang: str = "en") -> str:
    return f"<html lang='{lang}'><head>{head}</head><body>{body}</body></html>"


def paragraphs(fragment: str) -> list[str]:
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return [p.text for p in paragraphs_of(clean_container(root))]


# --- decoding and normalisation ---------------------------------------------------------

def test_decode_honours_bom_and_meta_charset() -> None:
    assert decode(codecs.BOM_UTF8 + "café".encode()) == "café"
    latin = "<meta charset='iso-8859-1'><p>café</p>".encode("latin-1")
    assert "café" in decode(latin)
    # undecodable UTF-8 is replaced, not fatal; undeclared bytes that are not UTF-8 at all are cp1252,
    # as Scrapy's response.text reads them (a charset given only in the HTTP header)
    assert "\ufffd" in decode("<p>Łódź</p>".encode() + b"\xff")
    assert decode(b"<p>\xff</p>") == "<p>\xff</p>"


def test_normalize_nbsp_spaces_and_trim() -> None:
    assert normalize_text("\u00a0 Kentucky,\u00a0studied \n  here\u00a0 ") == "Kentucky, studied here"
    assert normalize_text("“quotes” – dashes [and] brackets") == "“quotes” – dashes [and] brackets"


# --- cleaning ---------------------------------------------------------------------------

def test_br_lines_and_bare_text_are_paragraphs() -> None:
    assert paragraphs("<p>One<br>Two</p>Three<br><br>Four<div>Five</div>") == ["One", "Two", "Three", "Four", "Five"]


def test_inline_joined_without_spaces_and_img_alt_ignored() -> None:
    assert paragraphs("<p><span>Font Resizer</span><strong>Aa</strong> <img alt='Logo'>end</p>") == ["Font ResizerAa end"]


def test_lists_headings_quotes_captions_tables() -> None:
    fragment = ("<h2>Head</h2><ul><li>a<ul><li>b</li></ul></li></ul><blockquote><p>q1</p><p>q2</p></blockquote>"
                "<figure><img src='x.jpg'><figcaption>cap</figcaption></figure>"
                "<table><tr><th>k</th><th>v</th></tr><tr><td>1</td><td><b>2</b></td></tr></table>")
    assert paragraphs(fragment) == ["Head", "a", "b", "q1", "q2", "cap", "k | v", "1 | 2"]


def test_boilerplate_elements_removed_but_text_after_them_kept() -> None:
    fragment = ("<p>keep</p><div class='inline-single-ad'><h6>ADVERTISEMENT</h6></div>tail"
                "<div class='share-bar'>Share</div><blockquote class='twitter-tweet'><p>tweet</p></blockquote>"
                "<div class='read-also'><a href='/x'>Other</a></div><script>x()</script><p>end</p>")
    assert paragraphs(fragment) == ["keep", "tail", "end"]


@pytest.mark.parametrize("name", ["header", "shadow", "download", "entry-content", "masthead", "loaded"])
def test_token_match_spares_lookalike_names(name: str) -> None:
    assert not is_boilerplate_name(name)


@pytest.mark.parametrize("name", ["ad", "ad-wrap", "social_links", "read-also", "author-box", "tag-bar", "cookie-notice"])
def test_token_match_finds_boilerplate_names(name: str) -> None:
    assert is_boilerplate_name(name)


def test_wrapper_with_unlucky_class_keeps_the_article() -> None:
    assert paragraphs(f"<div class='has-sidebar'><p>{LONG}</p></div>") == [LONG]


# --- text rules -------------------------------------------------------------------------

def _run_rules(texts: list[str], title: str | None = None, rules: SiteRules | None = None) -> list[str]:
    node = lxml.html.fragment_fromstring("<p>x</p>")
    outcome = apply_text_rules([Paragraph(t, node, "p") for t in texts], title, rules)
    return [p.text for p in outcome.kept]


def test_ui_strings_title_and_final_handle_dropped() -> None:
    texts = ["Title here", "body one", "ADVERTISEMENT", "- Advertisement -", "No Image", "body two",
             "Show More", "helen.packer"]
    assert _run_rules(texts, title="Title here") == ["body one", "body two"]


def test_handle_only_dropped_when_final() -> None:
    assert _run_rules(["john.doe", "body"]) == ["john.doe", "body"]


def test_stop_rule_ends_body_after_some_text() -> None:
    rules = SiteRules(key="t", stop_paragraphs=(re.compile(r"^AI Disclaimer:"),))
    texts = ["AI Disclaimer: early", LONG, "AI Disclaimer: text", "after"]
    assert _run_rules(texts, rules=rules) == [LONG]


# --- metadata ---------------------------------------------------------------------------

def test_canonical_drops_fragment_and_tracking() -> None:
    url = "https://x.org/a/?id=3&utm_source=t&fbclid=1&gclid=2#top"
    assert canonical_url(url) == "https://x.org/a/?id=3"


def test_authors_cleaned_split_and_deduped() -> None:
    raw = ["By Jane Doe, Senior Reporter", "jane@x.org", "John Roe and Jane Doe"]
    assert clean_authors(raw) == ["Jane Doe", "John Roe"]


def test_metadata_from_meta_and_broken_jsonld() -> None:
    head = ("<title>Big story - Example News</title><link rel='canonical' href='/big-story/?utm_medium=x'>"
            "<meta property='og:site_name' content='Example News'>"
            "<meta property='article:published_time' content='2025-03-01T06:09:00+01:00'>"
            "<meta property='article:tag' content='AI'><meta property='article:tag' content='Cloud'>"
            "<meta property='og:image' content='/img/no-image.png'>"
            "<script type='application/ld+json'>{broken</script>"
            "<script type='application/ld+json'>{\"@graph\": [{\"@type\": \"NewsArticle\", "
            "\"author\": {\"@type\": \"Person\", \"name\": \"By Ann Lee\"}, \"dateModified\": \"2025-03-02\", "
            "\"articleSection\": [\"Tech\"], \"image\": {\"url\": \"https://x.org/lead.jpg\"}}]}</script>")
    result = extract(page(f"<article><p>{LONG}</p></article>", head, lang="en-GB"), "https://x.org/big-story/")
    assert isinstance(result, Article)
    assert result.title == "Big story"
    assert result.url == "https://x.org/big-story/"
    assert result.authors == ["Ann Lee"]
    assert result.published == datetime(2025, 3, 1, 6, 9, tzinfo=timezone(timedelta(hours=1)))
    # a calendar day without zone: noon UTC (that day in every offset), marked as such
    assert result.modified == datetime(2025, 3, 2, 12, tzinfo=timezone.utc)
    assert result.sources["modified"] == "json-ld;tz=unknown;day"
    assert result.section == "Tech" and result.tags == ["AI", "Cloud"]
    assert result.lead_image == "https://x.org/lead.jpg"  # the og:image placeholder is skipped
    assert result.language == "en"
    assert result.sources["authors"] == "json-ld" and result.sources["published"] == "meta"


def test_visible_dateline_gives_the_day_with_its_offset_marked_unknown() -> None:
    body = f"<div class='today'>Saturday, Feb 22, 2025</div><h1>T</h1><article><p>Published 1 March 2025</p><p>{LONG}</p></article>"
    result = extract(page(body), "https://x.org/t")
    assert isinstance(result, Article)
    # the dateline after the title, never the header's "today" line before it; no offset was written
    assert result.published is not None and result.published.date() == date(2025, 3, 1)
    assert result.sources["published"] == "dateline;tz=unknown;day"
    assert result.modified is None


# --- classification ---------------------------------------------------------------------

def test_empty_and_malformed() -> None:
    assert extract(b"", "https://x.org/e").page_class is PageClass.EMPTY
    assert extract("<html><body>  </body></html>", "https://x.org/e").page_class is PageClass.EMPTY
    junk = bytes(range(256)) * 20
    assert extract(junk, "https://x.org/m").page_class is PageClass.MALFORMED


def test_soft_404_and_too_short() -> None:
    result = extract(page("<h1>Page not found</h1><p>Sorry.</p>"), "https://x.org/a")
    assert isinstance(result, NonArticle) and result.page_class is PageClass.SOFT_404
    result = extract(page("<h1>Short</h1><article><p>Only a few words here.</p></article>"), "https://x.org/b")
    assert isinstance(result, NonArticle) and result.page_class is PageClass.TOO_SHORT


def test_listing_of_teasers() -> None:
    teasers = "".join(f"<div class='teaser'><h2><a href='/s{i}'>Story {i} headline</a></h2><p>One line excerpt of story {i}.</p></div>"
                      for i in range(6))
    result = extract(page(f"<h1>News</h1>{teasers}"), "https://x.org/news/")
    assert isinstance(result, NonArticle) and result.page_class is PageClass.LISTING
    assert "6 article links" in result.reason


def test_article_with_related_headlines_is_not_a_listing() -> None:
    related = "".join(f"<h3><a href='/r{i}'>Related {i}</a></h3>" for i in range(8))
    body = f"<h1>Title</h1><div class='x'>{''.join(f'<p>{LONG}</p>' for _ in range(3))}</div><div>{related}</div>"
    result = extract(page(body), "https://x.org/title")
    assert isinstance(result, Article)
    assert result.body == [LONG] * 3


# --- embedded state, link cards, markup fallbacks, language, sources ----------------------

NEXT_ARTICLE = {
    "props": {"pageProps": {"article": {
        "title": "A title held in state",
        "content": "".join(f"<p>{LONG} Part {i}.</p>" for i in range(3)),
        "publishedAt": "2025-02-18T11:20:00+05:30",
        "author": {"name": "Jane Doe"},
        "category": {"name": "Science"},
        "tags": [{"name": "One"}, {"name": "Two"}],
    }, "related": [{"title": "Other", "slug": "other"}]}},
}


def test_an_article_only_in_next_data_is_extracted_with_its_metadata() -> None:
    import json

    html = page("<div id='__next'><div class='skeleton'></div></div>"
                f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(NEXT_ARTICLE)}</script>",
                head="<meta property='og:type' content='article'>")
    result = extract(html, "https://example.org/news/a/")
    assert isinstance(result, Article)
    assert result.title == "A title held in state" and result.sources["title"] == "embedded"
    assert len(result.body) == 3 and result.body[0].endswith("Part 0.")
    assert result.authors == ["Jane Doe"] and result.section == "Science" and result.tags == ["One", "Two"]
    assert result.published == datetime(2025, 2, 18, 11, 20, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert result.sources["body"] == "embedded"


def test_state_assigned_to_window_is_read_but_never_beats_an_html_body() -> None:
    import json

    state = f"<script>window.__INITIAL_STATE__ = {json.dumps(NEXT_ARTICLE)};</script>"
    from_state = extract(page("<div><h1>Other</h1></div>" + state), "https://example.org/a")
    assert isinstance(from_state, Article) and from_state.sources["body"] == "embedded"
    html_body = extract(page(f"<article><h1>Real</h1><p>{LONG}</p></article>" + state), "https://example.org/a")
    assert isinstance(html_body, Article) and html_body.sources["body"] != "embedded"
    assert "Part 0" not in html_body.body_text


def test_a_link_card_inside_the_body_is_removed() -> None:
    card = ("<figure class='card'><a href='/other/'><div>Other story headline</div>"
            "<div>A teaser of the other story with several words in it.</div><span>Site</span></a></figure>")
    kept = paragraphs(f"<div><p>{LONG}</p>{card}<p>Last words of the article.</p></div>")
    assert kept == [LONG, "Last words of the article."]
    # a paragraph that is one link (a cross reference in prose) is not a card
    assert paragraphs("<div><p><a href='/x'>Only a link</a></p></div>") == ["Only a link"]


def test_rdfa_author_and_tags_and_a_kicker_section() -> None:
    body = ("<article><div class='kicker'><a href='/tag/space/'>Space</a></div><h1>Title here</h1>"
            "<span rel='schema:author'><a property='schema:name' href='/user/1'>Jane Doe</a></span>"
            f"<p>{LONG}</p><ul><li><a property='schema:about' href='/t/1'>Moon</a></li>"
            "<li><a property='schema:about' href='/t/2'>Mars</a></li></ul></article>")
    result = extract(page(body), "https://example.org/news/title-here/")
    assert isinstance(result, Article)
    assert result.authors == ["Jane Doe"] and result.tags == ["Moon", "Mars"] and result.section == "Space"


def test_a_breadcrumb_above_the_title_is_no_section() -> None:
    body = ("<article><div><a href='/'>Home</a> › <a href='/news/'>News</a></div><h1>Title here</h1>"
            f"<p>{LONG}</p></article>")
    result = extract(page(body), "https://example.org/news/title-here/")
    assert isinstance(result, Article) and result.section is None


def test_rel_tag_links_in_the_article_footer_are_tags() -> None:
    body = (f"<article><h1>Title here</h1><div class='content'><p>{LONG}</p></div>"
            "<footer class='article-footer'><a rel='category tag' href='/category/sw/'>Software</a>"
            "<a rel='tag' href='/tag/a/'>Alpha</a>, <a rel='tag' href='/tag/b/'>Beta</a></footer></article>")
    result = extract(page(body), "https://example.org/title-here/")
    assert isinstance(result, Article) and result.tags == ["Alpha", "Beta"] and result.section == "Software"


def test_language_is_declared_else_detected() -> None:
    german = " ".join(["Die Regierung hat am Dienstag neue Regeln für den Verkehr in den Städten beschlossen."] * 6)
    declared = extract(page(f"<article><h1>Titel</h1><p>{german}</p></article>", lang="fr"), "https://example.org/a")
    assert isinstance(declared, Article) and declared.language == "fr" and declared.sources["language"] == "meta"
    html = f"<html><head></head><body><article><h1>Titel</h1><p>{german}</p></article></body></html>"
    detected = extract(html, "https://example.org/a")
    assert isinstance(detected, Article) and detected.language == "de" and detected.sources["language"] == "detected"


def test_every_non_empty_field_has_a_source() -> None:
    from tests.goldens import ORIGINS, SITES, mirror_goldens
    from harvester.mirror_server import bundled_mirror, resolve_path

    checked = 0
    for site in SITES:
        for golden in mirror_goldens(site):
            found = resolve_path(bundled_mirror(site), golden.path)
            assert found is not None
            result = extract(found.read_bytes(), ORIGINS[site] + golden.path)
            assert isinstance(result, Article)
            record = result.to_dict()
            for name, value in record.items():
                if name != "sources" and value not in (None, "", [], {}):
                    assert name in result.sources, f"{golden.name}: {name} has no source"
            checked += 1
    assert checked >= 20


def test_machine_dates_with_zone_names_keep_their_offset() -> None:
    from datetime import timedelta

    from harvester.extraction.dates import parse_machine_date, parse_text_date

    cest = parse_machine_date("2025-06-05 10:00 CEST")
    assert cest is not None and cest.utcoffset() == timedelta(hours=2)
    assert parse_machine_date("Thu, 05 Jun 2025 10:00:00 GMT").utcoffset() == timedelta(0)
    assert parse_machine_date("2025-06-05T10:00:00+05:30").utcoffset() == timedelta(hours=5, minutes=30)
    # a zone it cannot place is not guessed as UTC
    assert parse_machine_date("2025-06-05 10:00 XYZT") is None
    # visible text needs its own zone
    assert parse_text_date("Published 5 June 2025 10:00") is None
    assert parse_text_date("Published 5 June 2025 10:00 EDT").utcoffset() == timedelta(hours=-4)


def test_jsonld_scripts_are_read_plain_lenient_or_skipped() -> None:
    """Plain JSON (control characters allowed), JSON behind comment lines (extruct's lenient
    reader), and an unreadable script that is skipped without losing the others."""
    import lxml.html

    from harvester.extraction.jsonld import jsonld_items

    page = lxml.html.document_fromstring(
        '<html><head>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tab\there"}</script>'
        '<script type="application/ld+json">// generated\n{"@type": "Person", "name": "Ann Lee"}</script>'
        '<script type="application/ld+json">{"@type": "Broken", </script>'
        '<script type="application/ld+json">[{"@type": "Organization", "name": "Acme"}, {}]</script>'
        '</head><body><p>x</p></body></html>'
    )
    items = jsonld_items(page)
    assert [item["@type"] for item in items] == ["NewsArticle", "Person", "Organization"]
    assert items[0]["headline"] == "Tab\there"


def test_odd_characters_are_found_in_utf8_bytes_as_in_the_text() -> None:
    import random

    from harvester.extraction.document import _ODD, _has_odd, decode_page

    alphabet = ["a", "\n", "\t", "\r", "é", "€", "\U0001F600", "\x00", "\x01", "\x0b", "\x1f", "\x7f",
                "\ufffd", "\ufffe", "\uffff", "\ufeff", "\uefbf", "\ufffc"]
    rng = random.Random(3)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert _has_odd(text.encode()) == bool(_ODD.findall(text)), repr(text)
    assert decode_page("<p>é</p>".encode()) == ("<p>é</p>", "<p>é</p>".encode())
    assert decode_page("<p>é</p>".encode("cp1252"))[1] is None  # not UTF-8: no bytes to scan
    assert decode_page(b"\xef\xbb\xbf<p>x</p>")[1] is None  # a BOM was cut off
