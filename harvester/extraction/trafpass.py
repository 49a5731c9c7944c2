"""trafilatura's extraction cascade on a page tree we parsed, without the copies it makes for others.

``trafilatura.bare_extraction`` copies a tree it is handed (the caller's must stay intact), then
``_prepare_tree`` copies it again before cleaning (the raw tree feeds the later rescues) and once
more as a backup for the readability/justext comparison. Here (comments off: ``trafilatura_sequence``
never takes its forum-post branch then):

- the backup is made only for the comparison, which the fast pass skips;
- the pruned copy of the page is shared by the fast and the full pass, and a fast-pass stage that is
  its last known user changes it in place (``RawTree.take``); it is made again only when needed;
- the full pass after a fast one (``generic.trafilatura_body`` doubts the fast result) reuses the fast
  pass's own extraction when the two cannot differ (``RawTree.teaser_free``) and its page measure;
- lxml runs EXSLT ``re:test`` as a call back into Python per element: the raw-tree prunes run only
  when a class or id value of the page can match them, and the page measure selects its nodes from
  the values read in bulk (``basic_clean_nodes``);
- the options object is built once per process (its constructor reads settings one by one).

Everything else is trafilatura's own code, called in its own order: ``run`` returns what
``bare_extraction(tree, url=None, fast=..., output_format="xml", include_comments=False,
include_tables=True, include_links=True)`` returns (its ``body`` and ``raw_text``), for the
trafilatura version this mirrors (``MIRRORED_VERSION``; with any other version the generic path runs
``bare_extraction`` itself). tests/test_trafpass.py compares the two; on the 258 dev-set pages the
extraction output is the same field for field.
"""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml.etree import XPath, strip_tags
from lxml.html import HtmlElement

from harvester.extraction.pagetext import PageText

MIRRORED_VERSION = "2.3.1"
"""The trafilatura release whose ``bare_extraction`` / ``trafilatura_sequence`` this follows."""


@dataclass
class Extracted:
    """What ``bare_extraction`` returns in its ``Document`` and this module needs of it."""

    body: Any  # trafilatura's <body> tree (XML tag names)
    raw_text: str


_CLASSES = XPath(".//@class", smart_strings=False)
_IDS = XPath(".//@id", smart_strings=False)
_NAME_TESTS = re.compile(r"re:test\(@(?:id|class), '([^']*)'(?:, '(\w*)')?\)|contains\(@(?:id|class), '([^']*)'\)")


@lru_cache(maxsize=None)
def _name_tests(path: str) -> tuple[tuple[re.Pattern[str], ...], tuple[str, ...]]:
    """The regular expressions (``re:test``, compiled as lxml compiles them) and the literals
    (``contains``) that an XPath expression tests ids and classes with."""
    by_flags: dict[int, list[str]] = {}
    literals: list[str] = []
    for match in _NAME_TESTS.finditer(path):
        if match.group(3) is not None:
            literals.append(match.group(3))
        else:
            flags = re.IGNORECASE if "i" in (match.group(2) or "") else 0
            by_flags.setdefault(flags, []).append(match.group(1))
    patterns = tuple(re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(group)), flags)
                     for flags, group in by_flags.items())
    return patterns, tuple(literals)


class RawTree:
    """The page copied and pruned as ``trafilatura_sequence`` first prunes it (the input of every
    stage), for the fast and the full pass. trafilatura copies this tree before each stage that
    changes it; here a stage that is the tree's last known user (the fast pass's extraction, its
    page measure, its recall retry) ``take``s it and changes it in place, and the tree is made again
    only when a later stage turns out to need it.

    Each of its prune expressions (``RAW_TREE_PRUNE_XPATH``, ``REMOVE_COMMENTS_AND_LISTS_XPATH``)
    matches only an element whose id or class passes one of the expression's own tests (its first
    predicate is their disjunction). lxml runs an EXSLT ``re:test`` as a call back into Python for
    each element of the page; here the page's id and class values are read in bulk, and an
    expression runs only when one distinct value (or the empty string, which a missing attribute
    reads as) passes one of its tests. A page without infinite-scroll or comment containers skips
    them all."""

    __slots__ = ("_bound", "_expressions", "_page", "_page_text", "_tree", "is_forum", "measure", "names",
                 "stage_one", "teaser_free")

    def __init__(self, page: HtmlElement, page_text: PageText | None = None) -> None:
        from trafilatura.core import REMOVE_COMMENTS_AND_LISTS_XPATH, _forum_thread_page
        from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH

        self._page = page
        self._page_text = page_text  # the text of the page's elements, for ``measure_bound``
        self._bound: int | None = -1  # not computed yet
        self.names: list[str] = _CLASSES(page) + _IDS(page)
        """Every class and id value of the page (a superset of the pruned tree's)."""
        self.is_forum: bool = _forum_thread_page(page)
        expressions = list(RAW_TREE_PRUNE_XPATH)
        if not self.is_forum:  # comments off: pruned unless the comments are a forum's posts
            expressions += REMOVE_COMMENTS_AND_LISTS_XPATH
        distinct = set(self.names) | {""}
        joined = "\n".join(distinct)
        self.teaser_free = "teaser" not in joined.replace("T", "t")
        """No id or class of the page holds what ``TEASER_DISCARD_XPATH`` looks for: the one step of
        trafilatura's own extractor that differs between its fast and full pass (teasers kept on its
        recovery path in fast mode) removes nothing, so both passes extract the same."""
        self.stage_one: dict[str, tuple[Any, str]] = {}
        """The fast pass's own extraction (body, text) by focus, for the full pass when teaser-free."""
        self.measure: int | None = None
        """The length of the page measure (``html2txt``), once measured."""
        self._expressions = []
        for expression in expressions:
            patterns, literals = _name_tests(expression.path)
            if not (patterns or literals) or any(literal in joined for literal in literals) or any(
                    pattern.search(value) for pattern in patterns for value in distinct):  # none read: run it
                self._expressions.append(expression)
        self._tree: HtmlElement | None = None

    def measure_bound(self) -> int | None:
        """A number the page measure's length cannot exceed, read from the page's own text without
        copying or deleting anything; None when the page's shape does not allow it.

        The measure (``html2txt``) is the text of the pruned tree's <body> after ``basic_cleaning``
        deleted its asides, footers, scripts, styles, svgs and templates (tails kept), with a space
        put before each block element's text and tail, white space then folded. Pruning and those
        deletions only remove text (every such element of the page loses its own text either way),
        the spaces add at most two characters per block element, and folding never lengthens. That
        holds for the body html2txt measures only when it is the page's one <body>, a child of the
        root (no prune can remove it)."""
        from trafilatura.baseline import _BLOCK_ELEMS

        if self._bound == -1:
            self._bound = None
            body = self._page.find("body")
            texts = self._page_text
            if texts is None or body is None or texts.span(body) is None:
                return None
            if sum(1 for _ in self._page.iter("body")) != 1:
                return None
            deleted = 0
            last_end = -1
            for el in body.iter(*_DELETED_TAGS):  # document order: an element inside a counted one is skipped
                span = texts.span(el)
                if span is None:
                    return None
                if span[0] >= last_end:
                    deleted += span[1] - span[0]
                    last_end = span[1]
            blocks = sum(1 for _ in body.iter(*_BLOCK_ELEMS))
            self._bound = texts.length(body) - deleted + 2 * blocks
        return self._bound

    def _make(self) -> HtmlElement:
        from trafilatura.htmlprocessing import prune_unwanted_nodes

        tree = copy(self._page)
        for expression in self._expressions:
            tree = prune_unwanted_nodes(tree, [expression])
        return tree

    @property
    def tree(self) -> HtmlElement:
        """The pruned raw tree, to read or to copy (never to change)."""
        if self._tree is None:
            self._tree = self._make()
        return self._tree

    def take(self) -> HtmlElement:
        """The pruned raw tree to change in place; a later ``tree`` is made again."""
        tree = self.tree
        self._tree = None
        return tree


_DELETED_TAGS = ("aside", "fencedframe", "footer", "script", "style", "svg", "template")
"""What ``BASIC_CLEAN_XPATH`` deletes by tag alone."""


@lru_cache(maxsize=2)
def _options(fast: bool) -> Any:
    """trafilatura's options (balanced focus: ``favor_precision`` is not followed here; its raw-tree
    prune differs on forum pages)."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="xml", fast=fast, comments=False, links=True, tables=True)


@lru_cache(maxsize=1)
def mirrored() -> bool:
    """True when the installed trafilatura is the release this module follows."""
    import trafilatura

    return trafilatura.__version__ == MIRRORED_VERSION


_BASIC_CLEAN_TAGS = XPath(
    "$consent|.//aside|.//div[contains(@class|@id, 'footer')]|.//fencedframe|.//footer|.//script|.//style|.//svg"
    "|.//template")
"""``BASIC_CLEAN_XPATH`` (trafilatura.settings) without its regular-expression test, whose matches
come in as ``$consent``: the union is the same node set in the same (document) order."""
_CONSENT_LITERALS = ("cookie", "consent", "borlabs", "cmplz", "onetrust", "moove")
"""A literal each alternative of trafilatura's cookie-banner pattern needs (lower case)."""


@lru_cache(maxsize=1)
def _consent_pattern() -> re.Pattern[str]:
    from trafilatura.settings import _COOKIE_CONSENT_RE

    return re.compile(_COOKIE_CONSENT_RE, re.IGNORECASE)


def _xpath_literal(value: str) -> str:
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return "concat(" + ", '\"', ".join(f'"{part}"' for part in value.split('"')) + ")"


def basic_clean_nodes(body: HtmlElement, names: list[str] | None = None) -> list[HtmlElement]:
    """``BASIC_CLEAN_XPATH(body)`` (trafilatura.settings). lxml evaluates its EXSLT ``re:test`` by a
    call back into Python for the class and the id of every element; here the page's class and id
    values are read in bulk, the pattern meets each distinct value once (and none when no value holds
    a literal it needs, ASCII case folded; a value with other characters, which a case-insensitive
    match may fold (dotless i, long s, the Kelvin sign), always meets it), and the elements carrying a
    matching value are found by value. ``names``: the class and id values of ``body`` or more."""
    values = names if names is not None else _CLASSES(body) + _IDS(body)
    names = "\n".join(values)
    consent: list[HtmlElement] = []
    if not names.isascii() or any(literal in names.lower() for literal in _CONSENT_LITERALS):
        search = _consent_pattern().search
        matching = sorted(v for v in set(values) if search(v))
        if matching:
            tests = " or ".join(f"@class = {_xpath_literal(v)} or @id = {_xpath_literal(v)}" for v in matching)
            consent = body.xpath(f".//*[{tests}]")
    return _BASIC_CLEAN_TAGS(body, consent=consent)


def html2txt(tree: HtmlElement, names: list[str] | None = None, in_place: bool = False) -> str:
    """``trafilatura.baseline.html2txt(tree)`` (the page measure of its recall escalation), with
    ``basic_clean_nodes`` selecting what ``basic_cleaning`` deletes; ``in_place``: ``tree`` is the
    caller's to change (no copy)."""
    from trafilatura.baseline import _spaced_text
    from trafilatura.baseline import html2txt as reference
    from trafilatura.xml import delete_element

    copied = tree if in_place else copy(tree)
    body = copied.find(".//body")
    if body is None:
        return reference(tree)
    for element in basic_clean_nodes(body, names):
        delete_element(element)
    return _spaced_text(body)


def _sequence(raw: RawTree, options: Any) -> tuple[Any, str]:
    """``trafilatura_sequence`` with comments off, on the shared pruned tree."""
    from trafilatura.baseline import baseline
    from trafilatura.core import (
        ESCALATION_ACCEPT_RATIO,
        ESCALATION_JUSTEXT_RATIO,
        ESCALATION_MAX_LENGTH,
        ESCALATION_PAGE_SHARE,
        LOGGER,
        _extract_and_compare,
    )
    from trafilatura.external import compare_extraction, justext_rescue
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning

    def below_share_of_page_measure(length: int) -> bool:
        """``length < ESCALATION_PAGE_SHARE * len(html2txt(tree))``, measuring only when the bound
        on the measure leaves it open."""
        if raw.measure is None:
            bound = raw.measure_bound()
            if bound is not None and length >= ESCALATION_PAGE_SHARE * bound:
                return False
        return length < ESCALATION_PAGE_SHARE * page_measure()

    def page_measure() -> int:
        if raw.measure is None:
            raw.measure = len(html2txt(raw.take() if options.fast else raw.tree, raw.names, in_place=options.fast))
        return raw.measure

    def extract_and_compare(opts: Any) -> tuple[Any, str]:
        # _prepare_tree + _extract_and_compare: the backup (cleaned, unconverted) only for the
        # comparison, which also reads the raw tree; without it (fast) the raw tree is cleaned in place
        cleaned = tree_cleaning(raw.take() if opts.fast else copy(raw.tree), opts)
        backup = None if opts.fast else copy(cleaned)
        # the raw tree only for the comparison: asking for it after a fast pass took it would copy it again
        return _extract_and_compare(convert_tags(cleaned, opts, None), backup, None if opts.fast else raw.tree, opts)

    shared = raw.teaser_free and not options.max_tree_size  # run() may strip a shared body
    if not options.fast and shared and options.focus in raw.stage_one:
        # the fast pass's extraction is this pass's too; only the comparison is left to do
        postbody, temp_text = raw.stage_one[options.focus]
        backup = tree_cleaning(copy(raw.tree), options)
        postbody, temp_text = compare_extraction(backup, copy(raw.tree), postbody, temp_text, options)
    else:
        postbody, temp_text = extract_and_compare(options)
        if options.fast and shared:
            raw.stage_one[options.focus] = (postbody, temp_text)
    if len(temp_text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(raw.tree)  # baseline copies element inputs
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text
    if (
        options.focus == "balanced"
        and 0 < len(temp_text) < ESCALATION_MAX_LENGTH
        and below_share_of_page_measure(len(temp_text))
    ):
        r_options = copy(options)
        r_options.focus = "recall"
        r_text = ""
        try:
            r_body, r_text = extract_and_compare(r_options)
        except Exception as err:  # pragma: no cover - as trafilatura does
            LOGGER.warning("recall retry failed: %s %s", err, None)
        j_text = ""
        if not options.fast:
            try:
                j_body, j_text = justext_rescue(copy(raw.tree), options)
            except Exception as err:  # pragma: no cover - as trafilatura does
                LOGGER.warning("justext candidate failed: %s %s", err, None)
        len_text, r_len, j_len = len(temp_text), len(r_text), len(j_text)
        if j_len > r_len and j_len > ESCALATION_JUSTEXT_RATIO * len_text:
            postbody, temp_text = j_body, j_text
        elif r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * len_text:
            postbody, temp_text = r_body, r_text
    return postbody, temp_text


def run(raw: RawTree, fast: bool) -> Extracted | None:
    """trafilatura's body for the page ``raw`` was made from; None where ``bare_extraction`` returns None."""
    options = _options(fast)
    postbody, temp_text = _sequence(raw, options)
    if options.max_tree_size:
        if len(postbody) > options.max_tree_size:
            strip_tags(postbody, "hi")
        if len(postbody) > options.max_tree_size:
            return None
    if len(temp_text) < options.min_output_size and 0 < options.min_output_comm_size:
        return None
    return Extracted(postbody, temp_text)
