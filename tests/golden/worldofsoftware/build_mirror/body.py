"""Body blocks: each renders to HTML and to the paragraphs the golden expects from it.

Texts may hold inline markup (a, em, strong); the expected paragraph is the same text with the
tags removed and entities decoded, then NBSP -> space and trimmed (SITES.md §2).
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field

from chrome import UPLOADS, esc

_TAG = re.compile(r"<[^>]+>")


def plain(fragment: str) -> str:
    """The stored form of an inline HTML fragment (tags dropped, entities decoded, §2)."""
    return html.unescape(_TAG.sub("", fragment)).replace("\u00a0", " ").strip()


@dataclass
class Block:
    """One piece of body markup and the paragraphs it contributes to the golden (maybe none)."""

    html: str
    paras: list[str] = field(default_factory=list)
    root_p: bool = False  # a root-level <p> (Foxiz counts these to place inline ads)


def p(text: str) -> Block:
    return Block(f"<p>{text}</p>", [plain(text)], root_p=True)


def junk_p(text: str) -> Block:
    """A <p> inside the body that the golden drops (e.g. the reporter's handle residue)."""
    return Block(f"<p>{text}</p>", [], root_p=True)


def heading(level: int, text: str, anchor: str | None = None) -> Block:
    ident = f' id="{anchor}"' if anchor else ""
    cls = ' class="wp-block-heading"'
    return Block(f"<h{level}{cls}{ident}>{text}</h{level}>", [plain(text)])


def ul(items: list[str], ordered: bool = False) -> Block:
    tag = "ol" if ordered else "ul"
    inner = "".join(f"<li>{item}</li>" for item in items)
    return Block(f'<{tag} class="wp-block-list">{inner}</{tag}>', [plain(i) for i in items])


def quote(paras: list[str], cite: str | None = None) -> Block:
    inner = "".join(f"<p>{x}</p>" for x in paras)
    citation = f"<cite>{cite}</cite>" if cite else ""
    got = [plain(x) for x in paras] + ([plain(cite)] if cite else [])
    return Block(f'<blockquote class="wp-block-quote">{inner}{citation}</blockquote>', got)


def figure(src: str, alt: str, caption: str, width: int = 1024, height: int = 683) -> Block:
    return Block(
        f'<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" width="{width}" '
        f'height="{height}" src="{src}" alt="{esc(alt)}" class="wp-image-{zlib.crc32(src.encode()) % 90000 + 10000}">'
        f'<figcaption class="wp-element-caption">{caption}</figcaption></figure>',
        [plain(caption)],
    )


def table(header: list[str], rows: list[list[str]]) -> Block:
    head = "<thead><tr>" + "".join(f"<th>{c}</th>" for c in header) + "</tr></thead>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    got = [" | ".join(plain(c) for c in r) for r in [header, *rows]]
    return Block(f'<figure class="wp-block-table"><table class="has-fixed-layout">{head}<tbody>{body}</tbody></table></figure>', got)


def youtube(video_id: str, title: str) -> Block:
    return Block(
        '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 '
        'wp-has-aspect-ratio"><div class="wp-block-embed__wrapper"><iframe loading="lazy" title="'
        f'{esc(title)}" width="740" height="416" src="https://www.youtube.com/embed/{video_id}?feature=oembed" '
        'frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; '
        'picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>'
        "</div></figure>"
    )


def tweet(text: str, who: str, handle: str, status: str, date_text: str) -> Block:
    return Block(
        '<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter"><div class="wp-block-embed__wrapper">'
        f'<blockquote class="twitter-tweet" data-width="550" data-dnt="true"><p lang="en" dir="ltr">{text}</p>'
        f"&mdash; {esc(who)} (@{handle}) <a href=\"https://twitter.com/{handle}/status/{status}?ref_src=twsrc%5Etfw\">{date_text}</a></blockquote>"
        '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script></div></figure>'
    )


def script_ad(label: str, slot_class: str = "ad_single_index") -> Block:
    """Foxiz inline single-post ad with a script (AdSense) unit."""
    return Block(
        f'<div class="inline-single-ad {slot_class} alignfull"><div class="ad-wrap ad-script-wrap">'
        f'<h6 class="ad-description is-meta">{label}</h6><div class="ad-script non-adsense">'
        '<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-4128371650921843" crossorigin="anonymous"></script>'
        '<ins class="adsbygoogle" style="display:block; text-align:center;" data-ad-layout="in-article" data-ad-format="fluid" '
        'data-ad-client="ca-pub-4128371650921843" data-ad-slot="7712458890"></ins>'
        "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div></div></div>"
    )


def image_ad(label: str, slot_class: str = "ad_single_2_index") -> Block:
    """Foxiz inline single-post ad with an image banner."""
    return Block(
        f'<div class="inline-single-ad {slot_class} alignfull"><div class="ad-wrap ad-image-wrap">'
        f'<span class="ad-description is-meta">{label}</span><div class="ad-image">'
        '<a class="ad-destination" target="_blank" rel="noopener nofollow" href="https://partners.example-hosting.com/?ref=wos">'
        f'<img loading="lazy" decoding="async" src="{UPLOADS}/2024/11/cloud-hosting-banner-728x90.png" alt="Ad image" width="728" height="90"></a>'
        "</div></div></div>"
    )


def generic_ad() -> Block:
    """An ad block from a generic ad plugin, not the theme."""
    return Block(
        '<div class="ad-container" id="ad-incontent-1"><span>ADVERTISEMENT</span>'
        '<ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-4128371650921843" data-ad-slot="5522190043" '
        'data-ad-format="auto" data-full-width-responsive="true"></ins>'
        "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>"
    )


def read_also(links: list[tuple[str, str]], label: str = "Read Also") -> Block:
    """The Foxiz 'related in content' box (a shortcode block inside the body)."""
    items = "".join(
        f'<div class="p-wrap p-list-inline" data-pid="{3000 + i}"><h6 class="entry-title"><a class="p-url" href="{esc(u)}" rel="bookmark">{esc(t)}</a></h6></div>'
        for i, (t, u) in enumerate(links)
    )
    return Block(
        f'<div class="related-sec related-5"><div class="inner"><div class="block-h heading-layout-1"><div class="heading-inner">'
        f'<h3 class="heading-title"><span>{label}</span></h3></div></div><div class="block-inner">{items}</div></div></div>'
    )


def newsletter_in_body(title: str) -> Block:
    """A newsletter sign-up box placed inside the body (Foxiz newsletter block)."""
    return Block(
        '<div class="wp-block-foxiz-elements-newsletter rb-newsletter is-style-boxed"><div class="newsletter-inner">'
        f'<h4 class="newsletter-title">{title}</h4>'
        "<p class=\"newsletter-description\">Get the day's most important software and security news in your inbox every morning.</p>"
        '<form method="post" action="#" class="rb-newsletter-form"><input type="email" name="EMAIL" placeholder="Your email address">'
        '<input type="submit" value="Subscribe"></form>'
        '<p class="newsletter-privacy">We respect your privacy. Unsubscribe at any time.</p></div></div>'
    )


def toc(entries: list[tuple[str, str]]) -> Block:
    """Foxiz inline table of contents (.rb-table-contents)."""
    links = "".join(
        f'<div class="toc-item"><a href="#{anchor}" class="table-link no-link anchor-link h5" data-index="rb-heading-index-{i}">{esc(text)}</a></div>'
        for i, (text, anchor) in enumerate(entries)
    )
    return Block(
        '<div class="rb-table-contents rbtoc table-left is-collapse"><div class="toc-header"><i class="rbi rbi-read" aria-hidden="true"></i>'
        '<span class="h3">Contents</span><div class="toc-toggle no-link"><i class="rbi rbi-angle-up" aria-hidden="true"></i></div></div>'
        f'<div class="toc-content h5">{links}</div></div>'
    )


def body_with_ads(blocks: list[Block], ads: dict[int, list[Block]]) -> list[Block]:
    """Insert ad blocks after root-level paragraph N (1-based), as Foxiz's inline ads do."""
    out: list[Block] = []
    count = 0
    for block in blocks:
        out.append(block)
        if block.root_p:
            count += 1
            out.extend(ads.get(count, []))
    return out
