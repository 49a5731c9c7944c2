"""Article metadata: title, authors, dates, section, tags, lead image, description,
language and canonical URL. Each value records where it came from in ``sources``.

Order everywhere: the site's rule selectors, then page metadata (meta tags, JSON-LD),
then generic markup. Visible "today" lines never give a date.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement

from harvester.extract import jsonld
from harvester.extract.authors import clean_authors
from harvester.extract.dates import parse_machine_date, parse_text_date
from harvester.extract.embedded import SOURCE as EMBEDDED
from harvester.extract.embedded import EmbeddedArticle
from harvester.extract.normalize import normalize_optional, normalize_text
from harvester.extract.rules import SiteRules
from harvester.extract.select import image_src, is_inside, select, select_all, text_of
from harvester.extract.urls import absolute_url, canonical_url

PLACEHOLDER_IMAGE = re.compile(r"no[-_ ]?image|placeholder|blank\.(gif|png)|spacer\.gif", re.IGNORECASE)
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
MAX_SUFFIX_WORDS = 4

PUBLISHED_META = ("article:published_time", "og:published_time", "published_time", "datepublished",
                  "dc.date.issued", "dcterms.created", "pubdate", "publishdate", "sailthru.date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "modified_time", "datemodified",
                 "dcterms.modified", "last-modified")


@dataclass
class PageMeta:
    """Everything read from a page's markup, before the body is known."""

    url: str
    title: str | None = None
    title_node: HtmlElement | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    lead_image: str | None = None
    description: str | None = None
    language: str | None = None
    og_type: str | None = None
    jsonld_article: bool = False
    accessible_for_free: bool | None = None  # JSON-LD isAccessibleForFree, when the page says
    site_names: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)


def meta_index(root: HtmlElement) -> dict[str, list[str]]:
    """meta[property|name|itemprop] (lower-cased) -> contents, in document order."""
    index: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (el.get(attr) or "").strip().lower()
            if key:
                index.setdefault(key, []).append(content)
    return index


def _first_meta(index: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        for value in index.get(key, []):
            value = normalize_text(value)
            if value:
                return value
    return None


def _value_of(el: HtmlElement) -> str:
    """An element's value: content/alt/title attributes for meta/img, else its text."""
    if el.tag == "meta":
        return normalize_text(el.get("content"))
    if el.tag == "img":
        return normalize_text(el.get("alt") or el.get("title"))
    return text_of(el)


def strip_site_suffix(title: str, site_names: tuple[str, ...]) -> str:
    """``title`` without a trailing "<sep> Site Name" (known names, else a short last part)."""
    known = {n.casefold() for n in site_names}
    for sep in TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        head, tail = head.strip(), tail.strip()
        if not head:
            continue
        if tail.casefold() in known:
            return head
        if not known and len(tail.split()) <= MAX_SUFFIX_WORDS and len(tail) < len(head):
            return head
    return title


def _site_names(rules: SiteRules | None, index: dict[str, list[str]], items: list[dict[str, Any]]) -> tuple[str, ...]:
    names: list[str] = list(rules.site_names) if rules else []
    names += [normalize_text(v) for v in index.get("og:site_name", [])]
    names += [normalize_text(v) for v in index.get("application-name", [])]
    for item in items:
        types = item.get("@type")
        if types in ("WebSite", "Organization", "NewsMediaOrganization") and isinstance(item.get("name"), str):
            names.append(normalize_text(item["name"]))
    return tuple(dict.fromkeys(n for n in names if n))


def _pick_h1(root: HtmlElement, site_names: tuple[str, ...], hints: list[str]) -> HtmlElement | None:
    """The title h1: inside article/main first, never a site-name logo, closest to the hints."""
    names = {n.casefold() for n in site_names}
    scoped = select(root, "article h1, main h1, [role=main] h1")
    ordered = scoped + [h for h in root.iter("h1") if h not in scoped]
    candidates = [h for h in ordered if text_of(h) and text_of(h).casefold() not in names]
    if not candidates:
        return None
    folded = [h.casefold() for h in hints if h]
    for h1 in candidates:
        text = text_of(h1).casefold()
        if any(text == hint or text in hint or hint in text for hint in folded):
            return h1
    return candidates[0]


def find_title(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
               index: dict[str, list[str]], article: dict[str, Any] | None) -> None:
    names = {n.casefold() for n in meta.site_names}
    for el in select_all(root, rules.title if rules else ()):
        value = _value_of(el)
        if value and value.casefold() not in names:
            meta.title, meta.title_node, meta.sources["title"] = value, el, "selector"
            return
    og_title = _first_meta(index, ("og:title", "twitter:title"))
    headline = normalize_optional(jsonld.strings(article.get("headline"))[0]) if article and jsonld.strings(article.get("headline")) else None
    title_tag = normalize_optional(root.findtext(".//title"))
    hints = [strip_site_suffix(t, meta.site_names) for t in (og_title, headline, title_tag) if t]
    h1 = _pick_h1(root, meta.site_names, hints)
    if h1 is not None:
        meta.title, meta.title_node, meta.sources["title"] = text_of(h1), h1, "selector"
    elif og_title:
        meta.title, meta.sources["title"] = strip_site_suffix(og_title, meta.site_names), "meta"
    elif headline:
        meta.title, meta.sources["title"] = headline, "json-ld"
    elif title_tag:
        meta.title, meta.sources["title"] = strip_site_suffix(title_tag, meta.site_names), "meta"


def find_authors(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
                 index: dict[str, list[str]], article: dict[str, Any] | None) -> None:
    for selector in rules.authors if rules else ():
        names = clean_authors([_value_of(el) for el in select(root, selector)])
        if names:
            meta.authors, meta.sources["authors"] = names, "selector"
            return
    if article is not None:
        names = clean_authors(jsonld.names(article.get("author")))
        if names:
            meta.authors, meta.sources["authors"] = names, "json-ld"
            return
    raw = [v for key in ("author", "article:author", "dc.creator", "sailthru.author") for v in index.get(key, [])]
    names = clean_authors([v for v in raw if not v.strip().lower().startswith("http")])
    if names:
        meta.authors, meta.sources["authors"] = names, "meta"


def _excluded(el: HtmlElement, never: list[HtmlElement]) -> bool:
    return bool(never) and is_inside(el, never)


def date_from_element(el: HtmlElement) -> datetime | None:
    """A date from an element: datetime/content attributes (machine) or its text (needs an offset)."""
    for attr in ("datetime", "content", "data-time", "data-datetime", "data-date"):
        value = el.get(attr)
        if value:
            parsed = parse_machine_date(value)
            if parsed:
                return parsed
    return parse_text_date(text_of(el))


def find_dates(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
               index: dict[str, list[str]], article: dict[str, Any] | None) -> None:
    never = select_all(root, rules.never_dates) if rules else []
    for kind, selectors, meta_keys, ld_key in (
        ("published", rules.published if rules else (), PUBLISHED_META, "datePublished"),
        ("modified", rules.modified if rules else (), MODIFIED_META, "dateModified"),
    ):
        value: datetime | None = None
        source = ""
        for el in select_all(root, selectors):
            if not _excluded(el, never):
                value = date_from_element(el)
                if value:
                    source = "selector"
                    break
        if value is None:
            for key in meta_keys:
                for raw in index.get(key, []):
                    value = parse_machine_date(raw)
                    if value:
                        source = "meta"
                        break
                if value:
                    break
        if value is None and article is not None:
            for raw in jsonld.strings(article.get(ld_key)):
                value = parse_machine_date(raw)
                if value:
                    source = "json-ld"
                    break
        if value is not None:
            setattr(meta, kind, value)
            meta.sources[kind] = source


_UPDATED = re.compile(r"updat|modif", re.IGNORECASE)


def _in_page_chrome(el: HtmlElement, scope: HtmlElement) -> bool:
    """True inside navigation, sidebars, related lists, comments, or a <header> that does not
    hold the article title (a site header with a "today" line)."""
    if _outside_article(el, scope):
        return True
    node: HtmlElement | None = el
    while node is not None and node is not scope:
        if node.tag == "header" and not any(h.tag == "h1" for h in node.iter("h1")):
            return True
        node = node.getparent()
    return False


def dates_from_scope(scope: HtmlElement, rules: SiteRules | None, meta: PageMeta) -> None:
    """Last resort: time[datetime] inside the article (never in ``rules.never_dates``)."""
    never = select_all(scope.getroottree().getroot(), rules.never_dates) if rules else []
    times = [t for t in scope.iter("time")
             if t.get("datetime") and not _excluded(t, never) and not _in_page_chrome(t, scope)]
    for el in times:
        updated = bool(_UPDATED.search(" ".join([el.get("class") or "", el.get("itemprop") or ""])))
        value = parse_machine_date(el.get("datetime"))
        if value is None:
            continue
        if updated and meta.modified is None:
            meta.modified, meta.sources["modified"] = value, "selector"
        elif not updated and meta.published is None:
            meta.published, meta.sources["published"] = value, "selector"


def find_section_and_tags(root: HtmlElement, rules: SiteRules | None, meta: PageMeta,
                          index: dict[str, list[str]], article: dict[str, Any] | None) -> None:
    for el in select_all(root, rules.section if rules else ()):
        value = _value_of(el)
        if value:
            meta.section, meta.sources["section"] = value, "selector"
            break
    if meta.section is None and article is not None:
        sections = [normalize_text(s) for s in jsonld.strings(article.get("articleSection"))]
        if sections and sections[0]:
            meta.section, meta.sources["section"] = sections[0], "json-ld"
    if meta.section is None:
        value = _first_meta(index, ("article:section",))
        if value:
            meta.section, meta.sources["section"] = value, "meta"

    def dedupe(values: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for v in values:
            v = normalize_text(v).lstrip("#")
            if v and v.casefold() not in seen:
                seen[v.casefold()] = v
        return list(seen.values())

    for selector in rules.tags if rules else ():
        tags = dedupe([_value_of(el) for el in select(root, selector)])
        if tags:
            meta.tags, meta.sources["tags"] = tags, "selector"
            return
    tags = dedupe(index.get("article:tag", []))
    if tags:
        meta.tags, meta.sources["tags"] = tags, "meta"
        return
    if article is not None:
        raw = article.get("keywords")
        values = [part for s in jsonld.strings(raw) for part in (s.split(",") if isinstance(raw, str) else [s])]
        tags = dedupe(values)
        if tags:
            meta.tags, meta.sources["tags"] = tags, "json-ld"


def is_placeholder(src: str | None, alt: str | None, rules: SiteRules | None) -> bool:
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


_NOT_LEAD = re.compile(r"avatar|logo|icon|emoji|gravatar|author|badge|sprite", re.IGNORECASE)
MIN_LEAD_SIZE = 100


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
                    index: dict[str, list[str]], article: dict[str, Any] | None) -> None:
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


def find_language(root: HtmlElement, index: dict[str, list[str]]) -> tuple[str | None, str]:
    raw = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if raw and raw.strip():
        return re.split(r"[-_]", raw.strip())[0].lower() or None, "meta"
    for key in ("og:locale", "content-language", "language"):
        for value in index.get(key, []):
            primary = re.split(r"[-_,\s]", value.strip())[0].lower()
            if primary:
                return primary, "meta"
    return None, ""


def find_url(root: HtmlElement, url: str, rules: SiteRules | None) -> tuple[str, str]:
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


def _accessible_for_free(article: dict[str, Any] | None) -> bool | None:
    value = article.get("isAccessibleForFree") if article is not None else None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def read_metadata(root: HtmlElement, url: str, rules: SiteRules | None) -> PageMeta:
    """All metadata that does not need the body (see ``dates_from_scope`` for the rest)."""
    index = meta_index(root)
    items = jsonld.jsonld_items(root)
    article = jsonld.article_item(items)
    meta = PageMeta(url=url)
    meta.url, meta.sources["url"] = find_url(root, url, rules)
    meta.site_names = _site_names(rules, index, items)
    meta.og_type = _first_meta(index, ("og:type",))
    meta.jsonld_article = article is not None
    meta.accessible_for_free = _accessible_for_free(article)
    find_title(root, rules, meta, index, article)
    find_authors(root, rules, meta, index, article)
    find_dates(root, rules, meta, index, article)
    find_section_and_tags(root, rules, meta, index, article)
    find_lead_image(root, rules, meta, url, index, article)
    description = _first_meta(index, ("description", "og:description", "twitter:description"))
    if description:
        meta.description, meta.sources["description"] = description, "meta"
    elif article is not None and jsonld.strings(article.get("description")):
        meta.description = normalize_optional(jsonld.strings(article.get("description"))[0])
        if meta.description:
            meta.sources["description"] = "json-ld"
    meta.language, source = find_language(root, index)
    if meta.language:
        meta.sources["language"] = source
    return meta


_SCOPE_SKIP_TAGS = frozenset({"nav", "aside", "footer", "form"})
_SCOPE_SKIP_PARTS = frozenset({"related", "sidebar", "comment", "comments", "widget", "menu", "popular",
                               "recommended", "footer", "respond", "navigation", "nav", "pagination"})


def _outside_article(el: HtmlElement, scope: HtmlElement, skip_tags: frozenset[str] = _SCOPE_SKIP_TAGS,
                     skip_parts: frozenset[str] = _SCOPE_SKIP_PARTS) -> bool:
    """True when ``el`` sits in navigation, a sidebar, related list or comments below ``scope``."""
    node: HtmlElement | None = el
    while node is not None and node is not scope:
        if node.tag in skip_tags:
            return True
        for token in (node.get("class") or "").lower().split() + [(node.get("id") or "").lower()]:
            if skip_parts & set(re.split(r"[-_]+", token)):
                return True
        node = node.getparent()
    return False


def article_scope(title_node: HtmlElement | None, body_node: HtmlElement) -> HtmlElement:
    """The smallest element holding both the title and the body (the body's parent without a title)."""
    if title_node is None:
        return body_node.getparent() if body_node.getparent() is not None else body_node
    ancestors = set()
    node: HtmlElement | None = title_node
    while node is not None:
        ancestors.add(node)
        node = node.getparent()
    node = body_node
    while node is not None and node not in ancestors:
        node = node.getparent()
    return node if node is not None else body_node


def _scoped(scope: HtmlElement, selector: str, skip_tags: frozenset[str] = _SCOPE_SKIP_TAGS,
            skip_parts: frozenset[str] = _SCOPE_SKIP_PARTS) -> list[HtmlElement]:
    return [el for el in select(scope, selector) if not _outside_article(el, scope, skip_tags, skip_parts)]


# Microdata and RDFa (schema.org vocabulary, with or without the "schema:" prefix), then rel links.
AUTHOR_MARKUP = (
    "[itemprop=author] [itemprop=name]", "[itemprop=author]",
    "[rel~='schema:author'] [property~='schema:name']", "[property~='schema:author'] [property~='schema:name']",
    "[rel~='schema:author']", "[property~='schema:author']", "a[rel~=author]",
)
SECTION_MARKUP = ("[itemprop=articleSection]", "[property~='schema:articleSection']", "a[rel~=category]")
TAG_MARKUP = ("[itemprop=keywords]", "[property~='schema:keywords']", "[property~='schema:about']", "a[rel~=tag]")


def _tag_values(el: HtmlElement) -> list[str]:
    """Tags of one element: a link's text, or a comma-separated keywords value."""
    if "category" in (el.get("rel") or "").lower():
        return []
    value = _value_of(el)
    parts = value.split(",") if el.tag == "meta" or "keywords" in (el.get("itemprop") or el.get("property") or "") else [value]
    return [normalize_text(p).lstrip("#") for p in parts if normalize_text(p).lstrip("#")]


def markup_from_scope(scope: HtmlElement, meta: PageMeta, skip_tags: frozenset[str] = _SCOPE_SKIP_TAGS,
                      skip_parts: frozenset[str] = _SCOPE_SKIP_PARTS) -> None:
    """Last resort for authors, section and tags: microdata, RDFa and rel=author/category/tag links
    inside ``scope`` (never in navigation, sidebars, related lists or comments)."""
    if not meta.authors:
        for selector in AUTHOR_MARKUP:
            names = clean_authors([_value_of(el) for el in _scoped(scope, selector, skip_tags, skip_parts)])
            if names:
                meta.authors, meta.sources["authors"] = names, "selector"
                break
    if meta.section is None:
        for selector in SECTION_MARKUP:
            # a category link may sit in a small <nav> (a kicker); site menus carry no rel=category
            found = _scoped(scope, selector, skip_tags - {"nav"}, skip_parts)
            values = [v for v in (_value_of(el) for el in found) if v]
            if values:
                meta.section, meta.sources["section"] = values[0], "selector"
                break
    if not meta.tags:
        for selector in TAG_MARKUP:
            found = _scoped(scope, selector, skip_tags, skip_parts)
            tags = list(dict.fromkeys(t for el in found for t in _tag_values(el)))
            if tags:
                meta.tags, meta.sources["tags"] = tags, "selector"
                break


# Page level: the article's own footer may hold its categories and tags (AMP and print templates),
# so only navigation, sidebars, forms and related/comment blocks are excluded there.
_PAGE_SKIP_TAGS = frozenset({"nav", "aside", "form"})
_PAGE_SKIP_PARTS = _SCOPE_SKIP_PARTS - {"footer"}
TAXONOMY_SEGMENTS = frozenset(
    {"tag", "tags", "category", "categories", "section", "sections", "topic", "topics", "channel", "rubric",
     "rubrik", "ressort", "kategorie", "categoria", "categorie", "thema", "themen", "subject", "subjects"}
)
MAX_KICKER_WORDS = 4


def _is_taxonomy_link(href: str, base: str) -> bool:
    """True for a link to a section/tag page: a taxonomy path segment, or a one-segment path."""
    found = absolute_url(href, base)
    if not found:
        return False
    segments = [seg for seg in urlsplit(found).path.split("/") if seg]
    return bool(segments) and (bool(TAXONOMY_SEGMENTS & {seg.lower() for seg in segments}) or len(segments) == 1)


def kicker_section(title_node: HtmlElement | None, base: str) -> str | None:
    """The section named by a lone category link right above the title (a "kicker"), or None.

    Only the block immediately before the h1 counts, it must hold exactly one link, be all link
    text, a few words long, and point to a taxonomy page: a breadcrumb has several links and a
    byline comes after the title."""
    if title_node is None:
        return None
    block = title_node.getprevious()
    while block is not None and not isinstance(block.tag, str):
        block = block.getprevious()
    if block is None or block.tag in ("nav", "ol", "ul", "img", "figure", "picture"):
        return None
    links = [a for a in block.iter("a") if a.get("href")]
    if len(links) != 1:
        return None
    text = text_of(block)
    if not text or text != text_of(links[0]) or len(text.split()) > MAX_KICKER_WORDS:
        return None
    return text if _is_taxonomy_link(links[0].get("href") or "", base) else None


def markup_from_page(body: HtmlElement, meta: PageMeta) -> None:
    """After the article scope: a kicker link above the title for the section, then microdata, RDFa
    and rel links anywhere on the page outside navigation, sidebars, related lists and comments."""
    if meta.section is None:
        section = kicker_section(meta.title_node, meta.url)
        if section:
            meta.section, meta.sources["section"] = section, "selector"
    markup_from_scope(body, meta, _PAGE_SKIP_TAGS, _PAGE_SKIP_PARTS)


def apply_embedded(found: EmbeddedArticle, meta: PageMeta, base: str, rules: SiteRules | None) -> None:
    """Fill the fields the markup left empty from an article found in embedded state."""
    if not meta.title and found.title:
        meta.title, meta.sources["title"] = found.title, EMBEDDED
    if not meta.authors:
        names = clean_authors(found.authors)
        if names:
            meta.authors, meta.sources["authors"] = names, EMBEDDED
    for kind, raw in (("published", found.published), ("modified", found.modified)):
        value = parse_machine_date(raw) if getattr(meta, kind) is None else None
        if value is not None:
            setattr(meta, kind, value)
            meta.sources[kind] = EMBEDDED
    if meta.section is None and found.section:
        meta.section, meta.sources["section"] = found.section, EMBEDDED
    if not meta.tags and found.tags:
        meta.tags, meta.sources["tags"] = list(dict.fromkeys(found.tags)), EMBEDDED
    if meta.lead_image is None and found.image and not is_placeholder(found.image, None, rules):
        image = absolute_url(found.image, base)
        if image:
            meta.lead_image, meta.sources["lead_image"] = image, EMBEDDED
