"""The ``harvester`` command: demo, extract, export and database upkeep.

Errors print one line, ``harvester: error: ...``, and exit non-zero; no tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from harvester.runner import CrawlResult

EXAMPLE_QUERY = """\
SELECT s.key AS site, a.title, group_concat(au.name, ', ') AS authors
FROM articles a
JOIN sites s ON s.id = a.site_id
LEFT JOIN article_authors aa ON aa.article_id = a.id
LEFT JOIN authors au ON au.id = aa.author_id
GROUP BY a.id ORDER BY a.published_at DESC LIMIT 10;"""


class CommandError(Exception):
    """A user-facing failure: printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harvester", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="crawl the bundled offline mirrors into the database")
    demo.add_argument("--database", help="database URL (default: HARVESTER_DATABASE_URL or sqlite:///harvest.db)")

    extract = commands.add_parser("extract", help="extract one saved page and print it as JSON")
    extract.add_argument("file", type=Path)
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--site", help="site key whose rules to use (default: generic extraction)")

    export = commands.add_parser("export", help="write the stored articles as JSON lines or CSV")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--site", help="only this site's articles")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    export.add_argument("--database", help="database URL")

    db = commands.add_parser("db", help="database schema upkeep")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="bring the database to the current schema")
    upgrade.add_argument("--database", help="database URL")
    current = db_commands.add_parser("current", help="print the database's schema revision")
    current.add_argument("--database", help="database URL")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"demo": cmd_demo, "extract": cmd_extract, "export": cmd_export, "db": cmd_db}
    try:
        return handlers[args.command](args)
    except CommandError as exc:
        print(f"harvester: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("harvester: interrupted", file=sys.stderr)
        return 130


def _database_url(args: argparse.Namespace) -> str:
    from harvester.db import resolve_database_url

    return args.database or resolve_database_url()


def cmd_extract(args: argparse.Namespace) -> int:
    from harvester.extract import extract
    from harvester.runner import site_rules

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
    from sqlalchemy.exc import SQLAlchemyError

    from harvester.db import SchemaOutdated, ensure_schema, iter_articles, make_engine, redact_url
    from harvester.export import write_export

    url = _database_url(args)
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        with _output(args.output) as out:
            count = write_export(iter_articles(engine, site=args.site), args.format, out)
    except SchemaOutdated as exc:
        raise CommandError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise CommandError(f"database {redact_url(url)}: {exc.__class__.__name__}: {exc.orig or exc}") from None
    finally:
        engine.dispose()
    print(f"exported {count} articles", file=sys.stderr)
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

    url = _database_url(args)
    try:
        if args.db_command == "upgrade":
            upgrade(url)
        engine = make_engine(url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        raise CommandError(f"database {redact_url(url)}: {exc.__class__.__name__}: {exc}") from None
    print(f"{redact_url(url)}: schema revision {revision or 'none'}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from harvester.db import SchemaOutdated, ensure_schema, make_engine, redact_url, site_summary
    from harvester.mirror_server import MIRROR_SITES, bundled_mirror, serve_mirror
    from harvester.runner import LOOPBACK_SETTINGS, crawl

    url = _database_url(args)
    engine = make_engine(url)
    try:
        ensure_schema(engine)
    except SchemaOutdated as exc:
        raise CommandError(str(exc)) from None
    with contextlib.ExitStack() as stack:
        base_urls = {site: stack.enter_context(serve_mirror(bundled_mirror(site))) for site in MIRROR_SITES}
        for site, base in base_urls.items():
            print(f"serving the {site} mirror at {base}", file=sys.stderr)
        overrides = dict(LOOPBACK_SETTINGS, DATABASE_URL=url, LOG_LEVEL="ERROR")
        results = crawl({site: {"base_url": base} for site, base in base_urls.items()}, overrides)
    for result in results:
        print(_crawl_line(result), file=sys.stderr)
    failed = [r for r in results if r.finish_reason != "finished"]
    _print_summary(site_summary(engine), redact_url(url))
    engine.dispose()
    if failed:
        raise CommandError(", ".join(f"{r.site} crawl ended: {r.finish_reason}" for r in failed))
    return 0


def _crawl_line(result: CrawlResult) -> str:
    """One line of what a crawl saw, from its stats."""

    def total(prefix: str) -> int:
        return sum(v for k, v in result.stats.items() if k.startswith(prefix) and isinstance(v, int))

    return (
        f"{result.site}: {result.stats.get('response_received_count', 0)} pages fetched, "
        f"{total('harvester/stored/new')} new / {total('harvester/stored/changed')} changed / "
        f"{total('harvester/stored/unchanged')} unchanged articles, "
        f"{total('harvester/non_article/')} non-articles, {total('harvester/error/')} failed fetches "
        f"({result.finish_reason})"
    )


def _print_summary(rows: list[tuple[str, int, int]], url: str) -> None:
    print(f"\nArticles in {url}:\n")
    print(f"{'site':<18}{'articles':>10}{'words':>10}")
    for site, articles, words in rows:
        print(f"{site:<18}{articles:>10}{words:>10}")
    print(f"{'total':<18}{sum(r[1] for r in rows):>10}{sum(r[2] for r in rows):>10}")
    print("\nTry a query, e.g. with the sqlite3 shell on a SQLite store:\n")
    print(EXAMPLE_QUERY)


if __name__ == "__main__":
    raise SystemExit(main())
