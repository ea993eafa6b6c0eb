"""Contacts end to end: files in, people out, through the importer and the CLI, on both backends."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select

from tests.cli import tieline
from tests.corpora import FIXTURES, corpus, shared_dir
from tests.ingest.snapshot import snapshot
from tieline.errors import SourceError
from tieline.ingest.batch import ImportOptions, run_import
from tieline.ingest.normalise import normalise
from tieline.records import ContactRecord, InteractionRecord, ReadOptions
from tieline.services import imports
from tieline.sources import registry
from tieline.store import tables as t
from tieline.store.db import Store

CONTACT_SOURCES = ("linkedin", "vcard", "google_csv", "outlook_csv", "facebook_friends")
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _files(root: Path | None, *parts: str) -> list[str]:
    """Relative paths of the files under a folder, for parametrising; empty when it is absent."""
    if root is None:
        return []
    base = root.joinpath(*parts)
    if not base.is_dir():
        return []
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())


def _corpora_root() -> Path | None:
    path = shared_dir() / "data" / "corpora"
    return path if path.is_dir() else None


def _contact_files() -> list[tuple[str, str]]:
    return [(kind, rel) for kind in ("linkedin", "vcard") for rel in _files(_corpora_root(), kind)]


def _fixture_paths() -> list[str]:
    """Each synthetic contacts fixture; an export folder or a vdir counts as one."""
    out: list[str] = []
    for kind in CONTACT_SOURCES:
        for p in sorted((FIXTURES / kind).iterdir()):
            out.append(f"{kind}/{p.name}")
    return out


def expected_people(path: Path) -> tuple[int, int]:
    """(people, interactions) the reader's records should become: contacts joined by exact shared handle."""
    records: list[ContactRecord] = []
    interactions = 0
    for item in registry.plan([path]):
        for rec in item.reader.read(item.path, ReadOptions()):
            if isinstance(rec, ContactRecord):
                records.append(rec)
            elif isinstance(rec, InteractionRecord):
                interactions += 1
    parent: dict[object, object] = {}

    def find(x: object) -> object:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    nodes: list[object] = []
    for i, rec in enumerate(records):
        keys = [k for h in rec.handles if (k := normalise(h)) is not None]
        name = (rec.name or " ".join(p for p in (rec.given_name, rec.family_name) if p)).strip()
        if rec.is_me or not (name or keys):
            continue
        node = ("record", i)
        nodes.append(node)
        find(node)
        for k in keys:
            parent[find(("handle", k))] = find(node)
    return len({find(n) for n in nodes}), interactions


def count(store: Store, table: Table) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _assert_imports_as_read(store: Store, path: Path) -> None:
    try:
        people, interactions = expected_people(path)
    except SourceError:
        pytest.skip(f"no reader claims {path.name}")  # expected outputs, licences, JSON/XML vCards
    result = run_import(store, [path], ImportOptions())
    if interactions:
        # Endorsements and recommendations may make people of their counterparts: the history tests own those.
        assert count(store, t.people) >= people
        return
    assert result.counts.people_created == people
    assert count(store, t.people) == people
    assert result.counts.interactions_created == 0


@pytest.mark.parametrize(("kind", "rel"), _contact_files())
def test_every_real_contacts_sample_imports_one_person_per_distinct_contact(
    store: Store, kind: str, rel: str
) -> None:
    _assert_imports_as_read(store, corpus(kind, rel))


@pytest.mark.parametrize("rel", _fixture_paths())
def test_every_synthetic_contacts_fixture_imports_one_person_per_distinct_contact(
    store: Store, rel: str
) -> None:
    path = FIXTURES / rel
    people, _ = expected_people(path)
    assert people > 0, "a fixture with no one in it tests nothing"
    _assert_imports_as_read(store, path)


def test_the_linkedin_2023_imported_contacts_file_is_read(store: Store) -> None:
    path = corpus(
        "linkedin", "mohamedeways__LinkedIn-Profile", "Basic_LinkedInDataExport_07-11-2023.zip__Contacts.csv"
    )
    rows = [line for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    result = run_import(store, [path], ImportOptions())
    assert not result.errors
    assert result.source == "linkedin"
    assert result.counts.people_created == len(rows) == 13  # one address each, none shared


# --- job changes ------------------------------------------------------------------------------------


def _connections(folder: Path, name: str, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_new_company_in_a_newer_export_ends_the_old_job_and_starts_a_new_one(
    db_url: str, tmp_path: Path
) -> None:
    old = _connections(
        tmp_path / "2023",
        "Connections.csv",
        [
            "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines Ltd,Programmer,04 Jul 2023",
            "Grace,Hopper,https://www.linkedin.com/in/grace-hopper,,US Navy,Rear Admiral,05 Jul 2023",
        ],
    )
    new = _connections(
        tmp_path / "2025",
        "Connections.csv",
        [
            "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Babbage & Daughters,Head of Research,04 Jul 2023",
            "Grace,Hopper,https://www.linkedin.com/in/grace-hopper,,US Navy,Rear Admiral,05 Jul 2023",
            "Alan,Turing,https://www.linkedin.com/in/alan-turing,,Bletchley Park,Codebreaker,01 Jan 2025",
        ],
    )
    assert tieline(db_url, "import", str(old), "--json").code == 0
    second = tieline(db_url, "import", str(new), "--json").json()
    assert second["people_created"] == 1  # Alan; Ada and Grace are the same people as before
    assert second["people_updated"] == 1  # Ada's job; Grace is unchanged
    ada = tieline(db_url, "people", "show", "Ada Lovelace", "--json").json()
    jobs = {p["organization"]: p for p in ada["positions"]}
    assert set(jobs) == {"Analytical Engines Ltd", "Babbage & Daughters"}
    assert jobs["Analytical Engines Ltd"]["end"] is not None
    assert jobs["Babbage & Daughters"]["end"] is None
    assert jobs["Babbage & Daughters"]["title"] == "Head of Research"
    listed = {p["name"]: p for p in tieline(db_url, "people", "list", "--json").json()}
    assert listed["Ada Lovelace"]["organization"] == "Babbage & Daughters"
    grace = tieline(db_url, "people", "show", "Grace Hopper", "--json").json()
    assert [(p["organization"], p["end"]) for p in grace["positions"]] == [("US Navy", None)]

    store = Store(db_url)
    try:
        before = snapshot(store)
        again = run_import(store, [new], ImportOptions())
        assert again.counts.people_created == again.counts.people_updated == 0
        assert again.counts.handles_added == 0
        assert snapshot(store) == before
    finally:
        store.dispose()


# --- provenance --------------------------------------------------------------------------------------


VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
EMAIL;TYPE=HOME:ada@home.example
TEL;TYPE=CELL:+44 7700 900123
X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/ada-lovelace
END:VCARD
"""


def test_people_show_says_which_batch_and_file_each_handle_and_position_came_from(
    db_url: str, tmp_path: Path
) -> None:
    conns = _connections(
        tmp_path,
        "Connections.csv",
        [
            "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines Ltd,Programmer,04 Jul 2023"
        ],
    )
    card = tmp_path / "ada.vcf"
    card.write_text(VCARD, encoding="utf-8")
    first = tieline(db_url, "import", str(conns), "--json").json()
    second = tieline(db_url, "import", str(card), "--json").json()
    ada = tieline(db_url, "people", "show", "ada", "--json").json()
    origins = {(h["kind"], h["value"]): h["from"] for h in ada["handles"]}
    assert origins[("linkedin", "linkedin.com/in/ada-lovelace")] == {
        "batch": first["batch"],
        "source": "linkedin",
        "file": str(conns),
    }
    assert origins[("email", "ada@home.example")] == {
        "batch": second["batch"],
        "source": "vcard",
        "file": str(card),
    }
    assert origins[("phone", "+447700900123")]["file"] == str(card)
    [job] = ada["positions"]
    assert job["from"] == {"batch": first["batch"], "source": "linkedin", "file": str(conns)}


def test_provenance_names_the_right_file_when_one_import_reads_several(db_url: str, tmp_path: Path) -> None:
    conns = _connections(
        tmp_path,
        "Connections.csv",
        [
            "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines Ltd,Programmer,04 Jul 2023"
        ],
    )
    card = tmp_path / "ada.vcf"
    card.write_text(VCARD, encoding="utf-8")
    tieline(db_url, "import", str(conns), str(card), "--json")
    ada = tieline(db_url, "people", "show", "ada", "--json").json()
    origins = {(h["kind"], h["value"]): h["from"]["file"] for h in ada["handles"]}
    assert origins[("email", "ada@home.example")] == str(card)


# --- a shared name is not an identity -----------------------------------------------------------------

NAMES = [("Wei", "Zhang"), ("Maria", "Garcia"), ("John", "Smith"), ("Anna", "Müller"), ("Li", "Wang")]


def test_three_hundred_profiles_sharing_five_names_stay_three_hundred_people(
    db_url: str, tmp_path: Path
) -> None:
    rows = [
        f"{NAMES[i % 5][0]},{NAMES[i % 5][1]},https://www.linkedin.com/in/person-{i:04d},,"
        f"{('Acme', 'Globex', 'Initech')[i % 3]},Engineer,0{1 + i % 9} Mar 2024"
        for i in range(300)
    ]
    path = _connections(tmp_path, "Connections.csv", rows)
    result = tieline(db_url, "import", str(path), "--json").json()
    assert result["people_created"] == 300
    assert result["merge_candidates"] == 0
    assert len(tieline(db_url, "people", "list", "--json").json()) == 300
    assert tieline(db_url, "people", "duplicates", "--json").json() == []
    # A second, newer export with the same profiles: still 300, still no candidates.
    again = tieline(db_url, "import", str(path), "--json").json()
    assert again["people_created"] == 0 and again["merge_candidates"] == 0
    assert len(tieline(db_url, "people", "list", "--json").json()) == 300


def test_same_name_and_organisation_is_queued_never_merged_and_a_merge_can_be_taken_back(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Grace,Hopper,,US Navy,Rear Admiral,04 Jul 2023\n"
        "Grace,Hopper,,US Navy,Programmer,05 Aug 2019\n"
        "Ada,Lovelace,,Analytical Engines Ltd,Programmer,06 Jul 2023\n",
        encoding="utf-8",
    )
    result = tieline(db_url, "import", str(path), "--json").json()
    assert result["people_created"] == 3
    assert result["merge_candidates"] == 1
    [dup] = tieline(db_url, "people", "duplicates", "--json").json()
    assert dup["name_a"] == dup["name_b"] == "Grace Hopper"
    assert "organisation" in dup["reason"]
    store = Store(db_url)
    try:
        before = snapshot(store)
        merged = tieline(db_url, "people", "merge", f"#{dup['person_a']}", f"#{dup['person_b']}")
        assert merged.code == 0, merged.err
        people = tieline(db_url, "people", "list", "--json").json()
        assert [p["name"] for p in people] == ["Ada Lovelace", "Grace Hopper"]
        grace = tieline(db_url, "people", "show", f"#{dup['person_a']}", "--json").json()
        assert {p["title"] for p in grace["positions"]} == {"Rear Admiral", "Programmer"}
        assert tieline(db_url, "people", "duplicates", "--json").json() == []
        # Re-importing the file does not split them again, nor queue them again.
        again = tieline(db_url, "import", str(path), "--json").json()
        assert again["people_created"] == 0
        assert tieline(db_url, "people", "duplicates", "--json").json() == []
        assert tieline(db_url, "people", "unmerge").code == 0
        assert snapshot(store) == before
    finally:
        store.dispose()


# --- idempotence and undo ----------------------------------------------------------------------------


def _zip(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"Basic_LinkedInDataExport/{p.name}")
    return out


def test_reimporting_contacts_and_history_three_times_leaves_every_table_as_it_was(
    store: Store, tmp_path: Path
) -> None:
    export = FIXTURES / "linkedin" / "export_2025"
    files = [
        export,
        FIXTURES / "vcard" / "iphone.vcf",
        FIXTURES / "mbox" / "gmail_takeout.mbox",
        FIXTURES / "ics" / "google.ics",
    ]
    first = run_import(store, files, ImportOptions())
    assert first.counts.people_created > 0 and first.counts.interactions_created > 0
    before = snapshot(store)
    for _ in range(3):
        again = run_import(store, files, ImportOptions())
        assert (again.counts.people_created, again.counts.handles_added) == (0, 0)
        assert again.counts.interactions_created == 0
        assert snapshot(store) == before
    # The same export as the zip LinkedIn sends, somewhere else on disk: still nothing new.
    zipped = _zip(export, tmp_path / "Basic_LinkedInDataExport_01-02-2026.zip")
    run_import(store, [zipped], ImportOptions())
    assert snapshot(store) == before


def test_undo_restores_every_table_exactly_after_contacts_and_history(store: Store, tmp_path: Path) -> None:
    empty = snapshot(store)
    card = run_import(store, [FIXTURES / "vcard" / "iphone.vcf"], ImportOptions())
    after_card = snapshot(store)
    export = tmp_path / "export"
    shutil.copytree(FIXTURES / "linkedin" / "export_2025", export)
    rest = run_import(
        store,
        [export, FIXTURES / "mbox" / "gmail_takeout.mbox", FIXTURES / "ics" / "google.ics"],
        ImportOptions(),
    )
    assert snapshot(store) != after_card
    imports.undo(store, rest.batch)
    assert snapshot(store) == after_card
    imports.undo(store, card.batch)
    assert snapshot(store) == empty


# --- forget ------------------------------------------------------------------------------------------


def test_a_forgotten_person_does_not_come_back_when_the_file_is_imported_again(
    db_url: str, tmp_path: Path
) -> None:
    path = _connections(
        tmp_path,
        "Connections.csv",
        [
            "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,ada@example.com,Analytical Engines,Programmer,04 Jul 2023",
            "Grace,Hopper,https://www.linkedin.com/in/grace-hopper,,US Navy,Rear Admiral,05 Jul 2023",
        ],
    )
    card = tmp_path / "ada.vcf"
    card.write_text(VCARD, encoding="utf-8")
    tieline(db_url, "import", str(path), str(card), "--json")
    assert tieline(db_url, "people", "forget", "Ada Lovelace", "--yes").code == 0
    for again in (path, card):
        result = tieline(db_url, "import", str(again), "--json").json()
        assert result["people_created"] == 0
    names = [p["name"] for p in tieline(db_url, "people", "list", "--json").json()]
    assert names == ["Grace Hopper"]


def test_a_forgotten_person_without_any_handle_does_not_come_back(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Grace,Hopper,,US Navy,Rear Admiral,04 Jul 2023\n",
        encoding="utf-8",
    )
    tieline(db_url, "import", str(path), "--json")
    assert tieline(db_url, "people", "forget", "Grace Hopper", "--yes").code == 0
    assert tieline(db_url, "import", str(path), "--json").json()["people_created"] == 0
