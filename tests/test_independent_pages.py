"""Independently built article pages (tests/golden/<site>/independent/): markup a real site of each kind
plausibly has, written without looking at the extractor or the spiders, each with a hand-written golden.

Two groups of tests:
- the fixtures themselves (no extractor): every golden paragraph and the title are really on the page,
  so a failure of the second group is never a typo in a golden;
- extraction: each page goes through ``harvester.extraction.extract`` with the site's RULES and is compared
  field by field with its golden (one test per page and field, so a failure names both).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from harvester.extraction import extract
from spiders.budapestpost import RULES as BUDAPESTPOST
from spiders.itpostnews import RULES as ITPOSTNEWS
from spiders.worldofsoftware import RULES as WORLDOFSOFTWARE

GOLDEN = Path(__file__).parent / "golden"
ORIGINS = {
    "worldofsoftware": "https://worldofsoftware.org",
    "itpostnews": "https://itpostnews.com",
    "budapestpost": "https://budapestpost.com",
}
RULES = {"worldofsoftware": WORLDOFSOFTWARE, "itpostnews": ITPOSTNEWS, "budapestpost": BUDAPESTPOST}
FIELDS = ("body", "title", "authors", "published", "modified", "section", "tags", "lead_image")


def _pages() -> list[tuple[str, Path]]:
    return [(site, f) for site in ORIGINS for f in sorted((GOLDEN / site / "independent").glob("*.json"))]


PAGES = _pages()


def _golden(golden_file: Path) -> dict[str, Any]:
    return json.loads(golden_file.read_text(encoding="utf-8"))


def _fold(text: str) -> str:
    """NBSP to space and whitespace runs to one space (how a reader sees the text)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def _page_text(html: bytes) -> str:
    """All visible text of the page, plus the text of HTML held in a __NEXT_DATA__ payload."""
    doc = lxml.html.fromstring(html)
    parts = []
    for script in doc.xpath('//script[@id="__NEXT_DATA__"]'):
        for s in _json_strings(json.loads(script.text)):
            parts.append(lxml.html.fromstring(f"<div>{s}</div>").text_content() if "<" in s else s)
    for junk in doc.xpath("//script|//style|//noscript"):
        junk.drop_tree()
    # a <br> separates lines: keep the break so that a paragraph cannot match across it
    for br in doc.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    # a table row reads as its cells joined with " | " (the golden convention)
    for row in doc.xpath("//tr"):
        cells = " | ".join(_fold(cell.text_content()) for cell in row.xpath("./th|./td"))
        for child in list(row):
            row.remove(child)
        row.text = f"\n{cells}\n"
    parts.insert(0, doc.text_content())
    return "\n".join(parts)


@pytest.mark.parametrize(
    "site,golden_file", PAGES, ids=[f"{site}/{f.stem}" for site, f in PAGES]
)
def test_golden_text_is_on_the_page(site: str, golden_file: Path) -> None:
    golden = _golden(golden_file)
    lines = [_fold(line) for line in _page_text(golden_file.with_suffix(".html").read_bytes()).split("\n")]
    text = " ".join(lines)
    missing = [p for p in [golden["title"], *golden["body"]] if p not in text]
    assert not missing, f"not on the page: {missing}"
    assert len(golden["body"]) == len(set(golden["body"])), "a golden body repeats a paragraph"


def test_every_site_has_four_independent_pages() -> None:
    counts = {site: sum(1 for s, _ in PAGES if s == site) for site in ORIGINS}
    assert counts == {site: 4 for site in ORIGINS}
    for _, f in PAGES:
        assert f.with_suffix(".html").is_file(), f"{f.name} has no page"


@lru_cache(maxsize=None)
def _extracted(site: str, golden_file: Path) -> Any:
    golden = _golden(golden_file)
    html = golden_file.with_suffix(".html").read_bytes()
    return extract(html, ORIGINS[site] + golden["path"], RULES[site])


def _comparable(field: str, value: Any) -> Any:
    """Dates compare as ISO strings with their offset; sequences as lists."""
    if field in ("published", "modified"):
        if isinstance(value, str):
            return datetime.fromisoformat(value).isoformat()
        return value.isoformat() if value is not None else None
    if isinstance(value, tuple):
        return list(value)
    return value


def _body_diff(expected: list[str], got: list[str]) -> str:
    """A short account of how two bodies differ (for the failure message)."""
    extra = [p for p in got if p not in expected]
    missing = [p for p in expected if p not in got]
    cut = lambda items: [p if len(p) <= 90 else p[:87] + "..." for p in items]  # noqa: E731
    order = "" if extra or missing else " (same paragraphs, different order or duplicates)"
    return f"{len(got)} paragraphs, expected {len(expected)}{order}; extra: {cut(extra)}; missing: {cut(missing)}"


CASES = [
    pytest.param(site, f, field, id=f"{site}/{f.stem}:{field}")
    for site, f in PAGES
    for field in FIELDS
]


@pytest.mark.parametrize("site,golden_file,field", CASES)
def test_independent_page_field(site: str, golden_file: Path, field: str) -> None:
    golden = _golden(golden_file)
    result = _extracted(site, golden_file)
    assert hasattr(result, "body"), f"not extracted as an article: {result!r}"
    expected = _comparable(field, golden[field])
    got = _comparable(field, getattr(result, field))
    if field == "body":
        assert got == expected, _body_diff(expected, list(got))
    else:
        assert got == expected, f"{field}: expected {expected!r}, got {got!r}"
