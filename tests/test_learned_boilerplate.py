"""Boilerplate learned from a site's own pages: keys, places, thresholds both ways, stripping,
holding back (pure: no Scrapy, no database), and the generated site extracted in-process."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harvester.extraction import Article, extract
from harvester.extraction.holdback import HoldBack
from harvester.extraction.learned import (
    SiteBlocks,
    Thresholds,
    block_key,
    normalised_block,
    position_of,
    strip_html,
)
from tests.boilerplate_site import (
    BIO,
    BIO_ARTICLES,
    BOX_HEADING,
    BOX_TEXT,
    DISCLAIMER,
    FUNDED_ARTICLES,
    QUOTE,
    QUOTED_ARTICLES,
    BoilerplateSite,
)

SITE = "riverside.example"
ORIGIN = "https://riverside.example"
NOTE = "Editor's note: this story is part of our series on the city's finances, supported by readers like you."


def body(n: int, *, tail: list[str] = (), middle: list[str] = (), length: int = 8) -> list[str]:
    """A body of ``length`` unique paragraphs of page ``n``, ``middle`` inserted at 3, ``tail`` appended."""
    paragraphs = [f"Paragraph {word(i)} of story {word(n)} tells its own facts." for i in range(length)]
    paragraphs[3:3] = list(middle)
    return paragraphs + list(tail)


def site_with(pages: int, carriers: set[int], block: str = NOTE, **kwargs: object) -> SiteBlocks:
    """A site of ``pages`` pages; the pages in ``carriers`` end with ``block``."""
    blocks = SiteBlocks(SITE, Thresholds(**kwargs))  # type: ignore[arg-type]
    for n in range(pages):
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, tail=[block] if n in carriers else []))
    return blocks


def article(paragraphs: list[str], html: str | None = None, url: str = ORIGIN + "/story/x") -> Article:
    if html is None:
        html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return Article(url=url, title="A story", body=list(paragraphs), body_html=html)


# -- keys and places ----------------------------------------------------------------------------


def test_block_key_ignores_case_width_spacing_and_numbers() -> None:
    assert block_key("© 2025 Riverside Ledger.  All rights reserved.") == block_key("© 2026 RIVERSIDE LEDGER. All rights\nreserved.")
    assert block_key("Grant 2021-107") == block_key("Grant 2030-170")
    assert block_key("ﬁnal ＡＢＣ") == block_key("final abc")  # NFKC: ligature, full-width letters
    assert block_key("Read more about the budget") != block_key("Read more about the bridge")
    assert normalised_block("  Tel. 555 0199\tnow ") == "tel. 0 0 now"
    assert len(block_key("x")) == 16


def test_numbers_make_no_difference_only_in_blocks_with_one_or_two_of_them() -> None:
    assert block_key("Dow | 38,500.12 | +0.5%") != block_key("Dow | 38,611.40 | +0.3%")  # a table row
    assert block_key("Brent 82.1, WTI 78.4, gas 2.9") != block_key("Brent 83.0, WTI 79.9, gas 3.1")  # data
    assert block_key("Updated 2026-03-04") != block_key("Updated 2025-11-30")  # three runs: a date, kept apart
    assert block_key("Call 0800 123") == block_key("Call 0900 456")


def test_position_of_head_middle_tail() -> None:
    assert [position_of(i, 10) for i in range(10)] == ["head"] * 3 + ["middle"] * 4 + ["tail"] * 3
    assert [position_of(i, 4) for i in range(4)] == ["head", "head", "tail", "tail"]
    assert position_of(0, 1) == "tail"  # a one-paragraph body: its last paragraph
    with pytest.raises(ValueError):
        position_of(3, 3)


# -- thresholds, both ways ----------------------------------------------------------------------


def test_a_block_on_enough_pages_and_a_large_enough_share_is_boilerplate() -> None:
    blocks = site_with(10, {0, 2, 4, 6, 8})  # 5 pages, half the site
    assert blocks.is_boilerplate(block_key(NOTE))
    [(key, position, stats)] = blocks.learned()
    assert (key, position, stats.pages_seen, stats.sample_text) == (block_key(NOTE), "tail", 5, NOTE)


def test_a_block_on_too_few_pages_is_not_boilerplate_whatever_its_share() -> None:
    blocks = site_with(4, {0, 1, 2, 3})  # every page, but only four
    assert not blocks.is_boilerplate(block_key(NOTE))
    assert site_with(5, {0, 1, 2, 3, 4}).is_boilerplate(block_key(NOTE))  # the fifth page makes it


def test_a_block_on_too_small_a_share_is_not_boilerplate_however_many_pages() -> None:
    carriers = set(range(0, 100, 4))  # 25 pages of 100
    assert not site_with(100, carriers).is_boilerplate(block_key(NOTE))
    assert site_with(100, carriers, min_share=0.25).is_boilerplate(block_key(NOTE))
    assert site_with(100, set(range(0, 100, 3))).is_boilerplate(block_key(NOTE))  # 34 of 100


def test_a_quote_two_articles_share_is_kept() -> None:
    blocks = SiteBlocks(SITE)
    for n in range(12):
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, middle=[QUOTE] if n in (2, 7) else [], tail=[DISCLAIMER]))
    assert not blocks.is_boilerplate(block_key(QUOTE))
    assert blocks.is_boilerplate(block_key(DISCLAIMER))
    quoted = blocks.strip(article(body(2, middle=[QUOTE], tail=[DISCLAIMER])))
    assert QUOTE in quoted.body and DISCLAIMER not in quoted.body


def test_a_statement_repeated_by_a_run_of_follow_ups_is_kept() -> None:
    """Five consecutive articles on one story repeat a statement: all five are the newest pages,
    but the share is taken over at least ``window`` pages."""
    blocks = site_with(105, set(range(100, 105)))
    assert not blocks.is_boilerplate(block_key(NOTE))


def test_a_new_block_is_learned_over_the_pages_since_it_appeared_not_the_whole_history() -> None:
    blocks = site_with(300, set())
    for n in range(300, 329):
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, tail=[NOTE]))
    assert not blocks.is_boilerplate(block_key(NOTE))  # 29 of the 100-page window
    blocks.observe(f"{ORIGIN}/story/329", body(329, tail=[NOTE]))
    assert blocks.is_boilerplate(block_key(NOTE))  # 30 of 100, although 30 of 330 is 9%


def test_near_duplicates_differing_in_numbers_count_as_one_block() -> None:
    blocks = SiteBlocks(SITE)
    for n in range(6):
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, tail=[f"Supported by the Civic Data Fund, grant {2020 + n}-{100 + n}."]))
    assert blocks.is_boilerplate(block_key("Supported by the Civic Data Fund, grant 1999-1."))
    cleaned = blocks.strip(article(body(9, tail=["Supported by the Civic Data Fund, grant 2031-555."])))
    assert cleaned.body == body(9)


def test_the_same_url_observed_again_counts_once() -> None:
    blocks = SiteBlocks(SITE)
    assert blocks.observe(f"{ORIGIN}/story/1", body(1, tail=[NOTE]))
    for _ in range(9):
        assert not blocks.observe(f"{ORIGIN}/story/1", body(1, tail=[NOTE]))
    assert blocks.page_count == 1
    assert not blocks.is_boilerplate(block_key(NOTE))
    assert blocks.blocks[(block_key(NOTE), "tail")].pages_seen == 1


def test_a_block_repeated_within_one_page_counts_once_for_that_page() -> None:
    blocks = SiteBlocks(SITE)
    blocks.observe(f"{ORIGIN}/story/1", body(1, tail=[NOTE, "Spacer line.", NOTE]))
    assert blocks.blocks[(block_key(NOTE), "tail")].pages_seen == 1


def test_thresholds_from_settings_and_bad_values() -> None:
    settings = {"HARVESTER_BOILERPLATE_MIN_PAGES": "7", "HARVESTER_BOILERPLATE_MIN_SHARE": "0.5",
                "HARVESTER_BOILERPLATE_WARMUP": "", "HARVESTER_BOILERPLATE_WINDOW": 50}
    assert Thresholds.from_settings(settings) == Thresholds(min_pages=7, min_share=0.5, window=50, warmup=8)
    assert Thresholds.from_settings({}) == Thresholds()
    with pytest.raises(ValueError, match="MIN_SHARE: not a number: 'lots'"):
        Thresholds.from_settings({"HARVESTER_BOILERPLATE_MIN_SHARE": "lots"})
    with pytest.raises(ValueError, match="min_pages must be at least 2"):
        Thresholds(min_pages=1)
    with pytest.raises(ValueError, match="min_share"):
        Thresholds(min_share=0)


# -- stripping ----------------------------------------------------------------------------------


def test_strip_removes_learned_blocks_from_body_and_html_and_keeps_the_structure() -> None:
    blocks = SiteBlocks(SITE)
    for n in range(10):
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, middle=[BOX_HEADING, BOX_TEXT], tail=[DISCLAIMER]))
    paragraphs = body(42, middle=[BOX_HEADING, BOX_TEXT], tail=[DISCLAIMER])
    html = (
        "<p>" + "</p>\n<p>".join(paragraphs[:3]) + "</p>\n"
        f"<h2>{BOX_HEADING}</h2>\n<p>{BOX_TEXT}</p>\n"
        "<ul><li>" + "</li><li>".join(paragraphs[5:7]) + "</li></ul>\n"
        f"<blockquote><p>{paragraphs[7]}</p></blockquote>\n<p>" + "</p>\n<p>".join(paragraphs[8:10]) + "</p>\n"
        f"<p><em>AI Disclaimer:</em>{DISCLAIMER.removeprefix('AI Disclaimer:')}</p>"
    )
    result = blocks.strip_report(article(paragraphs, html))
    assert result.removed == [BOX_HEADING, BOX_TEXT, DISCLAIMER]
    assert result.article.body == body(42)
    assert result.article.body_html == (
        "<p>" + "</p>\n<p>".join(paragraphs[:3]) + "</p>\n"
        "<ul><li>" + "</li><li>".join(paragraphs[5:7]) + "</li></ul>\n"
        f"<blockquote><p>{paragraphs[7]}</p></blockquote>\n<p>" + "</p>\n<p>".join(paragraphs[8:10]) + "</p>"
    )
    assert result.article.title == "A story" and result.article.url.endswith("/story/x")


def test_strip_html_drops_a_list_left_empty_and_keeps_a_quote_with_kept_text() -> None:
    keys = {block_key("Share this"), block_key("Read more")}
    html = "<p>Kept one.</p><ul><li>Share this</li><li>Read more</li></ul><blockquote><p>Read more</p><p>Kept two.</p></blockquote>"
    assert strip_html(html, keys) == "<p>Kept one.</p><blockquote><p>Kept two.</p></blockquote>"
    assert strip_html(html, set()) == html


def test_strip_html_leaves_odd_markup_as_it_is() -> None:
    keys = {block_key("Share this")}
    assert strip_html("Share this", keys) == "Share this"  # bare text at the top: no element to remove
    assert strip_html("<p>Kept.<br>Share this</p>", keys) == "<p>Kept.<br>Share this</p>"  # shares its <p>
    assert strip_html("<p>Kept.</p><p>Share this", keys) == "<p>Kept.</p>"  # unclosed tag


def test_a_page_without_paragraphs_still_counts_as_a_page() -> None:
    blocks = SiteBlocks(SITE)
    assert blocks.observe(f"{ORIGIN}/empty", ["", "  "])
    assert blocks.page_count == 1 and blocks.blocks == {}


def test_a_learned_block_is_removed_wherever_it_appears_on_a_page() -> None:
    """Learned at the tail of most pages; on one page a long trailing section pushes it into the
    middle: it is removed there too (learning is by place, removal is not)."""
    blocks = SiteBlocks(SITE)
    for n in range(10):
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, tail=[DISCLAIMER]))
    assert [(p, s.pages_seen) for (k, p), s in blocks.blocks.items() if k == block_key(DISCLAIMER)] == [("tail", 10)]
    paragraphs = body(50, middle=[DISCLAIMER], length=12)
    assert position_of(paragraphs.index(DISCLAIMER), len(paragraphs)) == "middle"
    assert blocks.strip(article(paragraphs)).body == body(50, length=12)


def test_an_article_is_never_stripped_to_nothing() -> None:
    blocks = SiteBlocks(SITE)
    for n in range(10):
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, tail=[NOTE, DISCLAIMER]))
    only_boilerplate = article([NOTE, DISCLAIMER])
    result = blocks.strip_report(only_boilerplate)
    assert result.kept_original and result.article is only_boilerplate
    assert result.reason == "all 2 paragraphs are learned boilerplate"
    assert blocks.strip(only_boilerplate).body == [NOTE, DISCLAIMER]


def test_nothing_learned_leaves_the_article_as_it_is() -> None:
    blocks = site_with(3, {0, 1, 2})
    original = article(body(7, tail=[NOTE]))
    assert blocks.strip(original) is original


# -- holding back -------------------------------------------------------------------------------


def test_holdback_holds_a_new_site_until_warm_then_releases_everything_stripped() -> None:
    hold: HoldBack[int] = HoldBack(Thresholds(warmup=6))
    for n in range(5):
        assert hold.offer(SITE, article(body(n, tail=[DISCLAIMER]), url=f"{ORIGIN}/story/{n}"), n) == []
    assert hold.held(SITE) == 5
    released = hold.offer(SITE, article(body(5, tail=[DISCLAIMER]), url=f"{ORIGIN}/story/5"), 5)
    assert [r.item for r in released] == [0, 1, 2, 3, 4, 5]
    assert all(DISCLAIMER not in r.article.body and r.site == SITE for r in released)
    assert hold.held() == 0
    later = hold.offer(SITE, article(body(6, tail=[DISCLAIMER]), url=f"{ORIGIN}/story/6"), 6)
    assert [(r.item, r.article.body) for r in later] == [(6, body(6))]
    assert hold.flush() == []


def test_holdback_flush_releases_a_site_that_never_warmed_up() -> None:
    hold: HoldBack[str] = HoldBack()
    other = "other.example"
    for n in range(3):
        hold.offer(SITE, article(body(n, tail=[DISCLAIMER]), url=f"{ORIGIN}/story/{n}"), f"r{n}")
        hold.offer(other, article(body(n), url=f"https://other.example/{n}"), f"o{n}")
    released = hold.flush()
    assert sorted(r.item for r in released) == ["o0", "o1", "o2", "r0", "r1", "r2"]
    assert all(DISCLAIMER in r.article.body for r in released if r.site == SITE)  # 3 pages teach nothing
    assert hold.held() == 0 and set(hold.sites()) == {SITE, other}


def test_holdback_with_knowledge_from_earlier_runs_releases_at_once() -> None:
    earlier = SiteBlocks(SITE)
    for n in range(20):
        earlier.observe(f"{ORIGIN}/story/{n}", body(n, tail=[DISCLAIMER]))
    hold: HoldBack[int] = HoldBack(knowledge=lambda site: earlier if site == SITE else None)
    [released] = hold.offer(SITE, article(body(99, tail=[DISCLAIMER]), url=f"{ORIGIN}/story/99"), 99)
    assert released.article.body == body(99)
    assert hold.offer("new.example", article(body(1), url="https://new.example/1"), 1) == []


# -- the generated site, extracted in-process ---------------------------------------------------


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> BoilerplateSite:
    site = BoilerplateSite()
    site.write(tmp_path_factory.mktemp("ledger"))
    return site


def extracted(site: BoilerplateSite) -> list[Article]:
    articles = []
    for path in site.articles:
        result = extract(site.pages[path], ORIGIN + path)
        assert isinstance(result, Article), result
        articles.append(result)
    return articles


def test_todays_extractor_keeps_the_sites_boilerplate(ledger: BoilerplateSite) -> None:
    """The point of learning: no cleaning rule removes these blocks from a single page."""
    articles = extracted(ledger)
    assert all(DISCLAIMER in a.body and BOX_TEXT in a.body and BOX_HEADING in a.body for a in articles)
    assert all(BIO in a.body for n, a in enumerate(articles) if n in BIO_ARTICLES)
    assert all(QUOTE in a.body for n, a in enumerate(articles) if n in QUOTED_ARTICLES)


def test_holdback_cleans_the_generated_site_in_process(ledger: BoilerplateSite) -> None:
    hold: HoldBack[int] = HoldBack()
    released = []
    at = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    for n, item in enumerate(extracted(ledger)):
        released += hold.offer(SITE, item, n, at)
        if n < 7:
            assert released == [] and hold.held(SITE) == n + 1
    released += hold.flush()
    assert sorted(r.item for r in released) == list(range(12))
    by_item = {r.item: r.article for r in released}
    for n, cleaned in by_item.items():
        text = cleaned.body_text
        assert DISCLAIMER not in text and BOX_TEXT not in text and BOX_HEADING not in text, n
        assert "Riverside Ledger newsroom" not in cleaned.body_html and "Morning Ledger" not in cleaned.body_html, n
        assert cleaned.word_count > 100
        assert (QUOTE in cleaned.body) == (n in QUOTED_ARTICLES), n
        assert (QUOTE in cleaned.body_html) == (n in QUOTED_ARTICLES), n
    # The bio reaches five pages only with article 8: held articles (0-7) were released at warm-up
    # with it; from article 9 on it is removed (the earlier ones by `harvester reextract`).
    assert [n for n in BIO_ARTICLES if BIO in by_item[n].body] == [0, 3, 4, 6]
    funded = [n for n in FUNDED_ARTICLES if any("Civic Data Fund" in p for p in by_item[n].body)]
    assert funded == [1, 2, 5, 6]
    learned = {stats.sample_text for _, _, stats in hold.sites()[SITE].learned()}
    assert {DISCLAIMER, BOX_TEXT, BOX_HEADING, BIO} <= learned
    assert QUOTE not in learned


def test_learning_and_stripping_stay_fast_on_a_large_site() -> None:
    """1,500 pages of 20 paragraphs: each observed then stripped (as the writer does), in bounded time
    (about 1-3 ms a page, against 50-250 ms to extract it)."""
    import time

    blocks = SiteBlocks(SITE)
    started = time.monotonic()
    for n in range(1500):
        paragraphs = [f"Page {word(n)} paragraph {word(i)} has words of its own." for i in range(20)] + [DISCLAIMER]
        blocks.observe(f"{ORIGIN}/{n}", paragraphs)
        cleaned = blocks.strip(article(paragraphs))
    elapsed = time.monotonic() - started
    assert DISCLAIMER not in cleaned.body and len(cleaned.body) == 20
    assert elapsed < 20, elapsed


def word(n: int) -> str:
    """``n`` written in letters (block keys ignore a few numbers)."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters += chr(97 + digit)
        if not n:
            return letters


def test_blocks_seen_once_are_forgotten_oldest_first_beyond_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    import harvester.extraction.learned as learned

    monkeypatch.setattr(learned, "MAX_SINGLETONS", 100)
    blocks = SiteBlocks(SITE)
    for n in range(20):  # 20 pages of 8 unique paragraphs and the disclaimer
        blocks.observe(f"{ORIGIN}/story/{n}", body(n, tail=[DISCLAIMER]))
    singletons = [entry for entry, stats in blocks.blocks.items() if stats.pages_seen == 1]
    assert 90 <= len(singletons) <= 100
    assert (block_key(body(0)[0]), "head") not in blocks.blocks  # the oldest went first
    assert (block_key(body(19)[0]), "head") in blocks.blocks
    assert blocks.is_boilerplate(block_key(DISCLAIMER))  # counted blocks are never forgotten
