"""The article frontier: sources take turns, newest first inside a source, a per-run budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harvester.frontier import Frontier

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def drain(frontier: Frontier) -> list[str]:
    out = []
    while (taken := frontier.pop()) is not None:
        out.append(taken[0])
    return out


def test_newest_first_within_a_source_and_undated_last() -> None:
    frontier = Frontier(100)
    frontier.add("old", "sitemap:a", NOW - timedelta(days=9))
    frontier.add("undated", "sitemap:a", None)
    frontier.add("new", "sitemap:a", NOW)
    assert drain(frontier) == ["new", "old", "undated"]


def test_a_giant_source_cannot_starve_the_others() -> None:
    frontier = Frontier(100_000)
    for n in range(50_000):
        frontier.add(f"bulk{n}", "sitemap:huge", NOW)
    frontier.add("feed1", "feed:x", NOW - timedelta(days=1))
    frontier.add("list1", "listing", None, fresh=True)
    first = [frontier.pop()[0] for _ in range(3)]  # type: ignore[index]
    assert set(first) == {"bulk0", "feed1", "list1"} or {"feed1", "list1"} <= set(first)
    assert len(frontier) == 49_999


def test_the_budget_keeps_what_is_over_it_as_overflow() -> None:
    frontier = Frontier(3)
    accepted = [frontier.add(f"u{n}", "s", NOW) for n in range(5)]
    assert accepted == [True, True, True, False, False]
    assert [url for url, _ in frontier.overflow] == ["u3", "u4"]
    assert len(drain(frontier)) == 3
    assert not frontier.add("late", "s", NOW)  # handed out counts against the budget too
    assert sorted(url for url, _ in frontier.drain()) == ["late", "u3", "u4"]


def test_fresh_listing_links_come_before_dated_sitemap_entries() -> None:
    frontier = Frontier(10)
    frontier.add("dated", "listing", NOW)
    frontier.add("fresh", "listing", None, fresh=True)
    assert drain(frontier) == ["fresh", "dated"]
