"""Bytes -> text -> lxml document, and the page-level checks that need no extraction."""

from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass
from functools import cached_property

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from harvester.extraction.pagetext import PageText

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
_TEMPLATE_START = re.compile(r"<template\b", re.IGNORECASE)
_TEMPLATE_END = re.compile(r"</template\s*>", re.IGNORECASE)
# C0 controls other than tab/newline/carriage return, plus the replacement character.
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
# The same plus the two non-characters libxml2 rejects: one scan finds both kinds.
_ODD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ufffe\uffff]")

# What libxml2 cannot hold (the same set trafilatura strips before parsing).
_INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DOCTYPE_SLASH = re.compile(r"^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
_SELF_CLOSED_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)
PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
"""One parser for the page, shared by our own stages and trafilatura (which is handed this tree, not
the text): comments and processing instructions are dropped while parsing, as trafilatura's own
loader does. Its extractor expects no comment nodes; a tree that keeps them loses the text that
follows a comment on some pages (measured: 20 of the dev set's 258 pages).

Every element is an ``HtmlElement``: lxml.html's own class lookup is Python code that runs each time
lxml hands out an element (thousands of times per page, in our stages and in trafilatura's) only to
give form controls their own classes, whose extra methods nothing here uses; a default lookup
resolves the class in C."""
PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))

JUNK_RATIO_LIMIT = 0.05
"""Above this share of control/replacement characters the bytes are not an HTML page."""
MAX_ELEMENTS = 50_000
"""More elements than this is not an article page: the largest of the dev set's 258 real pages has
4,274, and trafilatura's passes grow faster than linearly with the count (300,000 paragraphs took
over ten minutes, 100,000 table rows 26 s). Such a page (unless the quick checks class it first, a listing of
100,000 links say) is classed malformed before the body search instead of running into the
worker's time budget (``Document.oversized``)."""


class MalformedPage(ValueError):
    """The input cannot be read as an HTML document; the message says why."""


def decode(data: str | bytes) -> str:
    """Text of the page (see ``decode_page``)."""
    return decode_page(data)[0]


def decode_page(data: str | bytes) -> tuple[str, bytes | None]:
    """Text of the page, and the bytes when the text is exactly their UTF-8 decoding (``parse``
    scans those for odd characters faster than the text).

    A BOM wins, then valid UTF-8, then ``<meta charset>``, else mostly-UTF-8 with
    replacement or cp1252 (see ``_undeclared``). Bytes that decode as UTF-8 without error are UTF-8 in practice, whatever a stale
    ``<meta charset>`` says (pages re-encoded by a proxy or a cache keep their old declaration)."""
    if isinstance(data, str):
        return data, None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), None
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii", errors="ignore")
        try:
            codec = codecs.lookup(name)
        except LookupError:
            codec = None
        if codec is not None and codec.name != "utf-8":  # a UTF-8 declaration is already disproved
            return data.decode(codec.name, errors="replace"), None
    return _undeclared(data), None


FALLBACK_ENCODING = "cp1252"
"""Bytes that are not UTF-8 and declare nothing: what browsers assume for Western pages (WHATWG)."""
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _undeclared(data: bytes) -> str:
    """Text of bytes that are neither valid UTF-8 nor declared: mostly-UTF-8 with a few broken bytes
    stays UTF-8 (the broken bytes become U+FFFD), anything else is read as cp1252 (its charset was
    probably only in the HTTP header, which ``decode`` does not see; pass ``response.text`` instead)."""
    utf8_bytes = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    high = len(_HIGH_BYTE.findall(data))
    if utf8_bytes and utf8_bytes >= high / 2:
        return data.decode("utf-8", errors="replace")
    return data.decode(FALLBACK_ENCODING, errors="replace")


def drop_templates(text: str) -> str:
    """``text`` without its ``<template>`` elements: inert markup, never shown as it stands, whose
    ``<p>``s an HTML4 parser would let escape into the page. Linear time even for unclosed tags."""
    parts, position = [], 0
    while (start := _TEMPLATE_START.search(text, position)) is not None:
        end = _TEMPLATE_END.search(text, start.end())
        if end is None:
            break  # unclosed: left to the parser
        parts.append(text[position:start.start()])
        position = end.end()
    if not parts:
        return text
    parts.append(text[position:])
    return "".join(parts)


def has_text(text: str) -> bool:
    """True when the page text holds anything besides whitespace."""
    return bool(text.strip())


@dataclass
class Document:
    """A parsed page: the text that was parsed (XML declaration, NULs and templates removed), lxml root and <body>."""

    text: str
    root: HtmlElement
    body: HtmlElement

    @cached_property
    def body_text(self) -> PageText:
        """The text of every element of <body>, measured once (on first use) for all stages."""
        return PageText(self.body)

    @property
    def oversized(self) -> bool:
        """More than ``MAX_ELEMENTS`` elements: not an article page (counted up to the limit only)."""
        return sum(1 for _ in itertools.islice(self.root.iter(), MAX_ELEMENTS + 1)) > MAX_ELEMENTS


def _repair(text: str, invalid: bool = True) -> str:
    """What libxml2 misreads, fixed as trafilatura's loader fixes it: control characters (when
    ``invalid`` says the text may hold some), a DOCTYPE line holding a slash, a self-closed
    ``<html/>`` in the first lines."""
    if invalid:
        text = _INVALID_XML_CHARS.sub("", text)
    beginning = text[:50].lower()
    if "doctype" in beginning:
        first, newline, rest = text.partition("\n")
        text = _DOCTYPE_SLASH.sub("", first, count=1) + newline + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            text = _SELF_CLOSED_HTML.sub(r"\1>", text, count=1)
            break
    return text


_C0_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))
_ODD_UTF8 = re.compile(b"\xef\xbf[\xbd-\xbf]")
"""U+FFFD, U+FFFE and U+FFFF in UTF-8."""


def _has_odd(utf8: bytes) -> bool:
    """True when the UTF-8 bytes encode a character ``_ODD`` matches: a C0 control is its own byte
    (no multi-byte sequence holds a byte under 0x80) and each of the three others a 3-byte sequence
    starting with 0xEF; bytes.translate and a byte search run in C, several times faster than the
    pattern over the text."""
    if len(utf8.translate(None, _C0_BYTES)) != len(utf8):
        return True
    return b"\xef" in utf8 and _ODD_UTF8.search(utf8) is not None


def parse(text: str, utf8: bytes | None = None) -> Document:
    """Parse ``text`` as HTML; raise ``MalformedPage`` when it is not an HTML document
    (``utf8``: the bytes ``text`` is the UTF-8 decoding of, when the caller has them)."""
    sample = text[:200_000]
    # one scan for the junk share and for what libxml2 rejects
    odd = [] if utf8 is not None and not _has_odd(utf8) else _ODD.findall(text)
    if odd and len(text) > len(sample):
        junk = len(_JUNK.findall(sample))
    else:
        junk = sum(c not in "\ufffe\uffff" for c in odd)
    if sample and junk / len(sample) > JUNK_RATIO_LIMIT:
        raise MalformedPage(f"binary or undecodable content ({junk} control/replacement characters)")
    if not _TAG.search(sample):
        raise MalformedPage("no HTML markup")
    cleaned = drop_templates(_XML_DECL.sub("", text))
    cleaned = _repair(cleaned, invalid=any(c != "\ufffd" for c in odd))
    try:
        root = lxml.html.document_fromstring(cleaned, parser=PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise MalformedPage(f"unparseable HTML: {exc}") from exc
    body = root.find("body")
    if body is None:
        bodies = root.xpath("//body")
        if not bodies:
            raise MalformedPage("no <body> element")
        body = bodies[0]
    if not any(isinstance(el.tag, str) for el in body.iterdescendants()):
        raise MalformedPage("no element structure inside <body>")
    return Document(text=cleaned, root=root, body=body)
