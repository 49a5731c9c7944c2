"""The article's lead image: the site's selectors, the first real image after the title (when the
site's rules say so), then og:image / twitter:image, then JSON-LD ``image``. Placeholders
("no image", spacer GIFs, the site's own placeholder pattern) never count."""

from __future__ import annotations

import re
from typing import Any

from lxml.html import HtmlElement

from harvester.extraction import jsonld
from harvester.extraction.metatags import MetaIndex
from harvester.extraction.pagemeta import PageMeta
from harvester.extraction.rules import SiteRules
from harvester.extraction.select import image_src, select_all, text_of
from harvester.extraction.urls import absolute_url

PLACEHOLDER_IMAGE = re.compile(r"no[-_ ]?image|placeholder|blank\.(gif|png)|spacer\.gif", re.IGNORECASE)
_NOT_LEAD = re.compile(r"avatar|logo|icon|emoji|gravatar|author|badge|sprite", re.IGNORECASE)
MIN_LEAD_SIZE = 100


def is_placeholder(src: str | None, alt: str | None, rules: SiteRules | None) -> bool:
    """True when an image's URL or alt text marks a placeholder (generic or the site's own)."""
    for value in (src or "", alt or ""):
        if PLACEHOLDER_IMAGE.search(value):
            return True
        if rules is not None and rules.placeholder_image is not None and rules.placeholder_image.search(value):
            return True
    return False


def _image_of(el: HtmlElement, base: str, rules: SiteRules | None) -> str | None:
    img = el if el.tag == "img" or el.get("data-source") else next(iter(el.iter("img")), el)
    src = image_src(img)
    if not src or is_placeholder(src, img.get("alt"), rules):
        return None
    return absolute_url(src, base)


def image_after_title(title_node: HtmlElement, base: str, rules: SiteRules | None) -> str | None:
    """The first real <img> after the title in document order, before the body text starts."""
    started = False
    for el in title_node.getroottree().getroot().iter():
        if el is title_node:
            started = True
            continue
        if not started or not isinstance(el.tag, str):
            continue
        if el.tag == "p" and len(text_of(el).split()) >= 8:
            return None  # the body began without an image
        if el.tag != "img":
            continue
        marks = " ".join([el.get("class") or "", el.get("src") or "", el.get("id") or ""])
        small = any((el.get(dim) or "").isdigit() and int(el.get(dim) or 0) < MIN_LEAD_SIZE for dim in ("width", "height"))
        if _NOT_LEAD.search(marks) or small:
            continue
        found = _image_of(el, base, rules)
        if found:
            return found
        if is_placeholder(image_src(el), el.get("alt"), rules):
            return None  # the page shows a placeholder: it has no lead image
    return None


def find_lead_image(root: HtmlElement, rules: SiteRules | None, meta: PageMeta, base: str,
                    index: MetaIndex, article: dict[str, Any] | None) -> None:
    """Set ``meta.lead_image`` (an absolute URL)."""
    for el in select_all(root, rules.lead_image if rules else ()):
        found = _image_of(el, base, rules)
        if found:
            meta.lead_image, meta.sources["lead_image"] = found, "selector"
            return
    if rules is not None and rules.lead_image_after_title and meta.title_node is not None:
        found = image_after_title(meta.title_node, base, rules)
        if found:
            meta.lead_image, meta.sources["lead_image"] = found, "selector"
            return
    for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image"):
        for raw in index.get(key, []):
            if not is_placeholder(raw, None, rules):
                found = absolute_url(raw, base)
                if found:
                    meta.lead_image, meta.sources["lead_image"] = found, "meta"
                    return
    if article is not None:
        for raw in jsonld.image_urls(article.get("image")):
            if not is_placeholder(raw, None, rules):
                found = absolute_url(raw, base)
                if found:
                    meta.lead_image, meta.sources["lead_image"] = found, "json-ld"
                    return
