"""What extraction returns: an article, or a page classified as something else."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class PageClass(str, enum.Enum):
    """What a fetched page turned out to be."""

    ARTICLE = "article"
    LISTING = "listing"  # section, tag, author, search or home page
    SOFT_404 = "soft_404"  # "not found" page served with status 200
    EMPTY = "empty"  # no content at all (0 bytes, or no text)
    TOO_SHORT = "too_short"  # some text, but no article body of useful length
    MALFORMED = "malformed"  # not parseable as an HTML document
    BLOCKED = "blocked"  # bot challenge, captcha or consent wall served instead of the page
    PAYWALL = "paywall"  # only a teaser and a subscription prompt


@dataclass
class Article:
    """A clean article. Every string field is NBSP-free and trimmed; absent fields are None."""

    url: str  # canonical URL (absolute)
    title: str
    body: list[str]  # paragraphs in document order
    body_html: str = ""  # sanitized HTML of the body (structure only)
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None  # timezone-aware
    modified: datetime | None = None  # timezone-aware
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    lead_image: str | None = None  # absolute URL
    description: str | None = None
    language: str | None = None
    # field name -> where it came from: "json-ld", "meta", "selector", "text", "url", "detected"
    sources: dict[str, str] = field(default_factory=dict)

    page_class: PageClass = PageClass.ARTICLE

    @property
    def body_text(self) -> str:
        """The plain-text body: paragraphs separated by one blank line."""
        return "\n\n".join(self.body)

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.body)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (dates as ISO 8601 strings with their offset)."""
        return {
            "url": self.url,
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "section": self.section,
            "tags": list(self.tags),
            "lead_image": self.lead_image,
            "description": self.description,
            "language": self.language,
            "body": list(self.body),
            "body_html": self.body_html,
            "sources": dict(self.sources),
        }


@dataclass
class NonArticle:
    """A page that is not stored as an article, with the reason why."""

    url: str
    page_class: PageClass
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "page_class": self.page_class.value, "reason": self.reason}


ExtractionResult = Article | NonArticle
