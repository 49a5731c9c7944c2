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


def test_a_long_teaser_cut_off_by_a_prompt_is_a_paywall_and_a_whole_article_with_it_is_not() -> None:
    """A prompt that only a cut-off article carries ("To continue reading, subscribe", "you have
    reached your limit of free articles") marks teasers of up to 400 words; with more the page
    holds the article (publishers serve the whole text with the prompt in the markup)."""
    prompt = ("<div class='offer'><p>To continue reading, subscribe today.</p>"
              "<p>You have reached your limit of free articles this month.</p></div>")
    teaser = extract(page(article_body(5).replace("</article>", prompt + "</article>")), "https://example.org/news/x")
    assert isinstance(teaser, NonArticle) and teaser.page_class is PageClass.PAYWALL, teaser
    assert "250-word teaser" in teaser.reason  # over the 120 words a "subscribers only" prompt marks
    whole = extract(page(article_body(9).replace("</article>", prompt + "</article>")), "https://example.org/news/x")
    assert isinstance(whole, Article), whole


def test_a_long_consent_manager_wall_is_blocked_whatever_its_length() -> None:
    """Cookiebot's wording, with a vendor list making it longer than any short-wall check reads."""
    vendors = "".join(f"<p>Vendor {n}: Example Ads Ltd processes personal data for measurement and profiling "
                      f"based on legitimate interest and consent under the applicable regulation.</p>" for n in range(30))
    wall = ("<div id='consent'><h2>This website uses cookies</h2><p>We use cookies to personalise content and ads, "
            "to provide social media features and to analyse our traffic. We also share information about your use "
            "of our site with our social media, advertising and analytics partners.</p>"
            "<p>Necessary cookies help make a website usable by enabling basic functions like page navigation.</p>"
            f"{vendors}<button>Allow all</button><button>Deny</button></div>")
    result = extract(page(wall, title="Daily Planet"), "https://example.org/news/x")
    assert isinstance(result, NonArticle) and result.page_class is PageClass.BLOCKED, result


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
