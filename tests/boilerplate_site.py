"""A generated news site whose articles share boilerplate that no cleaning rule names.

Every article ends with the same long "AI Disclaimer" paragraph and carries the same box
pitching the site's morning e-mail (class names and words that no rule of ``harvester/extract``
knows); some end with the same author bio; a funding line differs only in its numbers; and two
articles share a quoted paragraph, which is article text. Served like the other generated sites
(``tests/generic_sites.py``): a sitemap and a feed list the articles; pages have no rel=canonical.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from tests.generic_sites import rss, sitemap_index, urlset, write

DISCLAIMER = (
    "AI Disclaimer: Parts of this article were drafted with the help of an automated writing "
    "assistant and then reviewed, fact-checked and edited by a member of the Riverside Ledger "
    "newsroom. The Ledger takes full responsibility for everything published under its name; if you "
    "spot an error, please tell us through the corrections page so that we can fix it promptly."
)
BOX_HEADING = "Start your day with the Morning Ledger"
BOX_TEXT = (
    "Five stories our editors think you should not miss, in your inbox before seven o'clock every "
    "weekday morning. It is free, and leaving takes one click."
)
BOX_LINK = "Get the Morning Ledger"
BIO = (
    "Marta Quell covers city hall, housing and transport for the Riverside Ledger. Before joining the "
    "paper she spent eight years reporting on regional politics for public radio."
)
FUNDING = "Reporting for this story was supported by the Civic Data Fund under grant {n}-{m}."
QUOTE = (
    "\u201cWe will not balance this budget on the backs of the people who keep the buses running and the "
    "water clean,\u201d the mayor told the council, drawing applause from the packed public gallery."
)
QUOTED_ARTICLES = (2, 7)
BIO_ARTICLES = (0, 3, 4, 6, 8, 9, 11)
FUNDED_ARTICLES = (1, 2, 5, 6, 9, 10)

TOPICS = (
    ("council", "budget"), ("river", "flooding"), ("transit", "fares"), ("schools", "enrolment"),
    ("housing", "permits"), ("harbour", "dredging"), ("library", "hours"), ("bridge", "repairs"),
    ("parks", "wildfires"), ("hospital", "staffing"), ("market", "rents"), ("airport", "noise"),
)
SUBJECTS = (
    "The deputy mayor", "A spokeswoman for the district", "Residents of the east bank", "The planning committee",
    "Union representatives", "Two independent engineers", "The regional auditor", "Local shop owners",
    "A coalition of tenant groups", "The finance director", "Opposition councillors", "The harbour authority",
)
VERBS = (
    "argued that", "warned on Tuesday that", "said in a written statement that", "told reporters that",
    "conceded that", "insisted that", "pointed out that", "estimated that",
)
CLAUSES = (
    "the {a} plan would cost more than the original estimate",
    "the {b} figures published last month were incomplete",
    "nobody had consulted the neighbourhoods most affected by the {a} decision",
    "a second review of the {b} data was already under way",
    "the {a} schedule could slip into the next financial year",
    "the {b} question had divided the council for almost a decade",
    "money set aside for the {a} project had been spent elsewhere",
    "the public would be able to comment on the {b} proposals until the end of the month",
    "the {a} contract had been awarded without a competitive tender",
    "similar {b} measures in neighbouring towns had produced mixed results",
)
TAILS = (
    "", " after a heated three-hour meeting", " according to documents seen by the Ledger",
    " despite repeated assurances from the city", " in a vote that split the ruling group",
    " before the summer recess", " while protesters gathered outside",
)


def sentence(rng: random.Random, a: str, b: str) -> str:
    clause = rng.choice(CLAUSES).format(a=a, b=b)
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {clause}{rng.choice(TAILS)}."


def paragraph(rng: random.Random, a: str, b: str) -> str:
    return " ".join(sentence(rng, a, b) for _ in range(rng.randint(2, 4)))


BOX_HTML = (
    '<div class="ledger-morning"><h3>{heading}</h3><p>{text}</p>'
    '<p><a href="/morning/">{link}</a></p></div>'
).format(heading=BOX_HEADING, text=BOX_TEXT, link=BOX_LINK)


@dataclass
class BoilerplateSite:
    """The site's article paths, their dates and titles once ``write`` ran."""

    count: int = 12
    articles: list[str] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # path -> HTML

    def article_html(self, n: int, rng: random.Random) -> str:
        a, b = TOPICS[n % len(TOPICS)]
        paragraphs = [paragraph(rng, a, b) for _ in range(rng.randint(6, 9))]
        blocks = [f"<p>{text}</p>" for text in paragraphs]
        if n in QUOTED_ARTICLES:
            blocks.insert(2, f"<blockquote><p>{QUOTE}</p></blockquote>")
        blocks.insert(3, BOX_HTML)
        if n in FUNDED_ARTICLES:
            blocks.append(f'<p class="credit-line"><em>{FUNDING.format(n=2020 + n, m=100 + 7 * n)}</em></p>')
        if n in BIO_ARTICLES:
            blocks.append(f'<div class="writer-note"><p>{BIO}</p></div>')
        blocks.append(f'<p class="ledger-note">{DISCLAIMER}</p>')
        title = f"{a.capitalize()} row: what the {b} decision means for Riverside"
        date = self.dates[self.articles[n]]
        body = "\n".join(blocks)
        return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Riverside Ledger</title>
<meta property="og:type" content="article"><meta property="article:published_time" content="{date}">
<meta name="author" content="Marta Quell"></head>
<body><header><a href="/">Riverside Ledger</a><nav><a href="/news/">News</a> <a href="/about/">About</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Marta Quell</p>
{body}
</article></main><footer><a href="/privacy/">Privacy</a> &#169; 2026 Riverside Ledger</footer></body></html>"""

    def write(self, root: Path, seed: int = 11) -> None:
        rng = random.Random(seed)
        root.mkdir(parents=True, exist_ok=True)
        for n in range(self.count):
            a, b = TOPICS[n % len(TOPICS)]
            path = f"/2026/{(n % 9) + 1:02d}/{10 + n}/{a}-{b}-decision-{n}/"
            self.articles.append(path)
            self.dates[path] = f"2026-{(n % 9) + 1:02d}-{10 + n}T08:30:00+00:00"
        for n, path in enumerate(self.articles):
            html = self.article_html(n, rng)
            self.pages[path] = html
            write(root, path, html)
        write(root, "/robots.txt", "User-agent: *\nSitemap: /sitemap_index.xml\n")
        write(root, "/sitemap_index.xml", sitemap_index(["/sitemap-posts.xml"]))
        write(root, "/sitemap-posts.xml", urlset(self.articles, self.dates))
        write(root, "/feeds/all.xml", rss(self.articles, self.dates))
        write(root, "/", '<html><head><link rel="alternate" type="application/rss+xml" href="/feeds/all.xml">'
                         '</head><body><h1>Riverside Ledger</h1><a href="/about/">About</a></body></html>')
        write(root, "/about/", "<html><body><h1>About us</h1><p>A small newsroom by the river.</p></body></html>")
