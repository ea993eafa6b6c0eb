"""`tieline log`: what happened with someone, in one line — a conversation, a favour, a tidbit, an intro."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from dateutil import parser as dateparser
from sqlalchemy import and_, insert, select

from tieline.errors import TielineError
from tieline.services.lookup import find_person
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store

KINDS = ("conversation", "favor-given", "favor-received", "tidbit", "intro")
FAVOURS = ("favor-given", "favor-received", "tidbit", "intro")  # what was given and taken, not talk
CHANNELS = ("in-person", "meeting", "call", "email", "sms", "chat", "letter", "social", "note")
DIRECTION = {
    "favor-given": "out",
    "tidbit": "out",
    "intro": "out",
    "favor-received": "in",
    "conversation": "both",
}


def parse_when(text: str | None) -> datetime:
    """A date or date-time as a user types it; naive means UTC."""
    if not text:
        return datetime.now(UTC)
    try:
        value: datetime = (
            dateparser.isoparse(text) if text[:4].isdigit() else dateparser.parse(text, dayfirst=False)
        )
    except (ValueError, OverflowError):
        raise TielineError(f"{text!r} is not a date (try 2024-05-31 or 2024-05-31T14:00)") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def log(
    store: Store,
    ref: str,
    what: str,
    channel: str = "in-person",
    kind: str = "conversation",
    when: str | None = None,
) -> int:
    if kind not in KINDS:
        raise TielineError(f"kind must be one of {', '.join(KINDS)}")
    if channel not in CHANNELS:
        raise TielineError(f"channel must be one of {', '.join(CHANNELS)}")
    if not what.strip():
        raise TielineError('say what happened, e.g. tieline log ada "coffee at the conference"')
    happened = parse_when(when)
    if happened > datetime.now(UTC) + timedelta(minutes=5):
        raise TielineError(
            f"{when} is in the future: log what has happened (to plan a contact, `tieline people edit P --every 30d`)"
        )
    with store.write() as conn:
        pid = find_person(conn, store.account_id, ref)
        iid = int(
            conn.execute(
                insert(t.interactions)
                .values(
                    account_id=store.account_id,
                    happened_at=happened,
                    channel=channel,
                    direction=DIRECTION[kind],
                    kind=kind,
                    group_size=2,
                    subject=what[:300],
                    bulk=False,
                    source_key=f"manual:{uuid.uuid4()}",
                )
                .returning(t.interactions.c.id)
            ).scalar_one()
        )
        h = t.handles
        hid = conn.execute(
            select(h.c.id).where(and_(h.c.person_id == pid)).order_by(h.c.id).limit(1)
        ).scalar()
        conn.execute(
            insert(t.participants).values(
                account_id=store.account_id,
                interaction_id=iid,
                handle_id=hid,
                person_id=pid,
                role="recipient",
                happened_at=happened,
            )
        )
        stale.mark(conn, store.account_id, [pid])
    from tieline.services.catchup import catch_up

    catch_up(store)  # a logged contact changes that tie today, as an import would
    return iid


def favours(store: Store, ref: str, limit: int = 20) -> list[dict[str, Any]]:
    """The favours, tidbits and introductions between the user and this person, newest first."""
    from tieline.services.people import timeline_of

    with store.read() as conn:
        return timeline_of(conn, find_person(conn, store.account_id, ref), limit, kinds=FAVOURS)
