"""A past headline (health's first of the month at least 90 days back, the trend's months) is kept and computed again only when
something written since touches its moment: a write dated after it keeps it, a backdated one, a change of
what the user said, an archival by then or a new connection from before it computes it again, and the
figure kept is always the one a computation from scratch gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from tests.insight.network import AS_OF, build, day
from tieline.insight import headline as hl
from tieline.insight.ties import pictures
from tieline.services import decisions, logbook, merge, people
from tieline.store import tables as t
from tieline.store.db import Store

THEN = hl.day_start(AS_OF - timedelta(days=60))


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many past pictures were scored from the history, call by call."""
    calls: list[int] = []
    real = hl.pictures

    def counting(store: Store, moments: list[Any]) -> Any:
        calls.append(len(moments))
        return real(store, moments)

    monkeypatch.setattr(hl, "pictures", counting)
    return calls


def _from_scratch(store: Store) -> dict[str, Any]:
    return hl.headline(pictures(store, [THEN])[0])


def _after(store: Store, computed: list[int], write: Callable[[], object]) -> bool:
    """Whether the kept headline was computed again after ``write``; it equals a fresh one either way."""
    assert hl.headline_at(store, THEN) == _from_scratch(store)
    computed.clear()
    write()
    again = hl.headline_at(store, THEN)
    assert again == _from_scratch(store)
    recomputed = bool(computed)
    computed.clear()
    assert hl.headline_at(store, THEN) == again and not computed  # and the next read checks nothing
    return recomputed


def test_a_contact_logged_after_the_moment_keeps_the_figure(store: Store, computed: list[int]) -> None:
    ids = build(store)
    assert not _after(store, computed, lambda: logbook.log(store, f"#{ids['alan']}", "call", when=day(3)))


def test_a_backdated_contact_computes_it_again(store: Store, computed: list[int]) -> None:
    ids = build(store)
    assert _after(store, computed, lambda: logbook.log(store, f"#{ids['linus']}", "lunch", when=day(200)))


def test_a_first_contact_after_it_takes_out_someone_known_by_no_date(
    store: Store, computed: list[int]
) -> None:
    """Someone with no connection date and never in touch counts from when they were added; their first
    contact, however late, is when they join the network instead."""
    build(store)
    late = people.add(store, people.NewPerson("Edsger Dijkstra", ("edsger@example.com",)))
    with store.write() as conn:  # added long ago (an address book imported two years before)
        conn.execute(
            update(t.people).where(t.people.c.id == late).values(created_at=AS_OF - timedelta(days=700))
        )
    assert _after(store, computed, lambda: logbook.log(store, f"#{late}", "hello", when=day(2)))


def test_what_the_user_said_computes_it_again_and_a_snooze_does_not(
    store: Store, computed: list[int]
) -> None:
    ids = build(store)
    assert not _after(store, computed, lambda: decisions.snooze(store, f"#{ids['alan']}", 14))
    assert _after(store, computed, lambda: people.edit(store, f"#{ids['alan']}", would_take_call=True))


def test_an_archival_counts_from_its_moment(store: Store, computed: list[int]) -> None:
    ids = build(store)
    assert not _after(store, computed, lambda: decisions.archive(store, f"#{ids['ada']}"))
    assert _after(
        store,
        computed,
        lambda: people.edit(store, f"#{ids['grace']}", archived_at=AS_OF - timedelta(days=90)),
    )


def test_a_new_person_counts_from_when_they_were_connected(store: Store, computed: list[int]) -> None:
    build(store)
    assert not _after(
        store, computed, lambda: people.add(store, people.NewPerson("Niklaus Wirth", ("nw@example.com",)))
    )
    assert _after(
        store,
        computed,
        lambda: people.edit(
            store,
            f"#{people.add(store, people.NewPerson('Donald Knuth', ('dk@example.com',)))}",
            connected_on=AS_OF - timedelta(days=300),
        ),
    )


def test_a_merge_computes_it_again(store: Store, computed: list[int]) -> None:
    ids = build(store)
    assert _after(store, computed, lambda: merge.merge(store, f"#{ids['ada']}", f"#{ids['linus']}"))
