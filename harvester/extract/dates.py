"""Date parsing: machine-readable values become timezone-aware datetimes."""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta, timezone

from dateutil import parser as dateparser

_ISO_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_DIGIT = re.compile(r"\d")

# Zone abbreviations with one meaning (offset in hours). Ambiguous ones (IST, CST, BST in some
# places...) are left out on purpose: a date in an unknown zone is rejected, never guessed.
_ZONE_HOURS = {
    "UTC": 0, "GMT": 0, "UT": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11,
    "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13,
}
_TZINFOS = {name: timezone(timedelta(hours=hours), name) for name, hours in _ZONE_HOURS.items()}


def _parse(value: str, *, fuzzy: bool = False) -> datetime | None:
    """dateutil's parser with known zone names; None when the text names a zone it cannot place."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", dateparser.UnknownTimezoneWarning)
        try:
            return dateparser.parse(value, fuzzy=fuzzy, tzinfos=_TZINFOS)
        except (ValueError, OverflowError, TypeError, dateparser.UnknownTimezoneWarning):
            return None


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
        parsed = _parse(value)
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
    parsed = _parse(value, fuzzy=True)
    if parsed is None or parsed.tzinfo is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed
