"""Bytes -> text -> lxml document, and the page-level checks that need no extraction."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TAG = re.compile(r"<\s*(html|head|body|div|p|article|main|section|span|h[1-6]|title|meta|a)\b", re.I)
# C0 controls other than tab/newline/carriage return, plus the replacement character.
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")

JUNK_RATIO_LIMIT = 0.05
"""Above this share of control/replacement characters the bytes are not an HTML page."""


class MalformedPage(ValueError):
    """The input cannot be read as an HTML document; the message says why."""


def decode(data: str | bytes) -> str:
    """Text of the page: a BOM wins, then valid UTF-8, then ``<meta charset>``, else UTF-8 with
    replacement. Bytes that decode as UTF-8 without error are UTF-8 in practice, whatever a stale
    ``<meta charset>`` says (pages re-encoded by a proxy or a cache keep their old declaration)."""
    if isinstance(data, str):
        return data
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii", errors="ignore")
        try:
            codec = codecs.lookup(name)
        except LookupError:
            codec = None
        if codec is not None:
            return data.decode(codec.name, errors="replace")
    return data.decode("utf-8", errors="replace")


def has_text(text: str) -> bool:
    """True when the page text holds anything besides whitespace."""
    return bool(text.strip())


@dataclass
class Document:
    """A parsed page: its text, lxml root and <body>."""

    text: str
    root: HtmlElement
    body: HtmlElement


def parse(text: str) -> Document:
    """Parse ``text`` as HTML; raise ``MalformedPage`` when it is not an HTML document."""
    sample = text[:200_000]
    junk = len(_JUNK.findall(sample))
    if sample and junk / len(sample) > JUNK_RATIO_LIMIT:
        raise MalformedPage(f"binary or undecodable content ({junk} control/replacement characters)")
    if not _TAG.search(sample):
        raise MalformedPage("no HTML markup")
    cleaned = _XML_DECL.sub("", text).replace("\x00", "")
    try:
        root = lxml.html.document_fromstring(cleaned)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise MalformedPage(f"unparseable HTML: {exc}") from exc
    bodies = root.xpath("//body")
    if not bodies:
        raise MalformedPage("no <body> element")
    body = bodies[0]
    if not any(isinstance(el.tag, str) for el in body.iterdescendants()):
        raise MalformedPage("no element structure inside <body>")
    return Document(text=text, root=root, body=body)
