"""The ``harvester`` command: crawls and scheduled jobs, demo, extract, export, search, re-extraction and database upkeep.

Errors print one line, ``harvester: error: ...``, and exit non-zero; no tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from harvester.runner import CrawlResult

EXAMPLE_QUERY = """\
SELECT site, published_at, title, authors, tags
FROM article_details
ORDER BY published_at DESC LIMIT 10;"""


class CommandError(Exception):
    """A user-facing failure: printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harvester", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    crawl = commands.add_parser(
        "crawl", help="crawl sites once into the database (for cron and systemd timers): exit 0 on success"
    )
    crawl.add_argument("sites", nargs="*", metavar="SITE", help="spider names (see --all)")
    crawl.add_argument("--all", action="store_true", help="every site spider (not the generic news spider)")
    crawl.add_argument("--base-url", action="append", default=[], metavar="SITE=URL",
                       help="crawl SITE from a mirror with the real site's paths (repeatable)")
    crawl.add_argument("-a", dest="spider_args", action="append", default=[], metavar="NAME=VALUE",
                       help="spider argument for every site, e.g. -a site=https://example.com for news (repeatable)")
    crawl.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                       help="Scrapy setting, as with scrapy crawl -s (repeatable)")
    crawl.add_argument("--database", help="database URL")
    crawl.add_argument("--submit", action="store_true",
                       help="queue the site runs on the cluster (HARVESTER_FRONTIER_URL) for `harvester worker`s instead")
    crawl.add_argument("--workers", type=int, default=1, metavar="K", help="with --submit: K workers on each site run")

    worker = commands.add_parser("worker", help="serve site runs queued on the cluster (HARVESTER_FRONTIER_URL)")
    worker.add_argument("--slots", type=int, default=2, metavar="N", help="site runs at once (default 2)")
    worker.add_argument("--idle-exit", type=float, default=None, metavar="SECONDS",
                        help="exit after SECONDS with nothing queued or running (default: run until SIGTERM)")

    runs = commands.add_parser("runs", help="the crawl run history from crawl_runs, as a table")
    runs.add_argument("--site", help="only this spider's runs")
    runs.add_argument("--last", type=int, default=20, metavar="N", help="the last N runs (default 20)")
    runs.add_argument("--database", help="database URL")

    schedule = commands.add_parser(
        "schedule", help="run crawls on cron expressions or intervals from a TOML file until stopped"
    )
    schedule.add_argument("--config", type=Path, required=True, help="the schedule (TOML; see the README)")

    demo = commands.add_parser("demo", help="crawl the bundled offline mirrors into the database")
    demo.add_argument("--database", help="database URL (default: HARVESTER_DATABASE_URL or sqlite:///harvest.db)")

    extract = commands.add_parser("extract", help="extract one saved page and print it as JSON")
    extract.add_argument("file", type=Path)
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--site", help="site key whose rules to use (default: generic extraction)")

    export = commands.add_parser("export", help="write the stored articles (or revisions) as JSON lines, CSV or Parquet")
    export.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl")
    export.add_argument("--site", help="only this site's articles")
    export.add_argument("--since", type=_since, metavar="DATE",
                        help="only articles new or changed since DATE (with --revisions: revisions fetched since DATE)")
    export.add_argument("--revisions", action="store_true", help="every stored revision instead of the current articles")
    export.add_argument("--output", type=Path, help="file to write (default: standard output; required for Parquet)")
    export.add_argument("--database", help="database URL")

    search = commands.add_parser("search", help="full-text search of the stored articles, best matches first")
    search.add_argument("query", help="words to find (all of them, stemmed)")
    search.add_argument("--site", help="only this site's articles")
    search.add_argument("--since", type=_since, metavar="DATE", help="only articles published (or first seen) since DATE")
    search.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    search.add_argument("--database", help="database URL")

    reextract = commands.add_parser(
        "reextract", help="re-run the extractor over the archived raw pages (no network); print how many changed"
    )
    reextract.add_argument("--site", help="only this site's articles")
    reextract.add_argument("--since", type=_since, metavar="DATE", help="only pages fetched since DATE")
    reextract.add_argument("--database", help="database URL")

    mirror = commands.add_parser("mirror", help="the bundled offline mirrors of the sites")
    mirror_commands = mirror.add_subparsers(dest="mirror_command", required=True, metavar="ACTION")
    serve = mirror_commands.add_parser(
        "serve", help="serve a bundled mirror on 127.0.0.1 (for scrapy crawl SITE -a base_url=URL) until Ctrl-C"
    )
    serve.add_argument("site", metavar="SITE", help="the mirror's site key")
    serve.add_argument("--port", type=int, default=0, help="the port (default: a free one)")

    browse = commands.add_parser("browse", help="open the SQLite store in Datasette (search, facets, SQL recipes)")
    browse.add_argument("--port", type=int, default=8001, help="the port (default 8001; 0: a free one)")
    browse.add_argument("--database", help="database URL")

    db = commands.add_parser("db", help="database schema upkeep")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="bring the database to the current schema")
    upgrade.add_argument("--database", help="database URL")
    current = db_commands.add_parser("current", help="print the database's schema revision")
    current.add_argument("--database", help="database URL")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "crawl": cmd_crawl,
        "worker": cmd_worker,
        "runs": cmd_runs,
        "schedule": cmd_schedule,
        "demo": cmd_demo,
        "extract": cmd_extract,
        "export": cmd_export,
        "search": cmd_search,
        "reextract": cmd_reextract,
        "db": cmd_db,
        "mirror": cmd_mirror,
        "browse": cmd_browse,
    }
    from harvester.db import DatabaseUrlError, StoreUnavailable
    from harvester.quick_exit import exit_after_cleanup

    try:
        code = handlers[args.command](args)
        if argv is None:  # the `harvester` command itself, not a caller in Python: the process ends here
            exit_after_cleanup(code)
        return code
    except (CommandError, StoreUnavailable, DatabaseUrlError) as exc:
        print(f"harvester: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("harvester: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`harvester export | head`): stop quietly, as Unix tools do.
        # Standard output is pointed at /dev/null so the interpreter's last flush cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def _since(value: str) -> datetime:
    """A ``--since`` value: an ISO date or date-time; without an offset it is UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD or an ISO date-time)") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _database_url(args: argparse.Namespace) -> str:
    """``--database``, else the project's ``DATABASE_URL`` setting (which holds
    ``HARVESTER_DATABASE_URL`` when set), else the default: the command line wins."""
    import importlib

    from harvester.db import resolve_database_url

    if getattr(args, "database", None):
        return resolve_database_url(args.database)
    # The project settings module itself (what Scrapy loads at project priority), without
    # importing Scrapy for commands that only read the store.
    settings = importlib.import_module(os.environ.get("SCRAPY_SETTINGS_MODULE") or "harvester.settings")
    return resolve_database_url(getattr(settings, "DATABASE_URL", None))


def cmd_extract(args: argparse.Namespace) -> int:
    from harvester.extraction import extract
    from harvester.extraction.registry import site_rules

    try:
        html = args.file.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror}") from None
    rules = None
    if args.site:
        try:
            rules = site_rules(args.site)
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
    result = extract(html, args.url, rules)
    record = result.to_dict()
    record["page_class"] = result.page_class.value
    json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from harvester.db import iter_articles
    from harvester.db.queries import EXPORT_FIELDS, REVISION_FIELDS, iter_revisions
    from harvester.export import ParquetUnavailable, write_export, write_parquet

    if args.format == "parquet" and args.output is None:
        raise CommandError("Parquet is binary: give a file with --output")
    with _opened_store(args) as engine:
        _check_site(engine, args.site)
        if args.revisions:
            records, fields, noun = iter_revisions(engine, site=args.site, since=args.since), REVISION_FIELDS, "revisions"
        else:
            records, fields, noun = iter_articles(engine, site=args.site, since=args.since), EXPORT_FIELDS, "articles"
        if args.format == "parquet":
            try:
                count = write_parquet(records, args.output, fields)
            except ParquetUnavailable as exc:
                raise CommandError(str(exc)) from None
            except OSError as exc:
                raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        else:
            with _output(args.output) as out:
                count = write_export(records, args.format, out, fields)
    print(f"exported {count} {noun}", file=sys.stderr)
    return 0


def _opened_store(args: argparse.Namespace, *, write: bool = False):  # type: ignore[no-untyped-def]
    """The command's database (``--database`` or the configured one), see ``_opened_store_at``."""
    return _opened_store_at(_database_url(args), write=write)


@contextlib.contextmanager
def _opened_store_at(url: str, *, write: bool):  # type: ignore[no-untyped-def]
    """An engine on the database at the current schema; a command that only reads never
    creates one (``write``: a new database is created and must be writable). Every database
    failure, then or while the command runs, becomes one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from harvester.db import open_database
    from harvester.db.engine import database_error_line

    engine = open_database(url, write=write)
    try:
        yield engine
    except SQLAlchemyError as exc:
        raise CommandError(database_error_line(url, exc)) from None
    finally:
        engine.dispose()


def _check_site(engine: Engine, site: str | None, *, runs: bool = False) -> None:
    """An unknown ``--site`` is an error listing the known ones (spiders and stored sites)."""
    if site is None:
        return
    from harvester.db.queries import known_sites

    stored = set(known_sites(engine, runs=runs))
    if site in stored:
        return  # known to the store: no need to load every spider (and Scrapy) to say so
    from harvester.runner import spider_names

    known = sorted(set(spider_names()) | stored)
    if site not in known:
        raise CommandError(f"unknown site {site!r} (known: {', '.join(known)})")


def cmd_search(args: argparse.Namespace) -> int:
    from harvester.db.search import query_words, search

    if not query_words(args.query):
        raise CommandError("the query has no words to search for")
    with _opened_store(args) as engine:
        _check_site(engine, args.site)
        hits = search(engine, args.query, site=args.site, since=args.since, limit=args.limit)
    for number, hit in enumerate(hits, start=1):
        date = hit.published_at.date().isoformat() if hit.published_at else "undated"
        print(f"{number}. {hit.title}")
        print(f"   {hit.site} · {date} · {hit.url}")
        print(f"   {' '.join(hit.snippet.split())}")
        print()
    print(f"{len(hits)} match{'es' if len(hits) != 1 else ''}", file=sys.stderr)
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    from harvester.db import ArticleStore
    from harvester.db.reextract import reextract
    from harvester.extraction import SiteRules, extract
    from harvester.extraction.registry import site_rules

    rules: dict[str, SiteRules | None] = {}

    def extract_page(site: str, html: bytes, url: str):  # type: ignore[no-untyped-def]
        if site not in rules:
            try:
                rules[site] = site_rules(site)
            except KeyError:
                print(f"harvester: no spider for site {site!r}: generic extraction", file=sys.stderr)
                rules[site] = None
        return extract(html, url, rules[site])

    from harvester.db.boilerplate import LearnedStripper
    from harvester.extraction.learned import Thresholds

    with _opened_store(args) as engine:
        _check_site(engine, args.site)
        learned = LearnedStripper(engine, Thresholds.from_settings(os.environ))
        report = reextract(ArticleStore(engine), extract_page, site=args.site, since=args.since, learned=learned)
    for url, why in report.refused:
        print(f"kept as stored: {url} ({why})", file=sys.stderr)
    for site in report.locked_sites:
        print(f"not re-extracted: {site} (a crawl of it is running; try again when it has finished)", file=sys.stderr)
    print(
        f"{report.changed} articles changed ({report.revisions} new revisions) of {report.examined} re-extracted; "
        f"{report.unchanged} unchanged, {len(report.refused)} kept as stored, "
        f"{report.without_raw_page} without an archived page"
    )
    if report.write_failed:
        raise CommandError(f"the database refused {len(report.write_failed)} write(s), first: "
                           f"{report.write_failed[0][0]} ({report.write_failed[0][1]})")
    return 0


@contextlib.contextmanager
def _output(path: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        yield sys.stdout
        return
    try:
        handle: TextIO = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    with handle:
        yield handle


def cmd_db(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from harvester.db import current_revision, make_engine, redact_url, upgrade
    from harvester.db.engine import database_error_line
    from harvester.db.url import check_sqlite_path

    url = _database_url(args)
    # `db current` only reads: a missing file is an error; `db upgrade` may create the database.
    check_sqlite_path(url, must_exist=args.db_command != "upgrade")
    try:
        if args.db_command == "upgrade":
            upgrade(url)
        engine = make_engine(url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        raise CommandError(database_error_line(url, exc)) from None
    print(f"{redact_url(url)}: schema revision {revision or 'none'}")
    return 0


def _pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``NAME=VALUE`` options as a dict; a value without ``=`` is a usage error."""
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"{option} {value!r}: expected NAME=VALUE")
        pairs[name.strip()] = rest
    return pairs


def cmd_crawl(args: argparse.Namespace) -> int:
    from scrapy.spiderloader import SpiderLoader

    from harvester.runner import argument_problem, crawl, project_settings, spider_names

    settings = _pairs(args.settings, "-s")
    spider_args = _pairs(args.spider_args, "-a")
    base_urls = _pairs(args.base_url, "--base-url")
    known = spider_names(project_settings())
    sites = list(dict.fromkeys(args.sites + ([name for name in known if name != "news"] if args.all else [])))
    if not sites:
        raise CommandError("no site to crawl: name one or more (" + ", ".join(known) + ") or use --all")
    unknown = [site for site in sites + list(base_urls) if site not in known]
    if unknown:
        raise CommandError(f"unknown site {unknown[0]!r} (known: {', '.join(known)})")
    jobs = {site: dict(spider_args, **({"base_url": base_urls[site]} if site in base_urls else {})) for site in sites}
    loader = SpiderLoader.from_settings(project_settings())
    for site, arguments in jobs.items():
        refused = argument_problem(loader.load(site), arguments)
        if refused:
            raise CommandError(f"{site}: {refused}")
    if args.submit:
        return _submit(sites, spider_args, base_urls, settings, args.workers)
    # The command line wins: --database, then -s DATABASE_URL, then the environment and project settings.
    url = _database_url(argparse.Namespace(database=args.database or settings.pop("DATABASE_URL", None)))
    with _opened_store_at(url, write=True):
        pass  # checked (or created) before any crawl starts
    on_terminal = sys.stderr.isatty()
    overrides: dict[str, object] = {"DATABASE_URL": url, "HARVESTER_PROGRESS_INTERVAL": 1 if on_terminal else 15}
    if on_terminal:
        overrides["LOG_LEVEL"] = "WARNING"  # the progress line, warnings and errors
    overrides.update(settings)
    results = crawl(jobs, overrides)
    failures = []
    for result in results:
        print(_crawl_line(result), file=sys.stderr)
        problem = _crawl_problem(result)
        if problem:
            failures.append(f"{result.site}: {problem}")
    if failures:
        raise CommandError("; ".join(failures))
    return 0


def _submit(
    sites: list[str], spider_args: dict[str, str], base_urls: dict[str, str], settings: dict[str, str], workers: int
) -> int:
    """``harvester crawl --submit``: queue the site runs on the cluster for ``harvester worker``s."""
    from harvester.cluster.jobs import SiteRun, submit

    url = settings.pop("HARVESTER_FRONTIER_URL", None) or os.environ.get("HARVESTER_FRONTIER_URL", "").strip()
    if not url:
        raise CommandError("--submit needs HARVESTER_FRONTIER_URL (environment or -s)")
    if "DATABASE_URL" in settings:
        raise CommandError("--submit: the database is each worker's (HARVESTER_DATABASE_URL), not the job's")
    runs = [SiteRun(site, dict(spider_args, **({"base_url": base_urls[site]} if site in base_urls else {})), settings)
            for site in sites]
    queued = submit(url, runs, workers)
    print(f"queued {queued} site runs ({len(runs)} sites x {max(1, workers)} workers)", file=sys.stderr)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from harvester.cluster.config import frontier_url
    from harvester.cluster.jobs import serve
    from harvester.runner import project_settings, spider_names

    settings = project_settings()
    url = frontier_url(settings)
    if not url:
        raise CommandError("harvester worker needs HARVESTER_FRONTIER_URL (redis://...)")
    if args.slots < 1:
        raise CommandError("--slots must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    return serve(url, args.slots, set(spider_names(settings)), idle_exit=args.idle_exit)


def _crawl_problem(result: CrawlResult) -> str | None:
    """Why a crawl failed, or None: it finished (or was skipped: another run holds the lock)."""
    from harvester.outcomes import Outcomes

    if result.finish_reason == "skipped":
        return None
    status = result.stats.get("harvester/run_status")
    left = result.stats.get("harvester/store/left_in_spool", 0)
    failed = result.stats.get("harvester/store/failed", 0)
    if status == "failed" or failed or left:
        detail = str(result.stats.get("harvester/run_status_detail") or "crawl ended: failed")
        if failed or left:
            detail = f"articles could not be stored ({failed} refused, {left} kept in the spool for the next run): {detail}"
        if not result.stats.get("response_received_count") and "no page" in detail:
            errors = sum(v for k, v in result.stats.items() if k.startswith("harvester/error/") and isinstance(v, int))
            detail = f"no page could be fetched ({errors} failed fetches)"
        return " ".join(detail.split())
    if result.finish_reason != "finished":
        return f"crawl ended: {result.finish_reason}"
    if not result.stats.get("response_received_count"):
        return f"no page could be fetched ({Outcomes.of_stats(result.stats).failed} failed)"
    return None


def cmd_runs(args: argparse.Namespace) -> int:
    from harvester.db.runs import recent_runs, run_outcome_counts
    from harvester.outcomes import OUTCOMES, Outcomes

    with _opened_store(args) as engine:
        _check_site(engine, args.site, runs=True)
        rows = recent_runs(engine, spider=args.site, last=args.last)
        counts = run_outcome_counts(engine, [row.id for row in rows])
    header = ("run", "site", "status", "started (UTC)", "seconds", "pages", *(short for _, _, short in OUTCOMES))
    table = [header]
    for row in rows:
        seconds = f"{(row.finished_at - row.started_at).total_seconds():.1f}" if row.finished_at else "-"
        outcomes = Outcomes.of_fetch_log(row.pages_fetched, counts[row.id])
        cells = {name: str(getattr(outcomes, name)) for name, _, _ in OUTCOMES}
        # "skipped" (known articles not fetched at all) leaves no fetch_log row: the run's row has it
        # when the run ended normally ("-": unknown, e.g. a crashed or a distributed run)
        cells["skipped"] = "-" if row.articles_skipped is None else str(row.articles_skipped)
        table.append((
            str(row.id), row.spider, row.status, row.started_at.strftime("%Y-%m-%d %H:%M:%S"), seconds,
            str(row.pages_fetched), *(cells[name] for name, _, _ in OUTCOMES),
        ))
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        cells = [cell.ljust(width) if i < 4 else cell.rjust(width) for i, (cell, width) in enumerate(zip(line, widths))]
        print("  ".join(cells).rstrip())
    print(f"{len(rows)} run{'s' if len(rows) != 1 else ''}", file=sys.stderr)
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    import logging

    from harvester.schedule import ConfigError, load_schedule, run_schedule

    try:
        schedule = load_schedule(args.config)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    from harvester.runner import project_settings, spider_names

    known = spider_names(project_settings())
    unknown = [job.spider for job in schedule.jobs if job.spider not in known]
    if unknown:
        raise CommandError(f"{args.config}: unknown site {unknown[0]!r} (known: {', '.join(known)})")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    run_schedule(schedule)
    return 0


def cmd_mirror(args: argparse.Namespace) -> int:
    import threading

    from harvester.mirror_server import MIRROR_SITES, bundled_mirror, serve_mirror

    if args.site not in MIRROR_SITES:
        raise CommandError(f"no bundled mirror for site {args.site!r} (mirrors: {', '.join(MIRROR_SITES)})")
    try:
        server = serve_mirror(bundled_mirror(args.site), port=args.port)
        base = server.__enter__()
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    try:
        print(f"serving the {args.site} mirror at {base}", flush=True)
        print(f"crawl it with: scrapy crawl {args.site} -a base_url={base}   (Ctrl-C stops the server)",
              file=sys.stderr, flush=True)
        stop = threading.Event()
        # Ctrl-C and SIGTERM stop the server, also when SIGINT was ignored by whatever started this
        # process (a background job of a non-interactive shell inherits SIGINT ignored)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.wait(0.5):
            pass
    finally:
        server.__exit__(None, None, None)
    print("stopped", file=sys.stderr)
    return 0


def cmd_browse(args: argparse.Namespace) -> int:
    from harvester.browse import SQLITE_ONLY, BrowseUnavailable, serve
    from harvester.db.url import sqlite_path

    url = _database_url(args)
    if sqlite_path(url) is None:
        raise CommandError(SQLITE_ONLY)
    with _opened_store_at(url, write=False):
        pass  # the store exists and is at the current schema
    try:
        return serve(url, port=args.port)
    except BrowseUnavailable as exc:
        raise CommandError(str(exc)) from None


def cmd_demo(args: argparse.Namespace) -> int:
    url = _database_url(args)
    with _opened_store_at(url, write=True) as engine:
        return _run_demo(url, engine)


def _run_demo(url: str, engine: Engine) -> int:
    from harvester.db import redact_url, site_summary
    from harvester.mirror_server import MIRROR_SITES, bundled_mirror, serve_mirror
    from harvester.runner import LOOPBACK_SETTINGS, crawl

    with contextlib.ExitStack() as stack:
        base_urls = {site: stack.enter_context(serve_mirror(bundled_mirror(site))) for site in MIRROR_SITES}
        for site, base in base_urls.items():
            print(f"serving the {site} mirror at {base}", file=sys.stderr)
        overrides = dict(LOOPBACK_SETTINGS, DATABASE_URL=url, LOG_LEVEL="ERROR")
        results = crawl({site: {"base_url": base} for site, base in base_urls.items()}, overrides)
    for result in results:
        print(_crawl_line(result), file=sys.stderr)
    print(
        "(each mirror keeps one page missing on purpose, the 1 failed fetch, and pages that are not articles\n"
        " (listings, soft 404s, paywalls, stubs for pages outside the mirror) to show how they are recorded:\n"
        " see `harvester runs` and the fetch_log table)", file=sys.stderr,
    )
    failed = [r for r in results if r.finish_reason != "finished"]
    _print_summary(site_summary(engine), redact_url(url))
    if failed:
        raise CommandError(", ".join(f"{r.site} crawl ended: {r.finish_reason}" for r in failed))
    return 0


def _crawl_line(result: CrawlResult) -> str:
    """One line of what a crawl saw, from its stats, in the shared vocabulary."""
    from harvester.outcomes import Outcomes

    return f"{result.site}: {Outcomes.of_stats(result.stats).describe()} ({result.finish_reason})"


def _print_summary(rows: list[tuple[str, int, int]], url: str) -> None:
    print(f"\nArticles in {url}:\n")
    print(f"{'site':<18}{'articles':>10}{'words':>10}")
    for site, articles, words in rows:
        print(f"{site:<18}{articles:>10}{words:>10}")
    print(f"{'total':<18}{sum(r[1] for r in rows):>10}{sum(r[2] for r in rows):>10}")
    print("\nTry a query (sqlite3 harvest.db, or psql on PostgreSQL; more in the README's SQL recipes):\n")
    print(EXAMPLE_QUERY)
    print("\nOr browse and search it: harvester browse   (once: pip install -e '.[browse]')")


if __name__ == "__main__":
    raise SystemExit(main())
