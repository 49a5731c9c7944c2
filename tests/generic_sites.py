"""Small sites for the generic spider's tests, each offering its articles through chosen channels.

A site is written into a folder in the mirror layout (see harvester/mirror_server.py) and served
on 127.0.0.1. Pages carry no rel=canonical, so stored URLs are the served URLs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

WORDS = (
    "the council said new rules would require operators to publish data about outages while engineers "
    "warned that the change could slow deployments across regional networks and smaller providers "
    "argued the cost of compliance falls hardest on them a spokesperson confirmed the plan on tuesday "
    "analysts expect the market to respond within weeks as investors weigh the risks of delays"
).split()

CHANNELS = ("sitemap", "news_sitemap", "feed", "listing")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 22))]
    return " ".join(words).capitalize() + "."


def article_html(title: str, rng: random.Random, published: str) -> str:
    paragraphs = "\n".join(
        f"<p>{' '.join(sentence(rng) for _ in range(3))}</p>" for _ in range(6)
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
<meta property="og:type" content="article"><meta property="article:published_time" content="{published}">
</head><body><header><a href="/">Example News</a><nav><a href="/news/">News</a> <a href="/about/">About</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Dana Reporter</p>
{paragraphs}
</article></main><footer><a href="/privacy/">Privacy</a> <a href="/tag/energy/">Energy</a></footer></body></html>"""


@dataclass
class GenericSite:
    """Which channels list the site's articles; ``articles`` are their URL paths."""

    channels: tuple[str, ...]
    count: int = 4
    articles: list[str] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)

    def write(self, root: Path, seed: int = 7) -> None:
        rng = random.Random(seed)
        root.mkdir(parents=True, exist_ok=True)
        for n in range(self.count):
            path = f"/2025/0{n + 1}/1{n}/storm-of-{WORDS[n]}-reshapes-{WORDS[n + 5]}-market/"
            date = f"2025-0{n + 1}-1{n}T09:00:00+00:00"
            self.articles.append(path)
            self.dates[path] = date
            write(root, path, article_html(f"Story {n}: {WORDS[n]} and {WORDS[n + 5]}", rng, date))
        write(root, "/about/", "<html><body><h1>About us</h1><p>We are a small newsroom.</p></body></html>")
        robots = "User-agent: *\nDisallow: /private/\n"
        head_links = ""
        if "sitemap" in self.channels:
            robots += "Sitemap: /sitemap_index.xml\n"
            write(root, "/sitemap_index.xml", sitemap_index(["/sitemap-posts.xml"]))
            write(root, "/sitemap-posts.xml", urlset(self.articles, self.dates))
        if "news_sitemap" in self.channels:
            write(root, "/news-sitemap.xml", news_urlset(self.articles, self.dates))
        if "feed" in self.channels:
            head_links = '<link rel="alternate" type="application/rss+xml" title="Feed" href="/feeds/all.xml">'
            write(root, "/feeds/all.xml", rss(self.articles, self.dates))
        write(root, "/robots.txt", robots)
        home_links = '<a href="/news/">News</a> <a href="/about/">About</a> <a href="/tag/energy/">Energy</a>'
        write(root, "/", f"<html><head>{head_links}</head><body><h1>Example News</h1>{home_links}</body></html>")
        listed = self.articles if "listing" in self.channels else []
        half = len(listed) // 2
        write(root, "/news/", listing_html(listed[:half], next_page="/news/page/2/"))
        write(root, "/news/page/2/", listing_html(listed[half:], next_page=None))


def write(root: Path, url_path: str, text: str) -> None:
    target = root / url_path.strip("/")
    if url_path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def listing_html(paths: list[str], next_page: str | None) -> str:
    teasers = "".join(f'<div class="teaser"><h2><a href="{p}">Teaser {i}</a></h2></div>' for i, p in enumerate(paths))
    pager = f'<a class="next" href="{next_page}">Next</a>' if next_page else ""
    return f"<html><body><h1>News</h1>{teasers}{pager}<a href='/tag/energy/'>Energy</a></body></html>"


def sitemap_index(children: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'


def urlset(paths: list[str], dates: dict[str, str]) -> str:
    items = "".join(f"<url><loc>{p}</loc><lastmod>{dates[p]}</lastmod></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


def news_urlset(paths: list[str], dates: dict[str, str]) -> str:
    items = "".join(
        f"<url><loc>{p}</loc><news:news><news:publication><news:name>Example</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{dates[p]}</news:publication_date><news:title>t</news:title></news:news></url>"
        for p in paths
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{items}</urlset>'
    )


def rss(paths: list[str], dates: dict[str, str]) -> str:
    from email.utils import format_datetime
    from datetime import datetime

    items = "".join(
        f"<item><title>t</title><link>{p}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(dates[p]))}</pubDate></item>"
        for p in paths
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Example</title>{items}</channel></rss>'
