"""Tests of the Budapest Post mirror files and goldens (no HTTP server, no extractor).

The pages are rendered to text lines the way the seed dumps were made (SITES.md §3: ``<img alt>`` inline,
adjacent inline elements joined, block elements and ``<br>`` break lines) by a small renderer below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from lxml import etree
from protego import Protego

from harvester.mirror_server import resolve_path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / "harvester" / "mirrors" / "budapestpost"
GOLDEN = ROOT / "tests" / "golden" / "budapestpost"
SEED_DUMP = ROOT / "tests" / "seeds" / "002_6690c4a0962c414d.txt"
ORIGIN = "https://budapestpost.com"
SEED_PATH = "/alibaba-is-back-in-beijing-s-good-books-for-helping-to-fix-poverty"
SM_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DISCLAIMER_START = "AI Disclaimer: An advanced artificial intelligence (AI) system"

# ------------------------------------------------------------------ helpers

_SKIP = {"head", "script", "style", "noscript", "template", "iframe"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "div", "dl", "dt", "dd", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "thead", "tbody", "tr", "ul",
}
_BREAK = "\x00"


def fold(text: str) -> str:
    """NBSP to space, whitespace runs folded, trimmed (SITES.md §2)."""
    return " ".join(text.replace("\u00a0", " ").split())


def render_lines(doc: lxml.html.HtmlElement) -> list[str]:
    """The page as text lines, per SITES.md §3 (table cells joined with `` | ``)."""
    out: list[str] = []

    def text(s: str | None) -> None:
        if s:
            out.append(re.sub(r"\s+", " ", s))

    def walk(el: etree._Element) -> None:
        if isinstance(el.tag, str):
            tag = el.tag.lower()
            if tag == "br":
                out.append(_BREAK)
            elif tag == "img":
                text(el.get("alt"))
            elif tag == "input":
                if (el.get("type") or "").lower() == "submit":
                    text(el.get("value"))
            elif tag not in _SKIP:
                block = tag in _BLOCK
                if block:
                    out.append(_BREAK)
                if tag in ("td", "th") and el.getprevious() is not None:
                    out.append(" | ")
                text(el.text)
                for child in el:
                    walk(child)
                if block:
                    out.append(_BREAK)
        text(el.tail)

    body = doc.find("body")
    walk(body if body is not None else doc)
    return [line for line in (fold(part) for part in "".join(out).split(_BREAK)) if line]


def is_subsequence(needles: Iterable[str], haystack: list[str]) -> list[str]:
    """The needles not found in order in the haystack (empty when all are)."""
    it = iter(haystack)
    return [n for n in needles if not any(n == h for h in it)]


def load_html(file: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(file.read_bytes())


def mirror_file(url_or_path: str) -> Path | None:
    path = urlsplit(url_or_path).path or "/"
    return resolve_path(MIRROR, path)


def site_path(href: str) -> str | None:
    """The path of a same-site link (absolute with the real origin, or root-relative), else None."""
    absolute = urljoin(ORIGIN + "/", href)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links(file: Path) -> set[str]:
    doc = load_html(file)
    found = {site_path(a.get("href", "")) for a in doc.iter("a") if a.get("href")}
    return {p for p in found if p}


def goldens() -> dict[str, dict]:
    return {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in sorted(GOLDEN.glob("[!_]*.json"))}


def nonarticles() -> list[dict]:
    return json.loads((GOLDEN / "_nonarticles.json").read_text(encoding="utf-8"))


def seed_dump_lines() -> list[str]:
    lines = SEED_DUMP.read_text(encoding="utf-8").split("\n")
    return [fold(line.lstrip().removeprefix("•")) for line in lines if fold(line)]


def sitemap_locs() -> list[str]:
    tree = etree.parse(str(MIRROR / "sitemap.xml"))
    return [loc.text.strip() for loc in tree.iterfind(".//sm:url/sm:loc", SM_NS)]


def feed_links() -> list[str]:
    tree = etree.parse(str(MIRROR / "feed" / "index.xml"))
    return [link.text.strip() for link in tree.iterfind("./channel/item/link")]


def metas(doc: lxml.html.HtmlElement, key: str) -> list[str]:
    return [m.get("content", "") for m in doc.iter("meta") if key in (m.get("property"), m.get("name"))]


def jsonld(doc: lxml.html.HtmlElement) -> list[dict]:
    return [json.loads(s.text) for s in doc.iter("script") if s.get("type") == "application/ld+json"]


GOLDENS = goldens()
ARTICLE_NAMES = sorted(GOLDENS)
ARTICLE_PATHS = {g["path"] for g in GOLDENS.values()}
VARIANTS = sorted(p.stem for p in (GOLDEN / "variants").glob("*.html"))
LISTINGS = {"/": MIRROR / "index.html", "/news/": MIRROR / "news" / "index.html",
            "/news/page/2/": MIRROR / "news" / "page" / "2" / "index.html"}


def page_of(name: str) -> Path:
    file = mirror_file(GOLDENS[name]["path"])
    assert file is not None, name
    return file


# ------------------------------------------------------------------ inventory


def test_mirror_has_at_least_eight_articles_and_the_seed() -> None:
    assert len(GOLDENS) >= 8
    assert SEED_PATH in ARTICLE_PATHS


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_golden_path_maps_to_a_file(name: str) -> None:
    g = GOLDENS[name]
    assert re.fullmatch(r"/[a-z0-9]+(-[a-z0-9]+)*", g["path"]), "article paths are one slug, no slash or extension"
    file = mirror_file(g["path"])
    assert file is not None and file.stat().st_size > 0


def is_stub(file: Path) -> bool:
    """A stub for a page the mirrored pages link to but the mirror does not hold."""
    return "<h1>Not in this offline mirror</h1>" in file.read_text(encoding="utf-8", errors="replace")


def test_every_article_file_has_a_golden() -> None:
    bad = {n["path"] for n in nonarticles()}
    article_like = {"/" + f.name for f in MIRROR.iterdir() if f.is_file() and "." not in f.name and not is_stub(f)}
    assert article_like - bad == ARTICLE_PATHS


def test_golden_files_have_the_fixed_keys() -> None:
    keys = {"path", "url", "title", "authors", "published", "modified", "section", "tags", "lead_image",
            "description", "language", "body"}
    for name, g in GOLDENS.items():
        assert set(g) == keys, name
        assert g["body"] and all(p == fold(p) and p for p in g["body"]), name


# ------------------------------------------------------------------ seed


def test_seed_page_contains_every_dump_line_in_order() -> None:
    rendered = render_lines(load_html(MIRROR / SEED_PATH.lstrip("/")))
    assert is_subsequence(seed_dump_lines(), rendered) == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_seed_variant_contains_every_dump_line_in_order(variant: str) -> None:
    rendered = render_lines(load_html(GOLDEN / "variants" / f"{variant}.html"))
    assert is_subsequence(seed_dump_lines(), rendered) == []


def test_seed_golden_matches_sites_md() -> None:
    g = GOLDENS["seed-alibaba-beijing-poverty"]
    dump = SEED_DUMP.read_text(encoding="utf-8").split("\n")
    assert g["title"] == "Alibaba is back in Beijing's good books for helping to fix poverty" == dump[5]
    assert g["url"] == ORIGIN + SEED_PATH
    assert g["body"] == [fold(line) for line in dump[9:37] if fold(line)]
    assert len(g["body"]) == 15
    assert g["body"][0].startswith("Jack Ma's tech empire may still be facing")
    assert g["body"][-1].endswith("a dominant force in the tech world.")
    assert (g["authors"], g["published"], g["modified"], g["section"], g["tags"]) == ([], None, None, None, [])
    assert g["lead_image"] and g["lead_image"].startswith(ORIGIN + "/")


def test_variants_expect_the_seed_record() -> None:
    assert VARIANTS == ["a", "b", "c"]
    seed = GOLDENS["seed-alibaba-beijing-poverty"]
    for variant in VARIANTS:
        assert json.loads((GOLDEN / "variants" / f"{variant}.json").read_text(encoding="utf-8")) == seed


def _container_of(doc: lxml.html.HtmlElement, start: str) -> etree._Element:
    """The innermost element whose own text or child tails hold the paragraph that starts with ``start``."""
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        pieces = [el.text or ""] + [c.tail or "" for c in el]
        if any(fold(p).startswith(start) for p in pieces):
            return el
    raise AssertionError(f"no element holds {start!r}")


def test_variant_b_is_br_text_with_the_disclaimer_inside() -> None:
    doc = load_html(GOLDEN / "variants" / "b.html")
    body = _container_of(doc, "Jack Ma's tech empire")
    assert body.tag == "div" and body.find("p") is None
    assert len(body.findall("br")) >= 29
    assert _container_of(doc, "AI Disclaimer:") is body


def test_variant_a_has_the_disclaimer_after_the_body() -> None:
    doc = load_html(GOLDEN / "variants" / "a.html")
    first_p = _container_of(doc, "Jack Ma's tech empire")
    assert first_p.tag == "p" and first_p.find("br") is not None
    disclaimer = _container_of(doc, "AI Disclaimer:")
    assert disclaimer.tag == "div" and first_p.getparent() not in disclaimer.iterancestors()
    assert disclaimer.getparent() is first_p.getparent().getparent()


def test_variant_c_has_a_header_date_and_a_title_caption() -> None:
    doc = load_html(GOLDEN / "variants" / "c.html")
    rendered = render_lines(doc)
    assert "Saturday, Feb 22, 2025" in rendered
    captions = [fold(c.text_content()) for c in doc.iter("figcaption")]
    assert captions == [GOLDENS["seed-alibaba-beijing-poverty"]["title"]]
    assert not metas(doc, "article:published_time") and not jsonld(doc) and doc.find(".//time") is None


# ------------------------------------------------------------------ goldens against their pages


@pytest.mark.parametrize("name", ARTICLE_NAMES + [f"variant:{v}" for v in VARIANTS])
def test_golden_agrees_with_its_page(name: str) -> None:
    if name.startswith("variant:"):
        g = GOLDENS["seed-alibaba-beijing-poverty"]
        doc = load_html(GOLDEN / "variants" / f"{name.split(':')[1]}.html")
    else:
        g = GOLDENS[name]
        doc = load_html(page_of(name))
    rendered = render_lines(doc)
    h1s = doc.findall(".//h1")
    assert len(h1s) == 1 and fold(h1s[0].text_content()) == g["title"]
    assert is_subsequence(g["body"], rendered) == []
    assert not any(p.startswith("AI Disclaimer") or p == g["title"] for p in g["body"])
    assert any(line.startswith(DISCLAIMER_START) for line in rendered)

    canonical = [ln.get("href") for ln in doc.iter("link") if ln.get("rel") == "canonical"]
    assert g["url"] == (canonical[0] if canonical else ORIGIN + g["path"])

    lang = doc.get("lang")
    if lang:  # a declared language wins; an undeclared one is detected (checked by the golden test)
        assert g["language"] == lang.split("-")[0]

    descriptions = set(metas(doc, "description") + metas(doc, "og:description"))
    assert descriptions == ({g["description"]} if g["description"] else set())

    images = {urljoin(ORIGIN + "/", i.get("src", "")) for i in doc.iter("img") if i.get("alt") == g["title"]}
    images |= set(metas(doc, "og:image"))
    assert images == ({g["lead_image"]} if g["lead_image"] else set())


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_golden_dates_are_the_page_markup(name: str) -> None:
    g = GOLDENS[name]
    doc = load_html(page_of(name))
    ld = jsonld(doc)
    published = set(metas(doc, "article:published_time")) | {t.get("datetime") for t in doc.iter("time")}
    published |= {d["datePublished"] for d in ld if "datePublished" in d}
    modified = set(metas(doc, "article:modified_time")) | {d["dateModified"] for d in ld if "dateModified" in d}
    assert published == ({g["published"]} if g["published"] else set())
    assert modified == ({g["modified"]} if g["modified"] else set())
    for value in (g["published"], g["modified"]):
        if value:
            assert datetime.fromisoformat(value).tzinfo is not None


_VISIBLE_DATE = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*, \w+ \d{1,2}, \d{4}\b"
    r"|\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\b"
)


@pytest.mark.parametrize("name", [n for n in ARTICLE_NAMES if GOLDENS[n]["published"] is None])
def test_undated_pages_show_no_date_but_the_header_line(name: str) -> None:
    doc = load_html(page_of(name))
    header_dates = {fold(d.text_content()) for d in doc.find_class("current-date")}
    dated = [line for line in render_lines(doc) if _VISIBLE_DATE.search(line)]
    assert set(dated) <= header_dates


@pytest.mark.parametrize("name", ARTICLE_NAMES)
def test_golden_people_tags_and_section_are_on_the_page(name: str) -> None:
    g = GOLDENS[name]
    raw = page_of(name).read_text(encoding="utf-8")
    for value in g["authors"] + g["tags"] + ([g["section"]] if g["section"] else []):
        assert value in raw, value


def test_metadata_is_varied_across_articles() -> None:
    docs = {n: load_html(page_of(n)) for n in ARTICLE_NAMES}
    with_ld = [n for n, d in docs.items() if jsonld(d)]
    meta_only = [n for n, d in docs.items() if not jsonld(d) and metas(d, "article:published_time")]
    bare = [n for n, d in docs.items() if not jsonld(d) and not metas(d, "og:title") and not metas(d, "description")]
    assert with_ld and meta_only and bare
    assert any(g["lead_image"] is None for g in GOLDENS.values())
    assert any(len(g["authors"]) == 2 for g in GOLDENS.values())
    assert any(g["tags"] for g in GOLDENS.values())


def test_articles_have_the_required_structures() -> None:
    docs = [load_html(page_of(n)) for n in ARTICLE_NAMES]

    def count(xpath: str) -> int:
        return sum(len(d.xpath(xpath)) for d in docs)

    for xpath in ("//h2", "//h3", "//article//ol/li", "//article//ul/li", "//article//blockquote[not(@class)]",
                  "//article//figure/figcaption", "//blockquote[@class='twitter-tweet']",
                  "//script[contains(@src, 'platform.twitter.com/widgets.js')]", "//iframe", "//article//table//tr",
                  "//*[contains(@class, 'ad-label')]", "//*[contains(@class, 'read-also')]",
                  "//*[contains(@class, 'newsletter-box')]", "//*[contains(@class, 'share-bar')]",
                  "//*[@itemprop='articleBody']"):
        assert count(xpath) > 0, xpath
    labels = {fold(e.text_content()) for d in docs for e in d.find_class("ad-label")}
    assert {"Advertisement", "ADVERTISEMENT", "Sponsored"} <= labels


# ------------------------------------------------------------------ discovery


def test_robots_txt_declares_the_sitemap_and_allows_articles() -> None:
    text = (MIRROR / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in text and "Disallow:" in text
    sitemaps = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Sitemap:")]
    assert sitemaps and all(s.startswith(ORIGIN + "/") and mirror_file(s) for s in sitemaps)
    robots = Protego.parse(text)
    for path in ARTICLE_PATHS:
        assert robots.can_fetch(ORIGIN + path, "harvester")
    assert not robots.can_fetch(ORIGIN + "/?s=tiktok", "harvester")


def test_sitemap_parses_with_absolute_urls_and_offset_lastmods() -> None:
    tree = etree.parse(str(MIRROR / "sitemap.xml"))
    assert etree.QName(tree.getroot()).localname == "urlset"
    locs = sitemap_locs()
    assert locs and all(loc.startswith(ORIGIN + "/") for loc in locs)
    lastmods = [e.text for e in tree.iterfind(".//sm:lastmod", SM_NS)]
    assert lastmods and all(datetime.fromisoformat(v).tzinfo is not None for v in lastmods)


def test_feed_is_rss_linked_from_pages() -> None:
    tree = etree.parse(str(MIRROR / "feed" / "index.xml"))
    assert tree.getroot().tag == "rss"
    links_ = feed_links()
    assert links_ and all(link.startswith(ORIGIN + "/") for link in links_)
    for date in tree.iterfind("./channel/item/pubDate"):
        assert parsedate_to_datetime(date.text).tzinfo is not None
    for name in ARTICLE_NAMES:
        alternates = [ln.get("href") for ln in load_html(page_of(name)).iter("link")
                      if ln.get("rel") == "alternate" and ln.get("type") == "application/rss+xml"]
        assert alternates and all(mirror_file(a) == MIRROR / "feed" / "index.xml" for a in alternates)


def test_feed_dates_agree_with_goldens() -> None:
    tree = etree.parse(str(MIRROR / "feed" / "index.xml"))
    by_url = {g["url"]: g for g in GOLDENS.values()}
    for item in tree.iterfind("./channel/item"):
        g = by_url[item.findtext("link").strip()]
        date = item.findtext("pubDate")
        expected = datetime.fromisoformat(g["published"]) if g["published"] else None
        assert (parsedate_to_datetime(date) if date else None) == expected


def test_listing_page_one_links_to_page_two_and_back() -> None:
    assert "/news/page/2/" in links(LISTINGS["/news/"])
    assert mirror_file("/news/page/2/") == LISTINGS["/news/page/2/"]
    assert "/news/" in links(LISTINGS["/news/page/2/"])
    assert "/news/" in links(LISTINGS["/"])


def _channels() -> dict[str, set[str]]:
    related: set[str] = set()
    for name in ARTICLE_NAMES:
        related |= links(page_of(name))
    return {
        "sitemap": {urlsplit(u).path for u in sitemap_locs()},
        "feed": {urlsplit(u).path for u in feed_links()},
        "home": links(LISTINGS["/"]),
        "news1": links(LISTINGS["/news/"]),
        "news2": links(LISTINGS["/news/page/2/"]),
        "roundup": links(MIRROR / "tech-week-in-review"),
        "pages": related,
    }


def test_every_article_is_discoverable_and_each_channel_matters() -> None:
    channels = _channels()
    found_in = {p: {c for c, paths in channels.items() if p in paths} for p in ARTICLE_PATHS}
    assert all(found_in.values()), found_in
    assert {"news2"} in found_in.values(), "an article reachable only through listing page 2"
    assert {"sitemap"} in found_in.values(), "an article reachable only through the sitemap"


def test_tag_author_and_search_links_exist() -> None:
    everything: set[str] = set()
    for file in [*LISTINGS.values(), *(page_of(n) for n in ARTICLE_NAMES)]:
        everything |= links(file)
    assert any(p.startswith("/tag/") for p in everything)
    assert any(p.startswith("/author/") for p in everything)
    assert any(p.startswith("/?s=") for p in everything)


# ------------------------------------------------------------------ bad cases


def test_nonarticles_are_what_they_claim() -> None:
    entries = nonarticles()
    assert {e["expect"] for e in entries} >= {"http_404", "malformed", "empty", "listing"}
    for entry in entries:
        assert re.fullmatch(r"/[a-z0-9]+(-[a-z0-9]+)*", entry["path"]), entry
        file = mirror_file(entry["path"])
        if entry["expect"] == "http_404":
            assert file is None, entry
            continue
        assert file is not None, entry
        data = file.read_bytes()
        if entry["expect"] == "empty":
            assert data == b""
        elif entry["expect"] == "malformed":
            assert data and b"</html>" not in data and b"\x00" in data
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        elif entry["expect"] == "listing":
            doc = lxml.html.fromstring(data)
            article_links = links(file) & ARTICLE_PATHS
            assert len(article_links) >= 5 and doc.find_class("pagination")
            assert DISCLAIMER_START not in data.decode("utf-8")


def test_nonarticles_are_linked_as_if_they_were_articles() -> None:
    linked = set().union(*_channels().values())
    for entry in nonarticles():
        assert entry["path"] in linked, entry


def test_related_lists_link_mirrored_stories_and_404s_only() -> None:
    """Related headlines open a mirrored article, a stub for a story outside the mirror, or (the one
    missing on purpose) a plain 404: never another kind of page."""
    seed_doc = load_html(MIRROR / SEED_PATH.lstrip("/"))
    related = [a for a in seed_doc.iter("a") if "related-item" in (a.getparent().get("class") or "")]
    assert len(related) == 50
    mirrored = 0
    for a in related:
        path = site_path(a.get("href", ""))
        assert path and re.fullmatch(r"/[a-z0-9]+(-[a-z0-9]+)*", path)
        if path in ARTICLE_PATHS:
            mirrored += 1
            title = next(g["title"] for g in GOLDENS.values() if g["path"] == path)
            assert fold(a.text_content()) == title
        else:
            file = mirror_file(path)
            assert file is None or is_stub(file), path
    assert mirrored >= 5
