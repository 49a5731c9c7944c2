"""harvester: a Scrapy-based news article harvester with a SQL store.

``harvester.extract(html, url, site=None)`` is a plain function: it turns one page into an
``Article`` or a classified ``NonArticle``; ``site`` is a site key (``spiders/<key>.py``) or a
``SiteRules``. Its parts live in the package ``harvester.extraction`` (no Scrapy, no database).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harvester.extraction import ExtractionResult, SiteRules

__version__ = "0.1.0"
__all__ = ["extract"]


def extract(html: str | bytes, url: str, site: str | SiteRules | None = None) -> ExtractionResult:
    """Extract the article of ``html`` fetched from ``url`` (see ``harvester.extraction``)."""
    from harvester.extraction import extract_page

    return extract_page(html, url, site)
