"""Date parsing: machine-readable values become timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from dateutil import parser as dateparser

_ISO_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_DIGIT = re.compile(r"\d")


def parse_machine_date(value: str | None) -> datetime | None:
    """A date from markup (datetime/content attributes, meta, JSON-LD).

    A value without an offset is taken as UTC, because markup dates are written by the
    CMS, which defaults to UTC. Returns None when the value is not a date.
    """
    if not value or not _HAS_DIGIT.search(value):
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = dateparser.isoparse(value)
    except (ValueError, OverflowError):
        try:
            parsed = dateparser.parse(value)
        except (ValueError, OverflowError, TypeError):
            return None
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def parse_text_date(value: str | None) -> datetime | None:
    """A date from visible text: accepted only when the text carries its own offset.

    Visible dates without a timezone cannot be made timezone-aware honestly, so they give None.
    """
    if not value or not _HAS_DIGIT.search(value):
        return None
    try:
        parsed = dateparser.parse(value, fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None or parsed.tzinfo is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed
