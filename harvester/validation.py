"""Validation: the last check before an article is stored."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from harvester.extraction.model import Article


@dataclass(frozen=True)
class ValidationError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def validation_errors(article: Article) -> list[ValidationError]:
    """Everything that keeps ``article`` from being stored; empty when it is valid."""
    errors: list[ValidationError] = []
    parts = urlsplit(article.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors.append(ValidationError("url", f"not an absolute http(s) URL: {article.url!r}"))
    if not article.title.strip():
        errors.append(ValidationError("title", "empty"))
    if not any(p.strip() for p in article.body):
        errors.append(ValidationError("body", "empty"))
    for name in ("published", "modified"):
        value = getattr(article, name)
        if value is not None and value.utcoffset() is None:
            errors.append(ValidationError(name, "date without timezone"))
    if any("\u00a0" in p for p in article.body) or "\u00a0" in article.title:
        errors.append(ValidationError("body", "contains NBSP (cleaning stage skipped?)"))
    return errors
