"""Holding a site's first articles back until its boilerplate can be learned.

The store writer hands ``HoldBack.offer`` each extracted article of a crawl, in order. Every
article is observed (its blocks counted for its site, see ``learned.SiteBlocks``). While a site
has fewer than ``warmup`` observed pages (earlier runs' pages included), its articles are held;
the offer that makes the site warm returns all of them, stripped of what was learned by then, and
later articles come back stripped at once. ``flush`` (end of the run) returns everything still
held, stripped with what was learned. A site with knowledge from earlier runs is warm from its
first article on when those runs observed ``warmup`` pages.

Articles released early are stripped with what ``warmup`` pages taught; a block that passes the
thresholds only later is removed from later articles, and from the earlier ones by
``harvester reextract``. Holding back in memory loses nothing on a crash: the spool entries of
held articles are not marked committed until the writer has written them.

Pure module: no Scrapy, no database. The writer supplies ``knowledge`` (a site key -> the
``SiteBlocks`` stored by earlier runs, see ``harvester.db.boilerplate.load_site_blocks``) and
saves ``sites()`` back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from harvester.extraction.learned import SiteBlocks, Stripped, Thresholds
from harvester.extraction.model import Article

T = TypeVar("T")


@dataclass
class Released(Generic[T]):
    """An article let through: the caller's ``item``, the site, and the stripped article."""

    item: T
    site: str
    stripped: Stripped

    @property
    def article(self) -> Article:
        return self.stripped.article


class HoldBack(Generic[T]):
    """Per-site learning and release of articles (see the module doc). Not thread-safe: one
    writer thread owns it."""

    def __init__(
        self,
        thresholds: Thresholds | None = None,
        knowledge: Callable[[str], SiteBlocks | None] | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self._knowledge = knowledge
        self._sites: dict[str, SiteBlocks] = {}
        self._held: dict[str, list[tuple[T, Article]]] = {}

    def blocks(self, site: str) -> SiteBlocks:
        """The site's knowledge: loaded once through ``knowledge``, else new."""
        known = self._sites.get(site)
        if known is None:
            known = (self._knowledge(site) if self._knowledge else None) or SiteBlocks(site, self.thresholds)
            self._sites[site] = known
        return known

    def sites(self) -> dict[str, SiteBlocks]:
        """Every site seen so far and what it taught (for saving)."""
        return dict(self._sites)

    def is_warm(self, site: str) -> bool:
        return self.blocks(site).page_count >= self.thresholds.warmup

    def held(self, site: str | None = None) -> int:
        """How many articles are held (of ``site``, or of all sites)."""
        if site is not None:
            return len(self._held.get(site, []))
        return sum(len(items) for items in self._held.values())

    def offer(self, site: str, article: Article, item: T, at: datetime | None = None) -> list[Released[T]]:
        """Observe ``article`` and return what can be released now (possibly nothing, possibly
        more than this article), in the order offered."""
        known = self.blocks(site)
        known.observe(article.url, article.body, at)
        if not self.is_warm(site):
            self._held.setdefault(site, []).append((item, article))
            return []
        released = self._release(site)
        released.append(Released(item, site, known.strip_report(article)))
        return released

    def flush(self) -> list[Released[T]]:
        """Everything still held, stripped with what was learned (end of a run)."""
        released: list[Released[T]] = []
        for site in list(self._held):
            released.extend(self._release(site))
        return released

    def _release(self, site: str) -> list[Released[T]]:
        known = self.blocks(site)
        held = self._held.pop(site, [])
        return [Released(item, site, known.strip_report(article)) for item, article in held]
