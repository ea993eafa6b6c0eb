"""Spans of time as a user types them: ``30d``, ``2w``, ``3m``, ``1y`` (a bare number is days)."""

from __future__ import annotations

import re

from tieline.errors import TielineError

_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_SPAN = re.compile(r"^\s*(\d{1,5})\s*([dwmy]?)\s*$", re.IGNORECASE)


def parse_days(text: str) -> int:
    """``"2w"`` -> 14. Days, weeks, months (30 days) or years; one clear error otherwise."""
    found = _SPAN.match(text or "")
    if not found or int(found.group(1)) == 0:
        raise TielineError(f"{text!r} is not a span of time (try 30d, 2w, 3m or 1y)")
    return int(found.group(1)) * _UNIT_DAYS[(found.group(2) or "d").lower()]


def in_words(days: float) -> str:
    """About how long ``days`` is, the way a person says it: "3 days", "~3 weeks", "4 months", "2 years"."""
    if days < 11:
        n = max(1, round(days))
        return f"{n} day{'s' if n != 1 else ''}"
    if days < 60:
        return f"{round(days / 7)} weeks"
    if days < 548:
        return f"{round(days / 30.4)} months"
    years = days / 365.25
    return f"{round(years)} years" if years >= 1.75 else "a year and a half"
