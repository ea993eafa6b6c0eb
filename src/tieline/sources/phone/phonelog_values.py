"""The cells of a phone log CSV: times, durations and call/SMS types as the apps write them.

Times carry no zone in these logs (the phone's local time); they are taken as UTC. A time with a zone
(ISO 8601 ``+02:00``, ``Z``) is converted to UTC.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Literal

from tieline.sources.times import from_unix, parse_wordy

Status = Literal["in", "out", "missed", "rejected", "blocked", "voicemail", "draft", "unsent"]
Hint = Literal["call", "sms"]

_EPOCH = re.compile(r"^-?[0-9]{9,13}(?:\.[0-9]+)?$")
_NUMERIC = re.compile(
    r"^(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})"
    r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:[.,:]\d{1,6})?\s*([ap])?\.?\s*(?:m\.?)?)?$",
    re.IGNORECASE,
)


def parse_time(text: str, day_first: bool | None = None) -> tuple[datetime, bool] | None:
    """A log's time as (aware UTC datetime, whether it has a time of day), or None.

    Unix seconds or milliseconds, ISO 8601, `17.09.2018 21:58:22`, `20/11/2012 11:56`,
    `11/20/2012 11:56 AM`, `Nov 20, 2012 11:56:03 AM`. An ambiguous `05/03/2024` is read day first
    unless ``day_first`` is False or the time has AM/PM (the US shape); dotted dates are always day first.
    """
    text = " ".join(text.replace("\u202f", " ").split())
    if not text:
        return None
    if _EPOCH.match(text):
        when = epoch_time(text)
        return (when, True) if when is not None else None
    found = _numeric(text, day_first)
    if found is not None:
        return found
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return parse_wordy(text)
    timed = len(text) > 10
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)), timed


def epoch_time(text: str) -> datetime | None:
    """Unix seconds or milliseconds (9-13 digits) as an aware UTC datetime; None if it is not one."""
    if not _EPOCH.match(text) or float(text) <= 0:
        return None
    return from_unix(text)


def date_order_of(text: str) -> Literal["day-first", "month-first", "ambiguous", "us", None]:
    """What one time cell says about the date order: a part over 12 decides; `us` when only AM/PM hints."""
    m = _NUMERIC.match(" ".join(text.split()))
    if m is None or len(m.group(1)) == 4 or m.group(2) == ".":
        return None
    if int(m.group(1)) > 12:
        return "day-first"
    if int(m.group(3)) > 12:
        return "month-first"
    return "us" if m.group(8) else "ambiguous"


def _numeric(text: str, day_first: bool | None) -> tuple[datetime, bool] | None:
    m = _NUMERIC.match(text)
    if m is None:
        return None
    a, sep, b, c, hh, mm, ss, half = m.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        x, y = int(a), int(b)
        if sep == "." or x > 12:
            first_is_day = True
        elif y > 12:
            first_is_day = False
        elif day_first is not None:
            first_is_day = day_first
        else:
            first_is_day = half is None
        day, month = (x, y) if first_is_day else (y, x)
        year = int(c) + (2000 if len(c) == 2 else 0)
    hour, minute, second = int(hh or 0), int(mm or 0), int(ss or 0)
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC), hh is not None
    except ValueError:
        return None


_CLOCK_PARTS = re.compile(
    r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(?:([ap])\.?\s*m\.?)?$", re.IGNORECASE
)


def at_clock(day: datetime, clock: str) -> datetime | None:
    """``day`` (a date at midnight) at the time of day ``clock`` (`21:58`, `9:58:22 PM`)."""
    m = _CLOCK_PARTS.match(clock.strip())
    if m is None:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if m.group(4):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m.group(4).lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return day + timedelta(hours=hour, minutes=minute, seconds=second)


_UNITS = {"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "std": 3600, "stunden": 3600}
_UNITS |= {u: 60 for u in ("m", "min", "mins", "minute", "minutes", "minuten")}
_UNITS |= {u: 1 for u in ("s", "sec", "secs", "second", "seconds", "sek", "sekunden", "seg")}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)")


def parse_duration(text: str, millis: bool = False) -> int | None:
    """Seconds of talk: `125`, `125.0`, `0:02:05`, `02:05`, `2m 5s`, `1 h 2 min` (None when unreadable)."""
    text = text.strip().casefold()
    if not text or text in ("-", "--", "n/a"):
        return 0
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        pass
    else:
        if value < 0:
            return None
        return int(value / 1000) if millis else int(value)
    if re.fullmatch(r"\d{1,3}(?::\d{2}){1,2}", text):
        total = 0
        for piece in text.split(":"):
            total = total * 60 + int(piece)
        return total
    total, seen = 0, 0
    for number, unit in _PART.findall(text):
        if unit not in _UNITS:
            return None
        total += int(float(number.replace(",", ".")) * _UNITS[unit])
        seen += len(number) + len(unit)
    if not seen or seen < len(re.sub(r"[\s,]", "", text)):
        return None
    return total


# Word stems, accents removed, matched at the start of a word (`eingehender Anruf`, `appel manqué`).
_STEMS: dict[str, Status] = {
    "incoming": "in",
    "inbound": "in",
    "received": "in",
    "inbox": "in",
    "answered": "in",
    "eingehend": "in",
    "angenommen": "in",
    "empfangen": "in",
    "entrant": "in",
    "recu": "in",
    "entrante": "in",
    "recibid": "in",
    "outgoing": "out",
    "outbound": "out",
    "dialed": "out",
    "dialled": "out",
    "sent": "out",
    "outbox": "out",  # a sent-items folder in Nokia and Windows Phone exports
    "ausgehend": "out",
    "gesendet": "out",
    "gewahlt": "out",
    "sortant": "out",
    "emis": "out",
    "envoye": "out",
    "saliente": "out",
    "realizad": "out",
    "enviad": "out",
    "missed": "missed",
    "verpasst": "missed",
    "entgangen": "missed",
    "manque": "missed",
    "perdu": "missed",
    "perdid": "missed",
    "rejected": "rejected",
    "declined": "rejected",
    "refused": "rejected",
    "abgelehnt": "rejected",
    "abgewiesen": "rejected",
    "rejete": "rejected",
    "refuse": "rejected",
    "rechazad": "rejected",
    "blocked": "blocked",
    "blockiert": "blocked",
    "gesperrt": "blocked",
    "bloque": "blocked",
    "bloquead": "blocked",
    "voicemail": "voicemail",
    "mailbox": "voicemail",
    "messagerie": "voicemail",
    "buzon": "voicemail",
    "draft": "draft",
    "entwurf": "draft",
    "brouillon": "draft",
    "borrador": "draft",
    "failed": "unsent",
    "queued": "unsent",
    "fehlgeschlagen": "unsent",
}
_EXACT: dict[str, Status] = {"in": "in", "out": "out", "ein": "in", "aus": "out", "rx": "in", "tx": "out"}
_SMS_WORDS = ("sms", "mms", "text", "message", "nachricht", "texto", "mensaje", "imessage", "rcs")
_CALL_WORDS = ("call", "anruf", "appel", "llamada", "voice", "phone", "telefon", "facetime", "video")

# Android's codes: CallLog.Calls.TYPE and Telephony.Sms.TYPE.
_CALL_CODES: dict[str, Status] = {
    "1": "in",
    "2": "out",
    "3": "missed",
    "4": "voicemail",
    "5": "rejected",
    "6": "blocked",
    "7": "in",  # answered on another device
}
_SMS_CODES: dict[str, Status] = {
    "1": "in",
    "2": "out",
    "3": "draft",
    "4": "unsent",
    "5": "unsent",
    "6": "unsent",
}


def _words(text: str) -> list[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain.casefold())


def channel_hint(text: str) -> Hint | None:
    """`SMS`, `Incoming call`, `Text message`: which channel a type or kind cell names, if any."""
    for word in _words(text):
        if word.startswith(_SMS_WORDS):
            return "sms"
        if word.startswith(_CALL_WORDS):
            return "call"
    return None


def status(text: str, channel: Hint) -> Status | None:
    """What a type or direction cell says happened, or None when it says nothing we know."""
    code = text.strip().removesuffix(".0")
    if code.isdigit():
        return (_SMS_CODES if channel == "sms" else _CALL_CODES).get(code)
    for word in _words(text):
        if word in _EXACT:
            return _EXACT[word]
        for stem, found in _STEMS.items():
            if word.startswith(stem):
                return found
    return None
