"""The Foxiz single-post page (layout standard_1) and its golden record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from body import Block
from chrome import (
    ORIGIN,
    Link,
    desktop_header,
    esc,
    footer,
    head_common,
    jsonld,
    login_popup,
    mobile_header,
    org_jsonld,
    privacy_bar,
    related,
    scripts,
    sidebar,
)
from body import plain


@dataclass(frozen=True)
class Lead:
    """The featured image: ``full`` is the lightbox data-source (None when there is no lightbox)."""

    src: str
    full: str | None = None
    caption: str | None = None

    @property
    def golden(self) -> str:
        return self.full or self.src


@dataclass
class Post:
    slug: str
    post_id: int
    title: str  # HTML fragment as the h1 holds it
    section: str
    section_slug: str
    authors: list[tuple[str, str]]  # (display name, author slug)
    published: str  # W3C datetime
    modified: str
    blocks: list[Block]
    description: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)
    lead: Lead | None = None
    foxiz: str = "2.3"  # "2.1" (itemprop articleBody, no font resizer), "2.3", "2.6"
    force_modified: bool = False  # the theme shows only the modified date (no time.date.published)
    with_jsonld: bool = True
    with_og: bool = True
    sources: list[tuple[str, str]] = field(default_factory=list)  # efoot SOURCES bar (name, url)
    author_box: str | None = None  # .usr-holder description text
    entry_top_ad: bool = False
    latest: list[Link] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    prev: Link | None = None
    next: Link | None = None

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def url(self) -> str:
        return f"{ORIGIN}/{self.slug}/"

    @property
    def text_title(self) -> str:
        return plain(self.title)

    def golden(self) -> dict[str, object]:
        body: list[str] = [para for block in self.blocks for para in block.paras]
        return {
            "path": self.path,
            "url": self.url,
            "title": self.text_title,
            "authors": [name for name, _ in self.authors],
            "published": self.published,
            "modified": self.modified,
            "section": self.section,
            "tags": [name for name, _ in self.tags],
            "lead_image": self.lead.golden if self.lead else None,
            "description": self.description,
            "language": "en",
            "body": body,
        }


def _dt(w3c: str) -> datetime:
    return datetime.fromisoformat(w3c)


def published_text(w3c: str) -> str:
    d = _dt(w3c)
    return f"Published {d.day} {d:%B %Y}"


def updated_text(w3c: str) -> str:
    d = _dt(w3c)
    hour = d.hour % 12 or 12
    return f"Last updated: {d:%Y/%m/%d} at {hour}:{d:%M} {'AM' if d.hour < 12 else 'PM'}"


def _head(post: Post) -> str:
    names = ", ".join(n for n, _ in post.authors)
    title = post.text_title
    parts = [
        head_common(),
        f"<title>{esc(title)} - World Of Software</title>",
    ]
    if post.description:
        parts.append(f'<meta name="description" content="{esc(post.description)}">')
    parts += [
        f'<link rel="canonical" href="{post.url}">',
        f'<link rel="shortlink" href="{ORIGIN}/?p={post.post_id}">',
        f'<link rel="alternate" type="application/rss+xml" title="World of Software &raquo; {esc(title)} Comments Feed" href="{post.url}feed/">',
        f'<link rel="alternate" title="JSON" type="application/json" href="{ORIGIN}/wp-json/wp/v2/posts/{post.post_id}">',
    ]
    if post.with_og:
        parts += [
            f'<meta property="og:title" content="{esc(title)}">',
            f'<meta property="og:url" content="{post.url}">',
            '<meta property="og:site_name" content="World of Software">',
            '<meta property="og:type" content="article">',
            '<meta property="og:locale" content="en_US">',
        ]
        if post.description:
            parts.append(f'<meta property="og:description" content="{esc(post.description)}">')
        if post.lead:
            parts.append(f'<meta property="og:image" content="{post.lead.golden}">')
        parts += [
            f'<meta property="article:published_time" content="{post.published}">',
            f'<meta property="article:modified_time" content="{post.modified}">',
            f'<meta name="author" content="{esc(names)}">',
            '<meta name="twitter:card" content="summary_large_image">',
            '<meta name="twitter:label1" content="Written by">',
            f'<meta name="twitter:data1" content="{esc(names)}">',
            '<meta name="twitter:label2" content="Est. reading time">',
            f'<meta name="twitter:data2" content="{max(1, len(" ".join(post.golden()["body"]).split()) // 200)} minutes">',  # type: ignore[arg-type]
        ]
    if post.with_jsonld:
        authors = [{"@type": "Person", "name": n, "url": f"{ORIGIN}/author/{s}/"} for n, s in post.authors]
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "mainEntityOfPage": {"@type": "WebPage", "@id": post.url},
            "author": authors[0] if len(authors) == 1 else authors,
            "publisher": {
                "@type": "Organization",
                "name": "World of Software",
                "url": f"{ORIGIN}/",
                "logo": {"@type": "ImageObject", "url": f"{ORIGIN}/wp-content/uploads/2023/09/wos-logo.png"},
            },
            "datePublished": post.published,
            "dateModified": post.modified,
            "commentCount": 0,
            "articleSection": [post.section],
        }
        if post.description:
            data["description"] = post.description
        if post.lead:
            data["image"] = {"@type": "ImageObject", "url": post.lead.golden, "width": 1600, "height": 900}
        parts += [org_jsonld(), jsonld(data)]
    return "\n".join(parts)


def _breadcrumb(post: Post) -> str:
    return f"""<aside class="breadcrumb-wrap breadcrumb-navxt s-breadcrumb"><div class="breadcrumb-inner" vocab="https://schema.org/" typeof="BreadcrumbList"><span property="itemListElement" typeof="ListItem"><a property="item" typeof="WebPage" title="Go to World of Software." href="https://worldofsoftware.org" class="home"><span property="name">World of Software</span></a><meta property="position" content="1"></span> &gt; <span property="itemListElement" typeof="ListItem"><a property="item" typeof="WebPage" title="Go to the {esc(post.section)} Category archives." href="https://worldofsoftware.org/category/{post.section_slug}/" class="taxonomy category"><span property="name">{esc(post.section)}</span></a><meta property="position" content="2"></span> &gt; <span property="itemListElement" typeof="ListItem"><span property="name" class="post post-post current-item">{post.title}</span><meta property="url" content="{post.url}"><meta property="position" content="3"></span></div></aside>"""


def _avatar(name: str, slug: str, size: int = 120) -> str:
    return f'<img alt="{esc(name)}" src="https://secure.gravatar.com/avatar/{abs(len(slug) * 7919):032x}?s={size}&amp;d=mm&amp;r=g" class="avatar avatar-{size} photo" height="{size}" width="{size}" decoding="async">'


def _meta(post: Post) -> str:
    if len(post.authors) == 1:
        name, slug = post.authors[0]
        avatar = f'<a class="meta-el meta-avatar" href="{ORIGIN}/author/{slug}/">{_avatar(name, slug)}</a>'
        author = f'<span class="meta-el meta-author"><a href="{ORIGIN}/author/{slug}/">{esc(name)}</a></span>'
    else:
        imgs = "".join(f'<a href="{ORIGIN}/author/{s}/">{_avatar(n, s, 60)}</a>' for n, s in post.authors)
        avatar = f'<div class="meta-el meta-avatar multiple-avatar">{imgs}</div>'
        links = '<span class="meta-separate trailing">and</span>'.join(
            f'<span class="meta-separate"><a href="/author/{s}/">{esc(n)}</a></span>' for n, s in post.authors
        )
        author = f'<span class="meta-el meta-author co-authors">{links}</span>'
    if post.force_modified:
        date = f'<span class="meta-el meta-update"><time class="updated-date" datetime="{post.modified}">{updated_text(post.modified)}</time></span>'
        bottom = ""
    else:
        date = f'<span class="meta-el meta-date"><time class="date published" datetime="{post.published}">{published_text(post.published)}</time></span>'
        bottom = f'<div class="smeta-bottom meta-text"><time class="updated-date" datetime="{post.modified}">{updated_text(post.modified)}</time></div>\n'
    return f"""<div class="single-meta yes-0">
<div class="smeta-in">{avatar}<div class="smeta-sec">
{bottom}<div class="p-meta"><div class="meta-inner is-meta">{author}
{date}</div></div>
</div></div>
<div class="smeta-extra"><div class="t-shared-sec tooltips-n has-read-meta is-color"><div class="t-shared-header is-meta"><i class="rbi rbi-share" aria-hidden="true"></i><span class="share-label">Share</span></div><div class="effect-fadeout"><a class="share-action share-trigger icon-facebook" href="https://www.facebook.com/sharer.php?u={post.url}" data-title="Facebook" rel="nofollow"><i class="rbi rbi-facebook" aria-hidden="true"></i></a><a class="share-action share-trigger icon-twitter" href="https://twitter.com/intent/tweet?url={post.url}" data-title="Twitter" rel="nofollow"><i class="rbi rbi-twitter" aria-hidden="true"></i></a></div></div></div>
</div>"""


def _lead(post: Post) -> str:
    if not post.lead:
        return ""
    lead = post.lead
    img = (
        f'<img width="860" height="484" src="{lead.src}" class="attachment-foxiz_crop_o1 size-foxiz_crop_o1 wp-post-image" alt="" '
        f'decoding="async" fetchpriority="high" srcset="{lead.src} 860w, {lead.src.replace("-860x484", "-330x186")} 330w" sizes="(max-width: 860px) 100vw, 860px">'
    )
    if lead.full:
        img = f'<div class="featured-lightbox-trigger" data-source="{lead.full}" data-caption="{esc(lead.caption or "")}" data-attribution="">{img}</div>'
    caption = f'<div class="feat-caption meta-text"><span class="caption-text meta-bold">{esc(lead.caption)}</span></div>' if lead.caption else ""
    return f'<div class="s-feat-outer"><div class="s-feat">{img}</div>{caption}</div>'


def _efoot(post: Post) -> str:
    bars = []
    if post.tags:
        tags = "".join(f'<a href="{ORIGIN}/tag/{s}/" rel="tag">{esc(n)}</a>' for n, s in post.tags)
        bars.append(f'<div class="efoot-bar tag-bar"><span class="blabel is-meta"><i class="rbi rbi-tag" aria-hidden="true"></i>TAGGED:</span>{tags}</div>')
    if post.sources:
        src = "".join(f'<a class="tag-source" href="{u}" rel="nofollow noopener" target="_blank">{esc(n)}</a>' for n, u in post.sources)
        bars.append(f'<div class="efoot-bar source-bar"><span class="blabel is-meta"><i class="rbi rbi-archive" aria-hidden="true"></i>SOURCES:</span>{src}</div>')
    return f'<div class="efoot">{"".join(bars)}</div>' if bars else ""


def _author_box(post: Post) -> str:
    if not post.author_box:
        return ""
    name, slug = post.authors[0]
    return f"""<div class="usr-holder entry-sec"><div class="usr-inner"><div class="usr-avatar"><a href="{ORIGIN}/author/{slug}/">{_avatar(name, slug, 100)}</a></div>
<div class="usr-content"><span class="usr-title h4"><a href="{ORIGIN}/author/{slug}/">{esc(name)}</a></span><div class="usr-description"><p>{esc(post.author_box)}</p></div>
<a class="usr-more is-meta" href="{ORIGIN}/author/{slug}/">View Posts</a></div></div></div>"""


ENTRY_NEWSLETTER = """<div class="entry-newsletter"><div class="newsletter-box"><div class="newsletter-box-header"><span class="newsletter-icon"><i class="rbi rbi-plane" aria-hidden="true"></i></span><div class="inner"><h2 class="newsletter-box-title">Sign Up For Daily Newsletter</h2><h6 class="newsletter-box-description">Be keep up! Get the latest breaking news delivered straight to your inbox.</h6></div></div>
<div class="newsletter-box-content"><form class="mc4wp-form" method="post"><input type="email" name="EMAIL" placeholder="Your email address" required><button type="submit" aria-label="sign up"><i class="rbi rbi-plane" aria-hidden="true"></i></button></form></div>
<div class="newsletter-box-policy">By signing up, you agree to our <a href="https://worldofsoftware.org/terms-of-use/">Terms of Use</a> and acknowledge the data practices in our <a href="https://worldofsoftware.org/privacy-policy/">Privacy Policy</a>. You may unsubscribe at any time.</div></div></div>"""

ENTRY_TOP_AD = f"""<div class="entry-top"><div id="custom_html-6" class="widget_text widget entry-widget clearfix widget_custom_html"><div class="textwidget custom-html-widget"><p><a href="https://partners.example-hosting.com/?ref=wos-top" rel="nofollow sponsored"><img src="{ORIGIN}/wp-content/uploads/2024/11/managed-wp-banner-728x90.png" alt="" width="728" height="90"></a></p><p class="ad-note">Sponsored</p></div></div></div>"""


def _shares(post: Post) -> str:
    u = post.url
    return f"""<div class="e-shared-sec entry-sec"><div class="e-shared-header h4"><i class="rbi rbi-share" aria-hidden="true"></i><span>Share This Article</span></div>
<div class="rbbsl tooltips-n effect-fadeout is-bg"><a class="share-action share-trigger icon-facebook" href="https://www.facebook.com/sharer.php?u={u}" data-title="Facebook" rel="nofollow"><i class="rbi rbi-facebook" aria-hidden="true"></i><span>Facebook</span></a> <a class="share-action share-trigger icon-twitter" href="https://twitter.com/intent/tweet?url={u}" data-title="Twitter" rel="nofollow"><i class="rbi rbi-twitter" aria-hidden="true"></i><span>Twitter</span></a> <a class="share-action icon-email" href="mailto:?subject={esc(post.text_title)}&amp;BODY=I%20found%20this%20article%20interesting%20{u}" data-title="Email" rel="nofollow"><i class="rbi rbi-email" aria-hidden="true"></i><span>Email</span></a> <a class="share-action icon-print" rel="nofollow" href="#" data-title="Print"><i class="rbi rbi-print" aria-hidden="true"></i><span>Print</span></a></div></div>
<div class="sticky-share-list-buffer"><div class="sticky-share-list"><div class="t-shared-header meta-text"><i class="rbi rbi-share" aria-hidden="true"></i><span class="share-label">Share</span></div><div class="sticky-share-list-items effect-fadeout is-color"><a class="share-action share-trigger icon-facebook" href="https://www.facebook.com/sharer.php?u={u}" rel="nofollow"><i class="rbi rbi-facebook" aria-hidden="true"></i></a></div></div></div>"""


def _reactions(post_id: int) -> str:
    names = ["Love", "Sad", "Happy", "Sleepy", "Angry", "Dead", "Wink"]
    items = "\n".join(
        f'<div class="reaction" data-reaction="{n.lower()}" data-reaction_uid="{post_id}"><span class="reaction-content"><span class="reaction-icon"><i class="rbi rbi-{n.lower()}" aria-hidden="true"></i></span><span class="reaction-title h6">{n}</span></span><span class="reaction-count">0</span></div>'
        for n in names
    )
    return f"""<aside class="reaction-sec entry-sec"><div class="reaction-heading"><span class="h3">What do you think?</span></div>
<aside id="reaction-{post_id}" class="rb-reaction reaction-wrap" data-pid="{post_id}">
{items}
</aside></aside>"""


def _pagination(post: Post) -> str:
    def el(side: str, label: str, link: Link | None) -> str:
        if link is None:
            return ""
        return f'<div class="nav-el nav-{side}"><a href="{esc(link.url)}"><span class="nav-label is-meta"><i class="rbi rbi-angle-{side}" aria-hidden="true"></i><span>{label}</span></span> <span class="nav-inner"><span class="h4"><span class="p-url">{esc(link.title)}</span></span></span></a></div>'

    return f'<div class="entry-pagination e-pagi mobile-hide"><div class="inner">{el("left", "Previous Article", post.prev)}\n{el("right", "Next Article", post.next)}</div></div>'


def _comments(post: Post) -> str:
    return f"""<div class="comment-box-wrap entry-sec"><div class="comment-box-header"><span class="h3">Leave a comment</span></div>
<div class="comment-box-content">
<div id="comments" class="comments-area"><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" href="/{post.slug}/#respond" style="display:none;">Cancel reply</a></small></h3>
<form action="https://worldofsoftware.org/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate><p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label><textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label><input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label><input id="email" name="email" type="email" value="" size="30" maxlength="100" autocomplete="email" required></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"><input type="hidden" name="comment_post_ID" value="{post.post_id}" id="comment_post_ID"><input type="hidden" name="comment_parent" id="comment_parent" value="0"></p></form>
</div></div></div></div>"""


def render_single(post: Post) -> str:
    """The whole HTML document of one article page."""
    resizer = post.foxiz != "2.1"
    itemprop = ' itemprop="articleBody"' if post.foxiz == "2.1" else ""
    tag_classes = "".join(f" tag-{s}" for _, s in post.tags)
    thumb = " has-post-thumbnail" if post.lead else ""
    body_html = "\n".join(b.html for b in post.blocks)
    next_url = post.next.url if post.next else ""
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{_head(post)}
</head>
<body class="post-template-default single single-post postid-{post.post_id} single-format-standard wp-embed-responsive is-single-1 sync-bookmarks yes-tstyle-mixed is-backtop" data-theme="default">
{privacy_bar()}
<div class="site-outer">
{desktop_header(post.text_title, resizer)}
{mobile_header(resizer)}
<div class="site-wrap">
<div id="single-post-infinite" class="single-post-infinite" data-nextposturl="{esc(next_url)}">
<div class="single-post-outer activated" data-postid="{post.post_id}" data-postlink="{post.url}">
<div class="single-standard-1 is-sidebar-right sticky-sidebar">
<div class="rb-container edge-padding">
<article id="post-{post.post_id}" class="post-{post.post_id} post type-post status-publish format-standard{thumb} category-{post.section_slug}{tag_classes}">
<header class="single-header">
{_breadcrumb(post)}
<div class="s-cats ecat-bg-4 custom-size"><div class="p-categories"><a class="p-category category-id-4" href="https://worldofsoftware.org/category/{post.section_slug}/" rel="category">{esc(post.section)}</a></div></div>
<h1 class="s-title fw-headline">{post.title}</h1>
{_meta(post)}
</header>
<div class="grid-container">
<div class="s-ct">
{_lead(post)}
<div class="s-ct-wrap has-lsl"><div class="s-ct-inner">
<div class="l-shared-sec-outer show-mobile"><div class="l-shared-sec"><div class="l-shared-header meta-text"><i class="rbi rbi-share" aria-hidden="true"></i><span class="share-label">SHARE</span></div><div class="l-shared-items effect-fadeout"><a class="share-action share-trigger icon-facebook" href="https://www.facebook.com/sharer.php?u={post.url}" rel="nofollow"><i class="rbi rbi-facebook" aria-hidden="true"></i></a><a class="share-action share-trigger icon-twitter" href="https://twitter.com/intent/tweet?url={post.url}" rel="nofollow"><i class="rbi rbi-twitter" aria-hidden="true"></i></a></div></div></div>
<div class="e-ct-outer">
{ENTRY_TOP_AD if post.entry_top_ad else ""}
<div class="entry-content rbct clearfix is-highlight-shares"{itemprop}>
{body_html}
</div>
{_efoot(post)}
{_author_box(post)}
{ENTRY_NEWSLETTER}
</div>
</div></div>
{_shares(post)}
{_reactions(post.post_id)}
{_pagination(post)}
{_comments(post)}
</div>
{sidebar(post.latest)}
</div>
</article>
{related(post.related)}
</div></div>
</div>
</div>
<div id="single-infinite-point" class="single-infinite-point pagination-wrap"><i class="rb-loader" aria-hidden="true"></i></div>
</div>
{footer()}
</div>
{login_popup()}
{scripts()}
</body>
</html>
"""
