"""The generic interactions CSV: ``ego,alter,timestamp,channel,initiator,duration_s``.

One row per communication event as logged on the ego's device or account (the format of the
tie-strength evaluation data, and a way to bring in any other log). A header row is required;
extra columns are ignored. Timestamps are ISO 8601; a time without a zone is taken as UTC.

``read`` is for the product's import, where the owner is the ego: the file must hold one ego, or
``ReadOptions.extra["ego"]`` picks one. ``read_by_ego`` yields every row with its ego, for the
model tools (``tieline model score|eval``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import (
    Channel,
    Direction,
    Handle,
    InteractionRecord,
    Participant,
    ReadOptions,
    Record,
    Skipped,
)
from tieline.sources import csvutil, keys
from tieline.sources.base import head_text, open_text
from tieline.sources.phone.phonelog_values import epoch_time
from tieline.sources.times import from_iso

NAME = "interactions_csv"

REQUIRED = ("ego", "alter", "timestamp", "channel")

CHANNELS: dict[str, Channel] = {
    "call": "call",
    "phone": "call",
    "phone call": "call",
    "phonecall": "call",
    "voice": "call",
    "voip": "call",
    "video": "call",
    "video call": "call",
    "sms": "sms",
    "text": "sms",
    "text message": "sms",
    "mms": "sms",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "meeting": "meeting",
    "calendar": "meeting",
    "event": "meeting",
    "message": "chat",
    "chat": "chat",
    "im": "chat",
    "whatsapp": "chat",
    "telegram": "chat",
    "signal": "chat",
    "messenger": "chat",
    "letter": "letter",
    "social": "social",
    "facebook": "social",
    "in-person": "in-person",
    "in person": "in-person",
    "inperson": "in-person",
    "face-to-face": "in-person",
    "face to face": "in-person",
    "f2f": "in-person",
    "visit": "in-person",
    "proximity": "in-person",
    "bluetooth": "in-person",
    "note": "note",
}

INITIATORS: dict[str, Direction | None] = {
    "ego": "out",
    "out": "out",
    "outgoing": "out",
    "sent": "out",
    "alter": "in",
    "in": "in",
    "incoming": "in",
    "received": "in",
    "both": "both",
    "": None,
}

# Phone loggers write these when they do not know a call's length (int16 limits).
_DURATION_SENTINELS = (32767, -32768)

_EMAIL = re.compile(r"^[^@\s:]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,20}[0-9]$")


def sniff(path: Path) -> float:
    """Confident when the first line is a header naming ego, alter, timestamp and channel."""
    try:
        if not path.is_file():
            return 0.0
        first = head_text(path, 4096).splitlines()[:1]
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0
    if not first:
        return 0.0
    columns = {c.strip().strip('"').lower() for c in first[0].split(",")}
    if all(c in columns for c in REQUIRED):
        return 0.95
    return 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """The interactions of one ego (the owner): the file's only ego, or ``options.extra["ego"]``."""
    chosen = options.extra.get("ego")
    if chosen is None:
        egos = _egos(path, limit=2)
        if len(egos) > 1:
            raise SourceError(
                str(path),
                None,
                "the file holds the logs of several people (egos); say which one is you (option ego=ID)",
            )
    found = False
    for ego, record in _rows(path):
        if chosen is None or ego == chosen:
            found = True
            yield record
        elif isinstance(record, Skipped):
            yield record
    if chosen is not None and not found:
        raise SourceError(str(path), None, f"no rows for the ego {chosen!r}")


def read_by_ego(path: Path, skipped: list[Skipped] | None = None) -> Iterator[tuple[str, InteractionRecord]]:
    """Every readable row with its ego; rows that cannot be read are passed over (into ``skipped``)."""
    for ego, record in _rows(path):
        if isinstance(record, InteractionRecord):
            yield ego, record
        elif skipped is not None and isinstance(record, Skipped):
            skipped.append(record)


def alter_handle(alter: str) -> Handle:
    """The handle an alter id stands for: an email, a phone number, or an opaque ``id:`` chat id."""
    if _EMAIL.match(alter):
        return Handle("email", alter)
    if _PHONE.match(alter) and sum(ch.isdigit() for ch in alter) >= 7:
        return Handle("phone", alter)
    return Handle("chat", "id:" + alter)


def parse_when(text: str) -> datetime:
    """ISO 8601 (or Unix seconds / milliseconds) to an aware UTC datetime; no zone means UTC.

    Raises ValueError."""
    text = text.strip()
    from_epoch = epoch_time(text)
    if from_epoch is not None:
        return from_epoch
    when = from_iso(text)  # None for an edge-of-range time too (0001-01-01T00:00+14:00)
    if when is None:
        raise ValueError(f"not an ISO 8601 time: {text!r}")
    return when


def _duration(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    value = int(float(text))
    if value < 0 or value in _DURATION_SENTINELS:
        return None
    return value


def _egos(path: Path, limit: int) -> set[str]:
    found: set[str] = set()
    for ego, _ in _rows(path, only_ego=True):
        found.add(ego)
        if len(found) >= limit:
            break
    return found


def _rows(path: Path, only_ego: bool = False) -> Iterator[tuple[str, Record]]:
    name = str(path)
    try:
        with open_text(path, errors="strict") as fh:
            reader = (row for _n, row in csvutil.rows(fh, name))
            header = next(reader, None)
            if header is None:
                raise SourceError(name, 1, "the file is empty")
            columns = [c.strip().lower() for c in header]
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                raise SourceError(name, 1, f"the header lacks the column(s) {', '.join(missing)}")
            at = {c: i for i, c in reversed(list(enumerate(columns)))}
            i_ego, i_alter, i_ts, i_ch = (at[c] for c in REQUIRED)
            i_init = at.get("initiator")
            i_dur = at.get("duration_s")
            width = len(columns)
            line = 1
            for row in reader:
                line += 1
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                ego = row[i_ego].strip()
                if only_ego:
                    yield ego, Skipped(name, str(line), "")
                    continue
                yield ego, _record(name, line, row, i_alter, i_ts, i_ch, i_init, i_dur)
    except SourceError:
        raise
    except UnicodeDecodeError as exc:
        raise SourceError(name, None, f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise SourceError(name, None, f"not a readable CSV file ({exc})") from None
    except OSError as exc:
        raise SourceError(name, None, f"cannot open the file ({exc.strerror or exc})") from None


def _record(
    name: str,
    line: int,
    row: list[str],
    i_alter: int,
    i_ts: int,
    i_ch: int,
    i_init: int | None,
    i_dur: int | None,
) -> Record:
    alter = row[i_alter].strip()
    if not alter:
        return Skipped(name, str(line), "no alter")
    channel = CHANNELS.get(" ".join(row[i_ch].strip().lower().replace("_", " ").split()))
    if channel is None:
        return Skipped(name, str(line), f"unknown channel {row[i_ch].strip()!r}")
    try:
        when = parse_when(row[i_ts])
    except ValueError:
        return Skipped(name, str(line), f"unreadable timestamp {row[i_ts].strip()!r}")
    initiator = row[i_init].strip().lower() if i_init is not None else ""
    if initiator not in INITIATORS:
        return Skipped(name, str(line), f"unknown initiator {initiator!r}")
    direction = INITIATORS[initiator]
    try:
        duration = _duration(row[i_dur]) if i_dur is not None else None
    except ValueError:
        return Skipped(name, str(line), f"unreadable duration {row[i_dur or 0]!r}")
    other = Participant(handles=(alter_handle(alter),))
    # Identical rows are the same event logged twice: they share a key, so they import once.
    digest = keys.digest(*(c.strip() for c in row))
    return InteractionRecord(
        source_key=f"{NAME}:{digest}",
        when=when,
        channel=channel,
        participants=(other,),
        sender=other if direction == "in" else None,
        direction=direction,
        duration_s=duration,
    )
