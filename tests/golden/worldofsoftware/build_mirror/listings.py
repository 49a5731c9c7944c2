"""Listing pages (home, category, a roundup page), feeds, sitemaps, robots.txt and bad cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from chrome import (
    ORIGIN,
    desktop_header,
    esc,
    footer,
    head_common,
    login_popup,
    mobile_header,
    org_jsonld,
    privacy_bar,
    scripts,
)
from body import plain
from single import Post, published_text


@dataclass(frozen=True)
class Teaser:
    title: str  # HTML fragment
    url: str
    excerpt: str
    section: str = "Software"
    section_slug: str = "software"
    author: tuple[str, str] = ("News Room", "news-room")
    date: str | None = None  # W3C
    image: str | None = None


def teaser_of(post: Post, excerpt: str | None = None) -> Teaser:
    return Teaser(
        title=post.title,
        url=post.url,
        excerpt=excerpt or (post.description or post.golden()["body"][0]),  # type: ignore[index]
        section=post.section,
        section_slug=post.section_slug,
        author=post.authors[0],
        date=post.published,
        image=post.lead.src.replace("-860x484", "-420x280") if post.lead else None,
    )


def _teaser_html(t: Teaser, i: int) -> str:
    img = (
        f'<div class="list-feat-holder"><div class="feat-holder"><div class="p-featured"><a class="p-flink" href="{esc(t.url)}" title="{esc(plain(t.title))}">'
        f'<img loading="lazy" decoding="async" width="420" height="280" src="{t.image}" class="featured-img wp-post-image" alt=""></a></div></div></div>'
        if t.image
        else ""
    )
    date = (
        f'<span class="meta-el meta-date"><time class="date published" datetime="{t.date}">{published_text(t.date)[len("Published "):]}</time></span>'
        if t.date
        else ""
    )
    name, slug = t.author
    return f"""<div class="p-wrap p-list p-list-1" data-pid="{7000 + i}"><div class="list-holder">{img}
<div class="p-content"><div class="p-categories p-top"><a class="p-category category-id-4" href="/category/{t.section_slug}/" rel="category">{esc(t.section)}</a></div>
<h3 class="entry-title"><a class="p-url" href="{esc(t.url)}" rel="bookmark">{t.title}</a></h3>
<p class="entry-summary">{esc(t.excerpt)}</p>
<div class="p-meta"><div class="meta-inner is-meta"><span class="meta-el meta-author"><a href="https://worldofsoftware.org/author/{slug}/">{esc(name)}</a></span>
{date}</div></div></div></div></div>"""


def _listing_sidebar() -> str:
    return """<div class="sidebar-wrap archive-sidebar"><div class="sidebar-inner clearfix">
<div id="tag_cloud-2" class="widget rb-section w-sidebar clearfix widget_tag_cloud"><div class="block-h widget-heading heading-layout-2"><div class="heading-inner"><h4 class="heading-title"><span>Popular Tags</span></h4></div></div>
<div class="tagcloud"><a href="https://worldofsoftware.org/tag/ai/" class="tag-cloud-link">AI</a> <a href="/tag/developer-tools/" class="tag-cloud-link">Developer Tools</a> <a href="https://worldofsoftware.org/tag/education/" class="tag-cloud-link">Education</a> <a href="https://worldofsoftware.org/tag/security/" class="tag-cloud-link">Security</a></div></div>
<div id="custom_html-3" class="widget_text widget rb-section w-sidebar clearfix widget_custom_html"><div class="block-h widget-heading heading-layout-2"><div class="heading-inner"><h4 class="heading-title"><span>Trending Searches</span></h4></div></div>
<div class="textwidget custom-html-widget"><ul><li><a href="https://worldofsoftware.org/?s=alibaba">alibaba</a></li><li><a href="/?s=vpn+lifetime">vpn lifetime</a></li><li><a href="https://worldofsoftware.org/?s=android+xr">android xr</a></li></ul></div></div>
<div id="custom_html-4" class="widget_text widget rb-section w-sidebar clearfix widget_custom_html"><div class="block-h widget-heading heading-layout-2"><div class="heading-inner"><h4 class="heading-title"><span>Our Writers</span></h4></div></div>
<div class="textwidget custom-html-widget"><p><a href="https://worldofsoftware.org/author/news-room/">News Room</a> · <a href="https://worldofsoftware.org/author/marcus-lindqvist/">Marcus Lindqvist</a> · <a href="/author/tom-whitfield/">Tom Whitfield</a></p></div></div>
</div></div>"""


def number_pagination(base: str, page: int, last: int) -> str:
    def href(n: int) -> str:
        return f"{ORIGIN}{base}" if n == 1 else f"{ORIGIN}{base}page/{n}/"

    parts = []
    if page > 1:
        parts.append(f'<a class="prev page-numbers" href="{href(page - 1)}"><i class="rbi rbi-angle-left" aria-hidden="true"></i></a>')
    for n in range(1, last + 1):
        parts.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page else f'<a class="page-numbers" href="{href(n)}">{n}</a>')
    if page < last:
        parts.append(f'<a class="next page-numbers" href="{href(page + 1)}"><i class="rbi rbi-angle-right" aria-hidden="true"></i></a>')
    return f'<nav class="pagination-wrap pagination-number">{"".join(parts)}</nav>'


def simple_pagination(base: str, page: int, last: int) -> str:
    parts = []
    if page < last:
        parts.append(f'<span class="older"><a href="{ORIGIN}{base}page/{page + 1}/"><i class="rbi rbi-cleft" aria-hidden="true"></i>Older Articles</a></span>')
    if page > 1:
        prev = f"{base}" if page == 2 else f"{base}page/{page - 1}/"
        parts.append(f'<span class="newer"><a href="{prev}">Newer Articles<i class="rbi rbi-cright" aria-hidden="true"></i></a></span>')
    return f'<nav class="pagination-wrap pagination-simple clearfix">{"".join(parts)}</nav>'


def listing_page(*, title: str, canonical: str, body_class: str, header: str, teasers: list[Teaser], pagination: str) -> str:
    items = "\n".join(_teaser_html(t, i) for i, t in enumerate(teasers))
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{head_common()}
<title>{esc(title)}</title>
<meta name="description" content="World of Software is your one-stop website for the latest tech news and updates.">
<link rel="canonical" href="{canonical}">
<meta property="og:title" content="{esc(title)}">
<meta property="og:url" content="{canonical}">
<meta property="og:site_name" content="World of Software">
<meta property="og:type" content="website">
{org_jsonld()}
</head>
<body class="{body_class} wp-embed-responsive sync-bookmarks yes-tstyle-mixed is-backtop" data-theme="default">
{privacy_bar()}
<div class="site-outer">
{desktop_header("")}
{mobile_header()}
<div class="site-wrap">
<div class="blog-wrap is-sidebar-right sticky-sidebar"><div class="rb-container edge-padding"><div class="grid-container"><div class="blog-content">
{header}
<div id="uid_listing" class="block-wrap block-list rb-columns rb-col-1 is-gap-custom"><div class="block-inner">
{items}
</div></div>
{pagination}
</div>
{_listing_sidebar()}
</div></div></div>
</div>
{footer()}
</div>
{login_popup()}
{scripts()}
</body>
</html>
"""


def category_header(name: str, slug: str, description: str) -> str:
    return f"""<header class="archive-header is-archive-page"><div class="archive-header-content"><aside class="breadcrumb-wrap breadcrumb-navxt archive-breadcrumb"><div class="breadcrumb-inner"><span property="itemListElement" typeof="ListItem"><a property="item" typeof="WebPage" href="https://worldofsoftware.org" class="home"><span property="name">World of Software</span></a></span> &gt; <span property="itemListElement" typeof="ListItem"><span property="name" class="archive taxonomy category current-item">{esc(name)}</span></span></div></aside>
<h1 class="archive-title">{esc(name)}</h1><div class="taxonomy-description">{esc(description)}</div>
<a class="archive-feed-link" href="https://worldofsoftware.org/category/{slug}/feed/">RSS</a></div></header>"""


def rss(items: list[Post], self_url: str) -> str:
    newest = max(datetime.fromisoformat(p.modified) for p in items)
    entries = []
    for post in items:
        body = "\n".join(b.html for b in post.blocks)
        desc = esc(post.description or post.golden()["body"][0])  # type: ignore[index]
        cats = "".join(f"<category><![CDATA[{c}]]></category>" for c in [post.section, *[n for n, _ in post.tags]])
        entries.append(
            f"""<item>
<title>{post.title}</title>
<link>{post.url}</link>
<comments>{post.url}#respond</comments>
<dc:creator><![CDATA[{", ".join(n for n, _ in post.authors)}]]></dc:creator>
<pubDate>{format_datetime(datetime.fromisoformat(post.published))}</pubDate>
{cats}
<guid isPermaLink="false">{ORIGIN}/?p={post.post_id}</guid>
<description><![CDATA[{desc} [&#8230;]]]></description>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wfw:commentRss>{post.url}feed/</wfw:commentRss>
<slash:comments>0</slash:comments>
</item>"""
        )
    joined = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
xmlns:content="http://purl.org/rss/1.0/modules/content/"
xmlns:wfw="http://wellformedweb.org/CommentAPI/"
xmlns:dc="http://purl.org/dc/elements/1.1/"
xmlns:atom="http://www.w3.org/2005/Atom"
xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
<title>World of Software</title>
<atom:link href="{self_url}" rel="self" type="application/rss+xml" />
<link>https://worldofsoftware.org</link>
<description>World of Software is your one-stop website for the latest tech news and updates</description>
<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
<language>en-US</language>
<sy:updatePeriod>hourly</sy:updatePeriod>
<sy:updateFrequency>1</sy:updateFrequency>
<generator>https://wordpress.org/?v=6.7.2</generator>
{joined}
</channel>
</rss>
"""


def sitemap_index(names: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{ORIGIN}/{n}</loc></sitemap>" for n in names)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{ORIGIN}/wp-sitemap-index.xsl" ?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>\n'
    )


def urlset(entries: list[tuple[str, str | None]]) -> str:
    items = "".join(
        f"<url><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>" for loc, lastmod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{ORIGIN}/wp-sitemap.xsl" ?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>\n'
    )


ROBOTS = f"""User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /wp-login.php
Disallow: /my-bookmarks/
Disallow: /?s=

Sitemap: {ORIGIN}/wp-sitemap.xml
"""

# A page cut off mid-tag, with unclosed elements and bytes that are not UTF-8.
MALFORMED_BYTES = (
    b'<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n<title>Windows 11 update breaks pr'
    b"\xff\xfe\x00\x00\x93\xc3\x28<<div class=\"site-outer\"><div id=\"site-header\" class=\"header-wrap rb-sec"
    b"\x00\x00\x1b[0m<div <div <a href=\"https://worldofsoftware.org/category/\xe2\x80 <art"
)


def roundup_page(teasers: list[Teaser]) -> str:
    """A WordPress page of teaser links (a roundup) at an article-like URL."""
    items = "\n".join(_teaser_html(t, i) for i, t in enumerate(teasers))
    url = f"{ORIGIN}/weekly-software-roundup-the-stories-you-missed/"
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{head_common()}
<title>Weekly software roundup: the stories you missed - World Of Software</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="website">
</head>
<body class="page-template-default page page-id-41877 wp-embed-responsive" data-theme="default">
{privacy_bar()}
<div class="site-outer">
{desktop_header("")}
{mobile_header()}
<div class="site-wrap"><div class="single-page without-sidebar"><div class="rb-container edge-padding">
<header class="page-header"><h1 class="s-title">Weekly software roundup: the stories you missed</h1></header>
<div class="page-content"><div class="entry-content rbct">
<p>Catch up on the week’s software news.</p>
<div class="block-wrap block-list rb-columns rb-col-1"><div class="block-inner">
{items}
</div></div>
{number_pagination("/", 1, 2)}
</div></div>
</div></div></div>
{footer()}
</div>
{login_popup()}
</body>
</html>
"""

