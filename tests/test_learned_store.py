"""Learned boilerplate in the store (SQLite always, PostgreSQL when configured): the table SQL
users read, loading and saving (idempotent merges, pages counted once across runs), and
re-extraction stripping what the store learned."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harvester.db import ArticleStore
from harvester.db.boilerplate import LearnedStripper, load_site_blocks, save_all, site_knowledge
from harvester.db.rawpages import RawResponse
from harvester.db.reextract import reextract
from harvester.db.testing import backends
from harvester.extraction import Article, ExtractionResult, extract
from harvester.extraction.holdback import HoldBack
from harvester.extraction.learned import SiteBlocks, Thresholds, block_key
from tests.boilerplate_site import BOX_HEADING, BOX_TEXT, DISCLAIMER, QUOTE, QUOTED_ARTICLES, BoilerplateSite
from tests.stores import fresh_store, rows, scalar

SITE = "riverside.example"
NOTE = "Editor's note: this story is part of our series on the city's finances."
ORIGIN = "https://riverside.example"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleStore]:
    with fresh_store(request.param, tmp_path) as opened:
        yield opened


def paragraphs(n: int) -> list[str]:
    """Six paragraphs of their own (no digits: keys ignore numbers)."""
    story = chr(65 + n % 26) + chr(65 + n // 26)
    return [f"Story {story} paragraph {chr(97 + i)} says something of its own." for i in range(6)]


def observed(blocks: SiteBlocks, numbers: range, *, tail: str = DISCLAIMER, start: datetime = T0) -> SiteBlocks:
    for n in numbers:
        blocks.observe(f"{ORIGIN}/story/{n}", [*paragraphs(n), tail], start + timedelta(minutes=n))
    return blocks


def load(store: ArticleStore, site: str = SITE, **kwargs: object) -> SiteBlocks:
    with store.engine.connect() as conn:
        return load_site_blocks(conn, site, **kwargs)  # type: ignore[arg-type]


def test_learned_blocks_are_a_table_sql_users_can_read(store: ArticleStore) -> None:
    blocks = observed(SiteBlocks(SITE), range(10))
    assert save_all(store.engine, {SITE: blocks}) == 1  # the disclaimer; blocks seen once are not kept
    table = rows(
        store.engine,
        "SELECT s.key, b.block_key, b.position, b.sample_text, b.pages_seen, b.first_page_no "
        "FROM site_boilerplate b JOIN sites s ON s.id = b.site_id ORDER BY b.pages_seen DESC",
    )
    assert table == [(SITE, block_key(DISCLAIMER), "tail", DISCLAIMER, 10, 0)]
    assert scalar(store.engine, "SELECT count(*) FROM site_boilerplate_pages") == 10
    loaded = load(store)
    [(key, position, stats)] = loaded.learned()
    assert (key, position, stats.pages_seen) == (block_key(DISCLAIMER), "tail", 10)
    assert stats.first_seen == T0  # on the first page (its text is kept from the second)
    assert stats.last_seen == T0 + timedelta(minutes=9)
    assert stats.first_seen.utcoffset() == timedelta(0)  # read back timezone-aware


def test_saving_twice_counts_nothing_twice(store: ArticleStore) -> None:
    blocks = observed(SiteBlocks(SITE), range(6))
    save_all(store.engine, [blocks])
    blocks.unsaved_pages.update({f"{ORIGIN}/story/{n}": T0 for n in range(6)})  # as if the commit was lost
    blocks.unsaved_blocks.update(blocks.blocks)
    save_all(store.engine, [blocks])
    assert rows(store.engine, "SELECT pages_seen FROM site_boilerplate") == [(6,)]
    assert scalar(store.engine, "SELECT count(*) FROM site_boilerplate_pages") == 6
    assert save_all(store.engine, [blocks]) == 0  # nothing new since


def test_a_later_run_adds_to_what_earlier_runs_learned_and_counts_known_pages_once(store: ArticleStore) -> None:
    save_all(store.engine, [observed(SiteBlocks(SITE), range(4))])  # 4 pages: not enough yet
    assert load(store).learned() == []
    second = load(store)
    assert second.page_count == 4
    assert not second.observe(f"{ORIGIN}/story/2", [*paragraphs(2), DISCLAIMER])  # seen by the first run
    observed(second, range(4, 6), start=T0 + timedelta(days=1))
    assert second.is_boilerplate(block_key(DISCLAIMER))
    save_all(store.engine, [second])
    assert rows(store.engine, "SELECT pages_seen, first_page_no FROM site_boilerplate") == [(6, 0)]
    third = load(store, page_keys=False)
    assert third.page_count == 6 and third.is_boilerplate(block_key(DISCLAIMER))


def test_a_quote_two_pages_share_is_stored_but_not_boilerplate(store: ArticleStore) -> None:
    blocks = SiteBlocks(SITE)
    for n in range(12):
        body = [*paragraphs(n), DISCLAIMER]
        if n in (2, 7):
            body.insert(3, QUOTE)
        blocks.observe(f"{ORIGIN}/story/{n}", body, T0)
    save_all(store.engine, [blocks])
    assert sorted(rows(store.engine, "SELECT sample_text, pages_seen FROM site_boilerplate")) == sorted(
        [(DISCLAIMER, 12), (QUOTE, 2)]
    )
    loaded = load(store, thresholds=Thresholds())
    assert loaded.is_boilerplate(block_key(DISCLAIMER)) and not loaded.is_boilerplate(block_key(QUOTE))


def test_an_unknown_site_loads_empty(store: ArticleStore) -> None:
    empty = load(store, "nowhere.example")
    assert empty.page_count == 0 and empty.learned() == []


def test_reextract_strips_what_the_store_learned(store: ArticleStore, tmp_path: Path) -> None:
    site = BoilerplateSite()
    site.write(tmp_path / "ledger")
    for path in site.articles:
        result = extract(site.pages[path], ORIGIN + path)
        assert isinstance(result, Article)
        raw = RawResponse(site.pages[path].encode(), 200, {"Content-Type": "text/html; charset=utf-8"})
        store.save(SITE, result, fetched_url=ORIGIN + path, fetched_at=T0, raw=raw)
    assert scalar(store.engine, "SELECT count(*) FROM articles WHERE body_text LIKE '%AI Disclaimer%'") == 12

    def generic(site_key: str, html: bytes, url: str) -> ExtractionResult:
        return extract(html, url)

    assert reextract(store, generic).changed == 0  # nothing learned yet: nothing changes
    learned = SiteBlocks(SITE)
    for path in site.articles:
        result = extract(site.pages[path], ORIGIN + path)
        assert isinstance(result, Article)
        learned.observe(result.url, result.body, T0)
    save_all(store.engine, [learned])

    report = reextract(store, generic, learned=LearnedStripper(store.engine))
    assert (report.examined, report.changed, report.revisions) == (12, 12, 12)
    bodies = dict(rows(store.engine, "SELECT url, body_text FROM articles"))
    assert len(bodies) == 12
    for n, path in enumerate(site.articles):
        text = bodies[ORIGIN + path]
        assert DISCLAIMER not in text and BOX_TEXT not in text and BOX_HEADING not in text
        assert (QUOTE in text) == (n in QUOTED_ARTICLES)
    assert scalar(store.engine, "SELECT count(*) FROM articles WHERE body_html LIKE '%Riverside Ledger newsroom%'") == 0
    assert reextract(store, generic).changed == 0  # the default stripper loads the same knowledge


def doc_queries() -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "docs" / "learned-boilerplate.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, re.DOTALL)


def test_the_documented_queries_run_and_show_what_was_learned(store: ArticleStore) -> None:
    blocks = SiteBlocks(SITE)
    observed(blocks, range(4))
    observed(blocks, range(4, 10), tail=NOTE)  # a note that appeared on the fifth page
    save_all(store.engine, [blocks])
    repeated, pages = doc_queries()
    found = [(site, position, seen, float(share), sample) for site, position, seen, share, _, _, sample in rows(store.engine, repeated)]
    assert found == [(SITE, "tail", 6, 1.0, NOTE[:80]), (SITE, "tail", 4, 0.4, DISCLAIMER[:80])]
    [(site, count, since)] = rows(store.engine, pages)
    assert (site, count) == (SITE, 10) and str(since).startswith("2026-11-01 09:00:00")


def test_many_blocks_are_saved_in_chunks_and_load_back(store: ArticleStore) -> None:
    lines = [f"Shared line {chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)} of the template." for i in range(1200)]
    blocks = SiteBlocks(SITE)
    for n in range(5):
        blocks.observe(f"{ORIGIN}/story/{n}", [*paragraphs(n), *lines], T0)
    assert save_all(store.engine, [blocks]) == 1200
    assert scalar(store.engine, "SELECT count(*) FROM site_boilerplate WHERE pages_seen = 5") == 1200
    loaded = load(store)
    assert all(loaded.is_boilerplate(block_key(line)) for line in lines)


def test_a_second_run_with_holdback_is_warm_at_once_and_counts_only_new_pages(store: ArticleStore) -> None:
    """What the writer does: HoldBack with the store's knowledge, saving what it learned."""
    first: HoldBack[int] = HoldBack(knowledge=site_knowledge(store.engine))
    for n in range(10):
        first.offer(SITE, Article(f"{ORIGIN}/story/{n}", "T", [*paragraphs(n), DISCLAIMER]), n, T0)
    assert first.held() == 0  # warm after eight pages
    save_all(store.engine, first.sites())
    second: HoldBack[int] = HoldBack(knowledge=site_knowledge(store.engine))
    again = second.offer(SITE, Article(f"{ORIGIN}/story/3", "T", [*paragraphs(3), DISCLAIMER]), 3, T0)
    new = second.offer(SITE, Article(f"{ORIGIN}/story/99", "T", [*paragraphs(99), DISCLAIMER]), 99, T0)
    assert [r.article.body for r in again + new] == [paragraphs(3), paragraphs(99)]
    save_all(store.engine, second.sites())
    assert rows(store.engine, "SELECT pages_seen FROM site_boilerplate") == [(11,)]
    assert scalar(store.engine, "SELECT count(*) FROM site_boilerplate_pages") == 11
