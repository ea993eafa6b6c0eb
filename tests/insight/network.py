"""A small network written through the public services, for the insight tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tieline.services import logbook, me, people
from tieline.store.db import Store

AS_OF = datetime(2025, 6, 1, tzinfo=UTC)


def day(n: int) -> str:
    """``n`` days before AS_OF, as the user types a date."""
    return (AS_OF - timedelta(days=n)).strftime("%Y-%m-%dT%H:%M")


def build(store: Store) -> dict[str, int]:
    """Ada and Grace close (weekly), Alan fading (weekly, silent 5 months), Linus a stranger,
    Barbara new at the conference with no follow-up; Grace and Alan at Northwind, Ada at Harbour."""
    me.add(store, "me@example.com")
    ids = {
        "ada": people.add(
            store, people.NewPerson("Ada Lovelace", ("ada@harbour.example",), organization="Harbour Bank")
        ),
        "grace": people.add(
            store,
            people.NewPerson(
                "Grace Hopper",
                ("grace@northwind.example",),
                organization="Northwind Labs",
                title="Analytical chemist",
            ),
        ),
        "alan": people.add(
            store, people.NewPerson("Alan Turing", ("alan@northwind.example",), organization="Northwind Labs")
        ),
        "linus": people.add(store, people.NewPerson("Linus Torvalds", ("linus@example.com",))),
        "barbara": people.add(
            store,
            people.NewPerson(
                "Barbara Liskov", ("barbara@example.com",), how_met="Boston chemistry conference"
            ),
        ),
    }
    for n in range(3, 400, 7):
        logbook.log(store, f"#{ids['ada']}", "coffee", channel="call", when=day(n))
        logbook.log(store, f"#{ids['grace']}", "lunch", channel="in-person", when=day(n + 2))
    for n in range(150, 500, 7):
        logbook.log(store, f"#{ids['alan']}", "the quarterly plan", channel="email", when=day(n))
    people.edit(store, f"#{ids['barbara']}", connected_on=AS_OF - timedelta(days=20))
    people.edit(store, f"#{ids['linus']}", connected_on=AS_OF - timedelta(days=900))
    logbook.log(store, f"#{ids['grace']}", "introduced me to Alan", kind="favor-received", when=day(30))
    return ids
