"""Scale-out: many crawler processes share one frontier on Redis (``HARVESTER_FRONTIER_URL``).

* ``config``     the frontier URL (setting, else environment), the Redis client, key names;
* ``codec``      requests as JSON (never pickle); malformed or unknown entries are refused;
* ``frontier``   the shared queue on Redis primitives: priority queue, leases, duplicate filter;
* ``scheduler``  a Scrapy scheduler over the frontier: leases acknowledged when the request is
  finished, renewed while it runs, expired ones returned; idle workers wait while work remains;
* ``politeness`` per-host delay and concurrency for the whole cluster (async, never blocks);
* ``robots``     robots.txt fetched once per host per run and shared;
* ``run``        one ``crawl_runs`` row per distributed run; the site lock becomes the run's;
* ``addon``      the Scrapy add-on that switches all of it on when the URL is set.

Without ``HARVESTER_FRONTIER_URL`` the add-on is not configured and nothing here runs.
"""
