"""Write the World of Software offline mirror and its golden files.

Run from anywhere: ``.venv/bin/python tests/golden/worldofsoftware/build_mirror/build.py``.
Every page and golden is derived from the hand-written content in ``posts.py`` (and, for the
seed, from the seed dump), never from an extractor. Output is deterministic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from chrome import ORIGIN  # noqa: E402
from listings import (  # noqa: E402
    MALFORMED_BYTES,
    ROBOTS,
    Teaser,
    category_header,
    listing_page,
    number_pagination,
    roundup_page,
    rss,
    simple_pagination,
    sitemap_index,
    teaser_of,
    urlset,
)
import posts as P  # noqa: E402
from single import Post, render_single  # noqa: E402

REPO = HERE.parents[3]
MIRROR = REPO / "harvester" / "mirrors" / "worldofsoftware"
GOLDEN = REPO / "tests" / "golden" / "worldofsoftware"

SHORT_NAMES = {
    P.SEED: "seed-alibaba-university-courses",
    P.MACHINIMA: "machinima-rabbit-hole-hackernoon",
    P.ACADEMICS: "academics-ai-reliance",
    P.VPN: "vpn-lifetime-plans",
    P.AI_TOOLS: "ai-coding-tools-2026",
    P.HAIKU: "haiku-arm64-port",
    P.CRA: "eu-cyber-resilience-act",
    P.GALAXY: "samsung-galaxy-xr",
}


def write(rel: str, content: str | bytes) -> None:
    path = MIRROR / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    posts = {post.slug: post for post in P.all_posts()}
    for post in posts.values():
        write(f"{post.path}index.html", render_single(post))
        write_json(GOLDEN / f"{SHORT_NAMES[post.slug]}.json", post.golden())

    t = {slug: teaser_of(post) for slug, post in posts.items()}
    missing = Teaser(P.L_MISSING.title, P.L_MISSING.url, "A US task force is looking at tokenised real-world assets.", date="2025-03-02T09:00:00+00:00")
    empty = Teaser("Apple quietly updates Xcode Cloud pricing", f"{ORIGIN}/{P.EMPTY}/", "New tiers for teams that build often.", date="2025-03-01T12:30:00+00:00")
    roundup = Teaser("Weekly software roundup: the stories you missed", f"/{P.ROUNDUP}/", "Catch up on the week’s software news.", date=None)

    # Home: newest first, two pages with numbered pagination.
    write("/index.html", listing_page(
        title="World of Software - Tech news that matters", canonical=f"{ORIGIN}/", body_class="home blog",
        header="", teasers=[t[P.AI_TOOLS], t[P.GALAXY], t[P.MACHINIMA], t[P.VPN]],
        pagination=number_pagination("/", 1, 2)))
    write("/page/2/index.html", listing_page(
        title="World of Software - Page 2 of 2 - Tech news that matters", canonical=f"{ORIGIN}/page/2/", body_class="home blog paged paged-2",
        header="", teasers=[t[P.ACADEMICS], empty, t[P.SEED]],
        pagination=number_pagination("/", 2, 2)))

    # Software category: "Older Articles" pagination.
    cat_head = category_header("Software", "software", "Apps, platforms, developer tools and the business of software.")
    write("/category/software/index.html", listing_page(
        title="Software Archives - World Of Software", canonical=f"{ORIGIN}/category/software/", body_class="archive category category-software category-4",
        header=cat_head, teasers=[t[P.AI_TOOLS], t[P.VPN], missing, t[P.ACADEMICS], t[P.SEED]],
        pagination=simple_pagination("/category/software/", 1, 2)))
    write("/category/software/page/2/index.html", listing_page(
        title="Software Archives - Page 2 of 2 - World Of Software", canonical=f"{ORIGIN}/category/software/page/2/",
        body_class="archive paged category category-software category-4 paged-2",
        header=cat_head, teasers=[roundup, t[P.CRA]],
        pagination=simple_pagination("/category/software/", 2, 2)))

    # Feed: the six posts of the home listing (not Haiku: sitemap only; not the CRA post: listing page 2 only).
    feed_posts = [posts[s] for s in (P.AI_TOOLS, P.GALAXY, P.MACHINIMA, P.VPN, P.ACADEMICS, P.SEED)]
    write("/feed/index.xml", rss(feed_posts, f"{ORIGIN}/feed/"))
    write("/category/software/feed/index.xml", rss([p for p in feed_posts if p.section == "Software"], f"{ORIGIN}/category/software/feed/"))

    # Sitemaps (WordPress core).
    write("/robots.txt", ROBOTS)
    write("/wp-sitemap.xml", sitemap_index(["wp-sitemap-posts-post-1.xml", "wp-sitemap-taxonomies-category-1.xml", "wp-sitemap-users-1.xml"]))
    sm = [(posts[s].url, posts[s].modified) for s in (P.SEED, P.ACADEMICS, P.VPN, P.MACHINIMA, P.GALAXY, P.HAIKU, P.AI_TOOLS)]
    sm.insert(1, (f"{ORIGIN}/{P.EMPTY}/", "2025-03-01T12:30:00+00:00"))
    sm.insert(4, (f"{ORIGIN}/{P.MALFORMED}/", "2025-04-08T19:02:11+00:00"))
    sm.insert(6, (f"{ORIGIN}/{P.ROUNDUP}/", "2025-05-16T08:00:00+01:00"))
    write("/wp-sitemap-posts-post-1.xml", urlset(sm))
    write("/wp-sitemap-taxonomies-category-1.xml", urlset([(f"{ORIGIN}/category/{c}/", None) for c in ("news", "software", "mobile", "computing", "gaming")]))
    write("/wp-sitemap-users-1.xml", urlset([(f"{ORIGIN}/author/{a}/", None) for a in ("news-room", "marcus-lindqvist", "priya-raman", "daniel-okafor", "tom-whitfield")]))

    # Bad cases.
    write(f"/{P.MALFORMED}/index.html", MALFORMED_BYTES)
    write(f"/{P.EMPTY}/index.html", b"")
    write(f"/{P.ROUNDUP}/index.html", roundup_page([t[P.MACHINIMA], t[P.VPN], t[P.ACADEMICS], t[P.SEED]]))
    write_json(GOLDEN / "_nonarticles.json", [
        {"path": f"/{P.MISSING}/", "expect": "http_404"},
        {"path": f"/{P.MALFORMED}/", "expect": "malformed"},
        {"path": f"/{P.EMPTY}/", "expect": "empty"},
        {"path": f"/{P.ROUNDUP}/", "expect": "listing"},
    ])

    # Foxiz version variants of the seed page (same golden body).
    variants: dict[str, Post] = {
        "foxiz-2-1": P.seed_post(foxiz="2.1", blocks=P.seed_blocks("- Advertisement -"), with_jsonld=False),
        "foxiz-2-6-image-ads": P.seed_post(
            foxiz="2.6", blocks=P.seed_blocks("- Advertisement -", "image"), entry_top_ad=True,
            author_box="News Room is the World of Software desk account for syndicated and staff reports."),
        "generic-ads-sources": P.seed_post(
            blocks=P.seed_blocks(style="generic"), with_og=False,
            sources=[("Times Higher Education", "https://www.timeshighereducation.com/")]),
    }
    for name, post in variants.items():
        path = GOLDEN / "variants" / f"{name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_single(post), encoding="utf-8")
        write_json(GOLDEN / "variants" / f"{name}.json", post.golden())


if __name__ == "__main__":
    main()
