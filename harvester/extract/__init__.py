"""Turn one HTML page into an article (or a classified non-article).

Pure functions: nothing here imports Scrapy or the database, so spiders, re-extraction
and library users share one path.
"""

from harvester.extract.model import Article, ExtractionResult, NonArticle, PageClass
from harvester.extract.rules import SiteRules

__all__ = ["Article", "ExtractionResult", "NonArticle", "PageClass", "SiteRules", "extract"]


def extract(html: str | bytes, url: str, rules: SiteRules | None = None) -> ExtractionResult:
    """Extract the article of ``html`` fetched from ``url``.

    With ``rules`` the site's selectors are tried first; the generic path fills what they miss.
    Returns an ``Article`` or a ``NonArticle`` carrying the page class and a reason.
    """
    from harvester.extract.pipeline import run

    return run(html, url, rules)
