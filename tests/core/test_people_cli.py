"""The manual core, driven through the real command on both backends."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.cli import tieline, tieline_process
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.store.suppressions import digest


def test_a_person_added_by_hand_is_listed_with_a_normalised_email(db_url: str) -> None:
    assert tieline(db_url, "people", "add", "Ada Lovelace", "--email", "ADA@Example.com").code == 0
    people = tieline(db_url, "people", "list", "--json").json()
    assert people == [
        {
            "id": people[0]["id"],
            "name": "Ada Lovelace",
            "handles": [{"kind": "email", "value": "ada@example.com"}],
            "organization": None,
            "title": None,
            "last_contact": None,
            "strength": None,
            "layer": None,
            "state": "unknown",
            "p_call": None,
        }
    ]


def test_a_logged_interaction_shows_in_the_persons_timeline(db_url: str) -> None:
    tieline(db_url, "people", "add", "Ada Lovelace", "--email", "ada@example.com")
    run = tieline(
        db_url, "log", "ada", "coffee at the conference", "--channel", "meeting", "--when", "2024-05-31"
    )
    assert run.code == 0, run.err
    shown = tieline(db_url, "people", "show", "ada", "--json").json()
    assert [(i["channel"], i["subject"], i["when"][:10]) for i in shown["interactions"]] == [
        ("meeting", "coffee at the conference", "2024-05-31")
    ]
    listed = tieline(db_url, "people", "list", "--json").json()
    assert listed[0]["last_contact"].startswith("2024-05-31")


def test_favours_are_logged_with_their_direction(db_url: str) -> None:
    tieline(db_url, "people", "add", "Grace Hopper")
    tieline(db_url, "log", "grace", "reviewed my talk", "--kind", "favor-received", "--channel", "email")
    tieline(db_url, "log", "grace", "introduced her to Ada", "--kind", "intro")
    shown = tieline(db_url, "people", "show", "grace", "--json").json()
    assert sorted((i["kind"], i["direction"]) for i in shown["interactions"]) == [
        ("favor-received", "in"),
        ("intro", "out"),
    ]


def test_people_list_shows_every_match_unless_limited(db_url: str) -> None:
    for i in range(60):
        tieline(db_url, "people", "add", f"Person {i:02d}")
    assert len(tieline(db_url, "people", "list", "--json").json()) == 60
    assert len(tieline(db_url, "people", "list", "--json", "--limit", "7").json()) == 7
    assert [p["name"] for p in tieline(db_url, "people", "list", "--json", "-q", "person 1").json()] == [
        f"Person 1{i}" for i in range(10)
    ]


def test_edit_records_what_only_the_user_knows(db_url: str) -> None:
    tieline(db_url, "people", "add", "Ada Lovelace")
    tieline(db_url, "people", "add", "Charles Babbage")
    run = tieline(
        db_url,
        "people",
        "edit",
        "ada",
        "--closeness",
        "5",
        "--would-take-call",
        "--relationship",
        "mentor",
        "--introduced-by",
        "charles",
        "--tag",
        "maths",
        "--note",
        "loves engines",
    )
    assert run.code == 0, run.err
    shown = tieline(db_url, "people", "show", "ada", "--json").json()
    assert (shown["closeness"], shown["would_take_call"], shown["relationship"], shown["introduced_by"]) == (
        5,
        True,
        "mentor",
        "Charles Babbage",
    )
    assert shown["tags"] == ["maths"] and shown["notes"] == ["loves engines"]


def test_merging_two_people_keeps_everything_and_can_be_undone(db_url: str) -> None:
    tieline(db_url, "people", "add", "Ada Lovelace", "--email", "ada@example.com")
    tieline(db_url, "people", "add", "A. Lovelace", "--phone", "+44 20 7946 0958")
    tieline(db_url, "log", "A. Lovelace", "phone call", "--channel", "call")
    assert tieline(db_url, "people", "merge", "Ada Lovelace", "A. Lovelace").code == 0
    people = tieline(db_url, "people", "list", "--json").json()
    assert len(people) == 1
    assert {h["value"] for h in people[0]["handles"]} == {"ada@example.com", "+442079460958"}
    assert len(tieline(db_url, "people", "show", "Ada Lovelace", "--json").json()["interactions"]) == 1
    assert tieline(db_url, "people", "unmerge").code == 0
    people = tieline(db_url, "people", "list", "--json").json()
    assert sorted(p["name"] for p in people) == ["A. Lovelace", "Ada Lovelace"]
    assert len(tieline(db_url, "people", "show", "A. Lovelace", "--json").json()["interactions"]) == 1


def test_forget_leaves_no_trace_of_the_person_in_any_table(db_url: str) -> None:
    tieline(
        db_url, "people", "add", "Ada Lovelace", "--email", "ada@example.com", "--org", "Analytical Engines"
    )
    tieline(db_url, "people", "add", "Grace Hopper", "--email", "grace@example.com")
    tieline(db_url, "people", "edit", "ada", "--tag", "maths", "--note", "secret")
    tieline(db_url, "log", "ada", "tea", "--channel", "in-person")
    tieline(db_url, "log", "grace", "lunch")
    assert tieline(db_url, "people", "forget", "ada", "--yes").code == 0
    store = Store(db_url)
    with store.read() as conn:
        for table in (t.people, t.handles, t.positions, t.notes, t.tags, t.participants, t.merge_candidates):
            rows = conn.execute(select(table)).mappings().all()
            assert not any("ada" in str(dict(r)).lower() or "maths" in str(dict(r)) for r in rows), table.name
        subjects = set(conn.execute(select(t.interactions.c.subject)).scalars())
        assert subjects == {"lunch"}
        suppressed = set(conn.execute(select(t.suppressions.c.value)).scalars())
        key = conn.execute(select(t.accounts.c.hash_key)).scalar_one()
        assert suppressed == {digest(key, "email", "ada@example.com")}  # a keyed hash, not the address
        assert conn.execute(select(func.count()).select_from(t.people)).scalar_one() == 1
    store.dispose()


def test_me_handles_are_normalised_and_listed(db_url: str) -> None:
    tieline(db_url, "me", "add", "Me@Example.com")
    tieline(db_url, "me", "add", "+44 20 7946 0000")
    assert tieline(db_url, "me", "show", "--json").json() == [
        {"kind": "email", "value": "me@example.com"},
        {"kind": "phone", "value": "+442079460000"},
    ]


def test_unknown_person_is_a_one_line_error(tmp_path: object) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    tieline(db, "people", "add", "Ada Lovelace")
    run = tieline_process(db, "people", "show", "nobody")
    assert run.code != 0
    assert run.err.strip() == "error: no person matches 'nobody'"
    assert "Traceback" not in run.err + run.out


def test_ambiguous_name_and_bad_date_are_one_line_errors(tmp_path: object) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    tieline(db, "people", "add", "Ada Lovelace")
    tieline(db, "people", "add", "Ada Byron")
    run = tieline_process(db, "log", "ada", "tea")
    assert (
        run.code != 0 and "matches more than one person" in run.err and len(run.err.strip().splitlines()) == 1
    )
    run = tieline_process(db, "log", "Ada Byron", "tea", "--when", "the thirty-second of May")
    assert run.code != 0 and "is not a date" in run.err and len(run.err.strip().splitlines()) == 1


def test_an_unreachable_database_is_a_one_line_error() -> None:
    run = tieline_process("postgresql+psycopg://nobody@127.0.0.1:9/none", "people", "list")
    assert run.code != 0
    assert run.err.startswith("error: cannot open the database") and len(run.err.strip().splitlines()) == 1
    assert "Traceback" not in run.err


def test_a_state_or_layer_that_does_not_exist_is_a_one_line_error_not_an_empty_list(tmp_path: object) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    tieline(db, "people", "add", "Ada Lovelace")
    run = tieline_process(db, "people", "list", "--state", "fadng")
    assert run.code == 1
    assert run.err.strip() == (
        "error: no state 'fadng': one of strong, stable, fading, dormant, new, unknown"
    )
    run = tieline_process(db, "people", "list", "--layer", "6")
    assert run.code == 1 and run.err.strip().startswith("error: no layer 6: 1 support")
    run = tieline_process(db, "people", "list", "--layer", "inner")
    assert run.code == 1 and run.err.strip().startswith("error: no layer 'inner': 1 support")
    assert tieline(db, "people", "list", "--state", "unknown", "--json").json()[0]["name"] == "Ada Lovelace"
