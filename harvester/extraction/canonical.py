"""The article's canonical URL: <link rel=canonical>, else the fetched URL with the site's
rewrites, in both cases without fragment or tracking parameters."""

from __future__ import annotations

from lxml.html import HtmlElement

from harvester.extraction.rules import SiteRules
from harvester.extraction.urls import absolute_url, canonical_url


def find_url(root: HtmlElement, url: str, rules: SiteRules | None) -> tuple[str, str]:
    """The canonical URL and its source ("meta" for rel=canonical, "url" otherwise)."""
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            found = absolute_url(link.get("href"), url)
            if found:
                return canonical_url(found), "meta"
    result = url
    for pattern, replacement in rules.url_rewrites if rules else ():
        result = pattern.sub(replacement, result)
    return canonical_url(result), "url"
