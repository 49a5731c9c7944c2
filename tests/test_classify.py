"""Page classes of the extractor: bot challenges and consent walls, paywall stubs, soft 404s,
too-short pages; articles with a cookie banner or a subscription footer stay articles."""

from __future__ import annotations

import sys

import harvester
from harvester.extraction import Article, NonArticle, PageClass, extract
from harvester.extraction.document import decode
from harvester.extraction.normalize import count_words
from tests.goldens import ORIGINS

PROSE = (
    "The city council approved the new cycling network on Monday evening after a long debate. "
    "Forty-eight kilometres of separated lanes are planned, most of them along the main roads. "
    "The administration expects costs of about sixty million euros, a third of it from regional funds. "
)


def page(body: str, title: str = "Council approves cycling network", head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def article_body(paragraphs: int) -> str:
    """Distinct paragraphs (extractors drop repeated ones)."""
    texts = [f"<p>Point {n}: {PROSE}</p>" for n in range(1, paragraphs + 1)]
    return "<h1>Council approves cycling network</h1><article>" + "".join(texts) + "</article>"


def test_a_cloudflare_challenge_is_blocked() -> None:
    html = page("<div id='cf-wrapper'><h1>Checking your browser before accessing example.org</h1>"
                "<p>This process is automatic.</p><script>window._cf_chl_opt={};</script></div>", title="Just a moment...")
    result = extract(html, "https://example.org/news/cycling-network")
    assert isinstance(result, NonArticle) and result.page_class is PageClass.BLOCKED
    assert "just a moment" in result.reason.lower()


def test_a_consent_wall_is_blocked() -> None:
    html = page("<div class='wall'><h2>Before you continue</h2><p>We use cookies and data to deliver our services.</p>"
                "<button>Accept all</button><button>Reject all</button></div>", title="Before you continue")
    assert extract(html, "https://example.org/news/cycling-network").page_class is PageClass.BLOCKED


def test_an_article_with_a_cookie_banner_is_still_an_article() -> None:
    banner = "<div class='cookie-banner'>We value your privacy. <button>Accept</button></div>"
    result = extract(page(banner + article_body(4)), "https://example.org/news/cycling-network")
    assert isinstance(result, Article)


def test_a_teaser_with_a_subscription_prompt_is_a_paywall() -> None:
    body = ("<h1>Council approves cycling network</h1><article><p>" + PROSE + "</p>"
            "<div class='paywall'><p>Subscribe now to continue reading. Already a subscriber? Log in.</p></div></article>")
    result = extract(page(body), "https://example.org/news/cycling-network")
    assert isinstance(result, NonArticle) and result.page_class is PageClass.PAYWALL, result


def test_a_teaser_marked_not_free_in_json_ld_is_a_paywall() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves cycling '
            'network", "isAccessibleForFree": false}</script>')
    result = extract(page(article_body(1), head=head), "https://example.org/news/cycling-network")
    assert result.page_class is PageClass.PAYWALL


def test_a_full_article_with_a_subscription_footer_is_an_article() -> None:
    footer = "<p>Already a subscriber? Log in to manage your newsletter.</p>"
    assert isinstance(extract(page(article_body(5) + footer), "https://example.org/news/x"), Article)


def test_too_short_and_soft_404_pages() -> None:
    short = page("<h1>Council approves cycling network</h1><article><p>Details to follow.</p></article>")
    assert extract(short, "https://example.org/news/a").page_class is PageClass.TOO_SHORT
    missing = page("<h1>Sorry, this page could not be found</h1><p>Try the search.</p>", title="Not found")
    assert extract(missing, "https://example.org/news/b").page_class is PageClass.SOFT_404


def test_chinese_and_japanese_text_counts_as_words() -> None:
    assert count_words("市は来月から中央図書館の開館時間を延長") == 19 // 2
    assert count_words("two words") == 2


def test_valid_utf8_wins_over_a_stale_meta_charset() -> None:
    data = '<html><head><meta charset="iso-8859-1"></head><body>Größe – “quoted”</body></html>'.encode()
    assert "Größe – “quoted”" in decode(data)
    assert "é" in decode('<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1"))


def test_top_level_extract_takes_a_site_key_rules_or_nothing() -> None:
    from harvester.extraction.registry import site_rules
    from tests.goldens import mirror_goldens
    from harvester.mirror_server import bundled_mirror, resolve_path

    golden = mirror_goldens("budapestpost")[0]
    html = resolve_path(bundled_mirror("budapestpost"), golden.path).read_bytes()
    url = ORIGINS["budapestpost"] + golden.path
    by_key = harvester.extract(html, url, site="budapestpost")
    by_rules = harvester.extract(html, url, site=site_rules("budapestpost"))
    assert isinstance(by_key, Article) and by_key.body == golden.expected["body"]
    assert by_rules.body == by_key.body
    assert isinstance(harvester.extract(html, url), Article)


def test_harvester_extract_is_a_plain_function_whatever_was_imported_first() -> None:
    import types

    import harvester.extraction.pipeline  # noqa: F401 - importing the parts must not rebind the name
    from harvester import extract

    assert isinstance(extract, types.FunctionType) and extract is harvester.extract


def test_the_extract_package_imports_neither_scrapy_nor_the_database() -> None:
    import subprocess

    code = ("import sys, harvester.extraction.pipeline; from harvester import extract; extract('<p>x</p>', 'https://x.org/'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'sqlalchemy', 'twisted')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
