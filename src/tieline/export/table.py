"""People as CSV rows that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (CSV injection); it gets a leading ``'`` unless the user asks for the raw text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

COLUMNS = (
    "id",
    "name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "urls",
    "chats",
    "organization",
    "title",
    "birthday",
    "tags",
    "how_met",
    "relationship",
    "closeness",
    "would_take_call",
    "notes",
    "strength",
    "layer",
    "state",
    "last_contact",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write(out: IO[str], people: Iterable[dict[str, Any]], raw: bool = False) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    for person in people:
        cells = [_cell(v) for v in row(person)]
        writer.writerow(cells if raw else [neutralise(c) for c in cells])
        n += 1
    return n


def row(person: dict[str, Any]) -> list[Any]:
    def handles(*kinds: str) -> str:
        return "; ".join(h["value"] for h in person["handles"] if h["kind"] in kinds)

    current = next((p for p in person["positions"] if not p["end"]), None)
    tie = person.get("tie") or {}
    return [
        person["id"],
        person["name"],
        person.get("given_name"),
        person.get("family_name"),
        handles("email"),
        handles("phone"),
        handles("url", "linkedin"),
        handles("chat"),
        current["organization"] if current else None,
        current["title"] if current else None,
        person.get("birthday"),
        "; ".join(person["tags"]),
        person.get("how_met"),
        person.get("relationship"),
        person.get("closeness"),
        person.get("would_take_call"),
        "\n\n".join(person["notes"]),
        tie.get("strength"),
        tie.get("layer"),
        tie.get("state"),
        tie.get("last_contact"),
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)
