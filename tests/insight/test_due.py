"""`tieline due`: who to contact this week, the reasons in words; a logged contact resets; snooze."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from tests.cli import tieline
from tests.insight.network import AS_OF, build, day
from tieline.insight.due import due
from tieline.services import decisions, logbook, people
from tieline.store import tables as t
from tieline.store.db import Store

WHEN = AS_OF.date().isoformat()


def _due(db_url: str) -> dict[str, dict[str, object]]:
    out = tieline(db_url, "due", "--as-of", WHEN, "--json")
    assert out.code == 0, out.err
    return {row["name"]: row for row in out.json()}


def test_a_logged_call_removes_a_person_from_due(db_url: str) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    before = _due(db_url)
    assert "Alan Turing" in before
    assert before["Alan Turing"]["reason"].startswith("you used to talk every ~")
    assert before["Alan Turing"]["channel"] == "email"
    assert before["Alan Turing"]["last_subject"] == "the quarterly plan"
    assert tieline(db_url, "log", "alan", "a long call", "--channel", "call", "--when", day(1)).code == 0
    assert "Alan Turing" not in _due(db_url)


def test_the_due_json_keys_exist_and_are_documented(db_url: str) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    rows = _due(db_url)
    text = (Path(__file__).resolve().parents[2] / "docs" / "insight.md").read_text(encoding="utf-8")
    for row in rows.values():
        for key in ("person_id", "name", "reason", "channel", "due_since"):
            assert key in row
        for key in row:
            assert f"`{key}`" in text, f"due --json key {key!r} is not documented"


def test_reasons_in_words_new_connection_owed_favour_birthday_job(store: Store) -> None:
    ids = build(store)
    logbook.log(store, f"#{ids['linus']}", "helped me move", kind="favor-received", when=day(10))
    people.edit(store, f"#{ids['grace']}", birthday=date(1906, AS_OF.month, AS_OF.day + 3))
    with store.write() as conn:
        for org, start in (
            ("Harbour Bank", date(2019, 1, 1)),
            ("Quarry Robotics", (AS_OF - timedelta(days=40)).date()),
        ):
            conn.execute(
                insert(t.positions).values(
                    account_id=store.account_id, person_id=ids["alan"], organization=org, start_date=start
                )
            )
    rows = {r["name"]: r for r in due(store, AS_OF, limit=None)}
    assert rows["Barbara Liskov"]["reason"].startswith("new connection (Boston chemistry conference) since")
    assert rows["Linus Torvalds"]["reason"].startswith("you owe them: helped me move")
    assert rows["Grace Hopper"]["reason"].startswith("birthday on ")
    assert "they changed jobs to Quarry Robotics in April" in [
        rows["Alan Turing"]["reason"],
        *rows["Alan Turing"]["also"],
    ]
    assert "Ada Lovelace" not in rows  # in touch every week


def test_silent_a_year_is_not_a_nag_unless_a_cadence_was_set(store: Store) -> None:
    ids = build(store)
    later = AS_OF + timedelta(days=400)
    assert "Alan Turing" not in {r["name"] for r in due(store, later, limit=None)}
    decisions.set_cadence(store, f"#{ids['alan']}", 30)
    rows = {r["name"]: r for r in due(store, later, limit=None)}
    assert rows["Alan Turing"]["reason"].startswith("you wanted to be in touch every 4 weeks; it has been")


def test_snooze_hides_and_done_logs_a_contact(db_url: str) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    assert tieline(db_url, "due", "snooze", "alan", "2w").code == 0
    assert "Alan Turing" not in _due(db_url)
    assert (
        tieline(db_url, "due", "done", "barbara", "coffee after the conference", "--when", day(2)).code == 0
    )
    shown = tieline(db_url, "people", "show", "barbara", "--json").json()
    assert shown["interactions"][0]["subject"] == "coffee after the conference"
    assert "Barbara Liskov" not in _due(db_url)
