"""Paragraph-level rules applied after normalisation: UI strings, duplicated titles,
a trailing handle, and the site's drop/stop patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harvester.extract.cleaning import Paragraph
from harvester.extract.rules import SiteRules

# Whole-paragraph UI strings (compared case-insensitively, ignoring surrounding dashes/dots).
UI_STRINGS = frozenset(
    {
        "advertisement", "advertisements", "advertising", "ad", "ads", "sponsored", "sponsored content",
        "promoted", "paid content", "show more", "show less", "read more", "load more", "see more",
        "view more", "more", "continue reading", "read full article", "read the full article", "read full story",
        "no image", "no image available", "image not available", "share", "share this", "share this article",
        "share this story", "share on facebook", "share on twitter", "tweet", "print", "email", "e-mail",
        "facebook", "twitter", "linkedin", "whatsapp", "telegram", "pinterest", "reddit", "copy link",
        "related", "related articles", "related posts", "related stories", "related news", "read also",
        "also read", "see also", "read next", "you might also like", "you may also like", "more stories",
        "recommended", "recommended for you", "newsletter", "subscribe", "sign up", "sign in", "log in",
        "close", "×", "✕", "0:00", "loading", "scroll to top", "back to top", "skip to content",
        "click to expand", "listen to this article", "comments", "leave a comment", "tags", "tagged",
    }
)
_UI_TRIM = " \t-–—•·|[](){}<>«»…:.!*_=~"
# A paragraph that only points to another story: "Read also: <headline>".
CROSS_LINK = re.compile(
    r"^(?:read|see|also read|read more|more|related|recommended|watch|listen|don't miss|must read)"
    r"(?: also| more| next| this)?\s*[:>»|]",
    re.IGNORECASE,
)
HANDLE = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)+$")
MIN_WORDS_BEFORE_STOP = 20
"""A stop pattern only ends the body once this many words of body came before it."""


def is_ui_string(text: str) -> bool:
    """True for a whole paragraph that is only a UI label (ADVERTISEMENT, Show More, ...)."""
    key = text.strip(_UI_TRIM).casefold()
    return text.casefold() in UI_STRINGS or key in UI_STRINGS


@dataclass
class RuleOutcome:
    kept: list[Paragraph] = field(default_factory=list)
    dropped: list[Paragraph] = field(default_factory=list)


def _start_after_title(paragraphs: list[Paragraph], title: str | None) -> int:
    """Index where the body starts: after the title h1 when the container holds it early on."""
    if not title:
        return 0
    folded = title.casefold()
    for index, paragraph in enumerate(paragraphs):
        if paragraph.kind == "h1" and paragraph.text.casefold() == folded:
            before = sum(len(p.text.split()) for p in paragraphs[:index])
            after = sum(len(p.text.split()) for p in paragraphs[index + 1:])
            return index + 1 if before < after else 0
    return 0


def apply_text_rules(paragraphs: list[Paragraph], title: str | None, rules: SiteRules | None,
                     site_names: tuple[str, ...] = ()) -> RuleOutcome:
    """Split ``paragraphs`` into kept and dropped ones (see the module docstring)."""
    outcome = RuleOutcome()
    start = _start_after_title(paragraphs, title)
    outcome.dropped.extend(paragraphs[:start])
    title_key = title.casefold() if title else None
    names = {n.casefold() for n in site_names + (rules.site_names if rules else ())}
    drop_patterns = rules.drop_paragraphs if rules else ()
    stop_patterns = rules.stop_paragraphs if rules else ()
    words = 0
    remaining = paragraphs[start:]
    for index, paragraph in enumerate(remaining):
        text = paragraph.text
        if any(p.search(text) for p in stop_patterns) and words >= MIN_WORDS_BEFORE_STOP:
            outcome.dropped.extend(remaining[index:])
            break
        if (
            is_ui_string(text)
            or CROSS_LINK.match(text)
            or text.casefold() == title_key
            or text.casefold() in names
            or any(p.search(text) for p in drop_patterns)
            or any(p.search(text) for p in stop_patterns)
        ):
            outcome.dropped.append(paragraph)
            continue
        outcome.kept.append(paragraph)
        words += len(text.split())
    if outcome.kept and HANDLE.match(outcome.kept[-1].text):
        outcome.dropped.append(outcome.kept.pop())
    return outcome


BYLINE = re.compile(r"^(?:by|written by|posted by|words by)\s*:?\s+\S.{0,80}$", re.IGNORECASE)
BYLINE_ZONE = 3
"""Bylines are only looked for among the first paragraphs of the body."""


def drop_bylines(outcome: RuleOutcome, authors: list[str]) -> None:
    """Drop a leading byline paragraph ("By Jane Doe", or an author's bare name)."""
    names = {a.casefold() for a in authors}
    for paragraph in list(outcome.kept[:BYLINE_ZONE]):
        text = paragraph.text.casefold()
        if text in names or (BYLINE.match(paragraph.text) and len(text.split()) <= 12):
            outcome.kept.remove(paragraph)
            outcome.dropped.append(paragraph)
