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


def test_a_source_that_yields_no_articles_is_set_aside() -> None:
    frontier = Frontier(100_000, probe=10, min_yield=0.2)
    for n in range(1000):
        frontier.add(f"dead{n}", "sitemap:dead", NOW)
    for n in range(20):
        frontier.add(f"good{n}", "feed:f", NOW)
    taken = []
    while (entry := frontier.pop()) is not None:
        url, _, source = entry
        taken.append(url)
        frontier.report(source, productive=url.startswith("good"))
    assert sum(url.startswith("good") for url in taken) == 20
    assert sum(url.startswith("dead") for url in taken) == 10  # the probe, then set aside
    assert frontier.set_aside == {"sitemap:dead": 990}
    frontier.add("dead-late", "sitemap:dead", NOW)
    assert frontier.pop() is None and frontier.set_aside["sitemap:dead"] == 991


def test_a_productive_source_is_never_set_aside() -> None:
    frontier = Frontier(1000, probe=5, min_yield=0.5)
    for n in range(50):
        frontier.add(f"u{n}", "s", NOW)
    count = 0
    while (entry := frontier.pop()) is not None:
        frontier.report(entry[2], productive=entry[0][-1] in "02468")  # every other one an article
        count += 1
    assert count == 50 and frontier.set_aside == {}
