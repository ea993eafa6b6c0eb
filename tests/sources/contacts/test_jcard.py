from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import ContactRecord, ReadOptions, Skipped
from tieline.sources.contacts import jcard


def _cards(path: Path) -> list[ContactRecord]:
    return [r for r in jcard.read(path, ReadOptions()) if isinstance(r, ContactRecord)]


def test_reads_every_card_of_a_jcard_file() -> None:
    ada, grace = _cards(FIXTURES / "jcard" / "two.json")
    assert (ada.name, ada.given_name, ada.family_name) == ("Ada Lovelace", "Ada", "Lovelace")
    assert [(h.kind, h.value) for h in ada.handles] == [
        ("email", "ada@example.com"),
        ("phone", "tel:+44-20-7946-0958"),
    ]
    assert (
        ada.positions[0].organization == "Analytical Engines Ltd" and ada.positions[0].title == "Programmer"
    )
    assert ada.birthday == date(1815, 12, 10) and ada.tags == ("maths", "friends")
    assert [(h.kind, h.value) for h in grace.handles] == [
        ("linkedin", "https://www.linkedin.com/in/grace-hopper")
    ]


def test_an_xcard_and_the_same_jcard_give_the_same_person() -> None:
    [x] = _cards(FIXTURES / "jcard" / "one.xml")
    j = _cards(FIXTURES / "jcard" / "two.json")[0]
    assert (x.name, x.source_key, x.birthday) == (j.name, j.source_key, j.birthday)
    assert {h.value for h in x.handles} == {"ada@example.com", "tel:+44-20-7946-0958"}


def test_sniff_tells_jcard_and_xcard_from_other_json_and_xml(tmp_path: Path) -> None:
    assert jcard.sniff(FIXTURES / "jcard" / "two.json") >= 0.5
    assert jcard.sniff(FIXTURES / "jcard" / "one.xml") >= 0.5
    other = tmp_path / "x.json"
    other.write_text('{"friends_v2": []}')
    assert jcard.sniff(other) == 0.0


def test_broken_input_is_one_source_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<vcards xmlns="urn:ietf:params:xml:ns:vcard-4.0"><vcard><fn>', encoding="utf-8")
    with pytest.raises(SourceError):
        list(jcard.read(bad, ReadOptions()))


@pytest.mark.parametrize("rel", ["ezvcard/io/json/jcard-example.json", "ezvcard/io/xml/rfc6351-example.xml"])
def test_the_rfc_examples_read_as_simon_perreault(rel: str) -> None:
    path = corpus("vcard", "mangstadt__ez-vcard", "src", "test", "resources", *rel.split("/"))
    [card] = _cards(path)
    assert card.name == "Simon Perreault"
    assert {h.value for h in card.handles} >= {"simon.perreault@viagenie.ca", "http://nomis80.org"}


def test_organisations_and_company_cards_are_skipped_not_read_as_people(tmp_path: Path) -> None:
    f = tmp_path / "orgs.json"
    f.write_text(
        '[["vcard", [["version", {}, "text", "4.0"], ["kind", {}, "text", "org"],'
        ' ["fn", {}, "text", "Contoso Ltd"], ["email", {}, "text", "hello@contoso.example"]]],'
        ' ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Fabrikam"],'
        ' ["org", {}, "text", ["Fabrikam", "Sales"]], ["tel", {}, "uri", "tel:+1-425-555-0199"]]],'
        ' ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Nancy Davolio"],'
        ' ["org", {}, "text", "Fabrikam"]]]]'
    )
    records = list(jcard.read(f, ReadOptions()))
    assert [r.name for r in records if isinstance(r, ContactRecord)] == ["Nancy Davolio"]
    assert [r.record for r in records if isinstance(r, Skipped)] == ["card 1", "card 2"]
