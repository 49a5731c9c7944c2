"""harvester: a Scrapy-based news article harvester with a SQL store."""

__version__ = "0.1.0"
