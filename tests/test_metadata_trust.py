"""Metadata order of trust: dates (JSON-LD article anywhere, offsets never invented), authors that
are people, titles without kickers, hidden headings or site names. Hand-written pages only."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from harvester.extraction import Article, SiteRules, extract
from harvester.extraction.authors import clean_author, domain_keys
from harvester.extraction.dates import url_date
from harvester.extraction.titles import strip_site_suffix

LONG = " ".join(["Sentence with several plain words in it."] * 8)


def page(body: str, head: str = "", ld: object | None = None) -> str:
    script = f"<script type='application/ld+json'>{json.dumps(ld)}</script>" if ld is not None else ""
    return f"<html lang='en'><head>{head}{script}</head><body>{body}</body></html>"


def article(html: str, url: str = "https://news.example.com/story", rules: SiteRules | None = None) -> Article:
    result = extract(html, url, rules)
    assert isinstance(result, Article), result
    return result


BODY = f"<article><h1>Big story</h1><p>{LONG}</p></article>"


# --- dates ---------------------------------------------------------------------------------

def test_jsonld_article_under_mainentity_gives_date_and_author() -> None:
    ld = {"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "Big story",
                                              "datePublished": "2025-04-26T20:44:00+02:00",
                                              "author": {"@type": "Person", "name": "Simone Jung"}}}
    result = article(page(BODY, ld=ld))
    assert result.published == datetime(2025, 4, 26, 20, 44, tzinfo=timezone(timedelta(hours=2)))
    assert result.sources["published"] == "json-ld"
    assert result.authors == ["Simone Jung"]


def test_live_blog_jsonld_beats_published_time_meta_holding_the_last_update() -> None:
    head = "<meta property='article:published_time' content='2024-08-05T19:49:50Z'>"
    ld = {"@graph": [{"@type": "WebSite", "name": "Mirror"},
                     {"@type": "LiveBlogPosting", "headline": "Big story", "datePublished": "2024-08-04T13:23:00Z",
                      "dateModified": "2024-08-05T19:49:50Z"}]}
    result = article(page(BODY, head, ld))
    assert result.published == datetime(2024, 8, 4, 13, 23, tzinfo=timezone.utc)
    assert result.modified == datetime(2024, 8, 5, 19, 49, 50, tzinfo=timezone.utc)


def test_time_without_offset_takes_the_offset_written_elsewhere_for_the_same_minute() -> None:
    head = "<meta property='article:modified_time' content='2024-11-22T16:55:35+08:00'>"
    ld = {"@type": "NewsArticle", "headline": "Big story", "datePublished": "2024-11-22T16:55:35"}
    result = article(page(BODY, head, ld))
    assert result.published == datetime(2024, 11, 22, 16, 55, 35, tzinfo=timezone(timedelta(hours=8)))
    assert result.sources["published"] == "json-ld;tz=page"


def test_time_without_offset_takes_the_site_zone_else_is_marked_unknown() -> None:
    ld = {"@type": "NewsArticle", "headline": "Big story", "datePublished": "2025-01-15T10:00:00"}
    zoned = article(page(BODY, ld=ld), rules=SiteRules(key="x", time_zone="Europe/Vienna"))
    assert zoned.published is not None and zoned.published.utcoffset() == timedelta(hours=1)
    assert zoned.sources["published"] == "json-ld;tz=site"
    unknown = article(page(BODY, ld=ld))
    assert unknown.published == datetime(2025, 1, 15, 10, tzinfo=timezone.utc)
    assert unknown.sources["published"] == "json-ld;tz=unknown"


def test_published_is_never_later_than_modified() -> None:
    ld = {"@type": "NewsArticle", "headline": "Big story", "datePublished": "2025-02-02T10:00:00+00:00",
          "dateModified": "2025-02-01T10:00:00+00:00"}
    result = article(page(BODY, ld=ld))
    assert result.published == datetime(2025, 2, 2, 10, tzinfo=timezone.utc)
    assert result.modified is None


def test_time_element_next_to_the_title_when_markup_has_no_date() -> None:
    body = (f"<article><h1>Big story</h1><span class='posted-on'><time class='entry-date published' "
            f"datetime='2026-01-27T12:13:17+01:00'>27. Januar 2026</time></span><p>{LONG}</p></article>"
            "<aside><time datetime='2020-01-01T00:00:00Z'>old</time></aside>")
    result = article(page(body))
    assert result.published == datetime(2026, 1, 27, 12, 13, 17, tzinfo=timezone(timedelta(hours=1)))
    assert result.sources["published"] == "time"


@pytest.mark.parametrize(("url", "day"), [
    ("https://x.it/2025/04/01/story/", (2025, 4, 1)),
    ("https://x.kr/news/article/A2026012914320005196", (2026, 1, 29)),
    ("https://x.de/a-2024-02-29.html", (2024, 2, 29)),
    ("https://x.de/id/123420250101999", None),
    ("https://x.de/2025-13-01/", None),
])
def test_url_dates(url: str, day: tuple[int, int, int] | None) -> None:
    found = url_date(url)
    assert (found.value.timetuple()[:3] if found else None) == day


def test_url_date_is_the_last_resort_and_only_a_day() -> None:
    result = article(page(BODY), "https://x.it/2025/04/01/story/")
    assert result.published == datetime(2025, 4, 1, 12, tzinfo=timezone.utc)
    assert result.sources["published"] == "url;tz=unknown;day"


# --- authors -------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "people"), [
    ("Felix Schröder und Jörg Soldwisch", ["Felix Schröder", "Jörg Soldwisch"]),
    ("Trine Juncher Jørgensen og Tôrtia Reimer-Johansen", ["Trine Juncher Jørgensen", "Tôrtia Reimer-Johansen"]),
    ("Marie Dupont et Jean Martin", ["Marie Dupont", "Jean Martin"]),
    ("Ana López y Luis Gómez", ["Ana López", "Luis Gómez"]),
    ("Kolter, Max", ["Max Kolter"]),
    ("Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
    ("신현주 기자", ["신현주"]),
    ("By Jane Doe, Staff Writer", ["Jane Doe"]),
    ("Von Max Muster (max@example.com)", ["Max Muster"]),
    ("jane@example.com", []),
])
def test_bylines_split_into_people(raw: str, people: list[str]) -> None:
    assert clean_author(raw) == people


def test_outlet_is_not_an_author_when_a_person_is_named() -> None:
    head = ("<meta property='og:site_name' content='Lesotho Times'><meta name='author' content='Lesotho Times'>"
            "<meta name='author' content='Mohloai Mpesi'>")
    assert article(page(BODY, head)).authors == ["Mohloai Mpesi"]


def test_organization_author_gives_way_to_a_visible_byline() -> None:
    ld = {"@type": "NewsArticle", "headline": "Big story", "author": {"@type": "Organization", "name": "LTO"}}
    body = (f"<article><h1>Big story</h1><div class='meta'>von <a href='/autoren/name/max-kolter'>Dr. Max Kolter</a>"
            f"</div><p>{LONG}</p></article>")
    result = article(page(body, ld=ld), "https://www.lto.de/recht/story")
    assert result.authors == ["Dr. Max Kolter"]


def test_outlet_stays_author_when_nobody_else_is_named() -> None:
    ld = {"@type": "NewsArticle", "headline": "Big story", "author": {"@type": "Organization", "name": "kicker"}}
    assert article(page(BODY, ld=ld), "https://www.kicker.de/story").authors == ["kicker"]


def test_domain_names_the_outlet() -> None:
    assert domain_keys("https://www.stern.de/a") == {"stern", "sternde"}
    assert "bbc" in domain_keys("https://www.bbc.co.uk/news/x")


def test_twitter_data_byline_and_given_family_names() -> None:
    head = "<meta name='twitter:label1' content='Written by'><meta name='twitter:data1' content='Gregor Meier'>"
    assert article(page(BODY, head)).authors == ["Gregor Meier"]
    ld = {"@type": "NewsArticle", "headline": "Big story",
          "author": [{"@type": "Person", "givenName": "Birgit", "familyName": "Baumann"}]}
    assert article(page(BODY, ld=ld)).authors == ["Birgit Baumann"]


# --- titles --------------------------------------------------------------------------------

def test_kicker_inside_the_h1_is_not_title() -> None:
    body = (f"<article><h1><span class='seitenkopf__topline'>Premier League</span> "
            f"<span>Liverpool lose at Everton</span></h1><p>{LONG}</p></article>")
    assert article(page(body)).title == "Liverpool lose at Everton"


def test_a_lead_element_glued_to_the_headline_is_a_kicker_whatever_its_class() -> None:
    body = f"<article><h1>\n  <span>Nationale Demo</span>Der 9. Juli naht: OGBL ruft auf</h1><p>{LONG}</p></article>"
    assert article(page(body)).title == "Der 9. Juli naht: OGBL ruft auf"


@pytest.mark.parametrize(("h1", "expected"), [
    ("<span>Exklusiv</span> Der 9. Juli naht", "Exklusiv Der 9. Juli naht"),
    ("<em>Exklusiv:</em>Der 9. Juli naht", "Exklusiv:Der 9. Juli naht"),
    ("Exklusiv <span>Der</span>9. Juli naht", "Exklusiv Der9. Juli naht"),
    ("<span class='dropcap'>D</span>er 9. Juli naht", "Der 9. Juli naht"),  # a drop cap
    ("<a href='/trump'>Trump</a>s Zölle treffen Europa", "Trumps Zölle treffen Europa"),  # a linked word
    ("<b>Bundes</b>liga-Star wechselt nach England", "Bundesliga-Star wechselt nach England"),
])
def test_a_lead_element_that_is_not_a_kicker_stays(h1: str, expected: str) -> None:
    assert article(page(f"<article><h1>{h1}</h1><p>{LONG}</p></article>")).title == expected


def test_visually_hidden_h1_is_not_title() -> None:
    body = (f"<h1 class='sr-only'>Example News</h1><article><h1>Real headline here</h1><p>{LONG}</p></article>")
    assert article(page(body)).title == "Real headline here"


def test_headline_declared_twice_wins_over_a_display_variant_h1() -> None:
    head = "<meta property='og:title' content='Nach Gaetz-Rückzug: Trump-Anwältin soll Justizministerin werden'>"
    ld = {"@type": "NewsArticle", "headline": "Nach Gaetz-Rückzug: Trump-Anwältin soll Justizministerin werden"}
    body = f"<article><h1>Trump-Anwältin soll Justizministerin werden</h1><p>{LONG}</p></article>"
    assert article(page(body, head, ld)).title == "Nach Gaetz-Rückzug: Trump-Anwältin soll Justizministerin werden"


@pytest.mark.parametrize(("title", "names", "expected"), [
    ("장동혁, 한동훈 제명했지만ㅣ한국일보", ("한국일보",), "장동혁, 한동훈 제명했지만"),
    ("Example News | Big story", ("Example News",), "Big story"),
    ("Big story - Example News", ("Example News",), "Big story"),
    ("Big story", ("Example News",), "Big story"),
])
def test_site_names_stripped_in_any_script(title: str, names: tuple[str, ...], expected: str) -> None:
    assert strip_site_suffix(title, names) == expected
