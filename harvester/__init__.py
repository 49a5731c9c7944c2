"""harvester: a Scrapy-based news article harvester with a SQL store.

``harvester.extract(html, url, site=None)`` turns one page into an ``Article`` or a classified
``NonArticle``; ``site`` is a site key (spider name) or a ``SiteRules``. ``harvester.extract`` is
the extraction package itself, made callable (see ``harvester.extract.extract_page``), so the name
means the same thing whether or not the package was imported first.
"""

from harvester import extract

__version__ = "0.1.0"
__all__ = ["extract"]
