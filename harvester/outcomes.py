"""One vocabulary for what a crawl did with the pages it found.

The live progress line, the end-of-crawl summary, ``harvester runs`` and the crawl stats all
count the same outcomes, in this order:

=====================  ==========================================================================
new                    an article stored for the first time
changed                a stored article whose content changed (a new revision)
unchanged              fetched again, same content (compared by the store, or the same bytes), or
                       the content of an article stored under another URL (reason duplicate)
not modified           a conditional re-check answered 304
skipped                a known article outside the re-check window: not fetched at all
not an article         a listing, soft 404, paywall, block page, empty or too short page
failed                 the fetch failed (HTTP 4xx/5xx, timeout, DNS, …) or the article was invalid
not fetched by rule    robots.txt disallows it, or it is off-site: not an error
=====================  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

#: fetch-failure reasons that are a rule at work, not an error (robots.txt, off-site links)
RULE_REASONS = frozenset({"IgnoreRequest", "robots", "robots_txt", "offsite"})

#: (field, label, short column header)
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("new", "new", "new"),
    ("changed", "changed", "changed"),
    ("unchanged", "unchanged", "unchanged"),
    ("not_modified", "not modified", "not-mod"),
    ("skipped", "skipped", "skipped"),
    ("not_article", "not an article", "not-art"),
    ("failed", "failed", "failed"),
    ("by_rule", "not fetched by rule", "by-rule"),
)


def _total(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


@dataclass(frozen=True)
class Outcomes:
    """What a crawl (or several) did with its URLs, in the shared vocabulary."""

    pages: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    skipped: int = 0
    not_article: int = 0
    failed: int = 0
    by_rule: int = 0

    @classmethod
    def of_stats(cls, stats: Mapping[str, Any]) -> Outcomes:
        """From Scrapy crawl stats (``harvester/…`` counters and Scrapy's own)."""
        # fetch_log rows as the store pipeline takes them: "skipped" (robots.txt, off-site, over budget,
        # redirected, …) by reason, and "error" / "invalid"; read as of_fetch_log reads the rows
        rule_errors = sum(int(stats.get(f"harvester/failed/{reason}", 0) or 0) for reason in RULE_REASONS)
        by_rule = _total(stats, "harvester/not_fetched/") + rule_errors
        return cls(
            pages=_total(stats, "response_received_count"),
            new=_total(stats, "harvester/stored/new"),
            changed=_total(stats, "harvester/stored/changed"),
            unchanged=(_total(stats, "harvester/stored/unchanged") + _total(stats, "harvester/stored/duplicate")
                       + _total(stats, "harvester/incremental/unchanged")),
            not_modified=_total(stats, "harvester/incremental/not_modified"),
            skipped=_total(stats, "harvester/incremental/skipped_known"),
            not_article=_total(stats, "harvester/non_article/"),
            # and the items the store could not write (their rows say store_failed)
            failed=_total(stats, "harvester/failed/") - rule_errors + _total(stats, "harvester/store/failed"),
            by_rule=by_rule,
        )

    @classmethod
    def of_fetch_log(cls, pages: int, counts: Mapping[tuple[str, str], int]) -> Outcomes:
        """From a run's ``fetch_log`` rows counted by (outcome, reason); "skipped" is not logged."""
        def count(outcome: str, reason: str | None = None) -> int:
            return sum(n for (o, r), n in counts.items() if o == outcome and (reason is None or r == reason))

        # "skipped" rows: not fetched by a rule (robots.txt, off-site), with the rule as reason
        by_rule = sum(n for (o, r), n in counts.items() if o == "error" and r in RULE_REASONS) + count("skipped")
        return cls(
            pages=pages,
            new=count("stored", "new"),
            changed=count("stored", "changed"),
            unchanged=count("unchanged"),
            not_modified=count("not_modified"),
            not_article=count("not_article"),
            failed=count("error") - (by_rule - count("skipped")) + count("invalid"),
            by_rule=by_rule,
        )

    @staticmethod
    def failed_by_reason(counts: Mapping[tuple[str, str], int]) -> dict[str, int]:
        """What ``failed`` counts, by reason: errors other than a rule's, and ``invalid:<fields>``."""
        failed: dict[str, int] = {}
        for (outcome, reason), n in counts.items():
            key = reason if outcome == "error" and reason not in RULE_REASONS else (
                f"invalid:{reason}" if outcome == "invalid" else None)
            if key is not None:
                failed[key] = failed.get(key, 0) + n
        return failed

    def __add__(self, other: Outcomes) -> Outcomes:
        return Outcomes(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def stored(self) -> int:
        return self.new + self.changed

    def parts(self, *, all_outcomes: bool = False) -> list[str]:
        """``"12 new"``, ``"3 not modified"``, …: every outcome, or only those that happened
        (new and failed always)."""
        return [
            f"{getattr(self, name)} {label}"
            for name, label, _ in OUTCOMES
            if all_outcomes or getattr(self, name) or name in ("new", "failed")
        ]

    def describe(self) -> str:
        """One line: pages fetched, then the outcomes that happened."""
        return f"{self.pages} pages: " + ", ".join(self.parts())
