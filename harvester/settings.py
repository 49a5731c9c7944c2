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
# Protego, reading only robots.txt's first 500 KiB (RFC 9309's minimum; harvester/robotstxt.py)
ROBOTSTXT_PARSER = "harvester.robotstxt.BoundedRobotParser"

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
HARVESTER_ROBOTS_TIMEOUT = 10  # robots.txt (harvester/robotstxt.py): the host's pages wait for it
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy's list but for DownloadTimeoutError: a request that timed out already held a download slot
# for DOWNLOAD_TIMEOUT seconds, and two retries made one hanging URL cost a slot for 90 s; it is
# recorded (reason timeout) and tried again by the next run, like any failed URL.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.CannotResolveHostError",
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    "builtins.OSError",  # the compression middleware's error on an empty response
    "scrapy.core.downloader.handlers.http11.TunnelError",
]
# Limits: a response over DOWNLOAD_MAXSIZE bytes (after decompression too: a gzip bomb) is
# dropped and logged ``too_large``; a redirect chain ends after REDIRECT_MAX_TIMES hops
# (``redirect_loop``).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 10
# Discovery bounds: URLs read per sitemap document, links read per page, and article URLs
# fetched per site and run (what is left over stays pending in url_state for the next run).
HARVESTER_MAX_SITEMAP_URLS = 50_000
HARVESTER_MAX_PAGE_LINKS = 5_000
HARVESTER_MAX_CHILD_SITEMAPS = 10_000  # sitemaps requested because an index listed them, per run
HARVESTER_MAX_ARTICLES_PER_RUN = 10_000
# A new URL whose title and body are those of an article of the same site stored under another URL
# (a print, AMP or mobile copy without rel=canonical) is recorded as a duplicate of it, not stored.
HARVESTER_DEDUPE_CONTENT = True

# Extraction runs in worker processes (harvester.workers): 0 = one per CPU; 1 = in the crawling
# process (debugging). Each page has a time budget (seconds) and each worker a memory budget
# (MiB of address space); a page over budget is logged extract_timeout / extract_memory.
HARVESTER_EXTRACT_WORKERS = 0
HARVESTER_EXTRACT_TIMEOUT = 20.0
HARVESTER_EXTRACT_MEMORY_MB = 2048
# Pages waiting for extraction hold downloads back once this many bytes are pending.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 20_000_000
# Items of one response go through the pipelines at most this many at a time (Scrapy's default,
# 100, starts 100 tasks for every response, most of which yields one to three items; a run of
# items still reaches the spool together, in one group commit per round).
CONCURRENT_ITEMS = 8

# The store (harvester.pipelines.StorePipeline): items are spooled durably (HARVESTER_SPOOL_DIR,
# default next to a SQLite file, else ~/.local/state/harvester/spool/) and written by a writer
# thread in batches; through a database outage it retries for HARVESTER_STORE_RETRY_SECONDS
# (writes refused -- disk full, read-only -- for HARVESTER_STORE_REFUSED_SECONDS), and the crawl
# stops fetching while more than HARVESTER_STORE_BACKLOG records wait.
HARVESTER_SPOOL_DIR = None
HARVESTER_STORE_BATCH_SIZE = 200
HARVESTER_STORE_BACKLOG = 500
HARVESTER_STORE_RETRY_SECONDS = 600
HARVESTER_STORE_REFUSED_SECONDS = 5
HARVESTER_STORE_CLOSE_WAIT = 10

# Boilerplate learned from each site (docs/learned-boilerplate.md): a block on at least
# MIN_PAGES pages and MIN_SHARE of a site's pages (over a WINDOW of pages) is removed from bodies;
# a site's first WARMUP articles are held back by the store writer until it has learned.
HARVESTER_BOILERPLATE_LEARNING = True
HARVESTER_BOILERPLATE_MIN_PAGES = 5
HARVESTER_BOILERPLATE_MIN_SHARE = 0.3
HARVESTER_BOILERPLATE_WINDOW = 100
HARVESTER_BOILERPLATE_WARMUP = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# A crawl whose every site is on a loopback address (a mirror, a test server) runs without the
# delay and AutoThrottle (harvester/loopback.py); True keeps them there too. -s values always win.
HARVESTER_THROTTLE_LOOPBACK = False

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

# Scale-out (harvester.cluster): with HARVESTER_FRONTIER_URL=redis://... (setting or environment)
# the crawl shares its frontier, duplicate filter, run and per-host politeness with every other
# process on that Redis; unset, the add-on is off and nothing changes.
ADDONS = {"harvester.cluster.addon.ClusterAddon": 0, "harvester.consoles.ConsolesAddon": 0}
HARVESTER_FRONTIER_URL = None

# Scrapy's consoles run code sent to them inside the crawler (RemoteControl: an HTTP server on a
# random local port, with its token written to the user's profile; Telnet: a local port). A
# harvester run by a scheduler does not need either open; turn one on with -s when debugging.
# (harvester.consoles, in ADDONS above, keeps a closed console's module from being imported.)
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

EXTENSIONS = {
    "harvester.stats_file.StatsFile": 500,
    "harvester.progress.Progress": 510,
    "harvester.loop_monitor.LoopMonitor": 520,
    "harvester.gc_tuning.GcTuning": 530,
}
# The garbage collector of the crawling process (harvester.gc_tuning): start-up's long-lived
# objects frozen out of later collections, the young generation collected every N allocations
# (Python's default 700 made the collector 15% of the crawling process's CPU).
HARVESTER_GC_FREEZE = True
HARVESTER_GC_THRESHOLD = 10_000
# Progress every N seconds (an updating line on a terminal, else log lines); 0: off.
# ``harvester crawl`` turns it on; plain ``scrapy crawl`` has Scrapy's own LogStats.
HARVESTER_PROGRESS_INTERVAL = 0

# Incremental re-crawls (harvester.incremental): known articles are re-checked with conditional
# requests only when published (else first seen) within the last HARVESTER_RECHECK_DAYS days;
# older known articles are not fetched again. False: fetch every article found, every run.
HARVESTER_INCREMENTAL = True
HARVESTER_RECHECK_DAYS = 3
DOWNLOADER_MIDDLEWARES = {
    # first of all: nothing outside the spider's own sites (host and port) is requested; it replaces
    # Scrapy's OffsiteMiddleware, which compares host names only and drops a redirect to another
    # host when it is scheduled, without a trace (no errback, no request_dropped)
    "harvester.origin_guard.OriginGuard": 10,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # before RobotsTxtMiddleware (100): a skipped article costs nothing at all
    "harvester.incremental.IncrementalMiddleware": 50,
    # robots.txt waits HARVESTER_ROBOTS_TIMEOUT, not DOWNLOAD_TIMEOUT: every page of the host waits for it
    "harvester.robotstxt.RobotsTimeout": 60,
    # Scrapy's meta-refresh redirects, reading the first 4,096 characters without decoding the
    # whole page on the event loop
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "harvester.meta_refresh.MetaRefresh": 580,
    # Scrapy's redirects, where a chain may come back once to one of its URLs (a consent gate:
    # article -> consent page that sets a cookie -> article); a second return is a redirect loop
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "harvester.redirects.Redirects": 600,
    # Scrapy's cookies, with the public-suffix check offline (Scrapy's fetches the list from
    # publicsuffix.org) and a cap on a site's cookies (HARVESTER_MAX_COOKIE_BYTES): a cookie bomb
    # would grow the jar with every page and get every later request refused
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "harvester.cookies.BoundedCookiesMiddleware": 700,
}
HARVESTER_MAX_COOKIE_BYTES = 8 * 1024
# Set to a path (``%(name)s`` = spider name) to get the crawl stats as JSON at the end of a crawl.
HARVESTER_STATS_FILE = None
