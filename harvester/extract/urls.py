"""URL helpers: absolute URLs and canonical form without fragments or tracking parameters."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from w3lib.url import safe_url_string, url_query_cleaner

_TRACKING = re.compile(
    r"^(utm_[a-z0-9_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"ref_src|ref_url|spm|cmpid|ocid)$",
    re.IGNORECASE,
)


def absolute_url(value: str | None, base: str) -> str | None:
    """``value`` resolved against ``base``; None for empty, javascript: or data: values."""
    if not value:
        return None
    value = value.strip()
    if not value or value.lower().startswith(("javascript:", "data:", "about:", "#")):
        return None
    return safe_url_string(urljoin(base, value))


def canonical_url(url: str) -> str:
    """``url`` without its fragment and tracking parameters (utm_*, fbclid, gclid, ...)."""
    query = urlsplit(url).query
    tracking = [key for key, _ in parse_qsl(query, keep_blank_values=True) if _TRACKING.match(key)]
    if tracking:
        url = url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=True)
    return url.split("#", 1)[0]
