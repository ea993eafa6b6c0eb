"""Exports: vCard that tieline reads back whole, CSV safe to open in a spreadsheet, JSON with everything."""

from __future__ import annotations

import csv
import json
import re
import stat
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, insert, select, text

from tests.cli import tieline
from tests.conftest import pg_url_or_skip
from tests.corpora import shared_dir
from tieline.store import tables as t
from tieline.store.db import Store

CARD = """BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
N:Lovelace;Ada;;;
EMAIL;TYPE=WORK:ada@example.com
TEL;TYPE=CELL:+44 7700 900123
URL:https://www.linkedin.com/in/ada-lovelace
URL:https://ada.example.org/notes
IMPP:xmpp:ada@chat.example
BDAY:1815-12-10
CATEGORIES:maths,engines
NOTE:Wrote the first program\\; loves poetry\\nsecond line
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Charles Babbage
EMAIL:charles@example.com
BDAY:--12-26
END:VCARD
"""


def _ada(db: str, tmp_path: Path) -> None:
    cards = tmp_path / "in.vcf"
    cards.write_text(CARD, encoding="utf-8")
    assert tieline(db, "import", str(cards)).code == 0
    assert (
        tieline(db, "people", "edit", "ada", "--how-met", "at a salon, 1833", "--note", "a, b; c").code == 0
    )
    store = Store(db)
    with store.write() as conn:
        pid = conn.execute(select(t.people.c.id).where(t.people.c.name == "Ada Lovelace")).scalar_one()
        conn.execute(t.positions.delete().where(t.positions.c.person_id == pid))
        for org, title, start, end in (
            ("Analytical Engines", "Programmer", date(1842, 1, 1), None),
            ("Royal Society; Library", "Reader", date(1835, 3, 1), date(1840, 6, 30)),
        ):
            conn.execute(
                insert(t.positions).values(
                    account_id=store.account_id,
                    person_id=pid,
                    organization=org,
                    title=title,
                    start_date=start,
                    end_date=end,
                )
            )
        conn.execute(t.people.update().where(t.people.c.id == pid).values(connected_on=date(1833, 6, 5)))
    store.dispose()


def _kept(shown: dict[str, Any]) -> dict[str, Any]:
    """What a round trip must keep."""
    return {
        "name": shown["name"],
        "given_name": shown["given_name"],
        "family_name": shown["family_name"],
        "birthday": shown["birthday"],
        "how_met": shown["how_met"],
        "connected_on": (shown["connected_on"] or "")[:10],
        "handles": sorted((h["kind"], h["value"]) for h in shown["handles"]),
        "positions": sorted(
            (p["organization"], p["title"], p["start"], p["end"]) for p in shown["positions"]
        ),
        "notes": sorted(shown["notes"]),
        "tags": sorted(shown["tags"]),
    }


def _other(db_url: str, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.db'}"
    base = pg_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


@pytest.mark.parametrize("version", ["4", "3"])
def test_a_vcard_export_reads_back_with_nothing_lost(db_url: str, tmp_path: Path, version: str) -> None:
    _ada(db_url, tmp_path)
    out = tmp_path / "out.vcf"
    run = tieline(db_url, "export", "vcard", str(out), "--vcard-version", version)
    assert run.code == 0, run.err
    assert "Exported 2 people" in run.out
    other = _other(db_url, tmp_path)
    try:
        assert tieline(other, "import", str(out)).code == 0
        for who in ("Ada Lovelace", "Charles Babbage"):
            before = tieline(db_url, "people", "show", who, "--json").json()
            after = tieline(other, "people", "show", who, "--json").json()
            assert _kept(after) == _kept(before)
        assert _kept(tieline(other, "people", "show", "Ada Lovelace", "--json").json())["positions"] == [
            ("Analytical Engines", "Programmer", "1842-01-01", None),
            ("Royal Society; Library", "Reader", "1835-03-01", "1840-06-30"),
        ]
    finally:
        if not other.startswith("sqlite"):
            engine = create_engine(pg_url_or_skip())
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{other.rsplit("%3D", 1)[1]}" CASCADE'))
            engine.dispose()


def _properties(card_text: str) -> list[tuple[str, str]]:
    """(name, version) of every property in a file, unfolded; groups dropped."""
    unfolded = re.sub(r"\r?\n[ \t]", "", card_text)
    version = ""
    out = []
    for line in unfolded.splitlines():
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper().rpartition(".")[2]
        if name == "VERSION":
            version = line.split(":", 1)[1].strip()
        out.append((name, version))
    return out


def test_the_vcards_keep_to_the_rfc_in_the_shape_real_clients_write(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    _ada(db, tmp_path)
    for version in ("4", "3"):
        out = tmp_path / f"v{version}.vcf"
        assert tieline(db, "export", "vcard", str(out), "--vcard-version", version).code == 0
        data = out.read_bytes()
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
        assert all(len(line) <= 75 for line in data.split(b"\r\n"))
        lines = data.decode("utf-8").split("\r\n")
        assert lines[:2] == ["BEGIN:VCARD", f"VERSION:{version}.0"]
        if version == "4":
            assert "TEL;VALUE=uri;TYPE=cell:tel:+447700900123" in lines
        else:
            assert "TEL;TYPE=CELL:+447700900123" in lines
        written = {name for name, _ in _properties(data.decode("utf-8")) if not name.startswith("X-")}
        folder = shared_dir() / "data" / "corpora" / "vcard"
        if not folder.is_dir():
            continue  # the shared corpora are not on this machine: the RFC checks above still ran
        seen: set[str] = set()  # what the clients' cards in the corpora use (few of them are 4.0)
        for path in folder.rglob("*.vcf"):
            seen |= {name for name, _ in _properties(path.read_text(encoding="utf-8", errors="replace"))}
        # IMPP (RFC 6350 6.4.3, written by Apple Contacts for chat accounts) is the one the corpora lack.
        assert written - seen <= {"IMPP"}, written - seen


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_export_neutralises_formulas_unless_raw(db_url: str, tmp_path: Path) -> None:
    card = tmp_path / "evil.vcf"
    card.write_text(
        'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:=HYPERLINK("http://evil.example/?x=1"\\,"click")\r\n'
        "EMAIL:evil@example.com\r\nNOTE:+1 cmd|' /C calc'!A0\r\nCATEGORIES:@SUM(1)\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    assert tieline(db_url, "import", str(card)).code == 0
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert tieline(db_url, "export", "csv", str(safe)).code == 0
    assert tieline(db_url, "export", "csv", str(raw), "--raw").code == 0
    [row] = _csv(safe)
    assert row["name"] == '\'=HYPERLINK("http://evil.example/?x=1","click")'
    assert row["notes"] == "'+1 cmd|' /C calc'!A0"
    assert row["tags"] == "'@SUM(1)"
    assert row["emails"] == "evil@example.com"
    [plain] = _csv(raw)
    assert plain["name"] == '=HYPERLINK("http://evil.example/?x=1","click")'


def test_json_export_carries_everything_under_documented_keys(db_url: str, tmp_path: Path) -> None:
    _ada(db_url, tmp_path)
    assert tieline(db_url, "me", "add", "me@example.com").code == 0
    assert tieline(db_url, "log", "ada", "tea at the salon", "--when", "2024-05-31").code == 0
    out = tmp_path / "all.json"
    assert tieline(db_url, "export", "json", str(out)).code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    docs = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text(encoding="utf-8")
    keys = set(data) | {k for p in data["people"] for k in p} | {k for i in data["interactions"] for k in i}
    keys |= {k for p in data["people"] for h in p["handles"] for k in h}
    keys |= {k for p in data["people"] for j in p["positions"] for k in j}
    keys |= {k for p in data["people"] if p["tie"] for k in p["tie"]}
    keys |= {k for i in data["interactions"] for m in i["participants"] for k in m}
    keys |= {k for m in data["me"] for k in m}
    for key in keys:
        assert f"`{key}`" in docs, f"export json key {key!r} is not documented in docs/export.md"
    assert data["me"] == [{"kind": "email", "value": "me@example.com"}]
    ada = next(p for p in data["people"] if p["name"] == "Ada Lovelace")
    assert ada["how_met"] == "at a salon, 1833" and "maths" in ada["tags"]
    [tea] = [i for i in data["interactions"] if i["subject"] == "tea at the salon"]
    assert [m["person_id"] for m in tea["participants"]] == [ada["id"]]
    only = tmp_path / "one.json"
    assert tieline(db_url, "export", "json", str(only), "--query", "charles").code == 0
    assert [p["name"] for p in json.loads(only.read_text(encoding="utf-8"))["people"]] == ["Charles Babbage"]


def test_exports_are_private_files(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert tieline(db, "people", "add", "Ada Lovelace").code == 0
    for kind in ("vcard", "csv", "json", "ics"):
        path = tmp_path / f"out.{kind}"
        assert tieline(db, "export", kind, str(path)).code == 0
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
