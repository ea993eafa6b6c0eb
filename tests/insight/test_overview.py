"""`health` and `due` for the present read the database (aggregates, index ranges, the top scores) instead
of every tie: they give exactly what the whole picture of the cached scores gives, and no hot query walks
all of an account's people, scores or summaries except through a covering index."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert

from tieline.insight import due as due_module
from tieline.insight import health as health_module
from tieline.insight import overview
from tieline.insight.ties import picture
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store


def lively(store: Store, n: int = 90, events: int = 4000, seed: int = 7) -> None:
    """A network dated around today: weekly ties and faded ones, favours, job changes, new connections,
    birthdays, cadences, notes and how-we-met, archived people, one connected in the future, and a group
    chat with members who never wrote. Written in bulk, then marked as any writer marks what it wrote."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    a = store.account_id
    with store.write() as conn:
        people = []
        for i in range(n):
            person: dict[str, Any] = {
                "id": i + 1,
                "account_id": a,
                "name": f"Person {i:03d}",
                "created_at": now - timedelta(days=900),
                "updated_at": now - timedelta(days=900),
                "connected_on": now - timedelta(days=rng.uniform(1, 2000)) if i % 5 else None,
            }
            if i % 17 == 3:
                person["archived_at"] = now - timedelta(days=rng.uniform(1, 100))
            if i == 11:
                person["connected_on"] = now + timedelta(days=30)
            if i % 13 == 5:
                person["how_met"] = "a conference"
            if i % 11 == 2:
                person["every_days"] = rng.choice((14, 30, 90))
            if i % 19 == 4:
                day = now.date() + timedelta(days=rng.randint(0, 6))
                person["birthday"] = date(1980, day.month, min(day.day, 28))
            if i % 23 == 7:
                person["would_take_call"] = bool(i % 2)
            people.append(person)
        conn.execute(insert(t.people), people)
        conn.execute(
            insert(t.handles),
            [
                {
                    "id": i + 1,
                    "account_id": a,
                    "person_id": i + 1,
                    "kind": "email",
                    "value": f"p{i}@x.example",
                }
                for i in range(n)
            ],
        )
        conn.execute(
            insert(t.notes),
            [
                {"account_id": a, "person_id": i + 1, "body": "met at the lab", "created_at": now}
                for i in range(0, n, 29)
            ],
        )
        positions = []
        for i in range(0, n, 3):
            positions.append(
                {
                    "account_id": a,
                    "person_id": i + 1,
                    "organization": f"Org {i % 4}",
                    "start_date": date(2018, 1, 1),
                }
            )
            if i % 2:
                positions[-1]["end_date"] = (now - timedelta(days=50)).date()
                positions.append(
                    {
                        "account_id": a,
                        "person_id": i + 1,
                        "organization": f"Org {i % 7}",
                        "title": "Director",
                        "start_date": (now - timedelta(days=rng.randint(5, 200))).date(),
                    }
                )
        conn.execute(insert(t.positions), positions)
        conv = conn.execute(
            insert(t.conversations)
            .values(account_id=a, key="group:1", channel="chat")
            .returning(t.conversations.c.id)
        ).scalar_one()
        members = [*range(60, 66), *range(80, 86)]  # 60..65 write, 80..85 only read
        conn.execute(
            insert(t.conversation_members),
            [
                {
                    "account_id": a,
                    "conversation_id": conv,
                    "handle_id": h + 1,
                    "joined_at": now - timedelta(days=400),
                }
                for h in members
            ],
        )
        rows, parts = [], []
        weights = [1.0 / (k + 1) ** 0.8 for k in range(75)]  # 75..89 never in touch
        who = rng.choices(range(75), weights=weights, k=events)
        for j in range(events):
            pid = who[j]
            span = 40 if pid % 4 == 0 else 700  # some ties in touch lately, the others long silent
            when = now - timedelta(days=rng.uniform(1, span) if pid % 4 == 0 else rng.uniform(60, span))
            kind = rng.choices(
                ("conversation", "favor-given", "favor-received", "tidbit"), (0.94, 0.02, 0.03, 0.01)
            )[0]
            group = pid in members[:6] and j % 3 == 0
            rows.append(
                {
                    "id": j + 1,
                    "account_id": a,
                    "happened_at": when,
                    "channel": "chat" if group else rng.choice(("email", "call", "sms")),
                    "direction": "in" if kind == "favor-received" or group else rng.choice(("out", "in")),
                    "kind": "conversation" if group else kind,
                    "group_size": len(members) + 1 if group else 2,
                    "subject": rng.choice(("Lunch?", "The plan", None)),
                    "bulk": False,
                    "source_key": f"t:{j}",
                    "conversation_id": conv if group else None,
                }
            )
            parts.append(
                {
                    "account_id": a,
                    "interaction_id": j + 1,
                    "handle_id": pid + 1,
                    "person_id": pid + 1,
                    "role": "sender",
                }
            )
        for k in range(200):  # the owner's messages in the group
            rows.append(
                {
                    "id": events + k + 1,
                    "account_id": a,
                    "happened_at": now - timedelta(days=rng.uniform(1, 300)),
                    "channel": "chat",
                    "direction": "out",
                    "kind": "conversation",
                    "group_size": len(members) + 1,
                    "subject": None,
                    "bulk": False,
                    "source_key": f"g:{k}",
                    "conversation_id": conv,
                }
            )
        conn.execute(insert(t.interactions), rows)
        conn.execute(insert(t.participants), parts)
        stale.mark(conn, a, everyone=True)


def _from_picture(store: Store) -> dict[str, Any]:
    return health_module.report(store, overview.of_picture(picture(store)))


def _due_of_everyone(store: Store) -> list[dict[str, Any]]:
    """Every tie of the cached picture weighed, no search cut short: what `due` must find first."""
    pic = picture(store)
    now = pic.as_of
    with store.read() as conn:
        owed = due_module._owed(conn, store.account_id, now)
        jobs = due_module._job_changes(conn, store.account_id, now)
    found: list[due_module.Due] = []
    due_module._weigh(store, pic, pic.ids.tolist(), now, owed, jobs, found)
    usual = {
        int(pid)
        for pid, layer, state in zip(pic.ids, pic.layer, pic.state, strict=True)
        if 1 <= layer <= 4 or state == "fading"
    }
    special = set(owed) | set(jobs) | set(due_module._chosen(store.engine.connect(), store.account_id, now))
    kept = [d for d in found if d.tie.person.id in usual or d.tie.person.id in special]
    return due_module._shown(store, kept, None)


def _without_moments(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["person_id"], r["kind"], r["channel"], r["p_call"], r["last_subject"]) for r in rows]


def test_the_present_health_from_the_database_is_the_cached_pictures(store: Store) -> None:
    lively(store)
    fast = health_module.health(store)
    whole = _from_picture(store)
    assert fast["never_touched"] > 0 and fast["taking"] > 0 and fast["freshness"]["inner_ties"] > 0
    assert {k: v for k, v in fast.items() if k != "as_of"} == {k: v for k, v in whole.items() if k != "as_of"}


def test_the_present_due_list_is_the_best_of_every_tie_weighed(store: Store) -> None:
    lively(store)
    everyone = _due_of_everyone(store)
    assert len(everyone) > 12
    words = " ".join(w for r in everyone for w in [r["reason"], *r["also"]])
    assert all(w in words for w in ("you used to talk", "changed jobs", "you owe them"))
    for limit in (1, 5, 12, None):
        shown = due_module.due(store, limit=limit)
        assert _without_moments(shown) == _without_moments(everyone[:limit] if limit else everyone)


@pytest.mark.parametrize("command", ["health", "due"])
def test_the_present_reads_walk_no_accounts_rows_but_through_a_covering_index(
    tmp_path: Any, command: str
) -> None:
    store = Store(str(tmp_path / "x.db"))
    lively(store)
    run = {"health": lambda: health_module.health(store), "due": lambda: due_module.due(store)}[command]
    run()  # the catch-up and the snapshot health compares with, once a day or after a change
    captured: list[tuple[str, Any]] = []

    def keep(_c: object, _cur: object, statement: str, params: Any, *_a: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", keep)
    run()
    event.remove(store.engine, "before_cursor_execute", keep)
    walks = []
    with store.read() as conn:
        for statement, params in captured:
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all():
                detail = str(row[-1])
                table = detail.split()[1] if len(detail.split()) > 1 else ""
                if table not in (
                    "people",
                    "tie_scores",
                    "tie_summaries",
                    "interactions",
                    "participants",
                    "handles",
                ):
                    continue
                whole = detail.endswith("(account_id=?)") or (
                    detail.startswith("SCAN") and "COVERING" not in detail
                )
                if whole and "COVERING INDEX" not in detail:
                    walks.append((" ".join(statement.split())[:120], detail))
    store.dispose()
    assert walks == [], "\n".join(map(str, walks))
