"""Loading the golden files of tests/golden/<site>/ (page in, expected article out)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOLDEN_ROOT = Path(__file__).parent / "golden"
SITES = ("worldofsoftware", "itpostnews", "budapestpost")
ORIGINS = {
    "worldofsoftware": "https://worldofsoftware.org",
    "itpostnews": "https://itpostnews.com",
    "budapestpost": "https://budapestpost.com",
}
SEEDS = {
    "worldofsoftware": "000_775af8b5b9f9ee96.txt",
    "itpostnews": "001_64d86f305818acfd.txt",
    "budapestpost": "002_6690c4a0962c414d.txt",
}


@dataclass(frozen=True)
class Golden:
    site: str
    name: str
    expected: dict[str, Any]

    @property
    def path(self) -> str:
        return self.expected["path"]

    @property
    def url(self) -> str:
        return self.expected["url"]

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.expected["body"])


def mirror_goldens(site: str) -> list[Golden]:
    """The goldens of a site's mirror articles (not the markup variants)."""
    folder = GOLDEN_ROOT / site
    return [
        Golden(site, file.stem, json.loads(file.read_text(encoding="utf-8")))
        for file in sorted(folder.glob("*.json"))
        if not file.name.startswith("_")
    ]


def non_articles(site: str) -> list[dict[str, str]]:
    file = GOLDEN_ROOT / site / "_nonarticles.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.exists() else []


def seed_dump(site: str) -> str:
    """The text dump of the site's seed page (a copy of shared/seeds, kept in tests/seeds)."""
    return (Path(__file__).parent / "seeds" / SEEDS[site]).read_text(encoding="utf-8")
