"""Dump ``harvester.extract`` output for every page of a bench folder, time it against bare
trafilatura in the same process, or profile it; for checking that a speed change keeps the output.

Usage:
    python -m bench.snapshot FOLDER --dump out.json          # every field of every page's result
    python -m bench.snapshot FOLDER --compare a.json b.json  # pages whose result differs, field by field
    python -m bench.snapshot FOLDER --time [--rounds N]      # CPU ms/page, ours vs trafilatura, interleaved
    python -m bench.snapshot FOLDER --profile out.prof       # cProfile of ours over all pages
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.quality import _WARM_PAGE, load_pages


def _result(html: bytes, url: str) -> dict:
    from harvester.extraction import extract

    result = extract(html, url)
    out = result.to_dict()
    out["page_class"] = result.page_class.value
    return out


def dump(folder: Path, target: Path) -> None:
    records = {p.page_id: _result(p.html(), p.url) for p in load_pages(folder)}
    target.write_text(json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    differing = 0
    for page_id in sorted(set(a) | set(b)):
        left, right = a.get(page_id, {}), b.get(page_id, {})
        fields = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
        if fields:
            differing += 1
            print(page_id, fields)
    print(f"{differing} of {len(a)} pages differ")
    return 1 if differing else 0


def timing(folder: Path, rounds: int) -> None:
    import trafilatura

    from harvester.extraction import extract

    pages = [(p.html(), p.url) for p in load_pages(folder)]
    extract(_WARM_PAGE, "https://example.com/warm-up")
    for html, url in pages:  # one-time costs (imports, models, caches) are not per-page costs
        extract(html, url)
        trafilatura.extract(html, url=url, include_comments=True)
    ours = theirs = 0.0
    for _ in range(rounds):
        for html, url in pages:
            start = time.process_time()
            extract(html, url)
            middle = time.process_time()
            trafilatura.extract(html, url=url, include_comments=True)
            ours += middle - start
            theirs += time.process_time() - middle
    n = rounds * len(pages)
    print(f"ours {1000 * ours / n:.1f} ms/page, trafilatura {1000 * theirs / n:.1f} ms/page, "
          f"ratio {ours / theirs:.3f} ({len(pages)} pages x {rounds})")


def spin(folder: Path, rounds: int) -> None:
    """Ours only, ``rounds`` times over the pages after one warm-up round (for a sampling profiler)."""
    from harvester.extraction import extract

    pages = [(p.html(), p.url) for p in load_pages(folder)]
    for html, url in pages:
        extract(html, url)
    start = time.process_time()
    for _ in range(rounds):
        for html, url in pages:
            extract(html, url)
    print(f"ours {1000 * (time.process_time() - start) / (rounds * len(pages)):.1f} ms/page")


def profile(folder: Path, target: Path) -> None:
    import cProfile

    from harvester.extraction import extract

    pages = [(p.html(), p.url) for p in load_pages(folder)]
    extract(_WARM_PAGE, "https://example.com/warm-up")
    for html, url in pages:
        extract(html, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for html, url in pages:
        extract(html, url)
    profiler.disable()
    profiler.dump_stats(str(target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    parser.add_argument("--time", action="store_true")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--spin", action="store_true", help="ours only, --rounds times, for py-spy")
    args = parser.parse_args(argv)
    if args.dump:
        dump(args.folder, args.dump)
    if args.compare:
        return compare(*args.compare)
    if args.time:
        timing(args.folder, args.rounds)
    if args.spin:
        spin(args.folder, args.rounds)
    if args.profile:
        profile(args.folder, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
