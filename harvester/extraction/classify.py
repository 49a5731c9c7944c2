"""Page classification: bot challenges / consent walls, soft 404s and listings (before the body);
paywall stubs and too-short pages (after)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

from harvester.extraction.cleaning import link_density
from harvester.extraction.generic import _direct_text, structural_candidates
from harvester.extraction.metadata import PageMeta
from harvester.extraction.normalize import count_words, normalize_text
from harvester.extraction.pagetext import PageText
from harvester.extraction.select import class_tokens, text_of
from harvester.extraction.textrules import search_key
from harvester.extraction.titles import title_and_heading

SOFT_404 = re.compile(
    r"\b404\b|\bpage not found\b|\bnot found\b|\bnothing (?:was )?found\b|"
    r"\bpage (?:does not|doesn't|does no longer) exist\b|\bno longer (?:exists|available)\b|"
    r"\bcannot be found\b|\bcan't be found\b|\bcould ?n[o']t (?:be )?f(?:ou)?nd\b|\boops\b",
    re.IGNORECASE,
)
MAX_404_TITLE_WORDS = 12
MIN_TEASERS = 3
"""A page with this many headline links and no article markers is a listing."""
LONG_TEXT_CHARS = 600
"""Direct paragraph text of one container that marks an article."""
MAX_LINKS_IN_ARTICLE_TEXT = 3
HEADLINE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def soft_404_reason(root: HtmlElement, meta: PageMeta) -> str | None:
    """A reason when the page's h1 or <title> says "not found", else None."""
    title, h1 = title_and_heading(root, meta)
    for label, text in (("h1", h1), ("title", title)):
        if text and len(text.split()) <= MAX_404_TITLE_WORDS and SOFT_404.search(text):
            return f"soft 404: {label} says {text!r}"
    return None


def headline_links(root: HtmlElement) -> set[str]:
    """Distinct targets of links inside headings (teaser headlines)."""
    found: set[str] = set()
    for heading in root.iter(*HEADLINE_TAGS):  # one walk for all six
        for a in heading.iter("a"):
            href = (a.get("href") or "").strip()
            if href and not href.startswith("#") and text_of(a):
                found.add(href)
    for article in root.iter("article"):
        for a in article.iter("a"):
            href = (a.get("href") or "").strip()
            if href and len(text_of(a).split()) >= 4:
                found.add(href)
                break
    return found


def has_long_text(body: HtmlElement, meta: PageMeta) -> bool:
    """True when one container after the title holds long paragraph text and few headline links."""
    for node in structural_candidates(body, meta.title_node):
        if _direct_text(node) >= LONG_TEXT_CHARS and len(headline_links(node)) < MAX_LINKS_IN_ARTICLE_TEXT:
            return True
    return False


def listing_reason(body: HtmlElement, meta: PageMeta) -> str | None:
    """A reason when the page is a listing of teasers without article markers, else None."""
    teasers = headline_links(body)
    if len(teasers) < MIN_TEASERS:
        return None
    if (meta.og_type or "").lower() == "article" or meta.jsonld_article:
        return None
    if has_long_text(body, meta):
        return None
    paragraphs = sum(1 for p in body.iter("p") if count_words(text_of(p)) >= 8)
    return (
        f"listing: {len(teasers)} article links, link density {link_density(body):.2f}, "
        f"{paragraphs} paragraphs, no article markers"
    )


# Bot challenges and consent walls: what the page says instead of the article.
CHALLENGE = re.compile(
    r"\bjust a moment\b|\bchecking (?:if the site connection is secure|your browser)\b|\battention required\b|"
    r"\bverify (?:that )?you are (?:a )?human\b|\bare you a robot\b|\bi'?m not a robot\b|\bcaptcha\b|"
    r"\bpardon our interruption\b|\benable javascript and cookies to continue\b|\bddos protection\b|"
    r"\baccess (?:to this page has been )?denied\b|\brequest unsuccessful\b|\bunusual traffic\b|"
    r"\bbefore you continue\b|\bwe value your privacy\b|\bcookie consent\b|\bconsent to (?:the use of )?cookies\b|"
    r"\bthis (?:website|site) uses cookies\b|"
    r"\baccept (?:all )?cookies to (?:continue|read|view)\b",
    re.IGNORECASE,
)
CHALLENGE_MARKUP = re.compile(
    r"cf-challenge|cf_chl_opt|challenge-platform|g-recaptcha|h-captcha|_Incapsula_Resource|px-captcha|"
    r"captcha-delivery|consent-wall|consentwall",
    re.IGNORECASE,
)
MAX_WALL_WORDS = 250
"""A challenge or consent wall carries at most this many words of visible text."""
# A subscription prompt in place of the rest of the article.
PAYWALL = re.compile(
    r"\bthis (?:article|story) is (?:only )?"
    r"(?:available )?(?:for|to) (?:subscribers|members)\b|\bsubscribers only\b|\balready a subscriber\b|"
    r"\bcontinue reading with a subscription\b|\bto read the full (?:article|story)\b|\bunlock this article\b|"
    r"\bnur für abonnenten\b|\bjetzt weiterlesen mit\b|\bréservé aux abonnés\b|\bsólo para suscriptores\b",
    re.IGNORECASE,
)
PAYWALL_MARKUP = re.compile(r"\bpaywall\b|\bpremium-wall\b|\bsubscription-wall\b|\bmetered-wall\b", re.IGNORECASE)
MAX_PAYWALL_BODY_WORDS = 120
"""A page whose body stops under this many words next to a subscription prompt is a paywall stub."""
CUT_OFF = re.compile(
    r"\bsubscribe (?:now |today )?to (?:continue|keep) reading\b|\bto continue reading,? (?:please )?(?:subscribe|"
    r"become a (?:subscriber|member)|sign up|register|log ?in|sign in)\b|\b(?:the rest of|the full) (?:this )?"
    r"(?:article|story) is (?:only )?(?:available )?(?:for|to) (?:subscribers|members)\b|"
    r"\byou(?:'ve| have) (?:reached|hit|used up) (?:your|the) (?:limit|maximum|allowance) of free (?:articles|stories)\b|"
    r"\byou(?:'ve| have) (?:reached|hit|used) (?:your|all your) (?:free article|monthly article) limit\b|"
    r"\byou(?:'ve| have) read all (?:of )?your free (?:articles|stories)\b",
    re.IGNORECASE,
)
"""What only a page whose article is cut off says; checked first, for bodies up to
``MAX_CUT_OFF_BODY_WORDS`` (``PAYWALL``'s prompts also stand in navigation and footers of free
articles, "Already a subscriber?", so they mark only bodies under ``MAX_PAYWALL_BODY_WORDS``)."""
MAX_CUT_OFF_BODY_WORDS = 400
"""A body under this many words next to a ``CUT_OFF`` prompt is a teaser (a few paragraphs shown
before the prompt); a longer one is kept: publishers also serve the whole text with the prompt in
the markup, to readers who are let through."""


_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template"})


def _visible_parts(body: HtmlElement) -> Iterator[str]:
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag not in _INVISIBLE_TAGS and el.text:
            yield el.text
        if el.tail:
            yield el.tail


def _visible_text(body: HtmlElement) -> str:
    return normalize_text(" ".join(_visible_parts(body)))


_WORD_BATCH = 32
"""Text parts normalised and counted together (a call per part costs more than the counting)."""


def _more_words_than(parts: Iterable[str], limit: int) -> bool:
    """``count_words(_visible_text(...)) > limit``, stopping as soon as it is (word counts of
    normalised parts add up: the parts are joined with spaces, and normalising only removes
    characters and folds spaces, so no word spans two parts)."""
    words = 0
    batch: list[str] = []
    for part in parts:
        batch.append(part)
        if len(batch) == _WORD_BATCH:
            words += count_words(normalize_text(" ".join(batch)))
            if words > limit:
                return True
            batch = []
    return words + count_words(normalize_text(" ".join(batch))) > limit


def blocked_reason(root: HtmlElement, body: HtmlElement, raw_html: str) -> str | None:
    """A reason when the page is a bot challenge or consent wall with little else on it, else None."""
    if _more_words_than(_visible_parts(body), MAX_WALL_WORDS):
        return None
    text = _visible_text(body)
    title = normalize_text(root.findtext(".//title"))
    for label, value in (("title", title), ("text", text)):
        match = CHALLENGE.search(value)
        if match:
            return f"blocked: {label} says {match.group(0)!r} ({count_words(text)} words on the page)"
    match = CHALLENGE_MARKUP.search(raw_html)
    if match:
        return f"blocked: challenge markup {match.group(0)!r} ({count_words(text)} words on the page)"
    return None


def paywall_reason(root: HtmlElement, body: HtmlElement, body_words: int, raw_html: str,
                   accessible_for_free: bool | None) -> str | None:
    """A reason when the extracted body is a short teaser cut by a subscription prompt, else None."""
    if body_words >= MAX_CUT_OFF_BODY_WORDS:
        return None
    text = _visible_text(body)
    match = CUT_OFF.search(text)
    if match:
        return f"paywall: {body_words}-word teaser, page says {match.group(0)!r}"
    if body_words >= MAX_PAYWALL_BODY_WORDS:
        return None
    match = PAYWALL.search(text)
    if match:
        return f"paywall: {body_words}-word teaser, page says {match.group(0)!r}"
    if accessible_for_free is False:
        return f"paywall: {body_words}-word teaser, JSON-LD isAccessibleForFree is false"
    match = PAYWALL_MARKUP.search(" ".join(el.get("class") or "" for el in body.iter() if isinstance(el.tag, str)))
    if match:
        return f"paywall: {body_words}-word teaser inside {match.group(0)!r} markup"
    return None


# --- walls and link dumps, whatever the page length ------------------------------------------------

# A <title> (or h1) that is an interstitial, not a headline: short and starting with one of these.
WALL_TITLE = re.compile(
    r"^(?:just a moment|attention required|before you continue|access denied|are you a robot|"
    r"verify (?:that )?you are (?:a )?human|security check|one more step|please wait while we|"
    r"we value your privacy|cookie consent|your privacy choices|privacy settings|consent required)\b",
    re.IGNORECASE,
)
MAX_WALL_TITLE_WORDS = 8
# What consent managers and bot challenges say; a body with several of them is the wall itself.
WALL_PHRASES = (
    re.compile(r"\bwe value your privacy\b", re.IGNORECASE),
    re.compile(r"\b(?:we and )?our (?:\d+ )?(?:partners|vendors) (?:store|use|process|may use)\b", re.IGNORECASE),
    re.compile(r"\bstore and/or access information on a device\b", re.IGNORECASE),
    re.compile(r"\bpersonali[sz](?:ed|e) (?:content and )?(?:ads|advertising)(?: and content)?\b", re.IGNORECASE),
    re.compile(r"\blegitimate interests?\b", re.IGNORECASE),
    re.compile(r"\b(?:accept|reject|refuse|decline|allow|deny) all\b|\ballow selection\b", re.IGNORECASE),
    re.compile(r"\bmanage (?:your )?(?:preferences|options|settings|choices|cookies)\b", re.IGNORECASE),
    re.compile(r"\bprecise geolocation data\b", re.IGNORECASE),
    re.compile(r"\b(?:click|clicking) (?:to )?(?:consent|accept|agree)\b", re.IGNORECASE),
    re.compile(r"\b(?:withdraw|change) your (?:consent|preferences)\b", re.IGNORECASE),
    re.compile(r"\bbefore you continue\b|\bbefore consenting\b", re.IGNORECASE),
    re.compile(r"\bchecking (?:if the site connection is secure|your browser)\b|\bverify you are human\b",
               re.IGNORECASE),
    # Cookiebot's and its imitators' wording
    re.compile(r"\bthis (?:website|site) uses cookies\b", re.IGNORECASE),
    re.compile(r"\bshare information about your use of our site\b", re.IGNORECASE),
    re.compile(r"\b(?:necessary|statistics?|marketing|preferences?|functional|performance|analytics?) cookies "
               r"(?:help|are used|enable|allow|collect|let)\b", re.IGNORECASE),
)
_WALL_PHRASE_SCAN = re.compile("|".join(f"(?P<p{i}>{p.pattern})" for i, p in enumerate(WALL_PHRASES)), re.IGNORECASE)
"""All of WALL_PHRASES in one pass; the name of the group that matched tells which phrase it was."""
MIN_WALL_PHRASES = 4
"""Distinct wall phrases in the body that make it a wall (an article about cookies has one or two)."""
_WALL_PHRASE_WORDS = (
    ("privacy",), ("partners", "vendors"), ("and/or access",), ("personali",), ("legitimate interest",),
    ("accept", "reject", "refuse", "decline", "allow", "deny"), ("manage",), ("geolocation",), ("click",),
    ("withdraw your", "change your"), ("before",), ("checking", "verify you are human"),
    ("uses cookies",), ("your use of our site",), ("cookies help", "cookies are used", "cookies enable",
                                                      "cookies allow", "cookies collect", "cookies let"),
)
"""For each of WALL_PHRASES, words one of which any match of it holds (lower-cased): a body holding
the words of fewer than MIN_WALL_PHRASES phrases cannot be a wall, and is not scanned (the scan costs
about as much as the rest of the classification)."""
# Class or id of the element that holds a consent wall or a challenge (the body container or above).
WALL_MARKUP = re.compile(
    r"^(?:consent[-_]?wall|cookie[-_]?wall|consent[-_]?(?:banner|modal|overlay|layer|popup)|cmp[-_]?container|"
    r"gdpr[-_]?(?:wall|consent|banner)|onetrust[-_]?(?:banner-sdk|consent-sdk)|didomi[-_]?(?:popup|host)|"
    r"qc-cmp2?-container|sp_message_container(?:_\d+)?|cf-challenge(?:-running)?|challenge-(?:platform|form|body)|"
    r"px-captcha|captcha-container|cybotcookiebotdialog(?:bodycontent)?|usercentrics-root|uc-banner|"
    r"truste-consent-track|cmplz-cookiebanner|cookie-law-info-bar|borlabs-cookie|iubenda-cs-banner)$",
    re.IGNORECASE,
)


def _wall_title(root: HtmlElement, meta: PageMeta | None) -> str | None:
    title, h1 = title_and_heading(root, meta)
    for label, text in (("title", title), ("h1", h1)):
        if text and len(text.split()) <= MAX_WALL_TITLE_WORDS and WALL_TITLE.match(text):
            return f"{label} says {text!r}"
    return None


def _possible_phrases(text: str) -> int:
    """How many of WALL_PHRASES could match in ``text``: at least as many as do. (A case-insensitive
    pattern also matches dotless i and long s to i and s, which lower-casing leaves alone.)"""
    key = search_key(text)
    return sum(any(word in key for word in words) for words in _WALL_PHRASE_WORDS)


def wall_reason(root: HtmlElement, container: HtmlElement | None, body_text: str,
                meta: PageMeta | None = None) -> str | None:
    """A reason when the page is a consent wall or bot challenge however long it is, else None:
    its title is an interstitial's, its body container sits in consent/challenge markup, or its body
    text carries ``MIN_WALL_PHRASES`` distinct consent-manager phrases. (``meta``: the page's
    metadata, whose title and h1s are already read.)"""
    said = _wall_title(root, meta)
    if said:
        return f"blocked: {said}"
    node = container
    while node is not None:
        for token in class_tokens(node):
            if WALL_MARKUP.match(token):
                return f"blocked: body inside {token!r} markup"
        node = node.getparent()
    if _possible_phrases(body_text) < MIN_WALL_PHRASES:
        return None
    found = {match.lastgroup for match in _WALL_PHRASE_SCAN.finditer(body_text)}
    if len(found) >= MIN_WALL_PHRASES:
        return f"blocked: body carries {len(found)} consent/challenge phrases"
    return None


MIN_DUMP_LINKS = 20
"""A container needs this many links before it can be called a link dump."""
MAX_ARTICLE_LINK_DENSITY = 0.6
"""Above this share of link text a body is a link list, a table of links or a navigation dump."""


GIANT_DUMP_LINKS = 5000
GIANT_DUMP_DENSITY = 0.8
"""A whole page with this many links and this share of link text is a link dump before any body
is looked for (cheap, and spares the body search a page of 100,000 links)."""


def link_dump_reason(container: HtmlElement, min_links: int = MIN_DUMP_LINKS,
                     max_density: float = MAX_ARTICLE_LINK_DENSITY) -> str | None:
    """A reason when most of the text of ``container`` is link text (a list or table of links, a
    navigation dump), else None."""
    links = sum(1 for a in container.iter("a") if a.get("href"))
    if links < min_links:
        return None
    density = link_density(container)
    if density < max_density:
        return None
    return f"listing: link dump, {links} links, {density:.2f} of the text is link text"


MIN_LINK_TEXT_CHARS = 8
"""Link texts shorter than this (and of one word) are too common in prose to be matched."""


def link_text_reason(body_text: str, page_body: HtmlElement, page_text: PageText | None = None) -> str | None:
    """A reason when most of the extracted body text is the text of the page's links (a list or table
    of links, a navigation dump, whichever container or extractor found it), else None."""
    if not body_text:
        return None
    targets = [a for a in page_body.iter("a") if a.get("href")]
    if page_text is not None and sum(page_text.length(a) for a in targets) < MAX_ARTICLE_LINK_DENSITY * len(body_text):
        return None  # even the links' raw text could not cover that share of the body (no text read)
    anchors: dict[str, int] = {}
    for a in targets:
        text = page_text.visible(a) if page_text is not None else text_of(a)
        if len(text) >= MIN_LINK_TEXT_CHARS or " " in text:
            anchors[text] = anchors.get(text, 0) + 1
    if sum(anchors.values()) < MIN_DUMP_LINKS:
        return None
    if sum(len(text) * count for text, count in anchors.items()) < MAX_ARTICLE_LINK_DENSITY * len(body_text):
        return None  # all the link text of the page could not cover that share of the body
    covered = links = 0
    for text, count in anchors.items():
        found = min(body_text.count(text), count)
        covered += found * len(text)
        links += found
    share = min(covered / len(body_text), 1.0)
    if links < MIN_DUMP_LINKS or share < MAX_ARTICLE_LINK_DENSITY:
        return None
    return f"listing: link dump, {links} links make {share:.2f} of the body text"
