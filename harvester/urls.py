"""The one URL canonicalisation of the project, used by discovery (which URLs to fetch), the
incremental state (``url_state`` keys) and the store (the URL an article is stored under).

No Scrapy, no database: extraction, spiders and the store all import it.

``canonical_url``: surrounding whitespace trimmed, scheme and host lower-cased, the fragment and
tracking parameters removed (``utm_*``, click ids of ad networks, mail-campaign ids, ``ref``...),
everything else kept as written (parameter order, path case, trailing slash), because the server
may tell those apart.

``MAX_URL_LENGTH``: a longer URL is not one the crawl requests, stores or follows (discovery leaves
it out, a redirect to it ends in ``url_too_long``, a canonical link or image that long is ignored).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string, url_query_cleaner

TRACKING_PARAMETER = re.compile(
    r"^(utm_[a-z0-9_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"ref|ref_src|ref_url|spm|cmpid|ocid|mkt_tok|_hsenc|_hsmi|oly_anon_id|oly_enc_id|vero_id|wt_mc|at_medium|"
    r"at_campaign|at_custom\d*)$",
    re.IGNORECASE,
)
"""Query parameters that only say where a click came from: never part of an article's identity."""


MAX_URL_LENGTH = 2083
"""Characters in the longest URL the crawl handles: Scrapy's ``URLLENGTH_LIMIT`` default (the limit
of Internet Explorer, which the web grew up with). Scrapy enforces its own only in a spider
middleware, which requests the frontier schedules never pass; and PostgreSQL cannot index a value
much over 2,700 bytes, so a 6,000-character URL would be refused by ``url_state``'s index."""


def is_tracking_parameter(name: str) -> bool:
    return bool(TRACKING_PARAMETER.match(name))


def canonical_url(url: str) -> str:
    """``url`` in the one form the project stores and compares (see the module docstring)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))
    tracking = [key for key, _ in parse_qsl(parts.query, keep_blank_values=True) if is_tracking_parameter(key)]
    if tracking:
        url = url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=True)
    return url.split("#", 1)[0]


def absolute_url(value: str | None, base: str) -> str | None:
    """``value`` resolved against ``base``; None for empty, javascript: or data: values, and for
    a value no URL parser can read (``http://[oops/``, a port over 65535), which a page may hold, and
    for one longer than ``MAX_URL_LENGTH`` once escaped."""
    if not value:
        return None
    value = value.strip()
    if not value or value.lower().startswith(("javascript:", "data:", "about:", "#")):
        return None
    try:
        url = safe_url_string(urljoin(base, value))
        urlsplit(url).port  # raises ValueError for a malformed host or port
    except ValueError:
        return None
    return url if len(url) <= MAX_URL_LENGTH else None


def fetchable_url(value: str | None, base: str) -> str | None:
    """``value`` resolved against ``base`` when that is an http(s) URL with a readable host and port,
    at most ``MAX_URL_LENGTH`` characters: what discovery may request (Scrapy escapes it when it
    makes the request); else None. Cheap enough for every entry of a 50,000-URL sitemap."""
    value = (value or "").strip()
    if not value or len(value) > MAX_URL_LENGTH:
        return None
    try:
        url = urljoin(base, value)
        parts = urlsplit(url)
        parts.port  # raises ValueError for a port over 65535
    except ValueError:  # http://[oops/ ...
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname and len(url) <= MAX_URL_LENGTH else None
