"""Issue 9, defect 3: undoing an older import never destroys what a later import built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import tieline, tieline_process
from tests.ingest.snapshot import snapshot
from tests.integrity.files import ME, mbox, vcards
from tieline.errors import TielineError
from tieline.ingest.batch import ImportOptions, run_import
from tieline.services import imports
from tieline.services import merge as merges
from tieline.store.db import Store

PEOPLE = [(f"Person {i} Lastname", f"p{i}@example.com", None) for i in range(10)]


def _history(path: Path) -> Path:
    messages = []
    for i in range(40):
        who = f"p{i % 12}@example.com"  # ten known people and two strangers
        messages.append((who, ME, f"in{i}@x") if i % 2 else (ME, who, f"out{i}@x"))
    return mbox(path, messages)


def test_undoing_an_import_a_later_one_built_on_is_refused_and_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    from tieline.services import me

    me.add(store, ME)
    run_import(store, [vcards(tmp_path / "c.vcf", PEOPLE)], ImportOptions())
    later = run_import(store, [_history(tmp_path / "h.mbox")], ImportOptions())
    assert later.counts.interactions_created == 40
    before = snapshot(store)
    with pytest.raises(TielineError, match=r"batch 2.*--with-later"):
        imports.undo(store, 1)
    assert snapshot(store) == before
    assert [b["status"] for b in imports.listing(store)] == ["done", "done"]


def test_with_later_undoes_the_later_imports_too_and_a_reimport_restores_everything(
    store: Store, tmp_path: Path
) -> None:
    from tieline.services import me

    me.add(store, ME)
    empty = snapshot(store)
    contacts, history = vcards(tmp_path / "c.vcf", PEOPLE), _history(tmp_path / "h.mbox")
    run_import(store, [contacts], ImportOptions())
    run_import(store, [history], ImportOptions())
    full = _content(store)
    assert imports.undo(store, 1, with_later=True) == [2, 1]
    assert snapshot(store) == empty
    run_import(store, [contacts], ImportOptions())
    again = run_import(store, [history], ImportOptions())
    assert again.counts.interactions_created == 40
    assert _content(store) == full


def test_an_older_import_undone_leaves_an_independent_later_one_whole(store: Store, tmp_path: Path) -> None:
    run_import(store, [vcards(tmp_path / "a.vcf", PEOPLE[:3])], ImportOptions())
    run_import(store, [vcards(tmp_path / "b.vcf", PEOPLE[5:])], ImportOptions())
    after_second = snapshot(store)
    imports.undo(store, 1)
    names = sorted(p["name"] for p in _people(store))
    assert names == sorted(n for n, _, _ in PEOPLE[5:])
    kept = snapshot(store)
    assert kept["handles"] == [h for h in after_second["handles"] if h[4] in {e for _, e, _ in PEOPLE[5:]}]


def test_an_update_by_a_later_vcard_import_makes_the_older_one_refuse(store: Store, tmp_path: Path) -> None:
    run_import(store, [vcards(tmp_path / "a.vcf", PEOPLE)], ImportOptions())
    later = [(n, e, "1990-01-02") for n, e, _ in PEOPLE]
    assert run_import(store, [vcards(tmp_path / "b.vcf", later)], ImportOptions()).counts.people_updated == 10
    with pytest.raises(TielineError, match="batch 2"):
        imports.undo(store, 1)
    assert len(_people(store)) == 10


def test_a_merge_of_an_imported_person_makes_undo_refuse_and_with_later_unmerges(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, [vcards(tmp_path / "a.vcf", PEOPLE[:2])], ImportOptions())
    merges.merge(store, "p0@example.com", "p1@example.com")
    with pytest.raises(TielineError, match="merge #1"):
        imports.undo(store, 1)
    imports.undo(store, 1, with_later=True)
    assert _people(store) == []


def test_the_cli_names_the_later_batches_and_offers_with_later(db_url: str, tmp_path: Path) -> None:
    tieline(db_url, "me", "add", ME)
    tieline(db_url, "import", str(vcards(tmp_path / "c.vcf", PEOPLE)), "--json")
    tieline(db_url, "import", str(_history(tmp_path / "h.mbox")), "--json")
    refused = tieline_process(db_url, "imports", "undo", "1")
    assert refused.code == 1
    assert "batch 2" in refused.err and "--with-later" in refused.err and "Traceback" not in refused.err
    done = tieline(db_url, "imports", "undo", "1", "--with-later")
    assert done.code == 0, done.err
    assert [b["status"] for b in tieline(db_url, "imports", "list", "--json").json()] == ["undone", "undone"]


def _people(store: Store) -> list[dict[str, object]]:
    from tieline.services.people import summaries

    with store.read() as conn:
        return summaries(conn, store.account_id)


def _content(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """What is stored, by value rather than by id: who holds which handle, who took part in what."""
    from sqlalchemy import select

    from tieline.store import tables as t

    p, h, i, pa = t.people, t.handles, t.interactions, t.participants
    with store.read() as conn:
        return {
            "handles": sorted(
                (r.value, r.name)
                for r in conn.execute(select(h.c.value, p.c.name).outerjoin(p, p.c.id == h.c.person_id))
            ),
            "participants": sorted(
                (r.source_key, r.value, r.name, r.role)
                for r in conn.execute(
                    select(i.c.source_key, h.c.value, p.c.name, pa.c.role)
                    .join(pa, pa.c.interaction_id == i.c.id)
                    .outerjoin(h, h.c.id == pa.c.handle_id)
                    .outerjoin(p, p.c.id == pa.c.person_id)
                )
            ),
        }


def test_a_log_about_someone_an_undone_import_brought_goes_with_them(store: Store, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from tieline.services import logbook
    from tieline.store import tables as t

    run_import(store, [vcards(tmp_path / "a.vcf", PEOPLE[:2])], ImportOptions())
    logbook.log(store, "p0@example.com", "coffee")
    imports.undo(store, 1)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.interactions)).scalar_one() == 0
