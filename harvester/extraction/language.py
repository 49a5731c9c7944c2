"""The article's language: as the page declares it (<html lang>, og:locale, Content-Language), else
detected from its text.

Detection uses py3langid (a maintained, dependency-free fork of langid.py, a small naive Bayes
model over byte n-grams covering 97 languages). Only the title and body are read, and a text too
short to tell is left undetected. The model is loaded on first need, from an uncompressed copy
cached on disk when there is one (``harvester.extraction.langid_cache``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lxml.html import HtmlElement

from harvester.extraction.metatags import MetaIndex

MIN_DETECT_CHARS = 80
"""Under this many characters of text the guess is too weak to record."""
MAX_DETECT_CHARS = 4000
"""Detection reads at most this much text (the start of the article is enough)."""


def find_language(root: HtmlElement, index: MetaIndex) -> tuple[str | None, str]:
    """The declared primary language subtag ("en" for "en-GB") and its source ("meta"), or (None, "")."""
    raw = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if raw and raw.strip():
        return re.split(r"[-_]", raw.strip())[0].lower() or None, "meta"
    for key in ("og:locale", "content-language", "language"):
        for value in index.get(key, []):
            primary = re.split(r"[-_,\s]", value.strip())[0].lower()
            if primary:
                return primary, "meta"
    return None, ""


@lru_cache(maxsize=1)
def _classify() -> Any:
    # py3langid (and numpy) are imported, and the model loaded, only when a page needs detection
    from harvester.extraction.langid_cache import load_identifier

    return load_identifier().classify


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when the text is too short."""
    sample = text[:MAX_DETECT_CHARS].strip()
    if len(sample) < MIN_DETECT_CHARS:
        return None
    code, _score = _classify()(sample)
    return str(code) or None
