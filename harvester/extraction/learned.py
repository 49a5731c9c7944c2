"""Boilerplate learned from a site itself: blocks that recur at the same place on many of its pages.

A single page cannot tell a site's disclaimer, newsletter pitch or author bio from article text
when no class name or rule names it. Many pages of one site can: those blocks recur verbatim (or
with only numbers changed, "© 2026") at the same place of the body on a large share of the site's
articles, while real text does not. ``SiteBlocks`` counts, per site, on how many distinct pages
each block was seen at each place, and ``strip`` removes the blocks that pass both thresholds
from an article's ``body`` and ``body_html``.

Rules (documented in docs/learned-boilerplate.md):

* A block is one body paragraph (a paragraph, heading, list item, table row, caption ...). Its
  key is a hash of its text normalised by NFKC, case folding and whitespace collapsed, and with
  every run of digits -> "0" when there are at most two (not in table rows), so "© 2025 Example"
  and "© 2026 Example" share a key while two days' price tables do not.
* Its place is ``head`` (one of the first ``EDGE`` paragraphs), ``tail`` (one of the last
  ``EDGE``) or ``middle``; in a short body a paragraph nearer the end than the start is ``tail``.
* Each (key, place) counts once per distinct page (the same URL observed twice counts once).
* A key is boilerplate when at one place it was seen on at least ``min_pages`` pages AND on at
  least ``min_share`` of the site's pages observed since it first appeared (but of no fewer than
  ``window`` pages, or all of the site's pages when it has fewer): a quote that two articles share,
  or a statement that a handful of follow-ups repeat, stays; a disclaimer on every page goes, and a
  new disclaimer is learned without waiting for it to cover 30% of the site's whole history.
* Learning is by place, removal is not: once a key is boilerplate it is removed wherever it
  appears in a body (a disclaimer learned at the tail is still removed when a trailing bio or
  another box pushes it into the middle of one page). Verbatim repetition at that rate is template
  text, wherever the template put it.
* In ``body_html`` an element goes only when every paragraph in it is learned (a ``<p>`` holding a
  kept line stays whole; bare text at the top level stays), and lists, quotes, figures and tables
  left empty go with it.
* An article is never stripped to nothing: when every paragraph would go, it is kept as it was
  and the result says so.

Pure module: no Scrapy, no database.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from harvester.extraction.cleaning import CELL_SEPARATOR, paragraphs_of
from harvester.extraction.model import Article

log = logging.getLogger(__name__)

Position = Literal["head", "middle", "tail"]
POSITIONS: tuple[Position, ...] = ("head", "middle", "tail")

EDGE = 3
"""Paragraphs this close to the start (end) of a body are at its head (tail)."""

MIN_PAGES = 5
"""A block must be seen on at least this many distinct pages of a site (a quote shared by a few
articles on one story never reaches it)."""

MIN_SHARE = 0.3
"""... and on at least this share of the site's pages observed since it first appeared."""

WINDOW = 100
"""The share is taken over at least this many pages (or all pages of the site, when fewer), so a
block that a run of consecutive follow-ups repeat is not boilerplate for being on all five of them."""

WARMUP = 8
"""``HoldBack`` holds a site's articles until this many of its pages were observed."""

MAX_SINGLETONS = 50_000
"""At most this many blocks seen on one page only are remembered per site (the oldest go first)."""

MAX_VARYING_NUMBERS = 2
"""Blocks with more runs of digits than this are data (scores, prices, tables): digits kept in keys."""

_DIGITS = re.compile(r"\d+")


def normalised_block(text: str) -> str:
    """The text a block key is made of: NFKC, case-folded, whitespace collapsed, and digit runs -> "0"
    when the block has at most ``MAX_VARYING_NUMBERS`` of them and is not a table row (so "© 2026"
    matches "© 2025", but the rows of two days' price tables stay apart)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    collapsed, runs = _DIGITS.subn("0", text)
    if runs <= MAX_VARYING_NUMBERS and CELL_SEPARATOR not in text:
        text = collapsed
    return " ".join(text.split())


@functools.lru_cache(maxsize=16_384)
def block_key(text: str) -> str:
    """A stable 16-hex-digit key of a block's normalised text (equal for near-verbatim repeats)."""
    return hashlib.blake2b(normalised_block(text).encode("utf-8"), digest_size=8).hexdigest()


def position_of(index: int, count: int, edge: int = EDGE) -> Position:
    """The place of paragraph ``index`` (0-based) in a body of ``count`` paragraphs."""
    if not 0 <= index < count:
        raise ValueError(f"paragraph {index} is not in a body of {count}")
    from_start, from_end = index, count - 1 - index
    if from_end < edge and from_end <= from_start:
        return "tail"
    if from_start < edge:
        return "head"
    return "middle"


@dataclass
class BlockStats:
    """What is known about one block at one place of a site's bodies."""

    pages_seen: int
    first_page_no: int  # how many of the site's pages had been observed before this block's first
    first_seen: datetime
    last_seen: datetime
    sample_text: str = ""


@dataclass(frozen=True)
class Thresholds:
    """When a block is boilerplate, and when a held-back site is warm (see the module doc)."""

    min_pages: int = MIN_PAGES
    min_share: float = MIN_SHARE
    window: int = WINDOW
    warmup: int = WARMUP

    def __post_init__(self) -> None:
        if self.min_pages < 2:
            raise ValueError(f"min_pages must be at least 2 (a block on one page is never boilerplate), not {self.min_pages}")
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must be in (0, 1], not {self.min_share}")
        if self.window < 1 or self.warmup < 0:
            raise ValueError(f"window must be positive and warmup not negative ({self.window}, {self.warmup})")

    @classmethod
    def from_settings(cls, get: Any) -> Thresholds:
        """From a settings object with ``get(name, default)`` (Scrapy settings, ``os.environ``, a dict):
        HARVESTER_BOILERPLATE_MIN_PAGES, _MIN_SHARE, _WINDOW, _WARMUP."""
        lookup = get.get if hasattr(get, "get") else get

        def value(name: str, default: float, kind: type) -> Any:
            raw = lookup(f"HARVESTER_BOILERPLATE_{name}", None)
            if raw is None or raw == "":
                return default
            try:
                return kind(raw)
            except (TypeError, ValueError):
                raise ValueError(f"HARVESTER_BOILERPLATE_{name}: not a number: {raw!r}") from None

        return cls(
            min_pages=value("MIN_PAGES", MIN_PAGES, int),
            min_share=value("MIN_SHARE", MIN_SHARE, float),
            window=value("WINDOW", WINDOW, int),
            warmup=value("WARMUP", WARMUP, int),
        )


@dataclass
class Stripped:
    """The result of stripping one article."""

    article: Article
    removed: list[str] = field(default_factory=list)  # the removed paragraphs, in order
    kept_original: bool = False  # everything would have gone: the article was kept as it was
    reason: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class SiteBlocks:
    """What one site's pages taught: per (block key, place), on how many distinct pages it was seen."""

    def __init__(self, site: str, thresholds: Thresholds | None = None) -> None:
        self.site = site
        self.thresholds = thresholds or Thresholds()
        self.blocks: dict[tuple[str, Position], BlockStats] = {}
        self.pages: set[str] = set()  # page keys (URLs) observed
        self.persisted_pages = 0  # pages observed in earlier runs whose keys were not loaded
        self._singletons = 0
        # Not saved yet (see harvester.db.boilerplate): pages observed, blocks whose counts changed.
        self.unsaved_pages: dict[str, datetime] = {}
        self.unsaved_blocks: set[tuple[str, Position]] = set()

    # -- learning -------------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self.pages) + self.persisted_pages

    def has_observed(self, page_key: str) -> bool:
        return page_key in self.pages

    def observe(self, page_key: str, paragraphs: Iterable[str], at: datetime | None = None) -> bool:
        """Count the blocks of one page; False (nothing counted) when the page was observed before."""
        if page_key in self.pages:
            return False
        texts = [p for p in paragraphs if p and p.strip()]
        page_no = self.page_count
        self.pages.add(page_key)
        when = at or _now()
        self.unsaved_pages[page_key] = when
        seen: set[tuple[str, Position]] = set()
        for index, text in enumerate(texts):
            entry = (block_key(text), position_of(index, len(texts)))
            if entry in seen:
                continue
            seen.add(entry)
            stats = self.blocks.get(entry)
            if stats is None:
                self.blocks[entry] = BlockStats(1, page_no, when, when)
                self._singletons += 1
                continue
            if stats.pages_seen == 1:
                self._singletons -= 1
            self.unsaved_blocks.add(entry)
            stats.pages_seen += 1
            stats.last_seen = when
            if not stats.sample_text:
                stats.sample_text = text
        self._prune()
        return True

    def _prune(self) -> None:
        """Forget the oldest blocks seen on one page only, beyond ``MAX_SINGLETONS``."""
        if self._singletons <= MAX_SINGLETONS:
            return
        for entry in list(self.blocks):
            if self._singletons <= MAX_SINGLETONS * 0.9:
                break
            if self.blocks[entry].pages_seen == 1:
                del self.blocks[entry]
                self._singletons -= 1

    def mark_saved(self) -> None:
        """Everything observed so far is in the store."""
        self.unsaved_pages.clear()
        self.unsaved_blocks.clear()

    def unsaved(self) -> list[tuple[str, Position, BlockStats]]:
        """Blocks seen on two or more pages whose counts changed since the last ``mark_saved``."""
        rows = []
        for entry in self.unsaved_blocks:
            stats = self.blocks.get(entry)
            if stats is not None and stats.pages_seen >= 2:
                rows.append((entry[0], entry[1], stats))
        return rows

    def add_known_pages(self, pages: Iterable[str] | int) -> None:
        """Add the pages earlier runs observed: their keys (so that they are not counted again), or
        only how many there were (enough to decide, not to observe further)."""
        if isinstance(pages, int):
            self.persisted_pages += pages
        else:
            self.pages.update(pages)

    def add_known(self, key: str, position: Position, stats: BlockStats) -> None:
        """Add what an earlier run stored about one block (see ``harvester.db.boilerplate``)."""
        self.blocks[(key, position)] = stats
        if stats.pages_seen == 1:
            self._singletons += 1

    # -- deciding -------------------------------------------------------------------------------

    def share(self, stats: BlockStats) -> float:
        """The share of the site's pages, observed since the block first appeared, that hold it."""
        total = self.page_count
        since = max(total - stats.first_page_no, min(total, self.thresholds.window), 1)
        return stats.pages_seen / since

    def passes(self, stats: BlockStats) -> bool:
        t = self.thresholds
        return stats.pages_seen >= t.min_pages and self.share(stats) >= t.min_share

    def is_boilerplate(self, key: str) -> bool:
        """True when the block with this key passes both thresholds at one of its places."""
        for position in POSITIONS:
            stats = self.blocks.get((key, position))
            if stats is not None and self.passes(stats):
                return True
        return False

    def boilerplate_among(self, paragraphs: Iterable[str]) -> set[str]:
        """The keys of the ``paragraphs`` that are boilerplate now (cost: a few lookups each)."""
        return {key for key in {block_key(p) for p in paragraphs} if self.is_boilerplate(key)}

    def learned(self) -> list[tuple[str, Position, BlockStats]]:
        """The blocks that are boilerplate now, at the places where they passed, most seen first."""
        rows = [(key, pos, stats) for (key, pos), stats in self.blocks.items() if self.passes(stats)]
        return sorted(rows, key=lambda row: (-row[2].pages_seen, row[0], row[1]))

    def candidates(self) -> list[tuple[str, Position, BlockStats]]:
        """Blocks seen on two or more pages: what is worth keeping between runs."""
        return [(key, pos, stats) for (key, pos), stats in self.blocks.items() if stats.pages_seen >= 2]

    # -- removing -------------------------------------------------------------------------------

    def strip_report(self, article: Article) -> Stripped:
        """A copy of ``article`` without its learned blocks (see the module doc), and what went."""
        keys = self.boilerplate_among(article.body)
        if not keys:
            return Stripped(article)
        return strip_keys(article, keys)

    def strip(self, article: Article) -> Article:
        """``strip_report(article).article``."""
        result = self.strip_report(article)
        if result.kept_original:
            log.warning("learned boilerplate of %s left %s as it was: %s", self.site, article.url, result.reason)
        return result.article


def strip_keys(article: Article, keys: set[str] | frozenset[str]) -> Stripped:
    """``article`` without the body paragraphs whose block key is in ``keys``."""
    removed = [p for p in article.body if block_key(p) in keys]
    if not removed:
        return Stripped(article)
    body = [p for p in article.body if block_key(p) not in keys]
    if not any(p.strip() for p in body):
        return Stripped(article, [], True, f"all {len(article.body)} paragraphs are learned boilerplate")
    html = strip_html(article.body_html, keys) if article.body_html else article.body_html
    return Stripped(replace(article, body=body, body_html=html), removed)


_BLOCKISH = ("ul", "ol", "blockquote", "figure", "table", "thead", "tbody")


def strip_html(body_html: str, keys: set[str] | frozenset[str]) -> str:
    """``body_html`` (sanitized body HTML, see ``cleaning.sanitized_html``) without the elements
    whose every paragraph has a key in ``keys``; lists, quotes, figures and tables left empty go too."""
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return body_html
    paragraphs = paragraphs_of(root)
    kept_nodes = {p.node for p in paragraphs if block_key(p.text) not in keys}
    holders: set[HtmlElement] = set()
    for node in kept_nodes:  # an element holding a kept paragraph stays
        while node is not None:
            holders.add(node)
            node = node.getparent()
    changed = False
    for paragraph in paragraphs:
        node = paragraph.node
        if node is root or node in holders or block_key(paragraph.text) not in keys:
            continue
        if node.getparent() is None:
            continue
        _drop(node)
        changed = True
    if not changed:
        return body_html
    for el in list(root.iter(*_BLOCKISH)):
        if el.getparent() is not None and not "".join(el.itertext()).strip() and el.find(".//img") is None:
            _drop(el)
    inner = (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in root
    )
    return inner.strip()


def _drop(node: HtmlElement) -> None:
    """Remove ``node`` and its text; its tail (text after it) stays, without leading whitespace runs."""
    tail = node.tail
    node.tail = tail if tail and tail.strip() else None
    node.drop_tree()


def stripped_by(blocks: Mapping[str, SiteBlocks], site: str, article: Article) -> Stripped:
    """Strip ``article`` with the knowledge of ``site`` in ``blocks`` (unchanged for an unknown site)."""
    known = blocks.get(site)
    return known.strip_report(article) if known is not None else Stripped(article)
