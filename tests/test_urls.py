"""The project's one URL canonicalisation (harvester.urls), and that discovery, the store and
extraction all use it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harvester.urls import absolute_url, canonical_url, fetchable_url


@pytest.mark.parametrize(("raw", "canonical"), [
    ("https://x.org/a/?id=3&utm_source=t&fbclid=1&gclid=2#top", "https://x.org/a/?id=3"),
    ("  HTTPS://News.Example.COM/Story/?ref=rss  ", "https://news.example.com/Story/"),
    ("https://x.org/a?b=2&a=1", "https://x.org/a?b=2&a=1"),  # order kept: the server may care
    ("https://x.org/a?utm_campaign=x&_ga=1&mc_eid=3&msclkid=4", "https://x.org/a"),
    ("https://x.org/a/", "https://x.org/a/"),
    ("https://x.org/a?reference=1", "https://x.org/a?reference=1"),  # only whole parameter names
])
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


def test_absolute_url() -> None:
    assert absolute_url("/b?x=1", "https://x.org/a/") == "https://x.org/b?x=1"
    assert absolute_url("javascript:void(0)", "https://x.org/") is None
    assert absolute_url("  ", "https://x.org/") is None


def test_discovery_store_and_extraction_share_one_rule() -> None:
    from harvester.db.text import canonical_article_url
    from harvester.discovery import clean_url
    from harvester.extraction.urls import canonical_url as extraction_canonical

    raw = "https://X.org/a/?id=3&ref=home&utm_medium=m#c"
    assert clean_url(raw) == canonical_article_url(raw) == extraction_canonical(raw) == canonical_url(raw)


def test_the_module_imports_neither_scrapy_nor_the_database() -> None:
    code = ("import sys, harvester.urls; bad = [m for m in ('scrapy', 'sqlalchemy') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("value", ["http://[oops/", "http://127.0.0.1:99999/x", "https://[::1/story/"])
def test_a_url_no_parser_reads_is_none_not_an_error(value: str) -> None:
    assert absolute_url(value, "https://example.org/") is None
    assert fetchable_url(value, "https://example.org/") is None


def test_fetchable_url_keeps_http_urls_only() -> None:
    base = "https://example.org/news/"
    assert fetchable_url(" story/ ", base) == "https://example.org/news/story/"
    assert fetchable_url("//cdn.example.org/a", base) == "https://cdn.example.org/a"
    for value in ("mailto:desk@example.org", "javascript:alert(1)", "ftp://example.org/x", "data:text/html,x", "",
                  None, "http:///no-host"):
        assert fetchable_url(value, base) is None, value
