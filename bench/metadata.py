"""Metadata accuracy on the mirrors' golden files: per field, the share of pages where the extractor's
value equals the golden one, with the site's rules and on the generic path (no rules).

Usage: ``python -m bench.metadata [--golden tests/golden]``

Pages: tests/golden/<site>/*.json (the mirror articles, page from the bundled mirror), and
tests/golden/<site>/{variants,independent}/*.json (page next to the golden). The dev set's
ground truth holds no titles or other metadata (only ``articleBody``), so it is not used here.
Dates compare as instants with their offset; lists in order.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

FIELDS = ("title", "authors", "published", "modified", "section", "tags", "lead_image", "language")
ORIGINS = {
    "worldofsoftware": "https://worldofsoftware.org",
    "itpostnews": "https://itpostnews.com",
    "budapestpost": "https://budapestpost.com",
}


@dataclass
class Tally:
    right: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, field_name: str, ok: bool) -> None:
        self.right[field_name] = self.right.get(field_name, 0) + ok
        if not ok:
            self.misses.setdefault(field_name, []).append(name)


def _comparable(field_name: str, value: Any) -> Any:
    if field_name in ("published", "modified"):
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.isoformat() if value is not None else None
    return list(value) if isinstance(value, tuple) else value


def golden_pages(root: Path) -> Iterator[tuple[str, str, dict[str, Any], bytes]]:
    """(site, name, golden, html) for every golden page with its HTML."""
    from harvester.mirror_server import bundled_mirror, resolve_path

    for site in ORIGINS:
        folder = root / site
        for file in sorted(folder.glob("*.json")):
            if file.name.startswith("_"):
                continue
            golden = json.loads(file.read_text(encoding="utf-8"))
            page = resolve_path(bundled_mirror(site), golden["path"])
            if page is not None:
                yield site, f"{site}/{file.stem}", golden, page.read_bytes()
        for kind in ("variants", "independent"):
            for file in sorted((folder / kind).glob("*.json")):
                html = file.with_suffix(".html")
                if html.exists():
                    yield site, f"{site}/{kind}/{file.stem}", json.loads(file.read_text(encoding="utf-8")), html.read_bytes()


def measure(root: Path) -> dict[str, Tally]:
    from harvester.extract import Article, extract
    from harvester.runner import site_rules

    tallies = {"site rules": Tally(), "generic": Tally()}
    for site, name, golden, html in golden_pages(root):
        url = ORIGINS[site] + golden["path"]
        for mode, rules in (("site rules", site_rules(site)), ("generic", None)):
            tally = tallies[mode]
            tally.pages += 1
            result = extract(html, url, rules)
            for field_name in FIELDS:
                got = getattr(result, field_name) if isinstance(result, Article) else None
                tally.add(name, field_name, _comparable(field_name, got) == _comparable(field_name, golden.get(field_name)))
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--golden", type=Path, default=Path(__file__).resolve().parent.parent / "tests" / "golden")
    parser.add_argument("--misses", action="store_true", help="name the pages each field gets wrong")
    args = parser.parse_args(argv)
    tallies = measure(args.golden)
    pages = next(iter(tallies.values())).pages
    print(f"## metadata accuracy on {pages} golden pages (share of pages with the exact golden value)")
    print(f"{'field':<12} " + " ".join(f"{mode:>11}" for mode in tallies))
    for field_name in FIELDS:
        print(f"{field_name:<12} " + " ".join(f"{t.right.get(field_name, 0) / max(t.pages, 1):11.1%}" for t in tallies.values()))
    if args.misses:
        for mode, tally in tallies.items():
            for field_name, names in tally.misses.items():
                print(f"{mode} {field_name}: {', '.join(names)}")
    print("\nThe dev set's ground truth has no titles (only articleBody): no dev-set metadata figure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
