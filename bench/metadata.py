"""Metadata accuracy: our extractor and bare trafilatura side by side, in the same run.

Usage:
    python -m bench.metadata [FOLDER] [--jobs N] [--misses FIELD] [--dump FILE]
    python -m bench.metadata --golden [tests/golden]     # per-field accuracy on the mirrors' goldens

FOLDER (default ``../shared/devset``) holds ``metadata.json`` ({page_id: {"title", "authors",
"published", "topics"}}) and ``html/<page_id>.html.gz``; the page URL comes from ``ground-truth.json``.
Scoring (that of the dev set's README):

- title: exact after Unicode NFC, whitespace collapsed and surrounding quotes stripped;
- authors: a set of case-folded names, set-exact per page, and micro precision/recall over names;
- published (pages whose reference has a date): right calendar day in the reference's offset (a
  reference without offset is compared with our wall-clock time), and within 60 s where both carry
  a time (a value whose source ends in ``;day`` is a calendar day without time); "no date" counts
  the pages where the extractor returned none;
- topics: micro precision/recall over case-folded names, on the pages whose reference has topics
  (ours: ``tags``, plus ``section``; trafilatura: ``tags`` and ``categories``).

ms/page is the whole extraction (body and metadata) for both: ``harvester.extract`` and
``trafilatura.bare_extraction(with_metadata=True)``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

DEFAULT_DEVSET = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "devset"
EXTRACTORS = ("harvester", "trafilatura")


@dataclass
class Found:
    """What one extractor returned for one page (strings, comparable across extractors)."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601, with offset when known
    topics: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


def _ours(html: bytes, url: str) -> Found:
    from harvester.extraction import Article, extract

    result = extract(html, url)
    if not isinstance(result, Article):
        return Found(error=f"{result.page_class.value}: {result.reason}")
    topics = list(result.tags) + ([result.section] if result.section else [])
    published = result.published.isoformat() if result.published else None
    if result.published and result.sources.get("published", "").endswith(";day"):
        published = result.published.date().isoformat()  # the extractor knows the day only
    return Found(result.title, list(result.authors), published, topics)


def _trafilatura(html: bytes, url: str) -> Found:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return Found(error="nothing")
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Found(doc.title, authors, doc.date, list(doc.tags or []) + list(doc.categories or []))


RUNNERS = {"harvester": _ours, "trafilatura": _trafilatura}


def run_page(args: tuple[str, bytes, str, tuple[str, ...]]) -> tuple[str, dict[str, Found]]:
    page_id, html, url, extractors = args
    out = {}
    for name in extractors:
        start = time.perf_counter()
        try:
            found = RUNNERS[name](html, url)
        except Exception as exc:  # noqa: BLE001 - a crash is a miss to report, not to stop on
            found = Found(error=f"raised {type(exc).__name__}: {exc}")
        found.seconds = time.perf_counter() - start
        out[name] = found
    return page_id, out


# --- scoring ---------------------------------------------------------------------------------

_QUOTES = "\"'“”„‘’‚«»‹›「」『』"


def norm_title(value: str | None) -> str:
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    return text.strip(_QUOTES + " ")


def name_set(values: list[str]) -> set[str]:
    return {" ".join(unicodedata.normalize("NFC", v).split()).casefold() for v in values if v and v.strip()}


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


_HAS_TIME = re.compile(r"\d[T ]\d{1,2}:\d{2}")


def date_scores(got: str | None, reference: str) -> tuple[bool, bool | None]:
    """(right calendar day, within 60 s or None when one side has no time)."""
    ref, ours = _parse(reference), _parse(got) if got else None
    if ref is None or ours is None:
        return False, None if ours is None else False
    if ref.tzinfo is not None and ours.tzinfo is not None:
        local = ours.astimezone(ref.tzinfo)
        day = local.date() == ref.date()
        close = abs((ours - ref).total_seconds()) <= 60
    else:  # one side naive: compare wall-clock times
        local = ours.replace(tzinfo=None)
        day = local.date() == ref.replace(tzinfo=None).date()
        close = abs((local - ref.replace(tzinfo=None)).total_seconds()) <= 60
    if not _HAS_TIME.search(got or "") or not _HAS_TIME.search(reference):
        return day, None
    return day, close


@dataclass
class Score:
    pages: int = 0
    title: int = 0
    authors_exact: int = 0
    author_tp: int = 0
    author_got: int = 0
    author_ref: int = 0
    dated: int = 0
    day: int = 0
    timed: int = 0
    within: int = 0
    no_date: int = 0
    topic_tp: int = 0
    topic_got: int = 0
    topic_ref: int = 0
    topic_pages: int = 0
    seconds: float = 0.0
    errors: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    def miss(self, kind: str, page_id: str, detail: str) -> None:
        self.misses.setdefault(kind, []).append(f"{page_id}: {detail}")

    def add(self, page_id: str, ref: dict[str, Any], got: Found) -> None:
        self.pages += 1
        self.seconds += got.seconds
        self.errors += got.error is not None
        if norm_title(got.title) == norm_title(ref.get("title")):
            self.title += 1
        else:
            self.miss("title", page_id, f"{got.title!r} != {ref.get('title')!r}")
        ours, theirs = name_set(got.authors), name_set(ref.get("authors") or [])
        self.authors_exact += ours == theirs
        if ours != theirs:
            self.miss("authors", page_id, f"{sorted(ours)} != {sorted(theirs)}")
        self.author_tp += len(ours & theirs)
        self.author_got += len(ours)
        self.author_ref += len(theirs)
        if ref.get("published"):
            self.dated += 1
            self.no_date += got.published is None
            day, close = date_scores(got.published, ref["published"])
            self.day += day
            if close is not None:
                self.timed += 1
                self.within += close
            if not day or close is False:
                self.miss("published", page_id, f"{got.published} vs {ref['published']}")
        ref_topics = name_set(ref.get("topics") or [])
        if ref_topics:
            got_topics = name_set(got.topics)
            self.topic_pages += 1
            self.topic_tp += len(got_topics & ref_topics)
            self.topic_got += len(got_topics)
            self.topic_ref += len(ref_topics)

    def rows(self) -> dict[str, str]:
        def share(a: int, b: int) -> str:
            return f"{a / b:.3f}" if b else "-"

        return {
            "title exact": share(self.title, self.pages),
            "authors set-exact": share(self.authors_exact, self.pages),
            "authors P / R": f"{share(self.author_tp, self.author_got)} / {share(self.author_tp, self.author_ref)}",
            "published right day": share(self.day, self.dated),
            "published within 60 s": f"{share(self.within, self.timed)} of {self.timed}",
            "published no date": f"{self.no_date} of {self.dated}",
            "topics P / R": f"{share(self.topic_tp, self.topic_got)} / {share(self.topic_tp, self.topic_ref)}",
            "not an article / raised": str(self.errors),
            "ms/page": f"{1000 * self.seconds / max(self.pages, 1):.1f}",
        }


def load(folder: Path) -> Iterator[tuple[str, bytes, str, dict[str, Any]]]:
    refs = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(refs):
        path = folder / "html" / f"{page_id}.html.gz"
        html = gzip.decompress(path.read_bytes()) if path.exists() else (folder / "html" / f"{page_id}.html").read_bytes()
        yield page_id, html, truth.get(page_id, {}).get("url", ""), refs[page_id]


def measure_devset(folder: Path, extractors: tuple[str, ...], jobs: int) -> dict[str, Score]:
    pages = list(load(folder))
    refs = {page_id: ref for page_id, _, _, ref in pages}
    work = [(page_id, html, url, extractors) for page_id, html, url, _ in pages]
    if jobs <= 1:
        results = [run_page(w) for w in work]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(run_page, work, chunksize=4))
    scores = {name: Score() for name in extractors}
    for page_id, found in results:
        for name in extractors:
            scores[name].add(page_id, refs[page_id], found[name])
    return scores


def print_devset(scores: dict[str, Score], misses: str | None) -> None:
    pages = next(iter(scores.values())).pages
    print(f"## metadata on {pages} dev-set pages (reference: metadata.json)")
    rows = {name: s.rows() for name, s in scores.items()}
    print(f"{'field':<26}" + "".join(f"{name:>22}" for name in scores))
    for key in next(iter(rows.values())):
        print(f"{key:<26}" + "".join(f"{rows[name][key]:>22}" for name in scores))
    if misses:
        for name, s in scores.items():
            print(f"\n### {name}: {misses} misses")
            for line in s.misses.get(misses, []):
                print("  " + line)


# --- goldens mode (the mirrors' golden files, with and without site rules) -------------------

GOLDEN_FIELDS = ("title", "authors", "published", "modified", "section", "tags", "lead_image", "language")
ORIGINS = {
    "worldofsoftware": "https://worldofsoftware.org",
    "itpostnews": "https://itpostnews.com",
    "budapestpost": "https://budapestpost.com",
}


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


def measure_goldens(root: Path) -> None:
    from harvester.extraction import Article, extract
    from harvester.extraction.registry import site_rules

    right: dict[str, dict[str, int]] = {"site rules": {}, "generic": {}}
    pages = 0
    for site, _name, golden, html in golden_pages(root):
        url = ORIGINS[site] + golden["path"]
        pages += 1
        for mode, rules in (("site rules", site_rules(site)), ("generic", None)):
            result = extract(html, url, rules)
            for field_name in GOLDEN_FIELDS:
                got = getattr(result, field_name) if isinstance(result, Article) else None
                ok = _comparable(field_name, got) == _comparable(field_name, golden.get(field_name))
                right[mode][field_name] = right[mode].get(field_name, 0) + ok
    print(f"## metadata accuracy on {pages} golden pages (share of pages with the exact golden value)")
    print(f"{'field':<12} " + " ".join(f"{mode:>11}" for mode in right))
    for field_name in GOLDEN_FIELDS:
        print(f"{field_name:<12} " + " ".join(f"{r.get(field_name, 0) / max(pages, 1):11.1%}" for r in right.values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT_DEVSET)
    parser.add_argument("--golden", type=Path, nargs="?", const=Path(__file__).resolve().parent.parent / "tests" / "golden",
                        help="score the mirrors' goldens instead (with and without site rules)")
    parser.add_argument("--extractors", default=",".join(EXTRACTORS), help="comma-separated subset")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--misses", choices=("title", "authors", "published"), help="list the pages a field gets wrong")
    args = parser.parse_args(argv)
    if args.golden:
        measure_goldens(args.golden)
        return 0
    extractors = tuple(e for e in args.extractors.split(",") if e)
    print_devset(measure_devset(args.folder, extractors, args.jobs), args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
