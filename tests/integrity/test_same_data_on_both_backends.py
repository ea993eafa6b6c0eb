"""Issue 9, defect 10: SQLite and PostgreSQL accept the same data: NUL bytes and long values included."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tieline.ingest.batch import ImportOptions, run_import
from tieline.store import tables as t
from tieline.store.db import Store

LONG = "Ω" + "x" * 600


def _files(tmp_path: Path) -> list[Path]:
    vcf = tmp_path / "nul.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\x00 Lovelace\r\nN:Lovelace;Ada\x00;;;\r\n"
        "EMAIL:ada@example.com\r\nNOTE:likes\x00 engines\r\n"
        f"ORG:{LONG}\r\nTITLE:{LONG}\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    ics = tmp_path / "nul.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:ev1@example.com\r\n"
        "DTSTART:20240105T100000Z\r\nDTEND:20240105T110000Z\r\nSUMMARY:tea\x00 time "
        f"{LONG}\r\nORGANIZER;CN=Me:mailto:me@example.org\r\n"
        "ATTENDEE;CN=Grace\x00 Hopper:mailto:grace@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    chat = tmp_path / "WhatsApp Chat with Someone.txt"
    chat.write_text(
        f"05/01/2024, 10:00 - {LONG}: {LONG} {LONG}\n05/01/2024, 10:01 - Someone: hi\x00 there\n",
        encoding="utf-8",
    )
    return [vcf, ics, chat]


def _everything(store: Store) -> list[str]:
    with store.read() as conn:
        return [
            str(v)
            for table in (t.people, t.handles, t.positions, t.notes, t.interactions)
            for row in conn.execute(select(table))
            for v in row
        ]


def test_nul_bytes_and_long_values_import_alike_on_both_backends(store: Store, tmp_path: Path) -> None:
    from tieline.services import me

    me.add(store, "me@example.org")
    result = run_import(store, _files(tmp_path), ImportOptions(create_people=True, day_first=True))
    assert result.failed == 0, result.errors
    assert result.counts.people_created >= 3 and result.counts.interactions_created == 3
    stored = _everything(store)
    assert not any("\x00" in v for v in stored)
    assert any(v.startswith("Ada Lovelace") for v in stored)
    with store.read() as conn:
        assert set(conn.execute(select(t.batches.c.status)).scalars()) == {"done"}
