"""Phone numbers are weak identifiers: shared, junk or national numbers never join people on their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.cli import tieline
from tests.identity.cards import card, vcf
from tieline.ingest.normalise import phone
from tieline.store import tables as t
from tieline.store.db import Store

LANDLINE = "TEL;TYPE=HOME:+44 20 7946 0000"


def _people(db: str) -> list[str]:
    with Store(db).read() as conn:
        return sorted(conn.execute(select(t.people.c.name)).scalars())


def _handles(db: str, name: str) -> list[str]:
    with Store(db).read() as conn:
        p, h = t.people, t.handles
        return sorted(
            conn.execute(select(h.c.value).join(p, p.c.id == h.c.person_id).where(p.c.name == name)).scalars()
        )


def test_people_sharing_a_landline_stay_two_people_and_are_proposed_with_the_reason(
    db_url: str, tmp_path: Path
) -> None:
    path = vcf(
        tmp_path / "family.vcf",
        card("Tom Becker", "EMAIL:tom@becker.example", LANDLINE),
        card("Anna Becker", "EMAIL:anna@becker.example", LANDLINE),
    )
    out = tieline(db_url, "import", path, "--json").json()
    assert out["people_created"] == 2 and out["merged"] == []
    assert _people(db_url) == ["Anna Becker", "Tom Becker"]
    assert _handles(db_url, "Anna Becker") == ["anna@becker.example"]
    dupes = tieline(db_url, "people", "duplicates", "--json").json()
    assert [(d["name_a"], d["name_b"], d["reason"]) for d in dupes] == [
        ("Tom Becker", "Anna Becker", "same phone number +442079460000")
    ]


def test_a_switchboard_number_held_by_three_people_joins_and_proposes_no_one(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    path = vcf(
        tmp_path / "work.vcf",
        card("Tom Becker", "EMAIL:tom@becker.example", LANDLINE),
        card("Anna Becker", "EMAIL:anna@becker.example", LANDLINE),
        card("Joe Miller", "EMAIL:joe@firm.example", LANDLINE),
    )
    out = tieline(db, "import", path, "--json").json()
    assert out["people_created"] == 3 and out["merge_candidates"] == 0
    assert out["notes"] == {"phone numbers shared by more than two people (used to match no one)": 1}
    assert tieline(db, "people", "duplicates", "--json").json() == []


def test_junk_and_short_numbers_never_join_anyone(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    path = vcf(
        tmp_path / "android.vcf",
        card("Ada Lovelace", "TEL:123456"),
        card("Ada Lovelace", "TEL:123456", "EMAIL:ada@example.org"),
        card("Grace Hopper", "TEL:1111111"),
        card("Grace Hopper", "TEL:1111111", "EMAIL:grace@example.org"),
    )
    out = tieline(db, "import", path, "--json").json()
    assert out["people_created"] == 4 and out["merged"] == [] and out["merge_candidates"] == 0


def test_extensions_are_kept_so_one_switchboard_is_two_people(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    path = vcf(
        tmp_path / "office.vcf",
        card("Ada Lovelace", "TEL;TYPE=WORK:+1 212 555 0100 x123"),
        card("Grace Hopper", "TEL;TYPE=WORK:+1 212 555 0100 x456"),
    )
    out = tieline(db, "import", path, "--json").json()
    assert out["people_created"] == 2
    assert _handles(db, "Ada Lovelace") == ["+12125550100;ext=123"]
    assert _handles(db, "Grace Hopper") == ["+12125550100;ext=456"]


def test_a_phone_and_the_same_name_merge_recorded_shown_and_undoable(db_url: str, tmp_path: Path) -> None:
    phone_book = vcf(tmp_path / "phone.vcf", card("Ada Lovelace", "TEL;TYPE=CELL:+44 7911 123456"))
    work = vcf(
        tmp_path / "work.vcf",
        card(
            "Ada Lovelace",
            "EMAIL:ada@engines.example",
            "TEL:07911 123456",
            "ADR;TYPE=WORK:;;;London;;;United Kingdom",
        ),
    )
    assert tieline(db_url, "import", phone_book, "--json").json()["people_created"] == 1
    run = tieline(db_url, "import", work)
    assert (
        "merged automatically" in run.out and "same phone number +447911123456 and the same name" in run.out
    )
    assert _people(db_url) == ["Ada Lovelace"]
    assert _handles(db_url, "Ada Lovelace") == ["+447911123456", "ada@engines.example"]
    listed = tieline(db_url, "people", "merges", "--json").json()
    assert [(m["kept_name"], m["reason"]) for m in listed] == [
        ("Ada Lovelace", "same phone number +447911123456 and the same name")
    ]
    assert tieline(db_url, "people", "unmerge").code == 0
    assert _people(db_url) == ["Ada Lovelace", "Ada Lovelace"]
    # Taken back once, the pair is not merged again by a re-import.
    assert tieline(db_url, "import", work, "--json").json()["merged"] == []
    assert _people(db_url) == ["Ada Lovelace", "Ada Lovelace"]


def test_undoing_the_import_takes_its_automatic_merge_back(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "import", vcf(tmp_path / "a.vcf", card("Ada Lovelace", "TEL:+44 7911 123456")))
    second = tieline(
        db,
        "import",
        vcf(tmp_path / "b.vcf", card("Ada Lovelace", "EMAIL:ada@x.example", "TEL:+44 7911 123456")),
        "--json",
    ).json()
    assert len(second["merged"]) == 1 and second["people_created"] == 0
    assert tieline(db, "imports", "undo", str(second["batch"])).code == 0
    assert _people(db) == ["Ada Lovelace"]
    assert _handles(db, "Ada Lovelace") == ["+447911123456"]
    with Store(db).read() as conn:
        assert conn.execute(select(func.count()).select_from(t.merges)).scalar_one() == 0


def test_different_profiles_with_one_name_and_one_phone_are_proposed_not_merged(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    path = vcf(
        tmp_path / "two.vcf",
        card("Wei Zhang", "EMAIL:wei@a.example", "TEL:+44 7911 123456"),
        card("Wei Zhang", "EMAIL:wei@b.example", "TEL:+44 7911 123456"),
    )
    out = tieline(db, "import", path, "--json").json()
    assert out["people_created"] == 2 and out["merged"] == [] and out["merge_candidates"] == 1


@pytest.mark.parametrize(
    ("raw", "region", "stored"),
    [
        ("9971130352", None, "9971130352"),  # a national number, country unknown: as written
        ("9971130352", "IN", "+919971130352"),
        ("3456789", None, "3456789"),
        ("07911 123456", None, "07911123456"),
        ("07911 123456", "GB", "+447911123456"),
        ("(555) 123-4567", "GB", "5551234567"),  # not how a British number is written
        ("+1 212 555 0100 x123", None, "+12125550100;ext=123"),
        ("+1 212 555 0100 ext. 456", "US", "+12125550100;ext=456"),
        ("+999 123", None, "+999123"),
    ],
)
def test_no_country_is_ever_assumed(raw: str, region: str | None, stored: str) -> None:
    assert phone(raw, region) == stored


def test_the_vcard_address_gives_the_country_of_its_numbers(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    path = vcf(
        tmp_path / "in.vcf",
        card("Priya Raman", "TEL:9971130352", "ADR;TYPE=HOME:;;12 MG Road;Bengaluru;KA;560001;India"),
        card("Ada Lovelace", "TEL:3456789"),
    )
    tieline(db, "import", path)
    assert _handles(db, "Priya Raman") == ["+919971130352"]
    assert _handles(db, "Ada Lovelace") == ["3456789"]


def test_a_linkedin_profile_location_gives_the_country_of_the_owners_numbers(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "Profile.csv").write_text(
        'First Name,Last Name,Headline,Geo Location\nPriya,Raman,Engineer,"Bengaluru, Karnataka, India"\n',
        encoding="utf-8",
    )
    (export / "PhoneNumbers.csv").write_text("Extension,Number,Type\n,9971130352,Mobile\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "import", str(export))
    assert tieline(db, "me", "show", "--json").json() == [{"kind": "phone", "value": "+919971130352"}]
