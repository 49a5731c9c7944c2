"""Quality gate: the generic extractor on the mirrors' articles (reference = golden body) and the
hand-written hard cases of tests/quality, scored with the benchmark metric against a floor that
only goes up (tests/quality/floor.json). The dev set is never used here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.metric import Summary, score_page
from bench.quality import load_pages
from harvester.extraction import Article, extract
from harvester.mirror_server import bundled_mirror, resolve_path
from tests.goldens import ORIGINS, SITES, mirror_goldens

QUALITY = Path(__file__).parent / "quality"
FLOOR = json.loads((QUALITY / "floor.json").read_text(encoding="utf-8"))


def cases() -> list[tuple[str, bytes, str, str]]:
    """(name, html, url, reference body) for every page of the gate."""
    found = []
    for site in SITES:
        for golden in mirror_goldens(site):
            page = resolve_path(bundled_mirror(site), golden.path)
            assert page is not None, golden.path
            found.append((f"{site}/{golden.name}", page.read_bytes(), ORIGINS[site] + golden.path, golden.body_text))
    for page in load_pages(QUALITY):
        found.append((page.page_id, page.html(), page.url, page.reference))
    return found


@pytest.fixture(scope="module")
def summary() -> Summary:
    result = Summary()
    for _name, html, url, reference in cases():
        extracted = extract(html, url)
        text = extracted.body_text if isinstance(extracted, Article) else ""
        result.scores.append(score_page(text, reference))
    return result


def test_the_gate_covers_the_mirrors_and_the_hard_cases() -> None:
    names = [name for name, *_ in cases()]
    assert len(names) >= 20
    assert {name.split("/")[0] for name in names} >= set(SITES)


def test_generic_extraction_stays_above_the_floor(summary: Summary) -> None:
    assert summary.empties <= FLOOR["max_empties"]
    assert summary.f1 >= FLOOR["f1"], f"F1 {summary.f1:.4f} < floor {FLOOR['f1']}"
    assert summary.precision >= FLOOR["precision"], f"precision {summary.precision:.4f} < floor"
    assert summary.recall >= FLOOR["recall"], f"recall {summary.recall:.4f} < floor"


def test_the_metric_rewards_exact_bodies_and_punishes_extra_text() -> None:
    reference = "one two three four five six"
    assert score_page(reference, reference).precision == 1.0
    noisy = score_page(reference + " share this on social media now", reference)
    assert noisy.recall == 1.0 and noisy.precision is not None and noisy.precision < 0.6
    assert score_page("", reference).empty
