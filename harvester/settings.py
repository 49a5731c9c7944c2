"""Scrapy settings for the harvester project.

Politeness by default: robots.txt is obeyed, the bot identifies itself, requests are
throttled per host and every request times out.
"""

BOT_NAME = "harvester"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = "harvester/0.1 (+https://github.com/harvester-news/harvester; news article harvester)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Pages of a site are found through sitemaps, feeds and listings; listings are followed
# only this deep from a seed listing page.
DEPTH_LIMIT = 0
HARVESTER_LISTING_DEPTH = 5

ITEM_PIPELINES = {
    "harvester.pipelines.ValidationPipeline": 200,
    "harvester.pipelines.StorePipeline": 300,
}

# Database URL: the HARVESTER_DATABASE_URL environment variable wins over this setting;
# unset, a SQLite file harvest.db in the working directory is used.
DATABASE_URL = None

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

EXTENSIONS = {
    "harvester.stats_file.StatsFile": 500,
}
# Set to a path (``%(name)s`` = spider name) to get the crawl stats as JSON at the end of a crawl.
HARVESTER_STATS_FILE = None
