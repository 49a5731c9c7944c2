"""Throughput benchmark: the whole crawl, end to end, against bare trafilatura on the same pages.

Usage: ``python -m bench.crawl [--pages-dir DIR] [--copies K] [--site-rule-pages N] [--json]``

1. Generic path. Builds a site from a folder of pages in the dev-set layout (``html/<id>.html.gz``
   or ``.html``; default ``../shared/devset``), each page copied K times under distinct URLs
   (``rel=canonical`` removed so every copy is its own article), with a sitemap listing every page;
   serves it on 127.0.0.1; runs ``scrapy crawl news -a site=...`` into a fresh SQLite file in a
   temporary folder (politeness off: no delay, no AutoThrottle, 16 requests per host; robots.txt
   still obeyed); then times bare single-process ``trafilatura.extract`` on the same distinct pages.
2. Site-rule path. The same for the ``itpostnews`` spider on its bundled mirror, whose article pages
   are copied until there are at least N of them; and the ratio site-rule pages/s to generic pages/s.

Pages/s is over the wall time of the crawl process (start-up included). CPU is user+sys of the
crawl's process tree (``RUSAGE_CHILDREN`` of a small wrapper whose only child is the crawl; the
loopback server runs in this process and is not counted). Peak RSS is ``ru_maxrss`` of that tree:
the largest single process (the crawler or one extraction worker), not the sum.
The machine may be shared: figures are rough; compare runs made together.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harvester.mirror_server import bundled_mirror, serve_mirror

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = next((p / "shared" / "devset" for p in REPO_ROOT.parents[:2] if (p / "shared" / "devset").is_dir()),
                     REPO_ROOT.parent / "shared" / "devset")
"""``../shared/devset`` next to the project (or next to the folder of its git worktrees)."""
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_CANONICAL = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
_SLUG = re.compile(r"[^a-z0-9]+")
POLITENESS_OFF = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                  "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")
EVERY_COPY_STORED = ("-s", "HARVESTER_DEDUPE_CONTENT=False")
"""The copies of a page are one article to the store (a duplicate under another URL, nothing
written); the benchmark stores each as its own article, the cost of K distinct articles."""


@dataclass
class CrawlFigures:
    label: str
    pages_served: int
    pages_fetched: int  # article pages answered (fetch_log rows other than errors and discovery)
    articles_stored: int  # rows in the articles table
    seconds: float  # wall time of the crawl process
    cpu_seconds: float  # user+sys of the crawl's process tree
    peak_rss_mb: float  # largest single process of the tree
    returncode: int

    @property
    def pages_per_second(self) -> float:
        return self.pages_fetched / self.seconds if self.seconds else 0.0

    @property
    def stored_per_second(self) -> float:
        return self.articles_stored / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        """CPU milliseconds per fetched page: less sensitive to a busy machine than pages/s."""
        return 1000 * self.cpu_seconds / self.pages_fetched if self.pages_fetched else 0.0

    @property
    def cpu_share(self) -> float:
        """CPU seconds per wall second (2.0 = two cores busy)."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pages_per_second": round(self.pages_per_second, 2),
                "stored_per_second": round(self.stored_per_second, 2), "cpu_share": round(self.cpu_share, 2),
                "cpu_ms_per_page": round(self.cpu_ms_per_page, 1)}


# --- building the sites ----------------------------------------------------------------------------

def page_files(folder: Path) -> list[tuple[str, Path]]:
    """(page id, file) for every page of a dev-set-layout folder."""
    found = []
    for path in sorted((folder / "html").iterdir()):
        name = path.name
        if name.endswith(".html.gz"):
            found.append((name[: -len(".html.gz")], path))
        elif name.endswith(".html"):
            found.append((name[: -len(".html")], path))
    return found


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def write_file(root: Path, url_path: str, body: bytes) -> None:
    """Write ``body`` where harvester.mirror_server serves ``url_path`` from."""
    target = root / url_path.strip("/")
    if url_path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)


def sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'.encode()


def build_generic_site(pages: list[tuple[str, bytes]], copies: int, root: Path, origin: str) -> int:
    """The generic site in the mirror layout; returns the number of article pages."""
    urls = []
    for copy in range(copies):
        for page_id, body in pages:
            slug = _SLUG.sub("-", page_id.lower()).strip("-")
            path = f"/news/2026/01/{copy + 1:02d}/{slug}-story-copy-{copy + 1}/"
            write_file(root, path, _CANONICAL.sub(b"", body))
            urls.append(origin + path)
    write_file(root, "/sitemap.xml", sitemap(urls))
    write_file(root, "/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {origin}/sitemap.xml\n".encode())
    write_file(root, "/", b"<html><head><title>Bench</title></head><body><h1>Bench site</h1></body></html>")
    return len(urls)


def build_site_rule_mirror(root: Path, minimum: int) -> int:
    """The itpostnews mirror with its article pages copied until there are ``minimum`` of them."""
    shutil.copytree(bundled_mirror("itpostnews"), root)
    originals = sorted(p for p in (root / "news").glob("*/default.htm"))
    real = "https://itpostnews.com"
    urls = [f"{real}/news/{p.parent.name}/default.htm" for p in originals]
    copy = 0
    while len(urls) < minimum:
        copy += 1
        for page in originals:
            slug = page.parent.name
            new = f"{slug}-copy-{copy}"
            body = page.read_bytes().replace(f"/news/{slug}/".encode(), f"/news/{new}/".encode())
            write_file(root, f"/news/{new}/default.htm", body)
            urls.append(f"{real}/news/{new}/default.htm")
    write_file(root, "/sitemap.xml", sitemap(urls))
    return len(urls)


# --- running ---------------------------------------------------------------------------------------

# Runs the crawl as its only child, so that RUSAGE_CHILDREN (CPU of the whole tree, largest ru_maxrss)
# covers this one crawl: the counters of this process would also hold every earlier crawl. The
# wrapper is a child subreaper (Linux prctl), so the extraction workers' fork server, orphaned when
# the crawl exits, is reaped here and its CPU (and its workers') counted too.
_RUSAGE_WRAPPER = """
import ctypes, json, os, resource, subprocess, sys
PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
code = subprocess.call(sys.argv[2:])
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}, out)
sys.exit(code)
"""


def run_crawl(label: str, args: list[str], db_path: Path, workdir: Path, served: int) -> CrawlFigures:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "SCRAPY_"))}
    env["HARVESTER_DATABASE_URL"] = f"sqlite:///{db_path}"
    command = [sys.executable, "-m", "scrapy", "crawl", *args, *POLITENESS_OFF, *EVERY_COPY_STORED,
               "-s", f"LOG_FILE={workdir / (label + '.log')}", "-s", "LOG_LEVEL=INFO"]
    usage_file = workdir / f"{label}-rusage.json"
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", _RUSAGE_WRAPPER, str(usage_file), *command], cwd=REPO_ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    seconds = time.perf_counter() - started
    usage = json.loads(usage_file.read_text()) if usage_file.exists() else {"cpu": 0.0, "maxrss_kb": 0}
    if completed.returncode != 0:
        print(f"{label}: crawl exited {completed.returncode}\n{completed.stderr[-2000:]}", file=sys.stderr)
    with closing(sqlite3.connect(db_path)) as db:
        fetched = db.execute("SELECT count(*) FROM fetch_log WHERE outcome NOT IN ('error', 'discovery', 'skipped')"
                             ).fetchone()[0]
        stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    return CrawlFigures(label, served, fetched, stored, seconds, usage["cpu"], usage["maxrss_kb"] / 1024,
                        completed.returncode)


def bare_trafilatura(pages: list[tuple[str, bytes]]) -> tuple[float, float]:
    """(pages per second, CPU ms per page) of single-process ``trafilatura.extract`` over ``pages``."""
    import trafilatura

    texts = [body.decode("utf-8", errors="replace") for _, body in pages]
    trafilatura.extract(texts[0])  # warm-up: imports and lazy initialisation
    started, cpu_started = time.perf_counter(), time.process_time()
    for text in texts:
        trafilatura.extract(text)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return len(texts) / wall, 1000 * cpu / len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages-dir", type=Path, default=DEFAULT_PAGES, help="dev-set-layout folder (html/...)")
    parser.add_argument("--copies", type=int, default=4, help="copies of each page under distinct URLs (default 4)")
    parser.add_argument("--site-rule-pages", type=int, default=1000,
                        help="article pages of the site-rule mirror (default 1000: the ratio is measured over 1,000+ pages on both paths, so start-up weighs alike)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    options = parser.parse_args(argv)

    if not (options.pages_dir / "html").is_dir():
        parser.error(f"no html/ folder under {options.pages_dir} (give --pages-dir)")
    pages = [(page_id, read_page(path)) for page_id, path in page_files(options.pages_dir)]
    if not pages:
        parser.error(f"no pages under {options.pages_dir / 'html'}")
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = Path(tmp)
        generic_root = work / "generic-site"
        generic_root.mkdir()
        with serve_mirror(generic_root) as base:
            served = build_generic_site(pages, options.copies, generic_root, base)
            generic = run_crawl("generic", ["news", "-a", f"site={base}"], work / "generic.db", work, served)
        bare, bare_cpu_ms = bare_trafilatura(pages)
        mirror_root = work / "itpostnews"
        served = build_site_rule_mirror(mirror_root, options.site_rule_pages)
        with serve_mirror(mirror_root) as base:
            site_rule = run_crawl("site-rule", ["itpostnews", "-a", f"base_url={base}"], work / "site.db", work, served)

    result = {
        "pages": len(pages), "copies": options.copies,
        "generic": generic.to_dict(),
        "bare_trafilatura_pages_per_second": round(bare, 2),
        "bare_trafilatura_cpu_ms_per_page": round(bare_cpu_ms, 1),
        "generic_vs_trafilatura": round(generic.pages_per_second / bare, 3) if bare else None,
        # trafilatura's CPU per page over the crawl's (whole tree): 0.75 would give 1.5x on two idle cores
        "generic_vs_trafilatura_cpu": (round(bare_cpu_ms / generic.cpu_ms_per_page, 3)
                                       if generic.cpu_ms_per_page else None),
        "site_rule": site_rule.to_dict(),
        "site_rule_vs_generic": (round(site_rule.pages_per_second / generic.pages_per_second, 3)
                                 if generic.pages_per_second else None),
        "cpus": os.cpu_count(),
    }
    if options.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result, generic, site_rule, bare, bare_cpu_ms)
    return 0 if generic.returncode == 0 and site_rule.returncode == 0 else 1


def print_table(result: dict[str, Any], generic: CrawlFigures, site_rule: CrawlFigures, bare: float,
                bare_cpu_ms: float) -> None:
    print(f"{result['pages']} distinct pages x {result['copies']} copies; {result['cpus']} CPUs "
          "(a shared machine gives rough figures)")
    header = f"{'':<22}{'served':>8}{'fetched':>9}{'stored':>8}{'wall s':>8}{'pages/s':>9}{'stored/s':>9}" \
             f"{'CPU s':>8}{'CPU/wall':>9}{'CPU ms/page':>12}{'peak RSS MB':>12}"
    print(header)
    for figures in (generic, site_rule):
        print(f"{figures.label:<22}{figures.pages_served:>8}{figures.pages_fetched:>9}{figures.articles_stored:>8}"
              f"{figures.seconds:>8.1f}{figures.pages_per_second:>9.2f}{figures.stored_per_second:>9.2f}"
              f"{figures.cpu_seconds:>8.1f}{figures.cpu_share:>9.2f}{figures.cpu_ms_per_page:>12.0f}"
              f"{figures.peak_rss_mb:>12.0f}")
    print(f"bare trafilatura.extract (1 process): {bare:.2f} pages/s, {bare_cpu_ms:.0f} CPU ms/page")
    print(f"generic end to end / bare trafilatura: {result['generic_vs_trafilatura']} (pages/s), "
          f"{result['generic_vs_trafilatura_cpu']} (CPU per page, trafilatura's over the crawl's)")
    print(f"site-rule pages/s / generic pages/s: {result['site_rule_vs_generic']}")


if __name__ == "__main__":
    sys.exit(main())
