"""HTML of the hostile site: the good articles in varied markup, and the pages that must not be stored."""

from __future__ import annotations

import html

from tests.hostile.articles import FILLER, Story

SITE_NAME = "Harbour Gazette"


def _head(title: str, story: Story | None = None, charset: str | None = "utf-8", canonical: str | None = None,
          extra: str = "") -> str:
    parts = [f'<meta charset="{charset}">' if charset else ""]
    parts.append(f"<title>{title} | {SITE_NAME}</title>")
    if story:
        parts.append('<meta property="og:type" content="article">')
        parts.append(f'<meta property="article:published_time" content="{story.published}">')
        parts.append(f'<meta name="author" content="{html.escape(story.author)}">')
    if canonical:
        parts.append(f'<link rel="canonical" href="{canonical}">')
    parts.append('<link rel="alternate" type="application/rss+xml" href="/feed.xml" title="RSS">')
    return "<head>" + "".join(parts) + extra + "</head>"


NAV = ('<header class="site-header"><a class="logo" href="/">Harbour Gazette</a><nav><ul>'
       '<li><a href="/local/">Local</a></li><li><a href="/economy/">Economy</a></li>'
       '<li><a href="/science/">Science</a></li><li><a href="/sport/">Sport</a></li></ul></nav></header>')
FOOTER = ('<footer><p>© 2026 Harbour Gazette</p><a href="/about/">About</a> <a href="/privacy/">Privacy</a>'
          '<div class="newsletter">Sign up for our newsletter</div></footer>')


def _paras(paragraphs: tuple[str, ...] | list[str], escape: bool = True) -> str:
    return "\n".join(f"<p>{html.escape(p, quote=False) if escape else p}</p>" for p in paragraphs)


def article_page(story: Story, *, charset: str | None = "utf-8", canonical: str | None = None,
                 title_html: str | None = None, body_html: str | None = None) -> str:
    """A good article in the markup of ``story.template``."""
    title = title_html if title_html is not None else html.escape(story.title)
    body = body_html if body_html is not None else _paras(story.paragraphs)
    byline = f'<p class="byline">By <span class="author">{html.escape(story.author)}</span></p>'
    when = f'<time datetime="{story.published}">{story.published[:10]}</time>'
    head = _head(html.escape(story.title), story, charset, canonical)
    if story.template == "wordpress":
        main = (f'<div id="page"><div class="content-area"><article class="post type-post">'
                f'<header class="entry-header"><h1 class="entry-title">{title}</h1>'
                f'<div class="entry-meta">{when} {byline}</div></header>'
                f'<div class="entry-content">{body}<div class="sharedaddy">Share this: '
                f'<a href="https://twitter.com/share">Twitter</a></div></div></article>'
                f'<aside class="widget-area"><h2>Recent posts</h2><ul><li><a href="/">Home</a></li></ul></aside>'
                f'</div></div>')
    elif story.template == "semantic":
        main = (f'<main><article><header><p class="kicker">{html.escape(story.section)}</p><h1>{title}</h1>'
                f'{byline}{when}</header><figure><img src="/img/photo.jpg" alt="A photo">'
                f'<figcaption>The scene on the day. Photo: Harbour Gazette</figcaption></figure>'
                f'<section class="article-body">{body}'
                f'<blockquote><p>Quoted remarks are part of the story.</p></blockquote></section>'
                f'</article></main>')
    elif story.template == "jsonld":
        import json

        data = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
                           "datePublished": story.published, "author": {"@type": "Person", "name": story.author}})
        main = (f'<script type="application/ld+json">{data}</script>'
                f'<div class="container"><div class="row"><h1 itemprop="headline">{title}</h1>{byline}{when}'
                f'<div itemprop="articleBody">{body}</div></div>'
                f'<div class="related"><h3>Related</h3><a href="/">More news</a></div></div>')
    elif story.template == "table":
        main = (f'<table width="100%"><tr><td class="left"><a href="/">Home</a><br><a href="/economy/">Economy</a>'
                f'</td><td class="main"><h1>{title}</h1>{byline}{when}<div class="story">{body}</div></td></tr></table>')
    elif story.template == "divsoup":
        main = (f'<div class="wrap"><div class="col"><div class="headline"><h1>{title}</h1></div>'
                f'<div class="meta">{byline}{when}</div><div class="txt">'
                + "".join(f"<div class=\"para\">{html.escape(p, quote=False)}</div>" for p in story.paragraphs)
                + '</div></div><div class="col side"><div class="ad">Advertisement</div></div></div>')
    else:
        main = f'<main><article><h1>{title}</h1>{byline}{when}<div class="article-body">{body}</div></article></main>'
    return f'<!DOCTYPE html><html lang="en">{head}<body>{NAV}{main}{FOOTER}</body></html>'


def special_story(slug: str, title: str, date: str, first: str, section: str = "Local") -> Story:
    """A good story whose first paragraph carries what the page tests; the rest is ordinary prose."""
    return Story(slug, title, date, "Staff Reporter", section, (first, *FILLER))


# --- pages that must never be stored -------------------------------------------------------------

def consent_wall(words: int = 400) -> str:
    purposes = (
        "We and our partners store and/or access information on a device, such as cookies, and process personal "
        "data, such as unique identifiers and standard information sent by a device, for personalised "
        "advertising and content, advertising and content measurement, audience research and services "
        "development. With your permission we and our partners may use precise geolocation data and "
        "identification through device scanning. You may click to consent to our and our partners' processing "
        "as described above. Alternatively you may access more detailed information and change your "
        "preferences before consenting or to refuse consenting. Please note that some processing of your "
        "personal data may not require your consent, but you have a right to object to such processing. "
        "Your preferences will apply to this website only. You can change your preferences at any time by "
        "returning to this site or visiting our privacy policy. "
    )
    text = (purposes * (words // len(purposes.split()) + 1)).split()[:words]
    chunks = [" ".join(text[i:i + 80]) for i in range(0, len(text), 80)]
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Before you continue</title></head>'
            '<body><div id="consent-wall" class="consent-wall cmp-container"><h1>We value your privacy</h1>'
            + _paras(chunks) +
            '<button class="accept">Accept all</button><button class="reject">Reject all</button>'
            '<a href="/privacy/">Manage preferences</a></div></body></html>')


CHALLENGE = ('<!DOCTYPE html><html><head><title>Just a moment...</title><meta charset="utf-8"></head><body>'
             '<div id="cf-challenge-running"><h1>Checking if the site connection is secure</h1>'
             '<p>127.0.0.1 needs to review the security of your connection before proceeding.</p>'
             '<noscript>Enable JavaScript and cookies to continue</noscript></div>'
             '<script>window._cf_chl_opt={cvId:"3"};</script></body></html>')


def paywall() -> str:
    teaser = ("The city's largest employer announced on Monday that it would move its headquarters abroad, a decision "
              "that surprised politicians and union leaders who had been told only weeks ago that the company's "
              "future in the region was secure. The move affects about 1,200 office jobs.")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Employer moves headquarters abroad'
            '</title><meta property="og:type" content="article"></head><body>' + NAV +
            '<main><article><h1>Employer moves headquarters abroad</h1><div class="article-body">'
            f'<p>{teaser}</p></div><div class="paywall"><h2>Subscribe to continue reading</h2>'
            '<p>Already a subscriber? <a href="/login/">Log in</a></p></div></article></main>' + FOOTER +
            '</body></html>')


SOFT_404 = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Page not found | Harbour Gazette</title>'
            '</head><body>' + NAV + '<main><h1>Oops! Page not found</h1><p>The page you are looking for does not '
            'exist or has been moved. Try the search or go back to the <a href="/">home page</a>.</p></main>'
            + FOOTER + '</body></html>')


def teaser_listing(links: list[tuple[str, str]]) -> str:
    """A listing page (section front) served at an article-like URL."""
    items = "".join(f'<article class="teaser"><h2><a href="{href}">{html.escape(text)}</a></h2>'
                    f'<p>A short summary of the story for the section front.</p></article>' for href, text in links)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Latest headlines</title></head>'
            f'<body>{NAV}<main><h1>Latest headlines</h1>{items}</main>{FOOTER}</body></html>')


def link_table(count: int = 300) -> str:
    """An archive page: a table of links with dates (mostly link text)."""
    rows = "".join(f'<tr><td>2026-10-{1 + i % 28:02d}</td><td><a href="/archive/2019/01/old-story-number-{i:05d}/">'
                   f'Archived report number {i} about the regional budget debate</a></td></tr>' for i in range(count))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Archive of regional budget reports</title></head>'
            f'<body><h1>Archive of regional budget reports</h1><table class="archive">{rows}</table></body></html>')


def nav_dump(count: int = 400) -> str:
    """A navigation dump: nested menus and nothing else."""
    groups = "".join(
        f'<li><a href="/section-{g}/">Section {g}</a><ul>'
        + "".join(f'<li><a href="/section-{g}/topic-{t}/">Topic {t} of section {g} news coverage</a></li>'
                  for t in range(count // 20))
        + "</ul></li>" for g in range(20))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Site map of the Harbour Gazette</title></head>'
            f'<body><h1>All sections and topics</h1><nav class="mega"><ul>{groups}</ul></nav></body></html>')


def hundred_thousand_links(count: int = 100_000) -> bytes:
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>Every link we have</title></head><body>'
             '<h1>Every link we have</h1><ul>']
    parts += [f'<li><a href="/archive/2019/02/link-target-number-{i}/">Link number {i}</a></li>' for i in range(count)]
    parts.append("</ul></body></html>")
    return "".join(parts).encode()


def deep_nesting(depth: int = 5000) -> bytes:
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Deeply nested</title></head><body>'
            + "<div>" * depth + "<p>Bottom of the well.</p>" + "</div>" * depth + "</body></html>").encode()


def broken_markup() -> bytes:
    """Unclosed tags, stray closers, attributes without quotes, a comment never closed: not an article."""
    return (b'<html><head><title>Broken <b>markup</title><body><div class=x<p>Unclosed <i>italic <b>bold'
            b'</div></div></div></span><table><tr><td>cell<td>cell</table><p a=1 b="2 c=\'3>text'
            b'<![CDATA[ junk ]]><!-- never closed <p>hidden')


def big_article_chunks(total: int) -> tuple[bytes, bytes, bytes]:
    """Head, repeated paragraph and tail of a page about ``total`` bytes long (generated while sent)."""
    head = (b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>An enormous page</title>'
            b'<meta property="og:type" content="article"></head><body><article><h1>An enormous page</h1>')
    para = (b"<p>This paragraph is repeated until the page is thirty megabytes long, far beyond any sane size "
            b"limit for a news article, so that a crawler must stop reading it and record it as too large.</p>\n")
    tail = b"</article></body></html>"
    return head, para, tail
