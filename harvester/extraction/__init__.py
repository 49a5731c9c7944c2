"""Turn one HTML page into an article (or a classified non-article).

Pure functions: nothing here imports Scrapy or the database, so spiders, worker processes,
re-extraction and library users share one path. The public entry point is the plain function
``harvester.extract(html, url, site=None)``; this package holds its parts.
"""

from harvester.extraction.model import Article, ExtractionResult, NonArticle, PageClass
from harvester.extraction.rules import SiteRules

__all__ = ["Article", "ExtractionResult", "NonArticle", "PageClass", "SiteRules", "extract", "extract_page"]


def extract(html: str | bytes, url: str, rules: SiteRules | None = None) -> ExtractionResult:
    """Extract the article of ``html`` fetched from ``url``.

    With ``rules`` the site's selectors are tried first; the generic path fills what they miss.
    Returns an ``Article`` or a ``NonArticle`` carrying the page class and a reason.
    """
    from harvester.extraction.pipeline import run

    return run(html, url, rules)


def extract_page(html: str | bytes, url: str, site: str | SiteRules | None = None) -> ExtractionResult:
    """``extract`` with ``site`` given as a site key or a ``SiteRules``; a key is resolved through
    ``harvester.extraction.registry`` (the site's module, ``spiders/<key>.py``)."""
    rules = site
    if isinstance(site, str):
        from harvester.extraction.registry import site_rules

        rules = site_rules(site)
    return extract(html, url, rules)  # type: ignore[arg-type]
