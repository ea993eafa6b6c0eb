"""Facebook Messenger and Instagram direct messages (``message_N.json`` from "Download your information").

Meta writes every non-ASCII string as UTF-8 bytes escaped one by one (``"Buz\\u00c3\\u00a1s"``);
each string is repaired with ``s.encode("latin-1").decode("utf-8")`` when that round-trips.
A thread's ``participants`` include the owner; each message names its sender and the others as
participants, and ingest decides the direction from "me". ``Call`` messages become calls with
their duration; joins and leaves (``Subscribe``/``Unsubscribe``) and reactions are not contact.

The file is read in two streaming passes (``jsonstream``), so its size does not matter: the first
checks the whole document and gathers the names and the thread's title and path (Meta writes them
after the messages), the second yields the messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tieline.errors import SourceError
from tieline.records import Handle, InteractionRecord, Participant, ReadOptions, Record, Skipped
from tieline.sources import jsonstream, keys
from tieline.sources.base import head_text
from tieline.sources.text import fix_mojibake
from tieline.sources.times import from_unix

NAME = "facebook_messages"

SNIPPET = 140
# Reactions and poll events arrive as messages from the reacting person.
_REACTION = re.compile(
    r"(?:^|\s)(?:reacted .* to your message|liked a message|to your message\s*$)", re.IGNORECASE
)
_SYSTEM_TYPES = {"Subscribe": "joined the conversation", "Unsubscribe": "left the conversation"}


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        text = head_text(path, 8192)
        if not text.lstrip().startswith("{"):
            return 0.0
        if '"sender_name"' in text and '"timestamp_ms"' in text:
            return 0.9
        if '"participants"' in text and '"messages"' in text and '"thread_path"' in text:
            return 0.85
        return 0.0
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


def _service(path: Path) -> str:
    return "instagram" if any("instagram" in part.lower() for part in path.parts) else "facebook"


def _text(msg: dict[str, Any]) -> str:
    content = msg.get("content")
    if isinstance(content, str):
        return fix_mojibake(content)
    share = msg.get("share")
    link = share.get("link") if isinstance(share, dict) else None
    if isinstance(link, str):
        return link
    for key, label in (
        ("photos", "[photo]"),
        ("videos", "[video]"),
        ("audio_files", "[audio]"),
        ("gifs", "[gif]"),
    ):
        if msg.get(key):
            return label
    if msg.get("sticker"):
        return "[sticker]"
    return ""


@dataclass
class _Thread:
    """What the first pass learns: everything but the messages themselves."""

    participants: Any = None
    title: Any = None
    thread_path: Any = None
    listed: bool = False  # "messages" is a list
    senders: dict[str, None] = field(default_factory=dict)  # repaired names, in order of first message


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One InteractionRecord per message (or call) of the thread."""
    return keys.repeats_apart(_read(path, options))


def _read(path: Path, options: ReadOptions) -> Iterator[Record]:
    file = str(path)
    service = _service(path)
    try:
        with jsonstream.open_json(path) as cursor:
            found = _scan(cursor)
        if found is None or not found.listed:
            raise SourceError(str(path), None, "not a Facebook/Instagram message file (no messages list)")
        names: dict[str, None] = {}
        for p in found.participants or ():
            if isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"]:
                names.setdefault(fix_mojibake(p["name"]), None)
        for name in found.senders:
            names.setdefault(name, None)
        people = {n: Participant(handles=(Handle("chat", f"{service}:{n}"),), name=n) for n in names}
        title = fix_mojibake(found.title) if isinstance(found.title, str) else None
        thread_path = found.thread_path if isinstance(found.thread_path, str) else None
        thread_id = thread_path or title or ", ".join(sorted(names))
        group_size = max(2, len(people))
        with jsonstream.open_json(path, counted=True) as cursor:
            for key in cursor.members():
                if key == "messages" and cursor.peek() == "[":
                    for pos in cursor.items():
                        msg = cursor.value()
                        yield _message(file, pos + 1, msg, people, service, thread_id, group_size, options)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), None, f"cannot read the file ({exc})") from None


def _scan(cursor: jsonstream.Cursor) -> _Thread | None:
    """The first pass: checks the whole document and keeps all but the messages."""
    if cursor.peek() != "{":
        cursor.skip()
        cursor.finish()
        return None
    found = _Thread()
    for key in cursor.members():
        if key == "participants":
            found.participants = cursor.value()
        elif key == "title":
            found.title = cursor.value()
        elif key == "thread_path":
            found.thread_path = cursor.value()
        elif key == "messages":
            found.listed = cursor.peek() == "["
            for _ in cursor.items() if found.listed else ():
                m = cursor.value()
                if isinstance(m, dict) and isinstance(m.get("sender_name"), str) and m["sender_name"]:
                    found.senders.setdefault(fix_mojibake(m["sender_name"]), None)
    cursor.finish()
    return found


def _message(
    file: str,
    pos: int,
    msg: Any,
    people: dict[str, Participant],
    service: str,
    thread_id: str,
    group_size: int,
    options: ReadOptions,
) -> Record:
    where = f"message {pos}"
    if not isinstance(msg, dict):
        return Skipped(file, where, "not a message object")
    kind = msg.get("type")
    if isinstance(kind, str) and kind in _SYSTEM_TYPES:
        return Skipped(file, where, _SYSTEM_TYPES[kind])
    sender_name = msg.get("sender_name")
    if not isinstance(sender_name, str) or not sender_name:
        return Skipped(file, where, "no sender")
    stamp = msg.get("timestamp_ms")
    try:
        if not isinstance(stamp, int | float | str):
            raise TypeError
        when = from_unix(int(stamp), "ms")
        if when is None:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        return Skipped(file, where, "no readable timestamp")
    author = fix_mojibake(sender_name)
    text = _text(msg)
    if _REACTION.search(text):
        return Skipped(file, where, "reaction, not a message")
    call = kind == "Call"
    duration = msg.get("call_duration") if call else None
    basis = "\x1f".join((thread_id, str(stamp), author, text))
    return InteractionRecord(
        source_key=keys.key(f"{'ig' if service == 'instagram' else 'fb'}:", basis),
        when=when,
        channel="call" if call else "chat",
        participants=tuple(p for n, p in people.items() if n != author),
        sender=people.get(author),
        group_size=group_size,
        duration_s=int(duration) if isinstance(duration, int | float) else None,
        thread=f"{service}:{thread_id}",
        subject=(" ".join(text.split())[:SNIPPET] or None) if options.content else None,
    )
