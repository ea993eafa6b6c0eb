"""Re-importing contacts whose people are stored: only what changed is written, and undo takes it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.cli import tieline
from tests.ingest.snapshot import snapshot
from tieline.store import tables as t
from tieline.store.db import Store

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
PEOPLE = 2500  # more than one chunk and more than one commit
CHANGED = (0, 999, 1000, 1001, 1999, 2000, 2499)  # either side of the chunk and commit boundaries


def _connections(path: Path, changed: tuple[int, ...] = ()) -> Path:
    rows = []
    for i in range(PEOPLE):
        company, title, email = ("Acme", "Engineer", "")
        if i in changed:
            company, title, email = ("Globex Research", "Director", f"p{i}@globex.example")
        url = f"https://www.linkedin.com/in/person-{i:05d}"
        rows.append(f"Given{i % 7},Family{i},{url},{email},{company},{title},0{1 + i % 9} Mar 2024\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _rows(store: Store, table: Any, *where: Any) -> list[Any]:
    with store.read() as conn:
        return list(conn.execute(select(table).where(*where).order_by(table.c.id)))


def _person_ids(store: Store) -> dict[str, int]:
    """Profile number -> person id, from the LinkedIn handles."""
    h = t.handles
    return {row.value.rsplit("-", 1)[1]: row.person_id for row in _rows(store, h, h.c.kind == "linkedin")}


def test_a_newer_export_where_a_few_people_changed_updates_exactly_those_and_undo_restores_them(
    db_url: str, tmp_path: Path
) -> None:
    first = _connections(tmp_path / "2024" / "Connections.csv")
    later = _connections(tmp_path / "2025" / "Connections.csv", CHANGED)
    assert tieline(db_url, "import", str(first), "--json").json()["people_created"] == PEOPLE
    store = Store(db_url)
    try:
        before = snapshot(store)
        result = tieline(db_url, "import", str(later), "--json").json()
        assert result["people_created"] == 0
        assert result["people_updated"] == len(CHANGED)
        assert result["unchanged"] == PEOPLE - len(CHANGED)
        assert result["handles_added"] == len(CHANGED)
        batch = result["batch"]

        ids = _person_ids(store)
        moved = {ids[f"{i:05d}"] for i in CHANGED}
        pos = t.positions
        written = _rows(store, pos, pos.c.batch_id == batch)
        assert {r.person_id for r in written} == moved
        assert {(r.organization, r.title, r.end_date, r.source_file) for r in written} == {
            ("Globex Research", "Director", None, str(later))
        }
        ended = _rows(store, pos, pos.c.end_date.is_not(None))
        assert {r.person_id for r in ended} == moved
        assert {r.organization for r in ended} == {"Acme"}
        h = t.handles
        emails = _rows(store, h, h.c.batch_id == batch)
        assert {(r.person_id, r.kind, r.source_file) for r in emails} == {
            (pid, "email", str(later)) for pid in moved
        }
        # The one thing undo needs: each ended job as it was. Nothing about the people left alone.
        ch = t.changes
        logged = _rows(store, ch, ch.c.batch_id == batch)
        assert sorted((r.table_name, r.row_id, r.op) for r in logged) == sorted(
            ("positions", r.id, "update") for r in ended
        )
        assert all(r.before["end_date"] is None and r.before["organization"] == "Acme" for r in logged)

        shown = tieline(db_url, "people", "show", f"#{ids['01000']}", "--json").json()
        jobs = {p["organization"]: p for p in shown["positions"]}
        assert jobs["Acme"]["end"] is not None and jobs["Globex Research"]["end"] is None

        undone = tieline(db_url, "imports", "undo", str(batch))
        assert undone.code == 0, undone.err
        assert snapshot(store) == before
    finally:
        store.dispose()


def test_importing_the_newer_export_again_writes_nothing_not_even_a_before_image(
    db_url: str, tmp_path: Path
) -> None:
    later = _connections(tmp_path / "Connections.csv", CHANGED)
    tieline(db_url, "import", str(_connections(tmp_path / "old" / "Connections.csv")), "--json")
    tieline(db_url, "import", str(later), "--json")
    store = Store(db_url)
    try:
        before = snapshot(store)
        again = tieline(db_url, "import", str(later), "--json").json()
        assert (again["people_created"], again["people_updated"], again["handles_added"]) == (0, 0, 0)
        assert again["unchanged"] == PEOPLE
        assert snapshot(store) == before
        assert _rows(store, t.changes, t.changes.c.batch_id == again["batch"]) == []
    finally:
        store.dispose()


def test_a_later_record_in_the_same_file_finds_the_person_an_earlier_one_just_gave_a_handle(
    db_url: str, tmp_path: Path
) -> None:
    card = tmp_path / "address-only.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:ada@example.com\r\nEND:VCARD\r\n", encoding="utf-8")
    assert tieline(db_url, "import", str(card), "--json").json()["people_created"] == 1
    ada_url = "https://www.linkedin.com/in/ada-lovelace"
    conns = tmp_path / "Connections.csv"
    conns.write_text(
        HEADER
        # Ada is known only by her address: this row names her and gives her a profile...
        + f"Ada,Lovelace,{ada_url},ada@example.com,Analytical Engines,Programmer,04 Jul 2023\n"
        # ...which is all this row has to find her by; her newer job ends the one just written.
        + f"Ada,Lovelace,{ada_url},,Babbage & Daughters,Head of Research,04 Jul 2023\n",
        encoding="utf-8",
    )
    store = Store(db_url)
    try:
        before = snapshot(store)
        result = tieline(db_url, "import", str(conns), "--json").json()
        assert (result["people_created"], result["people_updated"], result["handles_added"]) == (0, 1, 1)
        [ada] = tieline(db_url, "people", "list", "--json").json()
        assert ada["name"] == "Ada Lovelace"  # a real name replaces the address it was stored under
        shown = tieline(db_url, "people", "show", "Ada Lovelace", "--json").json()
        assert {(h["kind"], h["value"]) for h in shown["handles"]} == {
            ("email", "ada@example.com"),
            ("linkedin", "linkedin.com/in/ada-lovelace"),
        }
        jobs = {p["organization"]: p for p in shown["positions"]}
        assert jobs["Analytical Engines"]["end"] is not None
        assert jobs["Babbage & Daughters"]["end"] is None
        [person] = _rows(store, t.people)
        assert (person.given_name, person.family_name, person.connected_on.year) == ("Ada", "Lovelace", 2023)
        assert tieline(db_url, "imports", "undo", str(result["batch"])).code == 0
        assert snapshot(store) == before
    finally:
        store.dispose()


def test_a_long_handle_label_on_a_stored_person_is_cut_like_a_new_persons(
    db_url: str, store: Store, tmp_path: Path
) -> None:
    db = db_url
    first = tmp_path / "a.vcf"
    first.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.com\r\nEND:VCARD\r\n"
    )
    second = tmp_path / "b.vcf"
    long_label = "the address she used for the analytical engine correspondence, 1843 onwards"
    second.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.com\r\n"
        f"item1.EMAIL:ada@engines.example\r\nitem1.X-ABLabel:{long_label}\r\nEND:VCARD\r\n"
    )
    assert tieline(db, "import", str(first)).code == 0
    run = tieline(db, "import", str(second))
    assert run.code == 0, run.err
    added = _rows(store, t.handles, t.handles.c.value == "ada@engines.example")
    assert len(added) == 1 and added[0].label is not None and 0 < len(added[0].label) <= 60


def test_a_card_repeated_with_a_real_name_names_the_person_on_the_first_import(
    db_url: str, tmp_path: Path
) -> None:
    """The same UID in two files, one without FN: a second import must not rename anyone."""
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:same-card\r\nEMAIL:ada@example.com\r\n{fn}END:VCARD\r\n"
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "a.vcf").write_text(card.format(fn=""), encoding="utf-8")
    (tmp_path / "cards" / "b.vcf").write_text(card.format(fn="FN:Ada Lovelace\r\n"), encoding="utf-8")
    assert tieline(db_url, "import", str(tmp_path / "cards"), "--json").json()["people_created"] == 1
    assert [p["name"] for p in tieline(db_url, "people", "list", "--json").json()] == ["Ada Lovelace"]
    again = tieline(db_url, "import", str(tmp_path / "cards"), "--json").json()
    assert (again["people_created"], again["people_updated"]) == (0, 0)
