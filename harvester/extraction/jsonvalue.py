"""JSON read from a page's scripts, made safe for the rest of extraction.

A page's JSON (JSON-LD, embedded application state) is untrusted input, and two of its shapes
break a reader that trusts it:

* nesting deeper than any recursive reader goes: ``json`` itself raises ``RecursionError`` on
  100,000 brackets, and a few hundred levels are enough to overflow the helpers that collect names,
  images or keywords from nested values. A value nested deeper than ``MAX_DEPTH`` is not metadata:
  it is dropped, as an unreadable script is;
* escapes of lone UTF-16 surrogates (``"\\ud800"``), which ``json`` decodes into a ``str`` that
  no encoder accepts: stored, it makes the database refuse the whole article; in a URL, it makes
  URL handling raise. They are removed before decoding (a proper pair, an emoji, is kept).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays kept (real JSON-LD and page state stay under 20)."""

_SURROGATE_ESCAPES = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # a high + low pair: one character
    r"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"  # a lone half
)


def without_lone_surrogates(text: str) -> str:
    """``text`` (JSON source) without escapes of unpaired surrogates."""
    if "\\ud" not in text and "\\uD" not in text:
        return text
    return _SURROGATE_ESCAPES.sub(lambda m: m.group() if len(m.group()) == 12 else "", text)


def within_depth(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value``'s objects and arrays nest at most ``limit`` deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return True


def bounded(value: Any) -> Any:
    """``value``, or None when it nests deeper than ``MAX_DEPTH``."""
    return value if within_depth(value) else None


def first_value(text: str) -> Any:
    """The first JSON value at the start of ``text`` (what follows, such as trailing JavaScript,
    is ignored); None when there is none or it nests too deeply."""
    try:
        value, _ = json.JSONDecoder().raw_decode(without_lone_surrogates(text))
    except (ValueError, RecursionError):
        return None
    return bounded(value)
