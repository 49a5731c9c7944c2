"""The hostile site: its good articles, its traps, and the servers that serve them.

Good articles (``good``, stored exactly once each): 15 stories in five markup styles, five charset
cases (cp1252 declared only in the HTTP header; UTF-8 with a BOM and no declaration; a header that
says cp1252 against a meta that says UTF-8; UTF-8 with two broken bytes; UTF-16), an injection page
(script/style in the h1, SQL quotes, NUL, U+202E, zero-width characters, escaped markup in the text,
quotes in the URL), one article under three URLs with rel=canonical and one under three URLs
without it (``uncanonical_copies``: stored once, under whichever URL came first). Traps (``traps``, never
stored, each with the fetch_log reasons that may record it): walls, challenge, paywall, soft 404,
listings, link dumps, 100k links, 5,000 nested divs, broken markup, a 30 MB page with and without
Content-Length, gzip, deflate and brotli bombs, a body that is not the gzip it says it is, redirect
loops and chains, off-site and file:/ftp:/javascript: redirects, 404, 410, 500, 503, 429 with
Retry-After: 3600, a byte-a-second drip, a hang after the headers, a connection reset, a
robots.txt-disallowed page and a redirect to an already-fetched URL. Discovery: robots.txt
lists a 50,000-URL sitemap of 404s first, then a gzipped sitemap bomb, billion laughs, external
entities, and a nested sitemap index (gzipped and news sitemaps of the good articles, a sitemap of
the traps, off-site child sitemaps); an RSS feed and the home page list the good articles too.
robots.txt, the good articles' sitemap and the home page also hold URLs no parser can read.

``HostileSite`` starts three servers: the site itself on 127.0.0.1, and two "elsewhere" servers
(127.0.0.2 when that address can be bound, and another port of 127.0.0.1) that the site redirects and
links to. A crawl of the site must never reach the elsewhere servers: their ``hits`` stay empty.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from tests.hostile import pages
from tests.hostile.articles import STORIES, Story
from tests.hostile.server import HostileServer, Route, html_route, repeat_chunks

HUGE_SITEMAP_URLS = 50_000
BIG_PAGE_BYTES = 30 * 1024 * 1024
BOMB_BYTES = 128 * 1024 * 1024
"""Decompressed size of the gzip bombs (the compressed bytes are ~130 kB)."""
SOFT_404_ARCHIVE = 10
"""The first archive URLs of the huge sitemap answer 200 with a "not found" page; the rest are 404."""
REDIRECT_CHAIN = 30
UNREADABLE_URLS = ("http://[oops/", "http://127.0.0.1:99999/port-out-of-range/")
"""URLs no parser reads (a broken IPv6 host, a port over 65535): in robots.txt, a sitemap and links."""


@lru_cache(maxsize=None)
def gzip_bomb(prefix: bytes, suffix: bytes) -> bytes:
    """``prefix`` + BOMB_BYTES of spaces + ``suffix``, gzip-compressed (built once per process)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gz:
        gz.write(prefix)
        block = b" " * (1 << 20)
        for _ in range(BOMB_BYTES >> 20):
            gz.write(block)
        gz.write(suffix)
    return out.getvalue()


@lru_cache(maxsize=None)
def compressed_bomb(coding: str) -> bytes:
    """An HTML page of BOMB_BYTES of spaces, compressed with ``coding`` (deflate or br), built once."""
    page = b"<html><head><title>Bomb</title></head><body>" + b" " * BOMB_BYTES + b"</body></html>"
    if coding == "deflate":
        return zlib.compress(page, 9)
    import brotli  # Scrapy's own dependency for br

    return brotli.compress(page, quality=5)


@dataclass
class Trap:
    """A page that must not be stored, and the fetch_log reasons that may record it."""

    path: str
    reasons: tuple[str, ...]  # acceptable fetch_log reasons ("" = any non-stored outcome)


@dataclass
class HostileSite:
    """All paths and expectations; ``start()`` returns a context with the running servers."""

    good: dict[str, Story] = field(default_factory=dict)  # expected stored URL path -> story
    traps: dict[str, Trap] = field(default_factory=dict)
    site: HostileServer = field(default_factory=HostileServer)
    elsewhere: list[HostileServer] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.site.base_url

    @contextlib.contextmanager
    def running(self) -> Iterator[HostileSite]:
        """Start the site and the elsewhere servers, build every route, stop them all on exit."""
        with contextlib.ExitStack() as stack:
            stack.enter_context(self.site)
            with contextlib.suppress(OSError):  # 127.0.0.2 is loopback on Linux, not everywhere
                self.elsewhere.append(stack.enter_context(HostileServer(host="127.0.0.2")))
            self.elsewhere.append(stack.enter_context(HostileServer(host="127.0.0.1")))
            self._build()
            yield self

    # --- building -------------------------------------------------------------------------------

    def _add_good(self, story: Story, route: Route | None = None) -> None:
        self.good[story.path] = story
        self.site.routes[story.path] = route or html_route(pages.article_page(story))

    def _trap(self, path: str, route: Route, *reasons: str) -> None:
        self.traps[path] = Trap(path, reasons)
        self.site.routes[path] = route

    def _build(self) -> None:
        routes = self.site.routes
        for story in STORIES:
            self._add_good(story)
        self._charset_pages()
        self._injection_page()
        self._duplicates()
        self._content_traps()
        self._transport_traps()
        for server in self.elsewhere:  # a real article there: fetched, it would be stored
            story = pages.special_story("offsite-article-elsewhere", "An article on another host", "2026-10-15",
                                        "This page lives on another host and must never be fetched by the crawl.")
            server.routes[story.path] = html_route(pages.article_page(story))
            server.routes["/sitemaps/offsite.xml"] = html_route(urlset([server.base_url + story.path]),
                                                                content_type="application/xml")
        self._discovery()
        routes.setdefault("/about/", html_route("<html><body><h1>About</h1><p>A small newsroom.</p></body></html>"))

    def _charset_pages(self) -> None:
        cp1252 = pages.special_story(
            "cafe-owners-protest-euro-price-rules", "Café owners protest new € price rules", "2026-11-03T08:00:00+00:00",
            "The owners of Café Müller and a dozen other cafés say the new rules, which require prices of €4.50 and "
            "more to be shown with “clear breakdowns” – including tax – are naïve and costly.")
        self._add_good(cp1252, html_route(pages.article_page(cp1252, charset=None).encode("cp1252"),
                                          content_type="text/html; charset=windows-1252"))
        bom = pages.special_story(
            "zurich-and-sao-paulo-sign-climate-pact", "Zürich and São Paulo sign a climate pact", "2026-11-03T09:00:00+00:00",
            "Zürich and São Paulo signed an agreement on Tuesday to share data on heat waves, flooding and the "
            "cost of adapting their streets, the two cities’ mayors announced.")
        self._add_good(bom, html_route(b"\xef\xbb\xbf" + pages.article_page(bom, charset=None).encode(),
                                       content_type="text/html"))
        conflict = pages.special_story(
            "senora-nunez-elected-harbour-master", "Señora Núñez elected harbour master", "2026-11-03T10:00:00+00:00",
            "Señora Núñez, who has worked in the port for 23 years, was elected harbour master on Monday; her salary "
            "of €61,000 a year will be paid by the port authority.")
        self._add_good(conflict, html_route(pages.article_page(conflict, charset="utf-8").encode("cp1252"),
                                            content_type="text/html; charset=windows-1252"))
        broken = pages.special_story(
            "gdansk-and-lodz-shipyards-merge", "Gdańsk and Łódź firms merge their shipyards", "2026-11-03T11:00:00+00:00",
            "Firms from Gdańsk and Łódź agreed to merge their shipyards on Wednesday, creating the largest ship "
            "repair business on the coast, with about 2,300 employees.")
        raw = pages.article_page(broken).encode()
        raw = raw.replace(b"2,300 employees", b"2,300 \xff\xfe employees")  # two invalid UTF-8 bytes
        self._add_good(broken, html_route(raw))
        utf16 = pages.special_story(
            "krakow-festival-draws-record-crowds", "Kraków festival draws record crowds", "2026-11-03T12:00:00+00:00",
            "The winter festival in Kraków drew a record 210,000 visitors, among them large groups from Ελλάδα "
            "and from the Baltic states, the organisers said.")
        self._add_good(utf16, html_route(pages.article_page(utf16, charset="utf-16").encode("utf-16"),
                                         content_type="text/html; charset=utf-16"))
        self.charset_checks = {
            cp1252.path: ("Café Müller", "€4.50", "“clear breakdowns” – including tax", "naïve"),
            bom.path: ("Zürich", "São Paulo"),
            conflict.path: ("Señora Núñez", "€61,000"),
            broken.path: ("Gdańsk", "Łódź"),
            utf16.path: ("Kraków", "Ελλάδα"),
        }
        self.cp1252_path = cp1252.path

    def _injection_page(self) -> None:
        story = pages.special_story(
            "robert-drop-table-articles-motion-fails",
            "Councillor's \"Robert'); DROP TABLE articles;--\" motion fails", "2026-11-05T08:00:00+00:00",
            "The motion was rejected by 30 votes to 5.")
        title_html = ("Councillor's &quot;Robert'); DROP TABLE articles;--&quot; motion "
                      "<script>alert(1)</script><style>h1{color:red}</style>fails\u202e\u200b")
        body = [
            "The motion\x00 was rejected by 30 votes to 5 after a debate that lasted\u200b most of the evening, "
            "and\u202e the councillor who tabled it said she would not try again.",
            "Her proposal asked the city to publish every contract above a small amount, a step that she said "
            "would show residents how their money is spent. Opponents said the work would cost more than it saves; "
            "one of them held up a sign reading &lt;iframe src=//evil.example&gt; to mock the city's web team.",
            *(html.escape(p, quote=False) for p in pages.FILLER),
        ]
        body_html = pages._paras(body, escape=False).replace(
            "</p>\n<p>Her", "<script>alert('body')</script></p>\n<noscript>alert(2) in noscript</noscript><p>Her")
        body_html += "<template><p>alert(3) in a template</p></template>"
        path = "/news/2026/11/05/robert-drop-table-articles-%27-%22-motion-fails/"
        page = pages.article_page(story, title_html=title_html, body_html=body_html)
        self.good[path] = story
        self.site.routes[path] = html_route(page)
        self.injection_path = path

    def _duplicates(self) -> None:
        story = pages.special_story(
            "harbour-bridge-reopens-after-repairs", "Harbour bridge reopens after repairs", "2026-11-04T07:00:00+00:00",
            "The harbour bridge reopened to traffic on Thursday after eleven months of repairs to its steel deck.")
        canonical = self.base + story.path
        page = pages.article_page(story, canonical=canonical)
        self._add_good(story, html_route(page))
        self.duplicate_copies = [story.path + "amp/", "/print/2026/11/04/harbour-bridge-reopens-after-repairs-print/"]
        for copy in self.duplicate_copies:
            self.site.routes[copy] = html_route(page)
        self.duplicate_redirect = "/news/2026/11/04/harbour-bridge-reopens-old-slug/"
        self._trap(self.duplicate_redirect, Route("redirect", 301, location=canonical), "duplicate")
        # the same article under three URLs and no rel=canonical anywhere (a print and a mobile copy):
        # whichever URL is fetched first is stored, the others are recorded as duplicates
        twin = pages.special_story(
            "ferry-fares-rise-for-winter", "Ferry fares rise for the winter", "2026-11-04T06:00:00+00:00",
            "Ferry fares to the islands will rise by eight percent from December, the operator said on Wednesday.")
        twin_page = html_route(pages.article_page(twin))
        self.uncanonical_copies = (twin.path, f"/print{twin.path}", f"/m{twin.path}")
        for copy in self.uncanonical_copies:
            self.site.routes[copy] = twin_page
        self.uncanonical_story = twin

    def _content_traps(self) -> None:
        base = "/news/2026/10"
        not_article = ("blocked", "listing", "soft_404", "paywall", "too_short", "malformed", "empty", "")
        self.consent_path = f"{base}/01/consent-wall-before-you-continue/"
        self._trap(self.consent_path, html_route(pages.consent_wall(400)), "blocked")
        self._trap(f"{base}/02/bot-challenge-just-a-moment/", html_route(pages.CHALLENGE, status=200), "blocked")
        self._trap(f"{base}/03/employer-moves-headquarters-abroad/", html_route(pages.paywall()), "paywall")
        self._trap(f"{base}/04/story-that-does-not-exist-anymore/", html_route(pages.SOFT_404), "soft_404")
        teasers = [(s.path, s.title) for s in STORIES[:6]]
        self._trap(f"{base}/05/latest-headlines-roundup-today/", html_route(pages.teaser_listing(teasers)), "listing")
        self._trap(f"{base}/06/archive-of-regional-budget-reports/", html_route(pages.link_table()), "listing")
        self._trap(f"{base}/07/all-sections-and-subjects-map/", html_route(pages.nav_dump()), "listing")
        self._trap(f"{base}/08/every-link-we-have-listed-here/", html_route(pages.hundred_thousand_links()),
                   "listing", "too_large", "extract_timeout", "extract_memory")
        self._trap(f"{base}/09/deeply-nested-divs-story/", html_route(pages.deep_nesting()), *not_article)
        self._trap(f"{base}/10/broken-markup-story-here/", html_route(pages.broken_markup()), *not_article)
        length, chunks = repeat_chunks(*pages.big_article_chunks(BIG_PAGE_BYTES), BIG_PAGE_BYTES)
        self.big_path = f"{base}/11/enormous-thirty-megabyte-story/"
        self._trap(self.big_path, Route("stream", headers={"Content-Type": "text/html; charset=utf-8"},
                                        chunks=chunks, length=length), "too_large")
        self.unsized_path = f"{base}/11/enormous-story-without-content-length/"
        self._trap(self.unsized_path, Route("stream", headers={"Content-Type": "text/html; charset=utf-8"},
                                            chunks=chunks), "too_large")  # close-delimited: no size announced
        self.bomb_path = f"{base}/12/gzip-bomb-compressed-story/"
        bomb = gzip_bomb(b"<html><head><title>Bomb</title></head><body>", b"</body></html>")
        self._trap(self.bomb_path, Route(headers={"Content-Type": "text/html; charset=utf-8",
                                                  "Content-Encoding": "gzip"}, body=bomb), "too_large")
        self.other_bomb_paths = (f"{base}/12/deflate-bomb-compressed-story/", f"{base}/12/brotli-bomb-compressed-story/")
        for path, coding in zip(self.other_bomb_paths, ("deflate", "br")):
            self._trap(path, Route(headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": coding},
                                   body=compressed_bomb(coding)), "too_large")
        self.corrupt_gzip_path = f"{base}/12/corrupt-gzip-story/"
        self._trap(self.corrupt_gzip_path, Route(headers={"Content-Type": "text/html; charset=utf-8",
                                                          "Content-Encoding": "gzip"},
                                                 body=b"<html><body>not gzip at all</body></html>" * 50), "bad_encoding")
        # and the soft 404s among the archive URLs of the huge sitemap
        for i in range(SOFT_404_ARCHIVE):
            self.site.routes[archive_path(i)] = html_route(pages.SOFT_404)

    def _transport_traps(self) -> None:
        base = "/news/2026/10"
        loop_a, loop_b = f"{base}/13/redirect-loop-first-hop/", f"{base}/13/redirect-loop-second-hop/"
        self._trap(loop_a, Route("redirect", 302, location=self.base + loop_b), "redirect_loop")
        self.site.routes[loop_b] = Route("redirect", 302, location=self.base + loop_a)
        self.loop_paths = (loop_a, loop_b)
        chain = [f"{base}/14/redirect-chain-hop-{i}/" for i in range(REDIRECT_CHAIN + 1)]
        for here, there in zip(chain, chain[1:]):
            self.site.routes[here] = Route("redirect", 301, location=there)
        self.traps[chain[0]] = Trap(chain[0], ("redirect_loop",))
        self.chain_paths = tuple(chain)
        self.offsite_paths = []
        for n, server in enumerate(self.elsewhere):
            path = f"{base}/15/offsite-redirect-other-host-{n}/"
            self._trap(path, Route("redirect", 302, location=server.base_url + "/news/2026/10/15/offsite-article-elsewhere/"),
                       "off_site")
            self.offsite_paths.append(path)
        self.bad_scheme_paths = (f"{base}/16/redirect-to-file-scheme/", f"{base}/16/redirect-to-ftp-scheme/",
                                 f"{base}/16/redirect-to-javascript-scheme/")
        self._trap(self.bad_scheme_paths[0], Route("redirect", 302, location="file:///etc/passwd"), "bad_scheme")
        self._trap(self.bad_scheme_paths[1], Route("redirect", 302, location="ftp://127.0.0.1/pub/story.html"),
                   "bad_scheme")
        self._trap(self.bad_scheme_paths[2], Route("redirect", 302, location="javascript:alert(1)"), "bad_scheme")
        self.missing_path = f"{base}/17/missing-story-returns-404/"
        self.traps[self.missing_path] = Trap(self.missing_path, ("http_404",))
        for status, path in ((410, f"{base}/17/removed-story-returns-410/"), (500, f"{base}/18/server-error-story-500/"),
                             (503, f"{base}/18/unavailable-story-503/")):
            self._trap(path, html_route(f"<html><body><h1>Error {status}</h1></body></html>", status=status),
                       f"http_{status}")
        self.rate_limited_path = f"{base}/19/rate-limited-story-429/"
        self._trap(self.rate_limited_path, Route(status=429, headers={"Retry-After": "3600", "Content-Type": "text/html"},
                                                 body=b"<html><body>Too many requests</body></html>"), "http_429")
        dripped = pages.article_page(STORIES[0]).encode()
        self.drip_path = f"{base}/20/slow-drip-one-byte-per-second/"
        self._trap(self.drip_path, Route("drip", headers={"Content-Type": "text/html"}, body=dripped,
                                         length=len(dripped)), "timeout")
        self.hang_path = f"{base}/21/hangs-after-headers-story/"
        self._trap(self.hang_path, Route("hang", headers={"Content-Type": "text/html"}, length=5000), "timeout")
        self.reset_path = f"{base}/22/connection-reset-story/"
        self._trap(self.reset_path, Route("reset"), "connection_reset")
        self.private_path = "/private/2026/10/23/secret-story-behind-robots-rules/"
        self._trap(self.private_path, html_route(pages.article_page(pages.special_story(
            "secret-story-behind-robots-rules", "A secret story", "2026-10-23", "Robots.txt forbids this page."))),
            "robots_disallow")

    def _discovery(self) -> None:
        b = self.base
        routes = self.site.routes
        robots = ("User-agent: *\nDisallow: /private/\n\n"
                  f"Sitemap: {b}/sitemaps/huge.xml\nSitemap: {b}/sitemaps/bomb.xml.gz\n"
                  f"Sitemap: {b}/sitemaps/laughs.xml\nSitemap: {b}/sitemaps/xxe.xml\nSitemap: {b}/sitemap_index.xml\n"
                  f"Sitemap: {UNREADABLE_URLS[0]}sitemap.xml\n")
        routes["/robots.txt"] = html_route(robots, content_type="text/plain")
        routes["/sitemaps/huge.xml"] = Route(headers={"Content-Type": "application/xml"}, body=huge_sitemap(b))
        self.sitemap_bomb_path = "/sitemaps/bomb.xml.gz"
        routes["/sitemaps/bomb.xml.gz"] = Route(headers={"Content-Type": "application/x-gzip"}, body=gzip_bomb(
            b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            b"</urlset>"))
        routes["/sitemaps/laughs.xml"] = html_route(billion_laughs(b), content_type="application/xml")
        routes["/sitemaps/xxe.xml"] = html_route(external_entities(b), content_type="application/xml")
        children = [f"{b}/sitemaps/index-nested.xml", f"{b}/sitemaps/hostile.xml"]
        children += [server.base_url + "/sitemaps/offsite.xml" for server in self.elsewhere]
        routes["/sitemap_index.xml"] = html_route(sitemap_index(children), content_type="application/xml")
        routes["/sitemaps/index-nested.xml"] = html_route(
            sitemap_index([f"{b}/sitemaps/good.xml.gz", f"{b}/sitemaps/news.xml"]), content_type="application/xml")
        good = sorted(self.good.items(), key=lambda item: item[1].published, reverse=True)
        routes["/sitemaps/good.xml.gz"] = Route(headers={"Content-Type": "application/x-gzip"}, body=gzip.compress(
            urlset([b + path for path, _ in good] + list(UNREADABLE_URLS),
                   [s.published for _, s in good] + ["2026-11-01"] * len(UNREADABLE_URLS)).encode()))
        routes["/sitemaps/news.xml"] = html_route(news_urlset([(b + p, s) for p, s in good]),
                                                  content_type="application/xml")
        hostile = [b + path for path in self.traps] + [b + path for path in self.duplicate_copies]
        hostile += [b + path for path in self.uncanonical_copies]
        routes["/sitemaps/hostile.xml"] = html_route(urlset(hostile), content_type="application/xml")
        routes["/feed.xml"] = html_route(rss(b, good), content_type="application/rss+xml; charset=utf-8")
        routes["/"] = html_route(self._home(good))

    def _home(self, good: list[tuple[str, Story]]) -> str:
        links = [(path, story.title) for path, story in good]
        links += [(path, "More news") for path in self.traps]
        links += [(path, "Copy") for path in (*self.duplicate_copies, *self.uncanonical_copies)]
        links += [(server.base_url + "/news/2026/10/25/offsite-linked-story-elsewhere/", "Partner story")
                  for server in self.elsewhere]
        hostile_hrefs = ["javascript:alert(1)", "file:///etc/passwd", "ftp://127.0.0.1/pub/story-from-ftp-server/",
                         "data:text/html,<script>alert(1)</script>", "/news/2026/10/24/nul-%00-byte-in-url-story/",
                         "/news/2026/10/24/%3Cscript%3Ealert(1)%3C/script%3E-story/",
                         "/news/2026/10/24/quote-'-or-1=1---story/", "mailto:desk@example.org", *UNREADABLE_URLS]
        items = "".join(f'<article><h2><a href="{html.escape(href)}">{html.escape(text)}</a></h2></article>'
                        for href, text in links)
        items += "".join(f'<li><a href="{html.escape(href)}">odd link</a></li>' for href in hostile_hrefs)
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour Gazette</title>'
                f'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
                f'<body>{pages.NAV}<main><h1>Latest news</h1>{items}</main>{pages.FOOTER}</body></html>')


# --- discovery documents -------------------------------------------------------------------------

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def archive_path(i: int) -> str:
    return f"/archive/2019/01/old-story-number-{i:05d}/"


@lru_cache(maxsize=4)
def huge_sitemap(base: str) -> bytes:
    entries = "".join(f"<url><loc>{base}{archive_path(i)}</loc><lastmod>2019-01-01</lastmod></url>"
                      for i in range(HUGE_SITEMAP_URLS))
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'.encode()


def urlset(urls: list[str], dates: list[str] | None = None) -> str:
    body = "".join(f"<url><loc>{html.escape(u)}</loc>" + (f"<lastmod>{dates[i]}</lastmod>" if dates else "") + "</url>"
                   for i, u in enumerate(urls))
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{body}</urlset>'


def news_urlset(entries: list[tuple[str, Story]]) -> str:
    body = "".join(
        f"<url><loc>{html.escape(u)}</loc><news:news><news:publication><news:name>Harbour Gazette</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>{s.published}"
        f"</news:publication_date><news:title>{html.escape(s.title)}</news:title></news:news></url>"
        for u, s in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</urlset>')


def sitemap_index(children: list[str]) -> str:
    body = "".join(f"<sitemap><loc>{html.escape(c)}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{SITEMAP_NS}">{body}</sitemapindex>'


def billion_laughs(base: str) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE urlset [{"".join(entities)}]>'
            f'<urlset xmlns="{SITEMAP_NS}"><url><loc>{base}/news/2026/10/26/laughs-&lol9;-story/</loc></url></urlset>')


def external_entities(base: str) -> str:
    return ('<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
            '<!ENTITY net SYSTEM "http://127.0.0.2:9/evil.dtd">]>'
            f'<urlset xmlns="{SITEMAP_NS}"><url><loc>{base}/news/2026/10/27/xxe-&xxe;-story/</loc></url>'
            f'<url><loc>{base}/news/2026/10/27/net-&net;-story/</loc></url></urlset>')


def rss(base: str, good: list[tuple[str, Story]]) -> str:
    from email.utils import format_datetime
    from datetime import datetime

    items = "".join(
        f"<item><title>{html.escape(s.title)}</title><link>{html.escape(base + p)}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(s.published))}</pubDate></item>" for p, s in good)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Harbour Gazette</title>'
            f"<link>{base}/</link><description>News</description>{items}</channel></rss>")
