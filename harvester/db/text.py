"""Text normalisation for stored fields and the article content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

NBSP = "\u00a0"


def normalise(text: str) -> str:
    """NBSP becomes a plain space, then the text is trimmed (SITES.md §2)."""
    return text.replace(NBSP, " ").strip()


def normalise_optional(text: str | None) -> str | None:
    """Like ``normalise``; None and texts that end up empty become None."""
    if text is None:
        return None
    return normalise(text) or None


def normalise_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Every paragraph normalised; paragraphs that end up empty are dropped."""
    return [p for p in (normalise(p) for p in paragraphs) if p]


def unique_names(names: Iterable[str]) -> list[str]:
    """Normalised, non-empty names in first-seen order, without repeats."""
    seen: dict[str, None] = {}
    for name in names:
        clean = normalise(name)
        if clean:
            seen.setdefault(clean, None)
    return list(seen)


def content_hash(title: str, paragraphs: Iterable[str]) -> str:
    """sha256 (hex) of the normalised title and body.

    The title, then each paragraph, each followed by a unit separator (U+001F): no two
    different (title, body) pairs hash the same input.
    """
    return hash_normalised(normalise(title), normalise_paragraphs(paragraphs))


def canonical_article_url(url: str) -> str:
    """The URL an article is stored under: trimmed, without fragment and tracking parameters.

    Extraction already returns the page's ``rel=canonical`` (or the fetched URL) in this form;
    the store applies it again so that no caller can store two forms of one URL.
    """
    from harvester.urls import canonical_url

    return canonical_url(url)


def hash_normalised(title: str, paragraphs: Iterable[str]) -> str:
    """``content_hash`` of a title and paragraphs normalised already (``normalise``,
    ``normalise_paragraphs``): the same digest without normalising them a second time."""
    digest = hashlib.sha256()
    for part in [title, *paragraphs]:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()
