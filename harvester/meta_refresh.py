"""Downloader middleware: Scrapy's meta-refresh redirects without decoding every page on the event loop.

Scrapy's ``MetaRefreshMiddleware`` looks for ``<meta http-equiv="refresh">`` (and ``<base href>``)
in the first 4,096 characters of ``response.text``, which decodes the whole body, on the event
loop, for every HTML page, and keeps the decoded copy with the response while it waits for
extraction. This one reads the same 4,096 characters from a decoded prefix of the body instead
(the pages are decoded in full by the extraction workers), and otherwise behaves as Scrapy's:
same settings (``METAREFRESH_ENABLED``, ``METAREFRESH_IGNORE_TAGS``, ``METAREFRESH_MAXDELAY``),
same redirect.
"""

from __future__ import annotations

from typing import cast

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib import html
from w3lib.encoding import html_to_unicode

#: What Scrapy reads of ``response.text`` for ``<base>`` and ``<meta http-equiv=refresh>``.
SCAN_CHARS = 4096
#: Bytes decoded to get them: every character takes at least one byte, and at most four in the
#: encodings met in practice; a prefix that decodes to fewer characters falls back to the whole body.
_PREFIX_BYTES = 8 * SCAN_CHARS
_MARGIN = 16  # characters a cut through a multi-byte sequence can turn into replacement characters


def text_head(response: TextResponse) -> str:
    """``response.text[:4096]``, decoding only a prefix of the body when that gives the same text."""
    body = response.body
    encoding = response.encoding  # declared (header, BOM, <meta>): cheap; else inferred, as Scrapy does
    if len(body) <= _PREFIX_BYTES:
        return html_to_unicode(f"charset={encoding}", body)[1][:SCAN_CHARS]
    text = html_to_unicode(f"charset={encoding}", body[:_PREFIX_BYTES])[1]
    if len(text) < SCAN_CHARS + _MARGIN:
        return response.text[:SCAN_CHARS]
    return text[:SCAN_CHARS]


class MetaRefresh(MetaRefreshMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if (
            request.meta.get("dont_redirect", False)
            or request.method == "HEAD"
            or not isinstance(response, HtmlResponse)
            or urlparse_cached(request).scheme not in {"http", "https"}
        ):
            return response
        head = text_head(response)
        base = html.get_base_url(head, response.url, response.encoding)
        interval, url = html.get_meta_refresh(head, base, response.encoding, ignore_tags=self._ignore_tags)
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if cast("float", interval) < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response
