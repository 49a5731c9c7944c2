"""Markup variants of the three seed articles, built here from the seed goldens' text: the
body must come out whole and clean whatever the container, class names and boilerplate."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from harvester.extraction import Article, SiteRules, extract
from spiders.budapestpost import RULES as BUDAPESTPOST
from spiders.itpostnews import RULES as ITPOSTNEWS
from spiders.worldofsoftware import RULES as WORLDOFSOFTWARE

GOLDEN = Path(__file__).parent / "golden"


def _seed(site: str) -> dict:
    return json.loads(next((GOLDEN / site).glob("seed-*.json")).read_text(encoding="utf-8"))


def e(text: str) -> str:
    return html.escape(text, quote=True)


RELATED = "".join(
    f'<a class="item" href="/story-{i}">Related headline number {i} about something else entirely</a>'
    for i in range(30)
)
DISCLAIMER = ("AI Disclaimer: An advanced artificial intelligence (AI) system generated the content of this "
              "page on its own. Please keep in mind that the article may contain accidental inaccuracies.")


def budapest_pages(title: str, body: list[str]) -> dict[str, str]:
    first, second, rest = body[0], body[1], body[2:]
    head = f"<html lang='en'><head><title>{e(title)} - Budapest Post</title></head><body>"
    brand = ("<div class='brand'><a href='/'>Budapest Post</a></div><div>Cum Deo pro Patria et Libertate</div>"
             "<div>Budapest, Europe and world news</div>")
    tail = (f"<button>Newsletter</button><h3>Related Articles</h3><div class='player'>0:00 0:00 "
            f"<span>Close</span></div><div class='list'>{RELATED}</div><span class='x'>×</span></body></html>")
    paras = "".join(f"<p>{e(p)}</p>" for p in rest)
    return {
        # unknown class names; <br> inside the first paragraph; disclaimer as a <p> inside the container
        "story-div": head + brand + f"<h1>{e(title)}</h1><img src='/i/a.jpg' alt='{e(title)}'>"
        f"<div class='story'><p>{e(first)}<br>{e(second)}</p>{paras}<p>{e(DISCLAIMER)}</p></div>" + tail,
        # plain text joined by <br><br> directly in a <section>, header date line as <time>
        "br-section": head + f"<header>{brand}<time datetime='2025-02-22'>Saturday, Feb 22, 2025</time></header>"
        f"<main><h1>{e(title)}</h1><figure><img src='/i/a.jpg' alt=''><figcaption>{e(title)}</figcaption></figure>"
        f"<section>{e(first)}<br>{e(second)}<br><br>" + "<br><br>".join(e(p) for p in rest)
        + f"<br><br>{e(DISCLAIMER)}</section></main>" + tail,
        # one <div> per paragraph, the body container is the whole wrapper around the title
        "div-per-line": head + f"<div class='wrap'>{brand}<div>Saturday, Feb 22, 2025</div><h1>{e(title)}</h1>"
        + "".join(f"<div>{e(p)}</div>" for p in body) + f"<div class='note'>{e(DISCLAIMER)}</div></div>" + tail,
    }


def itpost_pages(title: str, body: list[str]) -> dict[str, str]:
    paras = "".join(f"<p>{e(p)}</p>" for p in body)
    head = f"<html><head><title>{e(title)} | IT Post News</title></head><body>"
    return {
        # ASP.NET-style: everything inside one <form>, layout table, body in a <td>
        "aspnet-table": head + "<form id='form1' action='default.htm'><table><tr><td class='nav'>"
        "<a href='/'>Home</a> <a href='/news/'>News</a></td></tr><tr><td class='main'>"
        f"<h1>{e(title)}</h1><img src='/img/no-image.png' alt='No Image'><div class='newsbody'>{paras}</div>"
        "<a href='#' class='btn'>Show More</a></td></tr></table></form></body></html>",
        # spans and <br><br> inside an unnamed div; the placeholder is a span
        "span-br": head + f"<div id='wrapper'><h1>{e(title)}</h1><span>No Image</span><div>"
        + "<br><br>".join(f"<span>{e(p)}</span>" for p in body)
        + "</div><div><span>Show More</span></div></div></body></html>",
        # the body split in two containers around an ad, with a share bar and related list
        "split-ad": head + f"<article><h1>{e(title)}</h1><div class='share-bar'><a href='#'>Share</a></div>"
        f"<div class='text'>{''.join(f'<p>{e(p)}</p>' for p in body[:3])}</div>"
        "<div class='advert'><span>ADVERTISEMENT</span></div>"
        f"<div class='text'>{''.join(f'<p>{e(p)}</p>' for p in body[3:])}</div>"
        f"<ul class='more'>{''.join(f'<li><a href=/n/{i}>Other story {i}</a></li>' for i in range(5))}</ul>"
        "<button>Show More</button></article></body></html>",
    }


def wos_pages(title: str, body: list[str]) -> dict[str, str]:
    ad = ("<div class='inline-single-ad ad_single_index alignfull'><div class='ad-wrap ad-script-wrap'>"
          "<h6 class='ad-description is-meta'>- Advertisement -</h6><div class='ad-script'></div></div></div>")
    paras = "".join(f"<p>{e(p)}&nbsp;</p>" + (ad if i in (3, 13) else "") for i, p in enumerate(body))
    toc = "<div class='rb-table-contents'><div class='toc-header'>Table of Contents</div><a href='#a'>One</a></div>"
    shell = (f"<html lang='en-GB'><head><title>{e(title)} - World Of Software</title></head><body><article class='post'>"
             f"<header class='single-header'><h1 class='s-title'>{e(title)}</h1><div class='single-meta'>"
             "<span class='meta-el meta-author co-authors'><span class='meta-separate'><a href='/author/a/'>Ann Lee</a>"
             "</span><span class='meta-separate'><a href='/author/b/'>Bo Chan</a></span></span>"
             "<time class='date published' datetime='2025-03-01T05:00:00+00:00'>Published 1 March 2025</time></div>"
             "</header><div class='s-ct'>")
    return {
        "foxiz-coauthors-toc": shell + f"<div class='entry-content rbct clearfix'>{toc}{paras}<p>helen.packer</p>"
        "</div><div class='efoot'><div class='tag-bar'><a rel='tag' href='/tag/x/'>China</a></div></div>"
        "</div></article></body></html>",
        "foxiz-renamed-content": shell + f"<div class='e-ct-outer'><div class='rbct'>{paras}<p>helen.packer</p></div>"
        "</div></div></article></body></html>",
    }


CASES = []
for _site, _rules, _build in (("budapestpost", BUDAPESTPOST, budapest_pages),
                              ("itpostnews", ITPOSTNEWS, itpost_pages),
                              ("worldofsoftware", WORLDOFSOFTWARE, wos_pages)):
    _golden = _seed(_site)
    for _name, _page in _build(_golden["title"], _golden["body"]).items():
        CASES.append(pytest.param(_rules, _golden, _page, id=f"{_site}:{_name}"))


@pytest.mark.parametrize(("rules", "golden", "page"), CASES)
def test_variant_body_and_title(rules: SiteRules, golden: dict, page: str) -> None:
    result = extract(page, golden["url"], rules)
    assert isinstance(result, Article), result
    assert result.title == golden["title"]
    assert result.body == golden["body"]


def test_header_today_line_is_never_the_date() -> None:
    golden = _seed("budapestpost")
    for page in budapest_pages(golden["title"], golden["body"]).values():
        result = extract(page, golden["url"], BUDAPESTPOST)
        assert isinstance(result, Article)
        assert result.published is None and result.modified is None


def test_foxiz_coauthors_and_tags() -> None:
    golden = _seed("worldofsoftware")
    page = wos_pages(golden["title"], golden["body"])["foxiz-coauthors-toc"]
    result = extract(page, golden["url"], WORLDOFSOFTWARE)
    assert isinstance(result, Article)
    assert result.authors == ["Ann Lee", "Bo Chan"]
    assert result.tags == ["China"]
    assert result.published is not None and result.published.isoformat() == "2025-03-01T05:00:00+00:00"
    assert result.language == "en"
