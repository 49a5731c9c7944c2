"""The harvester's own Scrapy signals (sent with ``crawler.signals.send_catch_log``)."""

#: Article URLs the crawl found and decided not to fetch in this run: ``site``, ``urls`` (URL, date
#: pairs) and ``reason`` ("over_budget": the run's HARVESTER_MAX_ARTICLES_PER_RUN is spent;
#: "source_set_aside": their source yielded almost no articles). The store logs each in
#: ``fetch_log`` (outcome "skipped") and keeps it pending in ``url_state`` for the next run.
urls_not_fetched = object()
