"""``scrapy crawl`` for this project: Scrapy's command, with one-line errors before crawling.

An unknown spider, or a store the crawl could not write to (a bad URL, a corrupted or read-only
database, one at an older schema), is one line on standard error and exit code 1, instead of a
traceback or a crawl that fails in the middle.
"""

from __future__ import annotations

import argparse
import sys

# Imported now, while few modules are loaded: it makes deprecated aliases whose creation walks the
# call stack and every loaded module (inspect.stack, inspect.getmodule), about 45 ms later on.
import scrapy.core.downloader.contextfactory  # noqa: F401
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.spiderloader import get_spider_loader

from harvester.db import StoreUnavailable, open_database, resolve_database_url
from harvester.quick_exit import exit_after_cleanup
from harvester.runner import argument_problem


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        problem = self._problem(args, opts)
        if problem:
            print(f"scrapy crawl: error: {problem}", file=sys.stderr)
            self.exitcode = 1
            return
        super().run(args, opts)
        exit_after_cleanup(self.exitcode)  # the crawl is over and written: skip the interpreter's teardown

    def _problem(self, args: list[str], opts: argparse.Namespace) -> str | None:
        """Why the crawl cannot start, or None (Scrapy's own usage errors are left to it)."""
        if len(args) != 1:
            return None
        assert self.settings is not None
        loader = get_spider_loader(self.settings)
        known = sorted(loader.list())
        if args[0] not in known:
            return f"unknown spider {args[0]!r} (known: {', '.join(known)})"
        refused = argument_problem(loader.load(args[0]), getattr(opts, "spargs", {}))
        if refused:
            return f"{args[0]}: {refused}"
        if not self.settings.getbool("HARVESTER_STORE_ENABLED", True):
            return None
        try:
            open_database(resolve_database_url(self.settings.get("DATABASE_URL")), write=True).dispose()
        except StoreUnavailable as exc:
            return str(exc)
        return None
