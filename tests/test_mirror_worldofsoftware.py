"""Tests of the World of Software mirror files and goldens (no server, no extractor)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT / "harvester" / "mirrors" / "worldofsoftware"
GOLDEN = ROOT / "tests" / "golden" / "worldofsoftware"
SEED_DUMP = Path("/work/shared/seeds/000_775af8b5b9f9ee96.txt")
ORIGIN = "https://worldofsoftware.org"
SEED_PATH = "/can-alibabas-university-courses-help-china-outpace-the-west/"

# --- a small renderer following SITES.md §3 -------------------------------------------------------

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "html",
}
SILENT_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "textarea", "select"}


BREAK = "\x00"  # a block boundary; whitespace inside text never breaks a line


def _text(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "")


def _render_into(el: etree._Element, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in SILENT_TAGS or not tag:
        out.append(_text(el.tail))
        return
    if tag == "tr":
        cells = []
        for cell in el:
            parts: list[str] = []
            _render_into_children(cell, parts)
            cells.append(_fold("".join(parts)))
        out.append(BREAK + " | ".join(cells) + BREAK)
        out.append(_text(el.tail))
        return
    block = tag in BLOCK_TAGS
    if block:
        out.append(BREAK)
    if tag == "br":
        out.append(BREAK)
    elif tag == "img":
        out.append(el.get("alt") or "")
    elif tag == "input" and (el.get("type") or "").lower() == "submit":
        out.append(el.get("value") or "")
    _render_into_children(el, out)
    if block:
        out.append(BREAK)
    out.append(_text(el.tail))


def _render_into_children(el: etree._Element, out: list[str]) -> None:
    out.append(_text(el.text))
    for child in el:
        _render_into(child, out)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def render_lines(doc: etree._Element) -> list[str]:
    """The page as text lines (NBSP -> space, whitespace folded, empty lines dropped)."""
    out: list[str] = []
    _render_into(doc, out)
    return [line for line in (_fold(x) for x in "".join(out).split(BREAK)) if line]


# --- helpers -------------------------------------------------------------------------------------


def path_to_file(url_path: str) -> Path:
    """The server's rule: a path ending in / is served from index.html, else index.xml."""
    if url_path.endswith("/"):
        html_file = MIRROR / url_path.lstrip("/") / "index.html"
        return html_file if html_file.exists() else MIRROR / url_path.lstrip("/") / "index.xml"
    return MIRROR / url_path.lstrip("/")


def url_to_file(url: str) -> Path:
    parts = urlsplit(url)
    assert parts.netloc in ("", "worldofsoftware.org"), url
    return path_to_file(parts.path)


def parse_page(path: Path) -> etree._Element:
    return html.fromstring(path.read_bytes())


def goldens() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*.json") if not p.name.startswith("_"))


def variant_goldens() -> list[Path]:
    return sorted((GOLDEN / "variants").glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def nonarticles() -> list[dict[str, str]]:
    return json.loads((GOLDEN / "_nonarticles.json").read_text(encoding="utf-8"))


def sitemap_locs() -> dict[str, str | None]:
    """loc -> lastmod of every URL in the sitemaps that robots.txt points to."""
    found: dict[str, str | None] = {}
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    queue = [line.split(":", 1)[1].strip() for line in (MIRROR / "robots.txt").read_text().splitlines() if line.lower().startswith("sitemap:")]
    while queue:
        tree = etree.parse(str(url_to_file(queue.pop())))
        queue += [loc.text for loc in tree.findall("sm:sitemap/sm:loc", ns)]
        for url in tree.findall("sm:url", ns):
            found[url.findtext("sm:loc", namespaces=ns)] = url.findtext("sm:lastmod", namespaces=ns)
    return found


def feed_links() -> set[str]:
    tree = etree.parse(str(MIRROR / "feed" / "index.xml"))
    return {link.text for link in tree.findall("channel/item/link")}


LISTINGS = ["/", "/page/2/", "/category/software/", "/category/software/page/2/"]


def listing_links(url_path: str) -> set[str]:
    doc = parse_page(path_to_file(url_path))
    return {urlsplit(a.get("href")).path for a in doc.iter("a") if a.get("href") and a.get("href").startswith(("/", ORIGIN))}


def article_pages() -> Iterator[Path]:
    """Root-level {slug}/index.html files: everything at an article-like path."""
    for page in sorted(MIRROR.glob("*/index.html")):
        if page.parent.name not in {"category", "page", "feed", "tag", "author"}:
            yield page


def normalise_dump_line(line: str) -> str:
    return re.sub(r"^•\s*", "", _fold(line))


# --- robots, sitemaps, feeds ---------------------------------------------------------------------


def test_robots_has_sitemap_lines_and_does_not_block_articles() -> None:
    lines = (MIRROR / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    sitemaps = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Sitemap:")]
    assert sitemaps and all(s.startswith(ORIGIN + "/") for s in sitemaps)
    assert all(url_to_file(s).exists() for s in sitemaps)
    disallows = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Disallow:")]
    for golden in goldens():
        assert not any(d and d != "/" and load(golden)["path"].startswith(d) for d in disallows)


def test_sitemaps_parse_and_carry_lastmod_with_offset() -> None:
    locs = sitemap_locs()
    posts = {loc: mod for loc, mod in locs.items() if not re.search(r"/(category|author)/", loc)}
    assert len(posts) >= 6
    for loc, lastmod in posts.items():
        assert loc.startswith(ORIGIN + "/")
        assert lastmod and re.search(r"[+-]\d\d:\d\d$", lastmod), (loc, lastmod)


def test_feeds_parse_as_rss() -> None:
    for feed in (MIRROR / "feed" / "index.xml", MIRROR / "category" / "software" / "feed" / "index.xml"):
        root = etree.parse(str(feed)).getroot()
        assert root.tag == "rss"
        items = root.findall("channel/item")
        assert items and all(i.findtext("link", "").startswith(ORIGIN + "/") and i.findtext("pubDate") for i in items)


# --- goldens <-> pages ---------------------------------------------------------------------------


def test_there_are_enough_articles_and_every_golden_path_exists() -> None:
    assert len(goldens()) >= 6
    for golden in goldens():
        data = load(golden)
        assert path_to_file(data["path"]).is_file(), data["path"]
        assert data["url"] == ORIGIN + data["path"]


def test_every_article_like_page_has_a_golden_or_is_a_listed_bad_case() -> None:
    golden_paths = {load(g)["path"] for g in goldens()}
    bad_paths = {n["path"] for n in nonarticles()}
    for page in article_pages():
        path = f"/{page.parent.name}/"
        assert path in golden_paths or path in bad_paths, path


@pytest.mark.parametrize("golden", goldens() + variant_goldens(), ids=lambda p: p.stem)
def test_golden_matches_its_page(golden: Path) -> None:
    data = load(golden)
    page = golden.with_suffix(".html") if golden.parent.name == "variants" else path_to_file(data["path"])
    doc = parse_page(page)
    assert doc.get("lang", "").split("-")[0] == data["language"]
    assert [_fold(h.text_content()) for h in doc.iter("h1")] == [data["title"]]
    assert doc.xpath('string(//link[@rel="canonical"]/@href)') == data["url"]
    # Every body paragraph is a rendered line of the page, in document order.
    lines = render_lines(doc)
    pos = 0
    for para in data["body"]:
        assert para == para.strip() and "\u00a0" not in para
        assert para in lines[pos:], para
        pos = lines.index(para, pos) + 1
    # Dates come from machine-readable markup, with an offset.
    stamps = set(doc.xpath("//time/@datetime | //meta[contains(@property, '_time')]/@content"))
    stamps |= set(re.findall(r'"date(?:Published|Modified)":"([^"]+)"', etree.tostring(doc, encoding="unicode")))
    for field in ("published", "modified"):
        assert data[field] is None or data[field] in stamps, field
    # Lead image: the lightbox full-size URL when present, else the featured <img src>.
    feat = doc.xpath('//div[contains(@class, "s-feat")]//*[@data-source]/@data-source') or doc.xpath('//div[contains(@class, "s-feat")]//img/@src')
    assert data["lead_image"] == (feat[0] if feat else None)


def test_seed_golden_is_the_sites_md_target() -> None:
    data = load(GOLDEN / "seed-alibaba-university-courses.json")
    assert data["path"] == SEED_PATH and data["title"] == "Can Alibaba’s university courses help China outpace the West?"
    assert (data["authors"], data["section"], data["tags"], data["lead_image"]) == (["News Room"], "Software", [], None)
    assert data["published"] == data["modified"] == "2025-03-01T06:09:00+00:00"
    assert len(data["body"]) == 25
    assert data["body"][0].startswith("A growing global network of university partnerships")
    assert data["body"][-1].startswith("“But it’s also hard to say") and "helen.packer" not in data["body"]
    for variant in variant_goldens():
        assert load(variant)["body"] == data["body"]


def test_seed_page_contains_every_line_of_the_dump() -> None:
    lines = set(render_lines(parse_page(path_to_file(SEED_PATH))))
    expected = [normalise_dump_line(x) for x in SEED_DUMP.read_text(encoding="utf-8").split("\n")]
    missing = [x for x in expected if x and x not in lines]
    assert not missing
    raw = path_to_file(SEED_PATH).read_text(encoding="utf-8")
    assert raw.count("&nbsp;</p>") >= 17 and raw.count(">ADVERTISEMENT<") == 5


# --- discovery and bad cases ---------------------------------------------------------------------


def test_pagination_page_one_links_to_page_two() -> None:
    home = parse_page(path_to_file("/"))
    assert home.xpath('//nav[contains(@class, "pagination-number")]//a[contains(@href, "/page/2/")]')
    cat = parse_page(path_to_file("/category/software/"))
    assert cat.xpath('//nav[contains(@class, "pagination")]//a[contains(@href, "/category/software/page/2/")]')
    assert path_to_file("/page/2/").is_file() and path_to_file("/category/software/page/2/").is_file()


def test_every_article_is_discoverable_and_each_channel_matters() -> None:
    sitemap = {urlsplit(u).path for u in sitemap_locs()}
    feed = {urlsplit(u).path for u in feed_links()}
    pages = {p: listing_links(p) for p in LISTINGS}
    listed = set().union(*pages.values())
    only_sitemap, only_page2 = [], []
    for golden in goldens():
        path = load(golden)["path"]
        assert path in sitemap | feed | listed, path
        if path in sitemap and path not in feed | listed:
            only_sitemap.append(path)
        if path not in sitemap | feed and path in pages["/page/2/"] | pages["/category/software/page/2/"] and path not in pages["/"] | pages["/category/software/"]:
            only_page2.append(path)
    assert only_sitemap and only_page2
    mirror_md = (GOLDEN / "MIRROR.md").read_text(encoding="utf-8")
    assert all(load(g)["path"] in mirror_md for g in goldens())


def test_bad_cases_are_linked_and_are_what_they_claim() -> None:
    linked = {urlsplit(u).path for u in sitemap_locs()}.union(*(listing_links(p) for p in LISTINGS))
    kinds = {n["expect"] for n in nonarticles()}
    assert kinds >= {"http_404", "malformed", "empty", "listing"}
    for case in nonarticles():
        assert case["path"] in linked, case
        file = path_to_file(case["path"])
        if case["expect"] == "http_404":
            assert not file.exists()
        elif case["expect"] == "empty":
            assert file.stat().st_size == 0
        elif case["expect"] == "malformed":
            raw = file.read_bytes()
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert b"</html>" not in raw and b"<p>" not in raw
        elif case["expect"] == "listing":
            doc = parse_page(file)
            assert not doc.xpath("//article") and len(doc.xpath('//h3[contains(@class, "entry-title")]/a')) >= 3
            assert doc.xpath('//nav[contains(@class, "pagination")]//a')


def test_listings_link_to_tag_author_and_search_pages() -> None:
    hrefs = [a.get("href") for p in LISTINGS for a in parse_page(path_to_file(p)).iter("a") if a.get("href")]
    assert any("/tag/" in h for h in hrefs)
    assert any("/author/" in h for h in hrefs)
    assert any("?s=" in h for h in hrefs)
