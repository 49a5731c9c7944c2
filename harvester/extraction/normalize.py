"""Text normalisation shared by every stored text field.

NBSP and the other Unicode spaces become a plain space, runs of whitespace inside a
paragraph fold to one space, invisible and control characters disappear (``strip_invisible``:
NUL and the other C0 controls, bidi overrides and isolates, zero-width characters) and the
result is trimmed. Quotes, dashes and brackets are never touched.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

# Every horizontal or vertical space a page may carry, NBSP included.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# Characters that are invisible in the page but break matching, searching or display when stored:
# NUL and the other C0 controls but tab/newline/carriage return, DEL; bidi embeddings and overrides
# (U+202A-202E) and isolates (U+2066-2069), which can reverse how a title reads; zero-width space,
# non-joiner and joiner (U+200B-200D), word joiner (U+2060) and BOM / zero-width no-break (U+FEFF);
# lone UTF-16 surrogates (U+D800-DFFF: only a page's JSON escapes can make them), which no encoder,
# and so no database, accepts.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u202a-\u202e\u2060\u2066-\u2069\ufeff"
                        "\ud800-\udfff]")


def strip_invisible(text: str) -> str:
    """``text`` without control, bidi-override/isolate and zero-width characters: the one cleaning
    every stored text field goes through (``normalize_text``, ``normalize_block``, the body HTML)."""
    return _INVISIBLE.sub("", text)


def normalize_text(text: str | None) -> str:
    """One paragraph or field value: spaces folded, NBSP gone, trimmed ("" for None).

    ``str.split()`` splits at exactly the characters ``_SPACES`` names (Unicode white space, NBSP
    included) and is several times faster than the regular expression on long texts; the invisible
    characters are only looked for (a regular expression pass) when the folded text has an
    unprintable character."""
    if not text:
        return ""
    folded = " ".join(text.split())
    if folded.isprintable() and not _has_spacing_controls(text):
        return folded  # nothing to strip: every invisible character is unprintable, or a space to split()
    return " ".join(strip_invisible(text).split())


def _has_spacing_controls(text: str) -> bool:
    """True when ``text`` holds one of the control characters ``str.split`` takes for spaces but
    ``strip_invisible`` removes (which joins the words around them instead of splitting them)."""
    return ("\x0b" in text or "\x0c" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text
            or "\x1f" in text)


def normalize_block(text: str | None) -> str:
    """Preformatted text: NBSP -> space, line breaks kept, each line's end and the block trimmed."""
    if not text:
        return ""
    text = strip_invisible(text).replace(NBSP, " ").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n").strip()


def normalize_optional(text: str | None) -> str | None:
    """``normalize_text`` that gives None for an empty result."""
    value = normalize_text(text)
    return value or None


# Han ideographs, kana: scripts written without spaces between words.
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
UNSPACED_CHARS_PER_WORD = 2
"""Characters of an unspaced script counted as one word (a rough average for Chinese/Japanese)."""


def count_words(text: str) -> int:
    """Words of ``text``: space-separated tokens, with runs of Chinese/Japanese characters
    counted as one word per ``UNSPACED_CHARS_PER_WORD`` characters."""
    if not _UNSPACED.search(text):
        return len(text.split())
    total = 0
    for token in text.split():
        unspaced = len(_UNSPACED.findall(token))
        total += max(1, unspaced // UNSPACED_CHARS_PER_WORD) if unspaced else 1
    return total
