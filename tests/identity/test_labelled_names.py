"""The duplicate finder on a labelled set of name pairs: no two different people are ever merged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.cli import tieline
from tests.identity.cards import card, vcf
from tests.identity.labelled import pairs, table
from tieline.store import tables as t
from tieline.store.db import Store


def _phone(i: int, side: str) -> str:
    return f"+44 7911 {(100000 if side == 'a' else 500000) + i:06d}"


def test_importing_the_labelled_pairs_merges_no_two_different_people(tmp_path: Path) -> None:
    """Every pair as a mail contact (e-mail and phone) and a phone-book card (name and phone); a pair labelled
    as sharing a phone shares it, as households, switchboards and true duplicates do."""
    rows = pairs()
    cards = []
    for i, p in enumerate(rows):
        cards.append(card(p.a, f"EMAIL:pair{i}@gmail.com", f"TEL:{_phone(i, 'a')}"))
        cards.append(card(p.b, f"TEL:{_phone(i, 'a' if p.shared_phone else 'b')}"))
    db = f"sqlite:///{tmp_path / 't.db'}"
    out = tieline(db, "import", vcf(tmp_path / "pairs.vcf", *cards), "--json").json()
    by_phone = {"+44" + _phone(i, "a")[4:].replace(" ", ""): i for i in range(len(rows))}
    with Store(db).read() as conn:
        phone_of = dict(
            conn.execute(
                select(t.handles.c.person_id, t.handles.c.value).where(t.handles.c.kind == "phone")
            ).all()
        )
    merged = [rows[by_phone[phone_of[m["kept"]]]] for m in out["merged"]]
    assert [p for p in merged if not p.same] == []
    expected = [p for p in rows if p.same and p.shared_phone and p.joined_on_a_phone]
    assert sorted(merged, key=rows.index) == expected and len(expected) >= 20
    assert out["people_created"] == 2 * len(rows) - len(expected)


def test_the_finder_finds_every_kind_of_variant_the_issue_names_and_households_alike_by_name_are_known() -> (
    None
):
    rows = {r[0]: r for r in table(pairs())}
    for kind in ("initials", "order", "titles", "suffixes", "accents", "invisible", "lookalikes"):
        assert rows[kind][6] == 1.0, kind
    households = [p for p in pairs() if not p.same and p.shared_phone and p.proposed]
    assert [(p.a, p.b) for p in households] == [
        ("John Smith", "John Smith Jr."),
        ("Jan Novak", "Jana Novak"),
        ("Daniel Cohen", "Danielle Cohen"),
        ("Robert Smith", "Robert Smith Sr."),
    ]
