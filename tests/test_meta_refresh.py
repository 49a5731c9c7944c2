"""harvester.meta_refresh: the same redirects as Scrapy's MetaRefreshMiddleware, from a prefix of the body."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from harvester.meta_refresh import SCAN_CHARS, MetaRefresh, text_head

REFRESH = '<meta http-equiv="refresh" content="0; url=/news/moved-here/">'


def page(head_filler: str, *, refresh: bool = True, tail: int = 0, charset_meta: str = "") -> str:
    return (f"<html><head>{charset_meta}<title>t</title><!-- {head_filler} -->{REFRESH if refresh else ''}</head>"
            f"<body>{'x' * tail}</body></html>")


CASES = {
    # name: (body bytes, Content-Type header or None)
    "ascii, short": (page("a").encode(), "text/html; charset=utf-8"),
    "ascii, long tail": (page("a", tail=200_000).encode(), "text/html; charset=utf-8"),
    "no refresh, long": (page("a", refresh=False, tail=200_000).encode(), "text/html; charset=utf-8"),
    # the refresh just inside the first 4,096 characters, after 3-byte characters: ~12 KB of bytes
    "utf-8 wide, refresh at the edge": (page("€" * (SCAN_CHARS - 200), tail=100_000).encode(), "text/html; charset=utf-8"),
    # just outside: Scrapy does not see it, and neither must we
    "utf-8 wide, refresh past the edge": (page("€" * SCAN_CHARS, tail=100_000).encode(), "text/html; charset=utf-8"),
    "4-byte characters": (page("𝄞" * (SCAN_CHARS - 200), tail=100_000).encode(), "text/html; charset=utf-8"),
    "utf-16 with BOM": (page("ü" * 100, tail=50_000).encode("utf-16"), "text/html"),
    "cp1251 from <meta>": (page("ж" * 3000, tail=60_000, charset_meta='<meta charset="windows-1251">').encode("cp1251"),
                           "text/html"),
    "undeclared, inferred": (page("é" * 3000, tail=60_000).encode("utf-8"), "text/html"),
    "undeclared, invalid utf-8": (page("a", tail=60_000).encode() + b"\xff\xfe caf\xe9", "text/html"),
    "cut through a character": (("<html><head>" + "ä" * 20_000 + "</head></html>").encode(), "text/html; charset=utf-8"),
}


def response(body: bytes, content_type: str | None, url: str = "http://127.0.0.1:8000/news/old/") -> HtmlResponse:
    headers = {"Content-Type": content_type} if content_type else {}
    return HtmlResponse(url, body=body, headers=headers, request=Request(url))


@pytest.mark.parametrize("name", CASES)
def test_text_head_is_the_start_of_response_text(name: str) -> None:
    body, content_type = CASES[name]
    assert text_head(response(body, content_type)) == response(body, content_type).text[:SCAN_CHARS]


@pytest.mark.parametrize("name", CASES)
def test_same_redirect_as_scrapys_middleware(name: str) -> None:
    body, content_type = CASES[name]
    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True})
    ours, scrapys = MetaRefresh.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:8000/news/old/")
    got = ours.process_response(request, response(body, content_type))
    expected = scrapys.process_response(request, response(body, content_type))
    assert type(got) is type(expected)
    if isinstance(expected, Request):
        assert (got.url, got.meta.get("redirect_urls"), got.priority) == (
            expected.url, expected.meta.get("redirect_urls"), expected.priority)
    else:
        assert got.url == expected.url


def test_a_refresh_redirects_and_its_absence_does_not() -> None:
    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True})
    middleware = MetaRefresh.from_crawler(crawler)
    request = Request("http://127.0.0.1:8000/news/old/")
    redirected = middleware.process_response(request, response(*CASES["ascii, long tail"]))
    assert isinstance(redirected, Request)
    assert redirected.url == "http://127.0.0.1:8000/news/moved-here/"
    kept = middleware.process_response(request, response(*CASES["no refresh, long"]))
    assert isinstance(kept, HtmlResponse)
    assert middleware.process_response(request, response(*CASES["utf-8 wide, refresh past the edge"])).url == request.url


def test_the_page_is_not_decoded_whole() -> None:
    resp = response(*CASES["ascii, long tail"])
    text_head(resp)
    assert resp._cached_ubody is None  # Scrapy's middleware leaves a decoded copy of the page on it
