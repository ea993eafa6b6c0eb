"""Likely duplicates: names parsed and compared properly, proposed with a reason, dismissed for good."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import tieline
from tests.identity.cards import card, vcf


@pytest.mark.parametrize(
    ("stored", "variant"),
    [
        ("Ada Lovelace", "Lovelace, Ada"),
        ("Ada Lovelace", "Dr. Ada Lovelace"),
        ("Ada Lovelace", "Ada Lovelace Jr."),
        ("Ada Lovelace", "A. Lovelace"),
        ("Ada Lovelace", "Ada Love\u200blace"),  # a zero-width space
        ("Ada Lovelace", "\u0410da Lovelace"),  # a Cyrillic A
        ("Jane Doe", "Doe, Jane"),
    ],
)
def test_a_variant_of_a_rare_name_is_proposed(stored: str, variant: str, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "import", vcf(tmp_path / "a.vcf", card(stored, "EMAIL:one@example.org")))
    tieline(db, "import", vcf(tmp_path / "b.vcf", card(variant, "EMAIL:two@example.net")))
    dupes = tieline(db, "people", "duplicates", "--json").json()
    assert [(d["name_a"], d["name_b"]) for d in dupes] == [(stored, variant)]


def test_a_common_name_alone_is_never_proposed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    cards = [card("Wei Zhang", f"EMAIL:wei{i}@gmail.com") for i in range(6)]
    tieline(db, "import", vcf(tmp_path / "a.vcf", *cards))
    assert tieline(db, "people", "duplicates", "--json").json() == []


def test_a_common_name_at_one_firm_is_proposed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    cards = [card("Wei Zhang", f"EMAIL:wei{i}@gmail.com") for i in range(6)]
    cards.append(card("Zhang Wei", "EMAIL:wei@engines.example"))
    cards.append(card("Wei Zhang", "EMAIL:w.zhang@engines.example"))
    tieline(db, "import", vcf(tmp_path / "a.vcf", *cards))
    dupes = tieline(db, "people", "duplicates", "--json").json()
    assert [(d["name_a"], d["name_b"], d["reason"]) for d in dupes] == [
        ("Zhang Wei", "Wei Zhang", "similar names, both at engines.example")
    ]


def test_a_dismissed_pair_is_never_proposed_or_merged_again(db_url: str, tmp_path: Path) -> None:
    tieline(db_url, "import", vcf(tmp_path / "a.vcf", card("Ada Lovelace", "EMAIL:ada@example.org")))
    tieline(db_url, "import", vcf(tmp_path / "b.vcf", card("Lovelace, Ada", "EMAIL:ada@example.net")))
    [pair] = tieline(db_url, "people", "duplicates", "--json").json()
    run = tieline(db_url, "people", "duplicates", "--dismiss", str(pair["id"]))
    assert run.code == 0 and "not proposed again" in run.out
    assert tieline(db_url, "people", "duplicates", "--json").json() == []
    # Both cards now share a number and the same name: still not proposed, still two people.
    both = vcf(
        tmp_path / "c.vcf",
        card("Ada Lovelace", "EMAIL:ada@example.org", "TEL:+44 7911 123456"),
        card("Ada Lovelace", "EMAIL:ada@example.net", "TEL:+44 7911 123456"),
    )
    out = tieline(db_url, "import", both, "--json").json()
    assert out["merged"] == [] and out["merge_candidates"] == 0
    assert tieline(db_url, "people", "duplicates", "--json").json() == []
    assert len(tieline(db_url, "people", "list", "--json").json()) == 2


def test_people_add_warns_of_a_similar_name(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "people", "add", "Ada Lovelace", "--email", "ada@example.org")
    run = tieline(db, "people", "add", "Lovelace, Ada")
    assert "note: #1 Ada Lovelace has a similar name" in run.out
    assert "similar name" not in tieline(db, "people", "add", "Grace Hopper").out


def test_adding_a_forgotten_person_by_hand_lifts_the_suppression_and_says_so(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    path = vcf(tmp_path / "a.vcf", card("Ada Lovelace", "EMAIL:ada@example.org"))
    tieline(db, "import", path)
    tieline(db, "people", "forget", "Ada", "--yes")
    run = tieline(db, "people", "add", "Ada Lovelace", "--email", "ada@example.org")
    assert "ada@example.org had been forgotten: imports will bring it in again." in run.out
    tieline(db, "people", "forget", "Ada", "--yes")
    assert tieline(db, "import", path, "--json").json()["skip_reasons"] == {"forgotten person": 1}
    tieline(db, "people", "add", "Ada Lovelace", "--email", "ada@example.org")
    again = tieline(db, "import", path, "--json").json()
    assert again["skip_reasons"] == {} and len(tieline(db, "people", "list", "--json").json()) == 1
