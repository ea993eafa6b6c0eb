"""Telegram Desktop JSON export (``result.json``): one chat, all chats, or the full account.

A full-account export names the owner (``personal_information``, emitted as a ContactRecord with
``is_me``) and the address book (``contacts.list``, with phone numbers). Chats become one
InteractionRecord per message of type "message"; service messages (joins, pins, calls set-up)
are Skipped, and so are "saved messages" and bot chats. Channels are broadcasts: their posts are
marked ``bulk``. When the owner is known, each message carries its direction.

The export is one JSON document, read with ``json.load``: exports beyond ``MAX_BYTES`` must be
split per chat (Telegram Desktop can export one chat at a time).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tieline.errors import SourceError
from tieline.records import (
    ContactRecord,
    Direction,
    Handle,
    InteractionRecord,
    Participant,
    ReadOptions,
    Record,
    Skipped,
)
from tieline.sources import jsonfile
from tieline.sources.base import head_text

NAME = "telegram"

SNIPPET = 140
MAX_BYTES = 200 * 1024 * 1024
_BROADCAST = {"public_channel", "private_channel", "channel"}
_NOT_PEOPLE = {"saved_messages": "saved messages (notes to self)", "bot_chat": "bot chat"}
_PERSONAL = {"personal_chat", "private_chat"}


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        text = head_text(path, 8192)
        if not text.lstrip().startswith("{"):
            return 0.0
        if '"sender_name"' in text:
            return 0.0  # Facebook / Instagram
        if '"personal_information"' in text or '"date_unixtime"' in text or '"from_id"' in text:
            return 0.9
        if '"messages"' in text and '"type"' in text and ('"from"' in text or '"actor"' in text):
            return 0.8
        if '"chats"' in text and '"list"' in text:
            return 0.7
        return 0.0
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


def _load(path: Path) -> dict[str, Any]:
    data = jsonfile.load(path, "export too large to read at once; export chats one by one", MAX_BYTES)
    if not isinstance(data, dict):
        raise SourceError(str(path), None, "not a Telegram export (no top-level object)")
    return data


def _flatten(text: Any) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        parts = [
            p if isinstance(p, str) else str(p.get("text", "")) if isinstance(p, dict) else "" for p in text
        ]
        return " ".join(p for p in parts if p)
    return ""


def _when(msg: dict[str, Any]) -> datetime | None:
    try:
        unix = msg.get("date_unixtime")
        if unix is not None:
            return datetime.fromtimestamp(int(unix), tz=UTC)
        date = msg.get("date")
        if isinstance(date, str):
            # Older exports give only local time without a zone: taken as UTC.
            return datetime.fromisoformat(date).replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return None


def _handle(from_id: Any, name: Any) -> str | None:
    if isinstance(from_id, str | int) and str(from_id):
        return f"telegram:{from_id}"
    if isinstance(name, str) and name:
        return f"telegram:{name}"
    return None


def _person(value: str, name: Any) -> Participant:
    return Participant(
        handles=(Handle("chat", value),), name=name if isinstance(name, str) and name else None
    )


def _contact_handles(info: dict[str, Any]) -> tuple[Handle, ...]:
    handles: list[Handle] = []
    phone = info.get("phone_number")
    if isinstance(phone, str) and phone.strip():
        handles.append(Handle("phone", phone.strip()))
    user_id = info.get("user_id")
    if isinstance(user_id, str | int) and str(user_id):
        handles.append(Handle("chat", f"telegram:user{user_id}"))
    username = info.get("username")
    if isinstance(username, str) and username.strip():
        handles.append(Handle("chat", f"telegram:@{username.strip().lstrip('@')}"))
    return tuple(handles)


def _names(info: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    first = info.get("first_name") if isinstance(info.get("first_name"), str) else None
    last = info.get("last_name") if isinstance(info.get("last_name"), str) else None
    full = " ".join(p for p in (first, last) if p) or None
    return full, first or None, last or None


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """The owner and contacts (full export) as ContactRecords, then every chat's messages."""
    data = _load(path)
    file = str(path)
    try:
        owner: Participant | None = None
        me = data.get("personal_information")
        if isinstance(me, dict):
            full, first, last = _names(me)
            if me.get("user_id") is not None:
                owner = _person(f"telegram:user{me['user_id']}", full)
            yield ContactRecord(
                source_key="tg:me",
                name=full,
                given_name=first,
                family_name=last,
                handles=_contact_handles(me),
                is_me=True,
            )
        yield from _contacts(file, data)
        chats = _chats(data)
        if chats is None:
            raise SourceError(str(path), None, "not a Telegram export (no messages, chats or contacts)")
        for index, chat in enumerate(chats, start=1):
            if not isinstance(chat, dict):
                yield Skipped(file, f"chat {index}", "not a chat object")
                continue
            yield from _chat(file, index, chat, owner, options)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), None, f"cannot read the file ({exc})") from None


def _contacts(file: str, data: dict[str, Any]) -> Iterator[Record]:
    block = data.get("contacts")
    items = block.get("list") if isinstance(block, dict) else None
    if not isinstance(items, list):
        return
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield Skipped(file, f"contact {index}", "not a contact object")
            continue
        full, first, last = _names(item)
        handles = _contact_handles(item)
        if not handles and not full:
            yield Skipped(file, f"contact {index}", "contact with neither name nor phone")
            continue
        basis = item.get("user_id") or "\x1f".join((full or "", item.get("phone_number") or ""))
        yield ContactRecord(
            source_key="tg:contact:" + hashlib.sha1(str(basis).encode()).hexdigest(),
            name=full,
            given_name=first,
            family_name=last,
            handles=handles,
            connected_on=_when(item),
        )


def _chats(data: dict[str, Any]) -> list[Any] | None:
    if isinstance(data.get("messages"), list):
        return [data]
    found: list[Any] = []
    seen = False
    for key in ("chats", "left_chats"):
        block = data.get(key)
        if isinstance(block, dict) and isinstance(block.get("list"), list):
            found.extend(block["list"])
            seen = True
    if seen or "personal_information" in data or "contacts" in data:
        return found
    return None


def _chat(
    file: str, index: int, chat: dict[str, Any], me: Participant | None, options: ReadOptions
) -> Iterator[Record]:
    kind = str(chat.get("type") or "")
    title = chat.get("name")
    if kind in _NOT_PEOPLE:
        yield Skipped(file, f"chat {index}", _NOT_PEOPLE[kind])
        return
    messages = chat.get("messages")
    if not isinstance(messages, list):
        yield Skipped(file, f"chat {index}", "chat without a message list")
        return
    chat_id = chat.get("id")
    thread = f"telegram:{chat_id}" if chat_id is not None else f"telegram:{title or index}"
    members: dict[str, Participant] = {}
    if kind in _PERSONAL and chat_id is not None:
        members[f"telegram:user{chat_id}"] = _person(f"telegram:user{chat_id}", title)
    owner = me.handles[0].value if me is not None else None
    if me is not None and owner is not None:
        members.setdefault(owner, me)
    for msg in messages:
        if isinstance(msg, dict) and msg.get("type", "message") == "message":
            value = _handle(msg.get("from_id"), msg.get("from"))
            if value is not None and value not in members:
                members[value] = _person(value, msg.get("from"))
    group_size = 2 if kind in _PERSONAL else max(2, len(members))
    for pos, msg in enumerate(messages, start=1):
        where = f"chat {index} message {msg.get('id', pos) if isinstance(msg, dict) else pos}"
        if not isinstance(msg, dict):
            yield Skipped(file, where, "not a message object")
            continue
        if msg.get("type", "message") != "message":
            yield Skipped(file, where, "service message")
            continue
        when = _when(msg)
        if when is None:
            yield Skipped(file, where, "no readable date")
            continue
        value = _handle(msg.get("from_id"), msg.get("from"))
        if value is None:
            yield Skipped(file, where, "no sender (deleted account)")
            continue
        text = _flatten(msg.get("text"))
        direction: Direction | None = None
        if owner is not None:
            direction = "out" if value == owner else "in"
        if chat_id is not None and msg.get("id") is not None:
            key = f"tg:{chat_id}:{msg['id']}"
        else:
            basis = "\x1f".join(
                (str(title or ""), str(msg.get("date_unixtime") or msg.get("date")), value, text)
            )
            key = "tg:" + hashlib.sha1(basis.encode()).hexdigest()
        yield InteractionRecord(
            source_key=key,
            when=when,
            channel="chat",
            participants=tuple(p for v, p in members.items() if v != value),
            sender=members[value],
            direction=direction,
            group_size=group_size,
            thread=thread,
            subject=(" ".join(text.split())[:SNIPPET] or None) if options.content else None,
            bulk=kind in _BROADCAST,
        )
