"""Turn one HTML page into an article (or a classified non-article).

Pure functions: nothing here imports Scrapy or the database, so spiders, re-extraction
and library users share one path.
"""

import sys
import types

from harvester.extract.model import Article, ExtractionResult, NonArticle, PageClass
from harvester.extract.rules import SiteRules

__all__ = ["Article", "ExtractionResult", "NonArticle", "PageClass", "SiteRules", "extract", "extract_page"]


def extract(html: str | bytes, url: str, rules: SiteRules | None = None) -> ExtractionResult:
    """Extract the article of ``html`` fetched from ``url``.

    With ``rules`` the site's selectors are tried first; the generic path fills what they miss.
    Returns an ``Article`` or a ``NonArticle`` carrying the page class and a reason.
    """
    from harvester.extract.pipeline import run

    return run(html, url, rules)


def extract_page(html: str | bytes, url: str, site: str | SiteRules | None = None) -> ExtractionResult:
    """``extract`` with ``site`` given as a site key (a spider name) or a ``SiteRules``.

    A key is resolved through ``harvester.extract.registry`` (the site's module, ``spiders/<key>.py``).
    """
    rules = site
    if isinstance(site, str):
        from harvester.extract.registry import site_rules

        rules = site_rules(site)
    return extract(html, url, rules)  # type: ignore[arg-type]


class _CallablePackage(types.ModuleType):
    """Makes ``harvester.extract(html, url, site=None)`` work although ``harvester.extract`` is
    this package: calling the package calls ``extract_page``."""

    def __call__(self, html: str | bytes, url: str, site: str | SiteRules | None = None) -> ExtractionResult:
        return extract_page(html, url, site)


sys.modules[__name__].__class__ = _CallablePackage
