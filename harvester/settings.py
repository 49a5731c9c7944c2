"""Scrapy settings for the harvester project.

Politeness by default: robots.txt is obeyed, the bot identifies itself, requests are
throttled per host and every request times out.
"""

import os

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

# Database URL. Precedence as in Scrapy: the command line (-s DATABASE_URL=...) over the
# environment (HARVESTER_DATABASE_URL, read here at project priority) over this line over the
# default, a SQLite file harvest.db in the working directory.
DATABASE_URL = os.environ.get("HARVESTER_DATABASE_URL", "").strip() or None

# Our `scrapy crawl`: an unknown spider or an unusable database is one line, before crawling.
COMMANDS_MODULE = "harvester.commands"

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

EXTENSIONS = {
    "harvester.stats_file.StatsFile": 500,
    "harvester.progress.Progress": 510,
}
# Progress every N seconds (an updating line on a terminal, else log lines); 0: off.
# ``harvester crawl`` turns it on; plain ``scrapy crawl`` has Scrapy's own LogStats.
HARVESTER_PROGRESS_INTERVAL = 0

# Incremental re-crawls (harvester.incremental): known articles are re-checked with conditional
# requests only when published (else first seen) within the last HARVESTER_RECHECK_DAYS days;
# older known articles are not fetched again. False: fetch every article found, every run.
HARVESTER_INCREMENTAL = True
HARVESTER_RECHECK_DAYS = 3
DOWNLOADER_MIDDLEWARES = {
    # before RobotsTxtMiddleware (100): a skipped article costs nothing at all
    "harvester.incremental.IncrementalMiddleware": 50,
}
# Set to a path (``%(name)s`` = spider name) to get the crawl stats as JSON at the end of a crawl.
HARVESTER_STATS_FILE = None
