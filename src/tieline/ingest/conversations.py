"""Group conversations, stored once: the conversation and its members, found or written as messages come.

A message of a group (a group chat, a group SMS thread) keeps only its sender as a participant; who
else was there is the conversation's membership. Members are handles, so a merge, a promotion to a
person or a forget carries the membership along with the handle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, insert, select

from tieline.ingest.context import Context
from tieline.records import InteractionRecord
from tieline.store import tables as t

# Channels whose threads are conversations with a standing membership. Mail is not among them: each
# e-mail names its own recipients, so they stay the message's participants.
GROUP_CHANNELS = frozenset({"chat", "sms", "social"})


def is_group(rec: InteractionRecord) -> bool:
    """A message of a group conversation: a thread, more than two people, a chat-like channel."""
    return bool(rec.thread) and rec.group_size > 2 and rec.channel in GROUP_CHANNELS


class Conversations:
    """The conversations one chunk writes to. Forgotten after every chunk (:meth:`clear`), so a chunk
    taken back never leaves an id behind that no longer exists."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._ids: dict[str, int] = {}
        self._members: dict[int, set[int]] = {}

    def clear(self) -> None:
        self._ids.clear()
        self._members.clear()

    def find_or_add(self, key: str, channel: str) -> int:
        key = key[:300]
        found = self._ids.get(key)
        if found is not None:
            return found
        ctx, c, m = self.ctx, t.conversations, t.conversation_members
        cid = ctx.conn.execute(
            select(c.c.id).where(and_(c.c.account_id == ctx.account_id, c.c.key == key))
        ).scalar()
        if cid is None:
            cid = ctx.conn.execute(
                insert(c)
                .values(account_id=ctx.account_id, key=key, channel=channel, batch_id=ctx.batch_id)
                .returning(c.c.id)
            ).scalar_one()
            members: set[int] = set()
        else:
            members = set(ctx.conn.execute(select(m.c.handle_id).where(m.c.conversation_id == cid)).scalars())
        self._ids[key] = int(cid)
        self._members[int(cid)] = members
        return int(cid)

    def add_members(self, cid: int, handle_ids: list[int], when: datetime) -> None:
        known = self._members[cid]
        new = [hid for hid in dict.fromkeys(handle_ids) if hid not in known]
        if not new:
            return
        self.ctx.conn.execute(
            insert(t.conversation_members),
            [
                {
                    "account_id": self.ctx.account_id,
                    "conversation_id": cid,
                    "handle_id": hid,
                    "joined_at": when,
                    "batch_id": self.ctx.batch_id,
                }
                for hid in new
            ],
        )
        known.update(new)
