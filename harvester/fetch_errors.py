"""Why a request produced no usable response: one ``fetch_log`` reason per failure.

Reasons: ``http_<status>``, ``timeout``, ``dns``, ``connection_refused``, ``connection_reset``,
``too_large``, ``redirect_loop``, ``off_site``, ``bad_scheme``, ``url_too_long``, ``robots_disallow``,
``data_loss``, ``bad_encoding`` (a body its Content-Encoding cannot decode), ``download_failed``,
else the exception's class name. ``robots_disallow`` is
not an error: the crawl chose not to fetch (outcome ``skipped``, like ``off_site``,
``bad_scheme`` and ``url_too_long``).
"""

from __future__ import annotations

import gzip
import zlib
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


def _decoding_errors() -> tuple[type[BaseException], ...]:
    """What Scrapy's HttpCompressionMiddleware lets through when a body does not decode as its
    Content-Encoding says (gzip, deflate, br, zstd)."""
    errors: list[type[BaseException]] = [gzip.BadGzipFile, zlib.error, EOFError]
    try:
        import brotli

        errors.append(brotli.error)
    except (ImportError, AttributeError):  # pragma: no cover - Scrapy needs brotli or brotlicffi
        pass
    try:
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        try:
            from backports import zstd  # type: ignore[import-not-found,no-redef]
        except ImportError:  # pragma: no cover
            zstd = None
    if zstd is not None:
        errors.append(zstd.ZstdError)
    return tuple(errors)


DECODING_ERRORS = _decoding_errors()

#: Reasons for URLs the crawl decided not to fetch (fetch_log outcome "skipped", not "error").
NOT_FETCHED_BY_RULE = frozenset({"robots_disallow", "off_site", "bad_scheme", "url_too_long", "duplicate"})


def failure_reason(failure: Failure) -> tuple[str, int | None]:
    """(reason, HTTP status or None) of a failed request."""
    if failure.check(HttpError):
        response = failure.value.response
        status = int(response.status)
        location = response.headers.get(b"Location")
        if 300 <= status < 400 and location:
            scheme = urlsplit(location.decode("latin-1").strip()).scheme.lower()
            if scheme and scheme not in ("http", "https"):
                return "bad_scheme", status
        return f"http_{status}", status
    if failure.check(IgnoreRequest):
        return _ignored_reason(str(failure.value)), None
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "timeout", None
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "dns", None
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "connection_refused", None
    if failure.check(DownloadCancelledError):
        # the crawl cancels a download only when it outgrows DOWNLOAD_MAXSIZE (a body streamed
        # without Content-Length is cancelled with no message)
        return "too_large", None
    if failure.check(UnsupportedURLSchemeError):
        return "bad_scheme", None
    if failure.check(ResponseDataLossError):
        return "data_loss", None
    if failure.check(ConnectionLost, ConnectionDone, ResponseNeverReceived, ResponseFailed):
        return "connection_reset", None
    if failure.check(*DECODING_ERRORS):
        return "bad_encoding", None
    if failure.check(ValueError) and "scheme" in str(failure.value).lower():
        return "bad_scheme", None  # a redirect to a URL Scrapy cannot request (javascript:, mailto: ...)
    if failure.check(DownloadFailedError):
        text = str(failure.value).lower()
        if "connection" in text and ("lost" in text or "reset" in text or "closed" in text):
            return "connection_reset", None
        return "download_failed", None
    return type(failure.value).__name__, None


def _ignored_reason(message: str) -> str:
    lowered = message.lower()
    if "robots.txt" in lowered:
        return "robots_disallow"
    if "offsite" in lowered:
        return "off_site"
    if "url too long" in lowered:
        return "url_too_long"
    if "scheme" in lowered:
        return "bad_scheme"
    if "max redirections" in lowered:
        return "redirect_loop"
    if "download_maxsize" in lowered or "exceeded" in lowered:
        return "too_large"
    return "ignored"
