"""Paragraph-level rules applied after normalisation: UI strings, duplicated titles,
a trailing handle, and the site's drop/stop patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from harvester.extraction.cleaning import Paragraph
from harvester.extraction.normalize import normalize_text
from harvester.extraction.rules import SiteRules

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
_LONGEST_UI_STRING = max(len(s) for s in UI_STRINGS)
# A paragraph that only points to another story: "Read also: <headline>".
CROSS_LINK = re.compile(
    r"^(?:read|see|also read|read more|more|related|recommended|watch|listen|don't miss|must read)"
    r"(?: also| more| next| this)?\s*[:>»|]",
    re.IGNORECASE,
)
# The same in other languages: "Les også:", "Lesen Sie auch:", "Lire aussi :", ">> ..." ...
CROSS_LINK_INTL = re.compile(
    r"^(?:>>|»|les også|les ogsa|lees ook|læs også|läs också|lue myös|lesen sie auch|lesen sie mehr|"
    r"mehr zum thema|auch interessant|lire aussi|à lire aussi|a lire aussi|voir aussi|leggi anche|"
    r"leia também|leia mais|lee también|lea también|ver también|czytaj też|czytaj także|czytaj więcej|"
    r"čtěte také|čítajte tiež|olvassa el|diesen artikel teilen|more\s?:)",
    re.IGNORECASE,
)
# A short credit line: "Quelle: AFP", "Photo: Reuters", "Kilde: helsenorge.no".
CREDIT = re.compile(
    r"^(?:quelle|quellen|source|sources|kilde|källa|fuente|fonte|foto|fotos|photo|photos|bild|bilder|"
    r"image|images|credit|credits|crédito|créditos|crédit|picture|pictures)\s*:",
    re.IGNORECASE,
)
MAX_CREDIT_WORDS = 6
# Calls to action that are not article text: newsletter sign-ups, "follow us" lines, tip lines,
# error-report links and the placeholders of blocked embeds (German sites name them "externer Inhalt").
PROMPTS = (
    re.compile(r"\bnewsletters?\b", re.IGNORECASE),
    re.compile(r"^(?:follow|folgen sie|folge|folgst du|abonniere|abonnieren sie|subscribe to|join us on|suivez)\b"
               r".{0,120}\b(?:twitter|facebook|instagram|whatsapp|telegram|tiktok|youtube|google news|linkedin)\b",
               re.IGNORECASE),
    re.compile(r"^(?:got a story|have a story|do you have a story|got a tip|have you got a story)\b|"
               r"\bget in touch\b.{0,80}@", re.IGNORECASE),
    re.compile(r"^(?:fehler gefunden|spotted an error|spotted a mistake|found an error|report an error|"
               r"report a typo)\b", re.IGNORECASE),
    # subscription prompts left in the text of a metered article ("Already a subscriber?", 会員限定)
    re.compile(r"\balready a subscriber\b|\bsubscribe (?:now )?to (?:continue|keep) reading\b|"
               r"\bsubscribers only\b|会員限定|有料会員|有料記事"),
    # a photo credit standing alone: "STR/AFP via Getty Images", "Jane Doe/Reuters"
    re.compile(r"^(?:[^\W\d][\w.'’ -]{0,40}/\s*)?[\w.'’ -]{0,40}\b(?:getty images|shutterstock|imago|"
               r"picture[- ]alliance)\s*$|^[^\W\d][\w.'’ -]{0,40}/\s*(?:afp|reuters|ap|dpa|epa|ntb|anp|keystone|"
               r"sipa|efe|ansa|tass)\s*$", re.IGNORECASE),
    re.compile(r"\bexterne[nr]? inhalte?\b|\bein klick für den datenschutz\b|\bempfohlener redaktioneller inhalt\b|"
               r"\bthird[- ]party content\b|\bexternal content\b", re.IGNORECASE),
)
MAX_PROMPT_WORDS = 40
_PROMPT_WORDS = (
    ("newsletter",),
    ("twitter", "facebook", "instagram", "whatsapp", "telegram", "tiktok", "youtube", "google news", "linkedin"),
    ("story", "got a tip", "get in touch"),
    ("fehler gefunden", "spotted a", "found an error", "report a"),
    ("subscribe", "会員限定", "有料"),
    ("getty images", "shutterstock", "imago", "picture", "/"),
    ("extern", "ein klick für den datenschutz", "redaktioneller inhalt", "party content"),
)
"""For each of PROMPTS, texts one of which any match of it holds (lower-cased): a paragraph holding
none of them is not searched with that pattern."""


def search_key(text: str) -> str:
    """``text`` lower-cased for a necessary-condition test before a case-insensitive search: what such
    a search matches to i and s but lower-casing does not make i or s becomes i and s (dotless i, long
    s, and dotted capital I, which lower-cases to i and a combining dot)."""
    key = text.lower()
    if key.isascii():
        return key
    return key.replace("\u0131", "i").replace("\u017f", "s").replace("\u0307", "")


def is_prompt(text: str) -> bool:
    """True for a short call to action (newsletter, follow us, tips, error reports, embed placeholders)."""
    if len(text.split(maxsplit=MAX_PROMPT_WORDS)) > MAX_PROMPT_WORDS:
        return False  # (split no further than needed to know)
    key = search_key(text)
    return any(pattern.search(text) for pattern, words in zip(PROMPTS, _PROMPT_WORDS)
               if any(word in key for word in words))
# A line that is only a date and/or time: "Stand: 22.04.2024, 06:00 Uhr", "Friday, 28.04.2023, 19:25".
DATE_LIKE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b\d{1,2}:\d{2}\b")
_ALPHA_WORD = re.compile(r"[^\W\d_]{2,}")
MAX_DATE_LINE_WORDS = 3
"""A date line has at most this many words of letters besides its date."""
MIN_LINK_SHARE = 0.9
"""A paragraph whose text is at least this share link text is a cross link (a teaser headline)."""
# Script or JSON leaking into the text: "showPaywall:", "false", "undefined".
CODE_LEAK = re.compile(r"^(?:[a-z]+[A-Z][A-Za-z0-9]*\s*:|true|false|null|undefined|NaN)$|"
                       r"^(?:\$\$[A-Za-z0-9_]+\$\$|%%[A-Za-z0-9_]+%%|\{\{[^{}]{1,60}\}\})$")
"""Also template placeholders a CMS left unexpanded: "$$ARTICLEAD$$", "%%AD%%", "{{ ad_slot }}"."""
HANDLE = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)+$")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
TITLE_ZONE = 3
"""A repeated title (with kicker or site suffix) is only looked for in the first paragraphs."""
MIN_WORDS_BEFORE_STOP = 20
"""A stop pattern only ends the body once this many words of body came before it."""


def is_date_line(text: str) -> bool:
    """True for a short paragraph that is only a date/time stamp with a label."""
    words = _ALPHA_WORD.finditer(text)  # counted only up to the limit: prose stops after a few words
    if sum(1 for _ in islice(words, MAX_DATE_LINE_WORDS + 1)) > MAX_DATE_LINE_WORDS:
        return False
    return bool(DATE_LIKE.search(text))


MAX_MARKER_LINK_WORDS = 20
"""A "» Headline" line points to another story; longer text after » is quoted speech."""


def is_cross_link(text: str) -> bool:
    """A line that points to another story ("Read also: ...", "Lesen Sie auch", "» Headline").
    A paragraph opening with » is quoted speech (Danish, German, Polish typography) when it closes
    the quote or runs longer than a headline."""
    if CROSS_LINK.match(text):
        return True
    if not CROSS_LINK_INTL.match(text):
        return False
    if text.startswith("»"):
        return len(text.split()) <= MAX_MARKER_LINK_WORDS and "«" not in text and "»" not in text[1:]
    return True


def is_credit(text: str) -> bool:
    return bool(CREDIT.match(text)) and len(text.split()) <= MAX_CREDIT_WORDS


def is_link_only(paragraph: Paragraph) -> bool:
    """True when the paragraph's own block is (almost) all link text: a teaser, not prose."""
    node = paragraph.node
    links = list(node.iter("a"))
    if not links or paragraph.kind not in ("p", "li", "div") or normalize_text(node.text_content()) != paragraph.text:
        return False  # (without links no paragraph is a teaser: paragraphs are never empty)
    linked = sum(len(normalize_text(a.text_content())) for a in links)
    return linked >= MIN_LINK_SHARE * len(paragraph.text)


def repeats_title(text: str, title_key: str | None) -> bool:
    """True for a heading line holding the title plus a short kicker or site name."""
    return bool(title_key) and title_key in text.casefold() and len(text) <= len(title_key) + TITLE_EXTRA_CHARS


TITLE_EXTRA_CHARS = 40


def is_ui_string(text: str) -> bool:
    """True for a whole paragraph that is only a UI label (ADVERTISEMENT, Show More, ...)."""
    if len(text) > _LONGEST_UI_STRING and text[0] not in _UI_TRIM and text[-1] not in _UI_TRIM:
        return False  # nothing to trim, and case folding never shortens a text
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
            before = sum(p.words for p in paragraphs[:index])
            after = sum(p.words for p in paragraphs[index + 1:])
            return index + 1 if before < after else 0
    return 0


# The fallback text of an embedded post: "— Jane Doe (@jane) July 18, 2026".
EMBED_ATTRIBUTION = re.compile(r"^[—–-]\s*.{0,80}\(@\w{1,30}\)\s+\S.{0,30}\d{4}$")


def _embedded_posts(paragraphs: list[Paragraph]) -> set[int]:
    """Indexes of paragraphs inside a block quote that is an embedded social post."""
    quotes = set()
    for paragraph in paragraphs:
        if EMBED_ATTRIBUTION.match(paragraph.text):
            node = paragraph.node
            while node is not None and node.tag != "blockquote":
                node = node.getparent()
            quotes.add(node if node is not None else paragraph.node)
    if not quotes:
        return set()
    found = set()
    for index, paragraph in enumerate(paragraphs):
        node = paragraph.node
        while node is not None:
            if node in quotes:
                found.add(index)
                break
            node = node.getparent()
    return found


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
    embedded = _embedded_posts(remaining)
    for index, paragraph in enumerate(remaining):
        text = paragraph.text
        if index in embedded:
            outcome.dropped.append(paragraph)
            continue
        if any(p.search(text) for p in stop_patterns) and words >= MIN_WORDS_BEFORE_STOP:
            outcome.dropped.extend(remaining[index:])
            break
        if (
            is_ui_string(text)
            or is_cross_link(text)
            or is_credit(text)
            or is_prompt(text)
            or CODE_LEAK.match(text)
            or is_date_line(text)
            or (index < TITLE_ZONE and repeats_title(text, title_key))
            or is_link_only(paragraph)
            or text.casefold() == title_key
            or text.casefold() in names
            or any(p.search(text) for p in drop_patterns)
            or any(p.search(text) for p in stop_patterns)
        ):
            outcome.dropped.append(paragraph)
            continue
        outcome.kept.append(paragraph)
        words += paragraph.words
    if outcome.kept and HANDLE.match(outcome.kept[-1].text):
        outcome.dropped.append(outcome.kept.pop())
    while outcome.kept and outcome.kept[-1].kind in HEADINGS:
        outcome.dropped.append(outcome.kept.pop())  # a heading with nothing under it ends no article
    return outcome


BYLINE = re.compile(r"^(?:by|written by|posted by|words by)\s*:?\s+\S.{0,80}$", re.IGNORECASE)
# "Von Jane Doe", "Por Juan Pérez", "Par Jean Dupont", "Di Mario Rossi", "Door Jan Jansen", "Av Ola Nordmann"
BYLINE_INTL = re.compile(r"^(?:von|por|par|di|door|av|af|przez|autor|autorin|text)\s*:?\s+\S.{0,60}$", re.IGNORECASE)
MAX_INTL_BYLINE_WORDS = 6
BYLINE_ZONE = 3
"""Bylines are only looked for among the first paragraphs of the body."""


def drop_bylines(outcome: RuleOutcome, authors: list[str]) -> None:
    """Drop a leading byline paragraph ("By Jane Doe", or an author's bare name)."""
    names = {a.casefold() for a in authors}
    for paragraph in list(outcome.kept[:BYLINE_ZONE]):
        text = paragraph.text.casefold()
        if (
            text in names
            or (BYLINE.match(paragraph.text) and len(text.split()) <= 12)
            or (BYLINE_INTL.match(paragraph.text) and len(text.split()) <= MAX_INTL_BYLINE_WORDS)
        ):
            outcome.kept.remove(paragraph)
            outcome.dropped.append(paragraph)
