"""The small frozen records that flow from sources/ to ingest/.

Sources only ever produce these; they never touch the database. Every record carries a
``source_key`` that is stable across re-reads of the same file, which is what makes a
re-import change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

HandleKind = Literal["email", "phone", "url", "linkedin", "chat"]
"""email, phone (any format; ingest makes it E.164), url (a profile URL), linkedin
(a LinkedIn profile URL), chat (an id on a chat service, written ``service:id``)."""

Channel = Literal["email", "meeting", "call", "sms", "chat", "letter", "social", "in-person", "note"]
Direction = Literal["out", "in", "both"]
InteractionKind = Literal[
    "conversation", "favor-given", "favor-received", "tidbit", "intro", "endorsement", "recommendation"
]


@dataclass(frozen=True, slots=True)
class Handle:
    """A way to reach or identify a person, as written in the source (ingest normalises it)."""

    kind: HandleKind
    value: str
    label: str | None = None  # "work", "mobile", "iPhone", ...
    country: str | None = None  # where the source places a phone number written without a country code


@dataclass(frozen=True, slots=True)
class Position:
    """A job: organisation and title, with dates when the source gives them."""

    organization: str
    title: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One person as one source describes them."""

    source_key: str
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    handles: tuple[Handle, ...] = ()
    positions: tuple[Position, ...] = ()
    notes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    birthday: date | None = None
    connected_on: datetime | None = None  # the date the tie began (LinkedIn "Connected On", FB friendship)
    how_met: str | None = None  # e.g. a LinkedIn invitation message
    photo_ref: str | None = None  # a reference (file/URL/hash), never the bytes
    is_me: bool = False  # the owner's own profile (LinkedIn Profile.csv, a "me" card)


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone who took part in an interaction, known by handles and/or a display name."""

    handles: tuple[Handle, ...] = ()
    name: str | None = None
    declined: bool = False  # calendar attendee who declined


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """One dated contact: an email, a message, a call, a meeting, a logged favour...

    ``sender`` is who started it when the source says so; ``participants`` are all the
    other parties (recipients, attendees, the other side of a call). ``direction`` is set
    by sources that know it without knowing the owner (SMS type, call log, ``initiator``);
    otherwise ingest derives it from ``sender`` and the owner's handles.
    """

    source_key: str
    when: datetime  # timezone-aware, UTC
    channel: Channel
    participants: tuple[Participant, ...]
    sender: Participant | None = None
    direction: Direction | None = None
    kind: InteractionKind = "conversation"
    group_size: int = 2  # everyone involved, the owner included
    duration_s: int | None = None
    thread: str | None = None
    in_reply_to: str | None = None
    subject: str | None = None  # short subject or snippet; dropped with --no-content
    bulk: bool = False  # mailing list / newsletter / automated: evidence of nothing personal


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record a source passed over on purpose or could not read, with the reason (counted, not fatal)."""

    file: str
    record: str
    reason: str


Record = ContactRecord | InteractionRecord | Skipped


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What a user can tell a reader."""

    default_region: str | None = None  # for phone numbers without a country code
    day_first: bool | None = None  # chat exports whose dates are ambiguous
    content: bool = True  # keep subjects/snippets
    extra: dict[str, str] = field(default_factory=dict)
