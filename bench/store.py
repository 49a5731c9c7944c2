"""Store-writer benchmark: CPU the store writer spends per stored article, and a dump for sameness.

Usage::

    python -m bench.store [--pages N] [--spool FILE] [--keep-spool FILE] [--batch B] [--repeat R]
                          [--database URL] [--twice] [--dump FILE] [--json]
    python -m bench.store --compare A.json B.json

For example, before and after a change to ``harvester/db/``::

    python -m bench.store --keep-spool /tmp/site.spool --dump /tmp/before.json --twice
    # ... change the writer ...
    python -m bench.store --spool /tmp/site.spool --dump /tmp/after.json --twice
    python -m bench.store --compare /tmp/before.json /tmp/after.json

1. Capture. Unless ``--spool FILE`` is given, builds the ``itpostnews`` mirror with at least N
   article pages (``bench.crawl.build_site_rule_mirror``), serves it on 127.0.0.1 and crawls it
   (``scrapy crawl itpostnews``, politeness off, into a SQLite file in a temporary folder) while a
   thread hard-links the crawl's spool file as soon as it appears, so the records survive the
   crawl's removal of the file. ``--keep-spool FILE`` copies it there for later runs. The crawl's
   wall time, pages/s and CPU ms/page (whole process tree) are printed too.
2. Replay. Writes the spool's records, in spool order, into a fresh store (a new SQLite file in a
   temporary folder, or ``--database URL``: an EMPTY throwaway database, every table is dropped
   first) exactly as the crawl's writer thread does: learned-boilerplate hold-back
   (``harvester.db.writer.Preparer``, default thresholds), then ``write_records`` in batches of B
   records (default 8, about what a crawl's writer gathers in its 0.2 s linger; 200 is its maximum),
   knowing the spool's mark as ``StoreWriter`` does (no read of it per batch).
   Reported: the writer thread's CPU time (``time.thread_time``) inside ``write_records`` per
   stored article, and per record; the hold-back's CPU apart. Repeated R times (fresh store each
   time); the smallest figure is the least disturbed by other work on a shared machine.
3. ``--dump FILE`` writes every table of the last replayed store as JSON, with surrogate ids
   replaced by natural keys (URLs, names) and volatile columns (run ids, wall-clock stamps, hosts,
   pids) left out, so two dumps made before and after a change to the writer compare with ``diff``
   or ``python -m bench.store --compare A B`` (which also ignores when boilerplate was learned: wall
   clock of the replay; ``harvester.db.testing.dump_store``). ``--twice`` replays the spool a second time into
   the same store (a re-crawl that finds every article unchanged), reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

REPO_ROOT = Path(__file__).resolve().parents[1]


# --- 1. capture ------------------------------------------------------------------------------------

def capture_spool(pages: int, target: Path) -> dict[str, Any]:
    """Crawl the site-rule mirror; keep its spool file at ``target``; the crawl's figures."""
    from bench.crawl import build_site_rule_mirror, run_crawl
    from harvester.mirror_server import serve_mirror

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        work = Path(tmp)
        spool_dir = work / "spool"
        kept = work / "kept"
        kept.mkdir()
        stop = threading.Event()
        linked: list[Path] = []

        def keep() -> None:
            deadline = time.monotonic() + 1800
            while not stop.is_set() and time.monotonic() < deadline:
                for path in sorted(spool_dir.glob("*.spool")) if spool_dir.is_dir() else []:
                    copy = kept / path.name
                    if not copy.exists():
                        try:
                            os.link(path, copy)
                            linked.append(copy)
                        except FileNotFoundError:
                            pass
                time.sleep(0.005)

        watcher = threading.Thread(target=keep, daemon=True)
        watcher.start()
        served = build_site_rule_mirror(work / "mirror", pages)
        with serve_mirror(work / "mirror") as base:
            figures = run_crawl("site-rule", ["itpostnews", "-a", f"base_url={base}",
                                              "-s", f"HARVESTER_SPOOL_DIR={spool_dir}"],
                                work / "crawl.db", work, served)
        stop.set()
        watcher.join(timeout=5)
        if not linked:
            raise SystemExit("the crawl left no spool file to keep")
        shutil.copyfile(max(linked, key=lambda p: p.stat().st_size), target)
    return figures.to_dict()


# --- 2. replay -------------------------------------------------------------------------------------

def fresh_store(database: str | None, folder: Path) -> Engine:
    from harvester.db import ensure_schema, make_engine
    from harvester.db.testing import drop_all_tables

    if database is None:
        url = f"sqlite:///{folder / 'replay.db'}"
        Path(folder / "replay.db").unlink(missing_ok=True)
    else:
        url = database
        drop_all_tables(url)
    engine = make_engine(url)
    ensure_schema(engine)
    return engine


def replay(spool: Path, engine: Engine, batch: int) -> dict[str, Any]:
    """Write the spool's records into the store at ``engine`` as the crawl's writer does; the timings."""
    from harvester.db.runs import RunEnd, start_run
    from harvester.db.boilerplate import site_knowledge
    from harvester.db.store import ArticleStore, FetchedArticle
    from harvester.db.writer import Mark, Preparer, SpoolHeader, write_records
    from harvester.extraction.holdback import HoldBack
    from harvester.extraction.learned import Thresholds
    from harvester.spool import read_records

    records = [(r.seq, r.record) for r in read_records(spool)]
    header = next(record for _, record in records if isinstance(record, SpoolHeader))
    # every record its own article, as the benchmark crawls store the copies of a page
    # (``bench.crawl.EVERY_COPY_STORED``): with content duplicates found, the copies would cost a lookup each
    store = ArticleStore(engine, dedupe_content=False)
    store.register_site(header.spider, header.spider)
    run_id = start_run(engine, header.spider, datetime(2026, 1, 1, tzinfo=UTC))
    thresholds = Thresholds()
    preparer = Preparer(HoldBack(thresholds, site_knowledge(engine, thresholds)))
    name = spool.stem
    prepare_cpu = write_cpu = 0.0
    wall = time.perf_counter()
    pending: list[tuple[int, Any]] = []
    known = Mark()  # what the store has of this spool: kept here as StoreWriter keeps it

    def write(chunk: list[tuple[int, Any]]) -> None:
        nonlocal write_cpu, known
        started = time.thread_time()
        write_records(store, name, run_id, chunk, after_write=preparer.save_learned, known=known)
        write_cpu += time.thread_time() - started
        known = known.plus(seq for seq, _ in chunk)
        preparer.saved()

    for seq, record in records:
        if isinstance(record, SpoolHeader):
            continue
        if isinstance(record, RunEnd):
            record = replace(record, run_id=run_id)
        started = time.thread_time()
        pending.extend(preparer.take(seq, record))
        prepare_cpu += time.thread_time() - started
        while len(pending) >= batch:
            write(pending[:batch])
            del pending[:batch]
    pending.extend(preparer.flush())
    while pending:
        write(pending[:batch])
        del pending[:batch]
    wall = time.perf_counter() - wall
    articles = sum(1 for _, record in records if isinstance(record, FetchedArticle))
    written = sum(1 for _, record in records if not isinstance(record, SpoolHeader))
    return {
        "records": written, "articles": articles, "batch": batch,
        "write_cpu_s": round(write_cpu, 3), "prepare_cpu_s": round(prepare_cpu, 3), "wall_s": round(wall, 3),
        "write_cpu_ms_per_article": round(1000 * write_cpu / max(1, articles), 2),
        "write_cpu_ms_per_record": round(1000 * write_cpu / max(1, written), 2),
        "prepare_cpu_ms_per_article": round(1000 * prepare_cpu / max(1, articles), 2),
    }


# --- 3. dump ---------------------------------------------------------------------------------------

def compare(a: Path, b: Path) -> int:
    """Print the tables whose dumps differ; 0 when none do."""
    from harvester.db.testing import comparable_dump

    left, right = comparable_dump(json.loads(a.read_text())), comparable_dump(json.loads(b.read_text()))
    differ = 0
    for name in sorted(set(left) | set(right)):
        rows_a, rows_b = left.get(name), right.get(name)
        if rows_a == rows_b:
            print(f"same       {name} ({len(rows_a or [])} rows)")
            continue
        differ += 1
        only_a = [r for r in rows_a or [] if r not in (rows_b or [])]
        only_b = [r for r in rows_b or [] if r not in (rows_a or [])]
        print(f"DIFFERENT  {name}: {len(rows_a or [])} vs {len(rows_b or [])} rows; "
              f"{len(only_a)} only in {a.name}, {len(only_b)} only in {b.name}")
        for row in (only_a[:2] + only_b[:2]):
            print("    ", json.dumps(row, sort_keys=True)[:400])
    return 1 if differ else 0


# --- main ------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="article pages of the site-rule mirror (default 300)")
    parser.add_argument("--spool", type=Path, help="replay this spool file instead of crawling for one")
    parser.add_argument("--keep-spool", type=Path, help="keep the captured spool file here")
    parser.add_argument("--batch", type=int, default=8, help="records per write_records call (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="replays, each into a fresh store (default 3)")
    parser.add_argument("--database", help="an EMPTY throwaway database URL to replay into (tables are dropped)")
    parser.add_argument("--twice", action="store_true",
                        help="replay the spool a second time into the same store (a re-crawl: articles unchanged)")
    parser.add_argument("--dump", type=Path, help="write the last replayed store's tables here (JSON)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two dumps and exit")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args(argv)
    if options.compare:
        return compare(*options.compare)

    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-store-replay-") as tmp:
        folder = Path(tmp)
        spool = options.spool
        if spool is None:
            spool = options.keep_spool or folder / "captured.spool"
            result["crawl"] = capture_spool(options.pages, spool)
        runs = []
        engine = None
        for _ in range(max(1, options.repeat)):
            if engine is not None:
                engine.dispose()
            engine = fresh_store(options.database, folder)
            runs.append(replay(spool, engine, options.batch))
            if options.twice:  # under another spool name, so that its mark does not skip it
                again = folder / f"again-{spool.name}"
                shutil.copyfile(spool, again)
                runs.append(replay(again, engine, options.batch) | {"second": True})
        assert engine is not None
        if options.dump:
            from harvester.db.testing import dump_store

            options.dump.write_text(json.dumps(dump_store(engine), indent=1, sort_keys=True, ensure_ascii=False))
        engine.dispose()
    firsts = [r for r in runs if not r.get("second")]
    best = min(firsts, key=lambda r: r["write_cpu_s"])
    result |= {"replays": runs, "best": best,
               "median_write_cpu_ms_per_article": round(statistics.median(r["write_cpu_ms_per_article"] for r in firsts), 2)}
    if options.json:
        print(json.dumps(result, indent=2))
        return 0
    if "crawl" in result:
        crawl = result["crawl"]
        print(f"crawl: {crawl['pages_fetched']} pages fetched, {crawl['articles_stored']} stored, "
              f"{crawl['seconds']:.1f} s, {crawl['pages_per_second']} pages/s, {crawl['cpu_ms_per_page']} CPU ms/page")
    print(f"replay: {best['records']} records, {best['articles']} articles, batches of {best['batch']}")
    for run in runs:
        print(f"  {'again' if run.get('second') else 'first'}: writer CPU {run['write_cpu_ms_per_article']:6.2f} ms/article ({run['write_cpu_ms_per_record']:.2f} "
              f"ms/record), hold-back {run['prepare_cpu_ms_per_article']:.2f} ms/article, wall {run['wall_s']:.2f} s")
    print(f"best: {best['write_cpu_ms_per_article']} writer CPU ms/article; "
          f"median {result['median_write_cpu_ms_per_article']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
