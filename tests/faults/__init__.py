"""Harness for the fault tests (issue 9): a generated loopback news site of a few hundred
articles behind a slow-enough HTTP server, crawls as real subprocesses that the tests kill or
signal at chosen moments, read-only probes of the store, PostgreSQL server control, a full disk.

The run statuses the fault tests expect in ``crawl_runs.status`` are below: one place to read
(and to change, should the lead name them differently).
"""

#: a run that stored everything it extracted and ended on its own
FINISHED = "finished"
#: a run whose process died (kill -9): closed by the next run of its site, end time unknown (NULL)
CRASHED = "crashed"
#: a run stopped by SIGINT (once or twice) or SIGTERM: its row completed
SHUTDOWN = "shutdown"
#: a run that ended by an error: no page could be fetched, or the store refused writes for good
FAILED = "failed"
#: a run that found its site's lock held and did nothing
SKIPPED = "skipped"
#: a run still going (no row may be left so once every process has ended)
RUNNING = "running"
