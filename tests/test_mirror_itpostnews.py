"""Tests of the IT Post News mirror files and golden files (no HTTP server, no extractor).

These check that the static mirror is internally consistent: every golden points at a page, every
article page has a golden, the discovery channels parse and link where MIRROR.md says they do, the
seed page still renders every line of seed 001, and each golden's text and metadata are on its page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / "harvester" / "mirrors" / "itpostnews"
GOLDEN = ROOT / "tests" / "golden" / "itpostnews"
SEED_DUMP = ROOT / "tests" / "seeds" / "001_64d86f305818acfd.txt"  # copy of shared/seeds
ORIGIN = "https://itpostnews.com"
SEED_PATH = "/news/alibaba-empowers-chinese-students-studying-abroad-to-scale-great-firewall/default.htm"
ARTICLE_PATH = re.compile(r"^/news/[a-z0-9-]+/(default\.htm)?$")
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
GOLDEN_KEYS = {"path", "url", "title", "authors", "published", "modified", "section", "tags",
               "lead_image", "description", "language", "body"}
BOILERPLATE = re.compile(r"^(advertisement|- advertisement -|sponsored|no image|show more|share:?|read also:?.*)$", re.I)

BLOCK_TAGS = {"address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "figcaption", "figure",
              "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
              "section", "table", "tbody", "thead", "tr", "ul"}
SKIP_TAGS = {"head", "script", "style", "noscript", "template", "iframe", "textarea", "select"}


# ---------------------------------------------------------------- helpers

def fold(text: str) -> str:
    """NBSP to space, runs of whitespace to one space, trimmed (SITES.md §2 comparison form)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def file_for(path: str) -> Path | None:
    """The mirror file the loopback server would serve for a URL path (MIRRORS.md rule), or None."""
    rel = urlsplit(path).path.lstrip("/")
    if path.endswith("/") or not rel:
        for name in ("index.html", "index.xml"):
            candidate = MIRROR / rel / name
            if candidate.is_file():
                return candidate
        return None
    candidate = MIRROR / rel
    return candidate if candidate.is_file() else None


def to_path(href: str) -> str | None:
    """The site path of an absolute (real origin) or root-relative link; None for other hosts."""
    parts = urlsplit(href)
    if parts.scheme and f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    if not parts.scheme and not href.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parse_page(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def render_lines(root: html.HtmlElement) -> list[str]:
    """Render a page to text lines per SITES.md §3: img alt inline, submit values, block breaks, <br>.

    Table rows render as one line with cells joined by `` | `` so golden table paragraphs can be found.
    """
    out: list[str] = []

    def walk(el: html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS:
            out.append(el.tail or "")
            return
        if tag == "tr":  # a table row is one line, cells joined with " | " (MIRRORS.md body rules)
            cells = [fold(cell.text_content()) for cell in el if cell.tag in ("td", "th")]
            out.extend(["\n", " | ".join(cells), "\n", el.tail or ""])
            return
        block = tag in BLOCK_TAGS
        if block:
            out.append("\n")
        if tag == "img":
            out.append(el.get("alt", ""))
        elif tag == "input" and el.get("type") == "submit":
            out.append(el.get("value", ""))
        elif tag == "br":
            out.append("\n")
        out.append(el.text or "")
        for child in el:
            walk(child)
        if block:
            out.append("\n")
        out.append(el.tail or "")

    body = root.find("body")
    walk(body if body is not None else root)
    return [line for line in (fold(x) for x in "".join(out).split("\n")) if line]


def links(root: html.HtmlElement) -> list[str]:
    return [p for p in (to_path(a.get("href", "")) for a in root.iter("a")) if p]


def load_goldens() -> dict[str, dict]:
    return {f.name: json.loads(f.read_text(encoding="utf-8")) for f in sorted(GOLDEN.glob("*.json"))
            if not f.name.startswith("_")}


def load_variants() -> dict[str, tuple[Path, dict]]:
    return {f.stem: (f.with_suffix(".html"), json.loads(f.read_text(encoding="utf-8")))
            for f in sorted((GOLDEN / "variants").glob("*.json"))}


GOLDENS = load_goldens()
VARIANTS = load_variants()
NONARTICLES = json.loads((GOLDEN / "_nonarticles.json").read_text(encoding="utf-8"))


def sitemap_paths() -> list[str]:
    tree = etree.parse(str(MIRROR / "sitemap.xml"))
    return [to_path(loc.text.strip()) for loc in tree.iterfind(".//sm:url/sm:loc", SITEMAP_NS)]


def feed_paths() -> list[str]:
    tree = etree.parse(str(MIRROR / "feed" / "index.xml"))
    return [to_path(link.text.strip()) for link in tree.iterfind("./channel/item/link")]


def listing_paths(url_path: str) -> set[str]:
    found = file_for(url_path)
    assert found is not None, url_path
    return set(links(parse_page(found)))


def seed_lines() -> list[str]:
    raw = SEED_DUMP.read_text(encoding="utf-8").split("\n")
    return [fold(re.sub(r"^\s*•\s*", "", line)) for line in raw if fold(line)]


# ---------------------------------------------------------------- goldens <-> files

def test_there_are_enough_article_goldens() -> None:
    assert len(GOLDENS) >= 8
    assert "seed-alibaba-great-firewall.json" in GOLDENS


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_golden_has_the_documented_shape(name: str) -> None:
    golden = GOLDENS[name]
    assert set(golden) == GOLDEN_KEYS
    assert ARTICLE_PATH.match(golden["path"])
    assert golden["url"].startswith(f"{ORIGIN}/news/") and golden["url"].endswith("/")
    assert golden["body"], "a golden article has a body"
    for para in golden["body"]:
        assert para == para.strip() and para and "\u00a0" not in para
        assert not BOILERPLATE.match(para), para
        assert para != golden["title"]
    for key in ("published", "modified"):
        if golden[key] is not None:
            assert re.search(r"[+-]\d\d:\d\d$", golden[key]), "dates carry an offset"


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_golden_path_maps_to_a_mirror_file(name: str) -> None:
    found = file_for(GOLDENS[name]["path"])
    assert found is not None and found.stat().st_size > 0


def test_every_article_page_in_the_mirror_has_a_golden() -> None:
    golden_paths = {g["path"] for g in GOLDENS.values()}
    bad_paths = {n["path"] for n in NONARTICLES}
    pages = {"/" + f.relative_to(MIRROR).as_posix() for f in MIRROR.glob("news/*/default.htm")}
    assert pages - bad_paths == golden_paths


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_golden_text_is_on_its_page(name: str) -> None:
    golden = GOLDENS[name]
    root = parse_page(file_for(golden["path"]))
    lines = render_lines(root)
    h1 = root.find(".//h1")
    assert fold(h1.text_content()) == golden["title"]
    for para in golden["body"]:
        assert para in lines, para
    lines_after_title = lines[lines.index(golden["title"]):]
    positions = [lines_after_title.index(para) for para in golden["body"]]
    assert positions == sorted(positions), "body paragraphs in document order"


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_golden_url_is_the_canonical_or_the_stripped_path(name: str) -> None:
    golden = GOLDENS[name]
    root = parse_page(file_for(golden["path"]))
    canonical = root.xpath("//head/link[@rel='canonical']/@href")
    expected = canonical[0] if canonical else ORIGIN + golden["path"].removesuffix("default.htm")
    assert golden["url"] == expected


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_golden_metadata_is_backed_by_the_page(name: str) -> None:
    golden = GOLDENS[name]
    source = file_for(golden["path"]).read_text(encoding="utf-8")
    root = html.fromstring(source)
    for key in ("published", "modified"):
        if golden[key] is not None:
            assert golden[key] in source
    if golden["published"] is None:
        assert not root.xpath("//time[@datetime] | //meta[@property='article:published_time']")
        assert "datePublished" not in source
    lang = root.get("lang")
    if lang:  # a declared language wins; an undeclared one is detected (checked by the golden test)
        assert golden["language"] == lang.split("-")[0].lower()
    descriptions = root.xpath("//meta[@name='description']/@content | //meta[@property='og:description']/@content")
    assert golden["description"] == (descriptions[0] if descriptions else None)
    for value in (*golden["authors"], *golden["tags"], golden["section"], golden["lead_image"]):
        if value is not None:
            assert value in source, value


# ---------------------------------------------------------------- the seed page and its variants

def test_seed_page_renders_every_line_of_the_seed_dump() -> None:
    lines = set(render_lines(parse_page(file_for(SEED_PATH))))
    expected = seed_lines()
    assert len(expected) == 10
    missing = [line for line in expected if line not in lines]
    assert not missing


def test_seed_golden_matches_sites_md() -> None:
    golden = GOLDENS["seed-alibaba-great-firewall.json"]
    dump = SEED_DUMP.read_text(encoding="utf-8").split("\n")
    assert golden["title"] == dump[0]
    assert golden["body"] == [dump[n - 1] for n in (5, 7, 9, 11, 13, 15, 17)]
    assert golden["url"] == f"{ORIGIN}/news/alibaba-empowers-chinese-students-studying-abroad-to-scale-great-firewall/"
    assert (golden["authors"], golden["tags"]) == ([], [])
    assert golden["published"] is golden["modified"] is golden["section"] is golden["lead_image"] is None


def test_variants_a_b_c_exist() -> None:
    assert set(VARIANTS) >= {"a", "b", "c"}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_expects_the_seed_body_and_renders_the_seed(variant: str) -> None:
    page, golden = VARIANTS[variant]
    seed = GOLDENS["seed-alibaba-great-firewall.json"]
    assert set(golden) == GOLDEN_KEYS
    assert golden["body"] == seed["body"] and golden["title"] == seed["title"]
    lines = set(render_lines(parse_page(page)))
    assert not [line for line in seed_lines() if line not in lines]


def test_variants_differ_in_body_markup() -> None:
    roots = {v: parse_page(page) for v, (page, _) in VARIANTS.items()}
    assert roots["a"].xpath("//div[@class='entry-content']/p") and not roots["a"].xpath("//article")
    assert roots["b"].xpath("//article//div[@class='entry-content']/p") and roots["b"].xpath("//nav//li")
    assert roots["c"].xpath("//article/p") and not roots["c"].xpath("//*[contains(@class,'entry-content')]")
    assert roots["c"].xpath("//div[@class='no-image']") and roots["c"].xpath("//a[@class='load-more']")


# ---------------------------------------------------------------- discovery channels

def test_robots_txt_lists_the_sitemap_and_allows_articles() -> None:
    text = (MIRROR / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in text
    sitemaps = re.findall(r"^Sitemap:\s*(\S+)$", text, re.M)
    assert sitemaps == [f"{ORIGIN}/sitemap.xml"]
    disallowed = re.findall(r"^Disallow:\s*(\S+)$", text, re.M)
    assert disallowed and not any("/news/".startswith(d) or d.startswith("/news") for d in disallowed)


def test_sitemap_parses_with_offset_lastmods() -> None:
    tree = etree.parse(str(MIRROR / "sitemap.xml"))
    lastmods = [el.text for el in tree.iterfind(".//sm:lastmod", SITEMAP_NS)]
    assert lastmods and all(re.search(r"[+-]\d\d:\d\d$", m) for m in lastmods)
    assert all(p is not None for p in sitemap_paths())


def test_feed_is_rss_linked_from_the_home_page() -> None:
    assert etree.parse(str(MIRROR / "feed" / "index.xml")).getroot().tag == "rss"
    home = parse_page(file_for("/"))
    hrefs = home.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']/@href")
    assert hrefs and file_for(to_path(hrefs[0])) == MIRROR / "feed" / "index.xml"
    assert all(ARTICLE_PATH.match(p) for p in feed_paths())


def test_listing_page_one_links_to_page_two() -> None:
    page1 = parse_page(file_for("/news/"))
    next_links = {to_path(h) for h in page1.xpath("//nav[contains(@class,'pagination')]//a/@href")}
    assert "/news/page/2/" in next_links
    assert file_for("/news/page/2/") is not None


def test_every_article_is_discoverable() -> None:
    channels = set(sitemap_paths()) | set(feed_paths()) | listing_paths("/") | listing_paths("/news/") \
        | listing_paths("/news/page/2/")
    for golden in GOLDENS.values():
        assert golden["path"] in channels, golden["path"]


def html_pages_linking_to(path: str) -> set[str]:
    """Mirror HTML pages (as relative file names) that link to ``path``."""
    pages = [f for f in MIRROR.rglob("*") if f.is_file() and f.suffix in {".htm", ".html"} and f.stat().st_size]
    return {f.relative_to(MIRROR).as_posix() for f in pages if path in links(parse_page(f))}


def test_one_article_only_on_listing_page_two_and_one_only_in_sitemap() -> None:
    sitemap, feed = set(sitemap_paths()), set(feed_paths())
    page2 = listing_paths("/news/page/2/")
    article_paths = {g["path"] for g in GOLDENS.values()}
    only_page2 = {p for p in article_paths if p in page2 and p not in sitemap | feed
                  and html_pages_linking_to(p) <= {"news/page/2/index.html", p.lstrip("/")}}
    only_sitemap = {p for p in article_paths if p in sitemap and p not in feed
                    and html_pages_linking_to(p) <= {p.lstrip("/")}}
    assert only_page2 and only_sitemap


# ---------------------------------------------------------------- bad cases and non-article links

def test_nonarticles_are_the_four_bad_cases_and_are_linked() -> None:
    assert {n["expect"] for n in NONARTICLES} >= {"empty", "http_404", "listing", "malformed"}
    linked = set(sitemap_paths()) | listing_paths("/news/") | listing_paths("/news/page/2/")
    for case in NONARTICLES:
        assert ARTICLE_PATH.match(case["path"])
        assert case["path"] in linked, case["path"]


@pytest.mark.parametrize("case", NONARTICLES, ids=lambda c: c["expect"])
def test_nonarticle_files_are_as_described(case: dict) -> None:
    found = file_for(case["path"])
    expect = case["expect"]
    if expect == "http_404":
        assert found is None
        return
    assert found is not None
    data = found.read_bytes()
    if expect == "empty":
        assert data == b""
    elif expect == "malformed":
        assert b"\x00" in data and not data.rstrip().endswith(b"</html>")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert b"<p>" not in data
    elif expect == "listing":
        root = html.fromstring(data)
        teasers = [p for p in links(root) if ARTICLE_PATH.match(p) and p != case["path"]]
        assert len(set(teasers)) >= 4
        assert root.xpath("//nav[contains(@class,'pagination')]//a")


def test_tag_author_and_search_links_exist() -> None:
    every = listing_paths("/") | listing_paths("/news/")
    assert any(p.startswith("/tag/") for p in every)
    assert any(p.startswith("/author/") for p in every)
    assert any(p.startswith("/?s=") for p in every)
