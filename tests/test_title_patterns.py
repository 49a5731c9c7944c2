"""Site-name stripping without a compiled pattern per name leaves what the per-name patterns leave."""

from __future__ import annotations

import random

from harvester.extraction.titles import _known_rest, _name_pattern, _title_patterns, strip_site_suffix


def _by_patterns(title: str, name: str) -> str:
    for pattern in _title_patterns(name):
        match = pattern.match(title)
        if match and match["rest"].strip():
            return match["rest"].strip()
    return ""


def test_known_rest_agrees_with_the_name_patterns_on_random_titles() -> None:
    rng = random.Random(7)
    pieces = ["Site", "site", "SITE", "Ab", " ", "  ", "\n", "\u00a0", "|", " | ", " - ", "–", "ㅣ", "News", "x",
              "\u0130", "\u0131", "\u017f", "s", "/", "»", ":"]
    names = ["Site", "Ab", "News Site", "s", "Site ", " Site", "a|b", "x"]
    checked = 0
    for _ in range(20000):
        name = rng.choice(names)
        title = "".join(rng.choice([*pieces, name]) for _ in range(rng.randint(0, 8)))
        if _name_pattern(name).search(title):
            checked += 1
            assert _known_rest(title, name) == _by_patterns(title, name), (title, name)
    assert checked > 3000


def test_site_names_are_stripped_at_either_end() -> None:
    assert strip_site_suffix("Flood warning for the coast | The Daily Site", ("The Daily Site",)) == "Flood warning for the coast"
    assert strip_site_suffix("THE DAILY SITE – Flood warning", ("The Daily Site",)) == "Flood warning"
    assert strip_site_suffix("Flood warning ㅣ 데일리", ("데일리",)) == "Flood warning"
