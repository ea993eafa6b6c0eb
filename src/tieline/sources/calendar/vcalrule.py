"""vCal 1.0 recurrence rules (``RRULE:W1 MO TH #10``) as the iCalendar rules that mean the same.

The vCalendar 1.0 "basic recurrence rule grammar" is a frequency with an interval (``D``aily,
``W``eekly, ``MP`` monthly by weekday position, ``MD`` monthly by day, ``YM`` yearly by month,
``YD`` yearly by day of the year), an optional list (times ``0900``, weekdays ``MO``, positions
``1+``/``2-``, days ``15``/``1-``/``LD``, months ``6``, year days ``100``), then ``#count`` and/or
an end date. Where vCal differs from iCalendar, this follows the vCal specification:

- ``#N`` counts *intervals*, not occurrences (``W1 TU TH #5`` is five weeks, ten meetings), so it
  becomes an ``UNTIL`` at the end of the N-th interval (weeks run Sunday to Saturday);
- ``#0`` repeats forever; a rule with neither count nor end date means ``#2``;
- an end date without ``Z`` is wall time, one without a time includes that whole day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

_FREQ = re.compile(r"(D|W|MP|MD|YM|YD)(\d{1,4})")
_END = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?")
_COUNT = re.compile(r"#(\d{1,6})")
_TIME = re.compile(r"(\d{2})(\d{2})")
_POSITION = re.compile(r"([1-5])([+-]?)|([+-])([1-5])")
_NUMBER = re.compile(r"(\d{1,3})([+-]?)")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQUENCY = {"D": "DAILY", "W": "WEEKLY", "MP": "MONTHLY", "MD": "MONTHLY", "YM": "YEARLY", "YD": "YEARLY"}
DEFAULT_COUNT = 2


def is_vcal(rule: str) -> bool:
    """An iCalendar rule has ``FREQ=``; a vCal 1.0 rule starts with its frequency letters."""
    return "=" not in rule and _FREQ.match(rule.strip().upper()) is not None


def to_icalendar(rule: str, start: datetime, zone: tzinfo) -> list[str]:
    """The iCalendar rule(s) for a vCal 1.0 rule starting at ``start`` (naive wall time in ``zone``).

    Several rules come back only for a daily rule with a time list (one per time). Raises
    ValueError for anything that is not the vCal 1.0 grammar.
    """
    tokens = rule.strip().upper().split()
    head = _FREQ.fullmatch(tokens[0]) if tokens else None
    if head is None:
        raise ValueError(f"not a vCal 1.0 rule: {rule!r}")
    kind, interval = head.group(1), int(head.group(2))
    if interval < 1:
        raise ValueError("interval 0")
    rest = tokens[1:]
    end = _end_date(rest.pop(), zone) if rest and _END.fullmatch(rest[-1]) else None
    count = int(rest.pop()[1:]) if rest and _COUNT.fullmatch(rest[-1]) else None
    if count is None and end is None:
        count = DEFAULT_COUNT
    until = end
    if count:
        last = _end_of_interval(kind, interval, count, start.date())
        if last is not None:
            bound = datetime.combine(last, time(23, 59, 59))
            until = bound if until is None else min(until, bound)
    base = f"FREQ={_FREQUENCY[kind]};INTERVAL={interval}"
    if until is not None:
        base += f";UNTIL={until:%Y%m%dT%H%M%S}"
    if kind == "D":
        times = [_time(token) for token in rest]
        return [f"{base};BYHOUR={h};BYMINUTE={m};BYSECOND=0" for h, m in times] or [base]
    if kind == "W":
        days = [_weekday(token) for token in rest]
        return [base + ";WKST=SU" + (f";BYDAY={','.join(days)}" if days else "")]
    if kind == "MP":
        return [f"{base};BYDAY={','.join(_positions(rest, start))}"]
    if kind == "MD":
        monthdays = [_number(token, 31, last_day=True) for token in rest]
        return [base + (f";BYMONTHDAY={','.join(map(str, monthdays))}" if monthdays else "")]
    if kind == "YM":
        months = [_number(token, 12) for token in rest]
        if any(m < 0 for m in months):
            raise ValueError("a month counted from the end")
        return [base + (f";BYMONTH={','.join(map(str, months))}" if months else "")]
    yeardays = [_number(token, 366) for token in rest]
    return [base + (f";BYYEARDAY={','.join(map(str, yeardays))}" if yeardays else "")]


def _end_date(token: str, zone: tzinfo) -> datetime:
    """An end date as naive wall time in the event's zone."""
    match = _END.fullmatch(token)
    assert match is not None
    year, month, day, hour, minute, second, zulu = match.groups()
    if hour is None:
        return datetime(int(year), int(month), int(day), 23, 59, 59)
    when = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    if zulu:
        return when.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
    return when


def _end_of_interval(kind: str, interval: int, count: int, first: date) -> date | None:
    """The last day of the ``count``-th interval from the one holding ``first`` (None: past year 9999)."""
    steps = (count - 1) * interval
    try:
        if kind == "D":
            return first + timedelta(days=steps)
        if kind == "W":
            sunday = first - timedelta(days=(first.weekday() + 1) % 7)
            return sunday + timedelta(weeks=steps, days=6)
        if kind in ("MP", "MD"):
            following = first.year * 12 + first.month + steps  # the month after the last, counted from year 0
            return date(following // 12, following % 12 + 1, 1) - timedelta(days=1)
        return date(first.year + steps, 12, 31)
    except (ValueError, OverflowError):
        return None


def _time(token: str) -> tuple[int, int]:
    match = _TIME.fullmatch(token)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"not a time: {token!r}")
    return int(match.group(1)), int(match.group(2))


def _weekday(token: str) -> str:
    if token not in _WEEKDAYS:
        raise ValueError(f"not a weekday: {token!r}")
    return token


def _number(token: str, limit: int, last_day: bool = False) -> int:
    """``15`` → 15, ``1-`` → -1 (counted from the end), ``LD`` → -1 (the last day)."""
    if last_day and token == "LD":
        return -1
    match = _NUMBER.fullmatch(token)
    if match is None or not 1 <= int(match.group(1)) <= limit:
        raise ValueError(f"not a number from 1 to {limit}: {token!r}")
    return -int(match.group(1)) if match.group(2) == "-" else int(match.group(1))


def _positions(tokens: list[str], start: datetime) -> list[str]:
    """``1+ 2- TH`` → ``1TH,-2TH``; positions without weekdays take the start's weekday."""
    own_day = _WEEKDAYS[start.weekday()]
    found: list[str] = []
    pending: list[int] = []
    days_seen = False
    for token in tokens:
        match = _POSITION.fullmatch(token)
        if match is not None:
            if days_seen:
                pending, days_seen = [], False
            digit = match.group(1) or match.group(4)
            sign = match.group(2) or match.group(3)
            pending.append(-int(digit) if sign == "-" else int(digit))
            continue
        day = _weekday(token)
        if not pending:
            raise ValueError(f"a weekday without a position: {token!r}")
        found += [f"{n}{day}" for n in pending]
        days_seen = True
    if pending and not days_seen:
        found += [f"{n}{own_day}" for n in pending]
    if not found:
        found = [f"{(start.day - 1) // 7 + 1}{own_day}"]
    return found
