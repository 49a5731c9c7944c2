"""Golden tests: every article page of the three offline mirrors (and the seed variants)
extracts exactly to its golden file, field by field; non-article pages are classified."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from harvester.extraction import Article, NonArticle, PageClass, SiteRules, extract
from harvester.mirror_server import MIRROR_SITES, bundled_mirror, resolve_path
from spiders.budapestpost import RULES as BUDAPESTPOST
from spiders.itpostnews import RULES as ITPOSTNEWS
from spiders.worldofsoftware import RULES as WORLDOFSOFTWARE

GOLDEN = Path(__file__).parent / "golden"
ORIGINS = {
    "worldofsoftware": "https://worldofsoftware.org",
    "itpostnews": "https://itpostnews.com",
    "budapestpost": "https://budapestpost.com",
}
RULES: dict[str, SiteRules] = {
    "worldofsoftware": WORLDOFSOFTWARE,
    "itpostnews": ITPOSTNEWS,
    "budapestpost": BUDAPESTPOST,
}
FIELDS = ("url", "title", "authors", "published", "modified", "section", "tags", "lead_image",
          "description", "language", "body")
# What a golden "expect" may come back as.
EXPECTED_CLASSES = {
    "malformed": {PageClass.MALFORMED, PageClass.EMPTY, PageClass.TOO_SHORT},
    "empty": {PageClass.EMPTY},
    "listing": {PageClass.LISTING},
    "soft_404": {PageClass.SOFT_404},
    "too_short": {PageClass.TOO_SHORT},
    "blocked": {PageClass.BLOCKED},
    "paywall": {PageClass.PAYWALL},
}


def _golden_cases() -> list[tuple[str, Path]]:
    cases = []
    for site in MIRROR_SITES:
        folder = GOLDEN / site
        files = sorted(folder.glob("*.json")) + sorted((folder / "variants").glob("*.json"))
        cases += [(site, f) for f in files if not f.name.startswith("_")]
    return cases


def _html_file(site: str, golden_file: Path, golden: dict[str, Any]) -> Path:
    if golden_file.parent.name == "variants":
        return golden_file.with_suffix(".html")
    found = resolve_path(bundled_mirror(site), golden["path"])
    assert found is not None, f"{golden['path']} has no file in the {site} mirror"
    return found


@lru_cache(maxsize=None)
def _extracted(site: str, golden_file: Path) -> tuple[dict[str, Any], Article | NonArticle]:
    golden = json.loads(golden_file.read_text(encoding="utf-8"))
    html = _html_file(site, golden_file, golden).read_bytes()
    return golden, extract(html, ORIGINS[site] + golden["path"], RULES[site])


def _comparable(field: str, value: Any) -> Any:
    """Dates compare as ISO strings with their offset (a golden string is re-serialised)."""
    if field in ("published", "modified"):
        if isinstance(value, str):
            return datetime.fromisoformat(value).isoformat()
        return value.isoformat() if value is not None else None
    return value


CASES = [
    pytest.param(site, path, field, id=f"{site}/{path.relative_to(GOLDEN / site).with_suffix('')}:{field}")
    for site, path in _golden_cases()
    for field in FIELDS
]


@pytest.mark.parametrize(("site", "golden_file", "field"), CASES)
def test_golden_field(site: str, golden_file: Path, field: str) -> None:
    golden, result = _extracted(site, golden_file)
    assert isinstance(result, Article), f"not an article: {result}"
    assert _comparable(field, getattr(result, field)) == _comparable(field, golden[field])


def _nonarticle_cases() -> list[Any]:
    cases = []
    for site in MIRROR_SITES:
        listing = GOLDEN / site / "_nonarticles.json"
        if not listing.is_file():
            continue
        for entry in json.loads(listing.read_text(encoding="utf-8")):
            if entry["expect"] != "http_404":
                cases.append(pytest.param(site, entry["path"], entry["expect"],
                                          id=f"{site}:{entry['expect']}:{entry['path']}"))
    return cases


@pytest.mark.parametrize(("site", "path", "expect"), _nonarticle_cases())
def test_nonarticle(site: str, path: str, expect: str) -> None:
    file = resolve_path(bundled_mirror(site), path)
    assert file is not None, f"{path} has no file in the {site} mirror"
    result = extract(file.read_bytes(), ORIGINS[site] + path, RULES[site])
    assert isinstance(result, NonArticle), f"extracted as an article: {result.title!r}"
    assert result.page_class in EXPECTED_CLASSES[expect], result.reason
    assert result.reason


def test_every_site_has_goldens() -> None:
    """The golden suite really covers the three sites (a missing folder must not pass silently)."""
    sites = {site for site, _ in _golden_cases()}
    assert sites == set(MIRROR_SITES)
