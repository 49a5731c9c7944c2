"""The item that spiders yield and pipelines store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from harvester.extract.model import Article


@dataclass
class ArticleItem:
    site: str  # site key, e.g. "worldofsoftware"
    fetched_url: str  # the URL the page was fetched from (may differ from article.url)
    fetched_at: datetime  # timezone-aware UTC
    article: Article
