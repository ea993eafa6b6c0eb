"""Telegram Desktop JSON export (``result.json``): one chat, all chats, or the full account.

A full-account export names the owner (``personal_information``, emitted as a ContactRecord with
``is_me``) and the address book (``contacts.list``, with phone numbers). Chats become one
InteractionRecord per message of type "message"; service messages (joins, pins, calls set-up)
are Skipped, and so are "saved messages" and bot chats. Channels are broadcasts: their posts are
marked ``bulk``. When the owner is known, each message carries its direction.

The export is read in two streaming passes (``jsonstream``), so its size does not matter: the
first checks the whole document and learns what every message needs from elsewhere in the file (the
owner, each chat's type and members, in whatever order the keys come); the second yields the records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
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
from tieline.sources import jsonstream, keys
from tieline.sources.base import head_text
from tieline.sources.times import from_unix

NAME = "telegram"

SNIPPET = 140
_BROADCAST = {"public_channel", "private_channel", "channel"}
_NOT_PEOPLE = {"saved_messages": "saved messages (notes to self)", "bot_chat": "bot chat"}
_PERSONAL = {"personal_chat", "private_chat"}
_LISTS = ("chats", "left_chats")


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
            return from_unix(int(unix), "s")
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


@dataclass
class _Chat:
    """What the first pass learns about one chat, needed before its first message."""

    fields: dict[str, Any] = field(default_factory=dict)  # "type", "name" and "id", as written
    listed: bool = False  # its "messages" is a list
    senders: dict[str, Any] = field(default_factory=dict)  # handle -> name, in order of first message


@dataclass
class _Export:
    """What the first pass learns about the whole file."""

    keys: list[str] = field(default_factory=list)  # the top-level keys, in file order
    me: Any = None
    top: _Chat = field(default_factory=_Chat)  # the document itself, for a one-chat export
    lists: dict[str, list[_Chat | None]] = field(default_factory=dict)  # "chats"/"left_chats"


@dataclass
class _Thread:
    """One chat as its messages need it."""

    index: int
    kind: str
    chat_id: Any
    title: Any
    members: dict[str, Participant]
    group_size: int
    name: str
    owner: str | None


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """The owner and contacts (full export) as ContactRecords, then every chat's messages."""
    return keys.repeats_apart(_read(path, options))


def _read(path: Path, options: ReadOptions) -> Iterator[Record]:
    file = str(path)
    try:
        with jsonstream.open_json(path) as cursor:
            export = _scan(cursor)
        if export is None:
            raise SourceError(str(path), None, "not a Telegram export (no top-level object)")
        chats = ["messages"] if export.top.listed else [k for k in _LISTS if k in export.lists]
        if not chats and "personal_information" not in export.keys and "contacts" not in export.keys:
            raise SourceError(str(path), None, "not a Telegram export (no messages, chats or contacts)")
        owner: Participant | None = None
        me = export.me
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
        sections = (["contacts"] if "contacts" in export.keys else []) + chats
        # One pass yields them all when the file has them in the order they are yielded (as Telegram
        # writes it); otherwise one pass per section.
        in_order = sorted(sections, key=export.keys.index) == sections
        for part in [sections] if in_order else [[s] for s in sections]:
            with jsonstream.open_json(path, counted=True) as cursor:
                yield from _records(file, cursor, export, set(part), owner, options)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), None, f"cannot read the file ({exc})") from None


def _scan(cursor: jsonstream.Cursor) -> _Export | None:
    """The first pass: checks the whole document and keeps the owner and each chat's members."""
    if cursor.peek() != "{":
        cursor.skip()
        cursor.finish()
        return None
    export = _Export()
    for key in cursor.members():
        export.keys.append(key)
        if key == "personal_information":
            export.me = cursor.value()
        elif key in _LISTS and cursor.peek() == "{":
            for sub in cursor.members():
                if sub == "list" and cursor.peek() == "[":
                    chats = export.lists[key] = []
                    for _ in cursor.items():
                        chats.append(_scan_chat(cursor))
        elif key not in _LISTS:
            _scan_field(cursor, export.top, key)
    cursor.finish()
    return export


def _scan_chat(cursor: jsonstream.Cursor) -> _Chat | None:
    if cursor.peek() != "{":
        cursor.skip()
        return None
    chat = _Chat()
    for key in cursor.members():
        _scan_field(cursor, chat, key)
    return chat


def _scan_field(cursor: jsonstream.Cursor, chat: _Chat, key: str) -> None:
    if key in ("type", "name", "id"):
        chat.fields[key] = cursor.value()
    elif key == "messages":
        chat.listed = cursor.peek() == "["
        if not chat.listed:
            return
        for _ in cursor.items():
            msg = cursor.value()
            if isinstance(msg, dict) and msg.get("type", "message") == "message":
                value = _handle(msg.get("from_id"), msg.get("from"))
                if value is not None and value not in chat.senders:
                    chat.senders[value] = msg.get("from")


def _records(
    file: str,
    cursor: jsonstream.Cursor,
    export: _Export,
    sections: set[str],
    me: Participant | None,
    options: ReadOptions,
) -> Iterator[Record]:
    """The second pass: the records of the given top-level sections, in file order."""
    for key in cursor.members():
        if key not in sections:
            continue
        if key == "contacts":
            yield from _contacts(file, cursor, _personal_chats(export))
        elif key == "messages":
            reason = _unread(export.top)
            if reason:
                yield Skipped(file, "chat 1", reason)
            else:
                yield from _chat(file, 1, export.top, cursor, me, options)
            return
        else:
            offset = len(export.lists["chats"]) if key == "left_chats" and "chats" in export.lists else 0
            for sub in cursor.members():
                if sub == "list" and cursor.peek() == "[":
                    for i in cursor.items():
                        chat = export.lists[key][i]
                        reason = "not a chat object" if chat is None else _unread(chat)
                        if chat is None or reason:
                            yield Skipped(file, f"chat {offset + i + 1}", reason)
                            continue
                        for name in cursor.members():
                            if name == "messages":
                                yield from _chat(file, offset + i + 1, chat, cursor, me, options)


def _unread(chat: _Chat) -> str:
    """Why a chat gives no messages ("" when it does)."""
    kind = str(chat.fields.get("type") or "")
    if kind in _NOT_PEOPLE:
        return _NOT_PEOPLE[kind]
    return "" if chat.listed else "chat without a message list"


def _chat(
    file: str,
    index: int,
    chat: _Chat,
    cursor: jsonstream.Cursor,
    me: Participant | None,
    options: ReadOptions,
) -> Iterator[Record]:
    """The records of one chat's messages, read from the list at the cursor."""
    kind = str(chat.fields.get("type") or "")
    if cursor.peek() != "[":
        return  # the chat's other "messages" key (json.load keeps the last one)
    title = chat.fields.get("name")
    chat_id = chat.fields.get("id")
    members: dict[str, Participant] = {}
    if kind in _PERSONAL and chat_id is not None:
        members[f"telegram:user{chat_id}"] = _person(f"telegram:user{chat_id}", title)
    owner = me.handles[0].value if me is not None else None
    if me is not None and owner is not None:
        members.setdefault(owner, me)
    for value, name in chat.senders.items():
        if value not in members:
            members[value] = _person(value, name)
    thread = _Thread(
        index=index,
        kind=kind,
        chat_id=chat_id,
        title=title,
        members=members,
        group_size=2 if kind in _PERSONAL else max(2, len(members)),
        name=f"telegram:{chat_id}" if chat_id is not None else f"telegram:{title or index}",
        owner=owner,
    )
    for pos in cursor.items():
        yield _message(file, pos + 1, cursor.value(), thread, options)


def _message(file: str, pos: int, msg: Any, thread: _Thread, options: ReadOptions) -> Record:
    where = f"chat {thread.index} message {msg.get('id', pos) if isinstance(msg, dict) else pos}"
    if not isinstance(msg, dict):
        return Skipped(file, where, "not a message object")
    if msg.get("type", "message") != "message":
        return Skipped(file, where, "service message")
    when = _when(msg)
    if when is None:
        return Skipped(file, where, "no readable date")
    value = _handle(msg.get("from_id"), msg.get("from"))
    if value is None:
        return Skipped(file, where, "no sender (deleted account)")
    # newer exports may carry only the formatted pieces (text_entities), not "text"
    text = _flatten(msg.get("text")) or _flatten(msg.get("text_entities"))
    direction: Direction | None = None
    if thread.owner is not None:
        direction = "out" if value == thread.owner else "in"
    if thread.chat_id is not None and msg.get("id") is not None:
        key = f"tg:{thread.chat_id}:{msg['id']}"
    else:
        basis = "\x1f".join(
            (str(thread.title or ""), str(msg.get("date_unixtime") or msg.get("date")), value, text)
        )
        key = keys.key("tg:", basis)
    return InteractionRecord(
        source_key=key,
        when=when,
        channel="chat",
        participants=tuple(p for v, p in thread.members.items() if v != value),
        sender=thread.members[value],
        direction=direction,
        group_size=thread.group_size,
        thread=thread.name,
        subject=(" ".join(text.split())[:SNIPPET] or None) if options.content else None,
        bulk=thread.kind in _BROADCAST,
    )


def _personal_chats(export: _Export) -> dict[str, str]:
    """A personal chat is named as the owner saved the contact: name -> the account's id, where one name is one chat."""
    seen: dict[str, list[str]] = {}
    for chat in export.lists.get("chats", []):
        if chat is None or str(chat.fields.get("type") or "") not in _PERSONAL:
            continue
        name, chat_id = chat.fields.get("name"), chat.fields.get("id")
        if isinstance(name, str) and name.strip() and chat_id is not None:
            seen.setdefault(" ".join(name.split()).casefold(), []).append(f"telegram:user{chat_id}")
    return {name: ids[0] for name, ids in seen.items() if len(set(ids)) == 1}


def _contacts(file: str, cursor: jsonstream.Cursor, chats: dict[str, str]) -> Iterator[Record]:
    if cursor.peek() != "{":
        return
    for key in cursor.members():
        if key != "list" or cursor.peek() != "[":
            continue
        for index in cursor.items():
            yield _contact(file, index + 1, cursor.value(), chats)


def _contact(file: str, index: int, item: Any, chats: dict[str, str]) -> Record:
    if not isinstance(item, dict):
        return Skipped(file, f"contact {index}", "not a contact object")
    full, first, last = _names(item)
    handles = _contact_handles(item)
    account = chats.get(" ".join((full or "").split()).casefold())
    if account is not None and item.get("user_id") is None:
        # The export links the saved contact and the chat with it by the name; one person, not two.
        handles = (*handles, Handle("chat", account))
    if not handles and not full:
        return Skipped(file, f"contact {index}", "contact with neither name nor phone")
    basis = item.get("user_id") or "\x1f".join((full or "", item.get("phone_number") or ""))
    return ContactRecord(
        source_key=keys.key("tg:contact:", str(basis)),
        name=full,
        given_name=first,
        family_name=last,
        handles=handles,
        connected_on=_when(item),
    )
