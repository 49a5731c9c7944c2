"""Requests as JSON for the shared frontier: never pickle, and nothing executable.

An entry is a JSON object with a fixed set of fields: URL (http/https), method, headers, body
(base64), the JSON-representable meta and callback keyword arguments, priority, ``dont_filter``,
flags, and the *names* of the callback and errback, which must be public methods of the spider
that reads the entry. Anything else (bad JSON, a pickle, unknown fields, wrong types, a
callback the spider does not have) is refused with a reason; it is never turned into a request.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any

from scrapy import Request, Spider

VERSION = 1
MAX_ENTRY_BYTES = 1 << 20  # a request bigger than 1 MiB is not a request we made
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
#: meta keys never shared: per-process bookkeeping (the lease, the download slot's own state)
PRIVATE_META = frozenset({"download_slot", "download_latency", "_slot_key"})
_FIELDS = {
    "v": int, "id": str, "url": str, "method": str, "headers": dict, "body": str, "meta": dict,
    "cb_kwargs": dict, "priority": int, "dont_filter": bool, "flags": list, "callback": (str, type(None)),
    "errback": (str, type(None)),
}


class Rejected(ValueError):
    """An entry that is not a request this codec wrote; ``reason`` is a short stat-friendly word."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class Unencodable(ValueError):
    """A request whose callback or keyword arguments cannot be shared as JSON."""


def encode(request: Request, spider: Spider) -> str:
    """The JSON text of ``request``; meta values that are not JSON are left out (per process)."""
    meta: dict[str, Any] = {}
    for key, value in request.meta.items():
        if key in PRIVATE_META or key.startswith("_"):
            continue
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            continue
        meta[key] = value
    try:
        json.dumps(request.cb_kwargs, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise Unencodable(f"cb_kwargs of {request.url} are not JSON: {exc}") from exc
    entry = {
        "v": VERSION,
        "id": uuid.uuid4().hex[:12],  # keeps two equal dont_filter requests apart in the queue
        "url": request.url,
        "method": request.method,
        "headers": {
            key.decode("latin-1"): [value.decode("latin-1") for value in values]
            for key, values in request.headers.items()
        },
        "body": base64.b64encode(request.body).decode("ascii"),
        "meta": meta,
        "cb_kwargs": request.cb_kwargs,
        "priority": request.priority,
        "dont_filter": request.dont_filter,
        "flags": [str(flag) for flag in request.flags],
        "callback": _method_name(request.callback, spider, "callback"),
        "errback": _method_name(request.errback, spider, "errback"),
    }
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _method_name(func: Any, spider: Spider, what: str) -> str | None:
    if func is None:
        return None
    name = getattr(func, "__name__", None)
    if not name or getattr(func, "__self__", None) is not spider or getattr(spider, name, None) != func:
        raise Unencodable(f"the {what} {func!r} is not a method of the spider {spider.name}")
    return name


def decode(raw: bytes | str, spider: Spider) -> Request:
    """The request of a frontier entry, or ``Rejected`` (the entry is never executed)."""
    if len(raw) > MAX_ENTRY_BYTES:
        raise Rejected("too_large", f"{len(raw)} bytes")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        entry = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Rejected("not_json", str(exc)[:200]) from None
    if not isinstance(entry, dict):
        raise Rejected("not_object")
    if set(entry) != set(_FIELDS):
        raise Rejected("fields", ",".join(sorted(set(entry) ^ set(_FIELDS)))[:200])
    for name, kind in _FIELDS.items():
        value = entry[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise Rejected("type", name)
    if entry["v"] != VERSION:
        raise Rejected("version", str(entry["v"]))
    url: str = entry["url"]
    if not url.startswith(("http://", "https://")):
        raise Rejected("url", url[:200])
    if entry["method"] not in METHODS:
        raise Rejected("method", entry["method"][:20])
    headers = entry["headers"]
    if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in headers.values()):
        raise Rejected("type", "headers")
    if not all(isinstance(flag, str) for flag in entry["flags"]):
        raise Rejected("type", "flags")
    try:
        body = base64.b64decode(entry["body"], validate=True)
    except (binascii.Error, ValueError):
        raise Rejected("body") from None
    callback = _spider_method(spider, entry["callback"], "callback")
    errback = _spider_method(spider, entry["errback"], "errback")
    try:
        return Request(
            url, callback=callback, errback=errback, method=entry["method"], body=body,
            headers={key: values for key, values in headers.items()}, meta=entry["meta"],
            cb_kwargs=entry["cb_kwargs"], priority=entry["priority"], dont_filter=entry["dont_filter"],
            flags=entry["flags"],
        )
    except (TypeError, ValueError) as exc:
        raise Rejected("request", str(exc)[:200]) from None


def _spider_method(spider: Spider, name: str | None, what: str) -> Any:
    if name is None:
        return None
    if not name.isidentifier() or name.startswith("_"):
        raise Rejected(what, name[:100])
    method = getattr(spider, name, None)
    if method is None or not callable(method) or getattr(method, "__self__", None) is not spider:
        raise Rejected(what, name[:100])
    return method
