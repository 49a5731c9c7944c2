"""trafilatura's extraction cascade on a page tree we parsed, without the copies it makes for others.

``trafilatura.bare_extraction`` copies a tree it is handed (the caller's must stay intact), then
``_prepare_tree`` copies it again before cleaning (the raw tree feeds the later rescues) and once
more as a backup for the readability/justext comparison. With comments off (``trafilatura_sequence``
never takes its forum-post branch then) the backup is read only by that comparison, which the fast
pass skips: here it is made only for the full pass. A full pass after a fast one on the same page
(``generic.trafilatura_body`` doubts the fast result) starts from the raw tree the fast pass already
copied and pruned instead of copying and pruning the page again. The options object is built once per
process (its constructor reads trafilatura's settings file values one by one).

Everything else is trafilatura's own code, called in its own order: ``run`` returns what
``bare_extraction(tree, url=None, fast=..., output_format="xml", include_comments=False,
include_tables=True, include_links=True)`` returns (its ``body`` and ``raw_text``), for the
trafilatura version this mirrors (``MIRRORED_VERSION``; any other version runs ``bare_extraction``
itself). tests/test_trafpass.py compares the two.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from typing import Any

from lxml.etree import strip_tags
from lxml.html import HtmlElement

MIRRORED_VERSION = "2.3.1"
"""The trafilatura release whose ``bare_extraction`` / ``trafilatura_sequence`` this follows."""


@dataclass
class Extracted:
    """What ``bare_extraction`` returns in its ``Document`` and this module needs of it."""

    body: Any  # trafilatura's <body> tree (XML tag names)
    raw_text: str


class RawTree:
    """The page copied and pruned as ``trafilatura_sequence`` first prunes it (the input of every
    stage), made once per page and shared by the fast and the full pass."""

    __slots__ = ("_page", "_tree", "is_forum")

    def __init__(self, page: HtmlElement) -> None:
        from trafilatura.core import REMOVE_COMMENTS_AND_LISTS_XPATH, _forum_thread_page
        from trafilatura.htmlprocessing import prune_unwanted_nodes
        from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH

        tree = copy(page)
        self.is_forum = _forum_thread_page(tree)
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
        if not self.is_forum:  # comments off: pruned unless the comments are a forum's posts
            tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
        self._tree = tree

    @property
    def tree(self) -> HtmlElement:
        """The pruned raw tree; every stage reading it copies it first, so it stays as made."""
        return self._tree


_OPTIONS: dict[tuple[bool, bool], Any] = {}


def _options(fast: bool, precision: bool) -> Any:
    options = _OPTIONS.get((fast, precision))
    if options is None:
        from trafilatura.settings import Extractor

        options = Extractor(output_format="xml", fast=fast, precision=precision, comments=False,
                            links=True, tables=True)
        _OPTIONS[(fast, precision)] = options
    return options


def mirrored() -> bool:
    """True when the installed trafilatura is the release this module follows."""
    import trafilatura

    return trafilatura.__version__ == MIRRORED_VERSION


def _sequence(raw: RawTree, options: Any) -> tuple[Any, str]:
    """``trafilatura_sequence`` with comments off, on the shared pruned tree (left intact)."""
    from trafilatura.baseline import baseline, html2txt
    from trafilatura.core import (
        ESCALATION_ACCEPT_RATIO,
        ESCALATION_JUSTEXT_RATIO,
        ESCALATION_MAX_LENGTH,
        ESCALATION_PAGE_SHARE,
        LOGGER,
    )
    from trafilatura.external import compare_extraction, justext_rescue
    from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.xpaths import REMOVE_COMMENTS_XPATH

    tree = raw.tree

    def extract_and_compare(opts: Any) -> tuple[Any, str]:
        # _prepare_tree + _extract_and_compare: the backup (cleaned, unconverted) only for the comparison
        cleaned = tree_cleaning(copy(tree), opts)
        backup = None if opts.fast else copy(cleaned)
        cleaned = convert_tags(cleaned, opts, None)
        if opts.focus == "precision" and not raw.is_forum:
            cleaned = prune_unwanted_nodes(cleaned, REMOVE_COMMENTS_XPATH)
        body, text = extract_content(cleaned, opts)
        if not opts.fast:
            body, text = compare_extraction(backup, copy(tree), body, text, opts)
        return body, text

    postbody, temp_text = extract_and_compare(options)
    if len(temp_text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(tree)  # baseline copies element inputs
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text
    if (
        options.focus == "balanced"
        and 0 < len(temp_text) < ESCALATION_MAX_LENGTH
        and len(temp_text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))
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
                j_body, j_text = justext_rescue(copy(tree), options)
            except Exception as err:  # pragma: no cover - as trafilatura does
                LOGGER.warning("justext candidate failed: %s %s", err, None)
        len_text, r_len, j_len = len(temp_text), len(r_text), len(j_text)
        if j_len > r_len and j_len > ESCALATION_JUSTEXT_RATIO * len_text:
            postbody, temp_text = j_body, j_text
        elif r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * len_text:
            postbody, temp_text = r_body, r_text
    return postbody, temp_text


def run(raw: RawTree, fast: bool, precision: bool = False) -> Extracted | None:
    """trafilatura's body for the page ``raw`` was made from; None where ``bare_extraction`` returns None."""
    options = _options(fast, precision)
    postbody, temp_text = _sequence(raw, options)
    if options.max_tree_size:
        if len(postbody) > options.max_tree_size:
            strip_tags(postbody, "hi")
        if len(postbody) > options.max_tree_size:
            return None
    if len(temp_text) < options.min_output_size and 0 < options.min_output_comm_size:
        return None
    return Extracted(postbody, temp_text)
