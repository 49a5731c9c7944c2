"""Downloader middleware: Scrapy's redirects, where a redirect may come back once to a URL of its
own chain (it takes the place of Scrapy's ``RedirectMiddleware``).

A consent or session gate answers an article with a redirect to a page that sets a cookie and
sends the reader back: article -> /consent/ -> article. A browser follows it; Scrapy's duplicate
filter dropped the second request of the article (it was requested already), and the article was
recorded as a ``redirect_loop``. Now a request's own redirect chain may bring it back to a URL once;
a second return is a loop (``redirect_loop``, as before), and ``REDIRECT_MAX_TIMES`` still bounds
every chain. A redirect to a page some other request fetched stays a ``duplicate``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Response


REVISIT_META = "harvester_redirect_revisit"
"""Set on a redirect this middleware let past the duplicate filter: the next hop inherits
``dont_filter`` from it (Scrapy copies it along the chain), and must not."""


class Redirects(RedirectMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            if result.meta.pop(REVISIT_META, False):
                result.dont_filter = False  # the one return was the hop before this one
            chain = result.meta.get("redirect_urls") or []
            if not result.dont_filter and chain.count(result.url) == 1:  # back where it started or passed, once
                result.dont_filter = True
                result.meta[REVISIT_META] = True
        return result
