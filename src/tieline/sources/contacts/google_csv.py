"""Google Contacts CSV, both generations (FORMATS.md §2.1).

Legacy: `Name, Given Name, Family Name, ..., Group Membership, E-mail 1 - Type, E-mail 1 - Value, ...`.
Current: `First Name, Middle Name, Last Name, ..., Organization Name, Labels, E-mail 1 - Label, ...`.
The number of `N - ...` column groups depends on the account, rows may be shorter or longer than the
header, and one cell can hold several values joined by ` ::: `. A row naming only an organisation is a
company's card, not a person, and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, HandleKind, Position, ReadOptions, Record, Skipped
from tieline.sources import csvutil, times
from tieline.sources.csvutil import cell

NAME = "google_csv"
MULTI = " ::: "

_GROUP = re.compile(
    r"^(e-mail|phone|website|organization|relation|im) (\d+) - (type|label|value|name|title|service)$"
)
_HANDLE_KIND: dict[str, HandleKind] = {"e-mail": "email", "phone": "phone", "website": "url", "im": "chat"}
# Google's names for chat services, in the words the vCard reader uses
_SERVICES = {"google talk": "gtalk", "hangouts": "gtalk", "jabber": "xmpp", "windows live": "msn"}


def _layout(keys: list[str]) -> str | None:
    k = set(keys)
    has_groups = any(_GROUP.match(x) for x in keys)
    if {"given name", "family name"} <= k and ("group membership" in k or has_groups):
        return "legacy"
    if {"first name", "last name"} <= k and (
        "labels" in k or "e-mail 1 - label" in k or "organization name" in k
    ):
        return "current"
    return None


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        return 0.9 if _layout(csvutil.sniff_header(path)) else 0.0
    except OSError:
        return 0.0


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(MULTI) if v.strip()] if value else []


def _label(value: str) -> str | None:
    value = value.strip().lstrip("*").strip()
    return value.casefold() or None


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    shown = str(path)
    keys, rows, fh = csvutil.open_table(path, encoding=options.extra.get("encoding"))
    with fh:
        layout = _layout(keys)
        if layout is None:
            raise SourceError(shown, "line 1", "not a Google Contacts CSV (no Given Name/First Name header)")
        ix: dict[str, int] = {}
        for i, key in enumerate(keys):
            ix.setdefault(key, i)
        # (kind, value column, label column) for every numbered e-mail/phone/website/IM group;
        # an IM's "label" is its service (`Skype`), which becomes the handle's `service:` prefix.
        groups: list[tuple[HandleKind, int, int | None]] = []
        orgs: list[tuple[int | None, int | None]] = []
        for i, key in enumerate(keys):
            m = _GROUP.match(key)
            if not m:
                continue
            what, num, part = m.groups()
            if what in _HANDLE_KIND and part == "value":
                label_col = ix.get(f"{what} {num} - type", ix.get(f"{what} {num} - label"))
                if what == "im":
                    label_col = ix.get(f"im {num} - service", label_col)
                groups.append((_HANDLE_KIND[what], i, label_col))
            elif what == "organization" and part == "name":
                orgs.append((i, ix.get(f"organization {num} - title")))
        if layout == "current" and "organization name" in ix:
            orgs.insert(0, (ix["organization name"], ix.get("organization title")))
        given_col = ix.get("given name" if layout == "legacy" else "first name")
        family_col = ix.get("family name" if layout == "legacy" else "last name")
        name_col = ix.get("name")
        labels_col = ix.get("group membership" if layout == "legacy" else "labels")
        for n, row in rows:
            if not any(c.strip() for c in row):
                continue
            yield _record(row, n, shown, groups, orgs, given_col, family_col, name_col, labels_col, ix)


def _record(
    row: list[str],
    n: int,
    shown: str,
    groups: list[tuple[HandleKind, int, int | None]],
    orgs: list[tuple[int | None, int | None]],
    given_col: int | None,
    family_col: int | None,
    name_col: int | None,
    labels_col: int | None,
    ix: dict[str, int],
) -> Record:
    given, family = cell(row, given_col), cell(row, family_col)
    middle = cell(row, ix.get("additional name", ix.get("middle name")))
    name = (
        cell(row, name_col)
        or " ".join(p for p in (given, middle, family) if p)
        or cell(row, ix.get("nickname"))
    )
    handles: list[Handle] = []
    for kind, value_col, label_col in groups:
        values = _split(cell(row, value_col))
        labels = _split(cell(row, label_col))
        for j, value in enumerate(values):
            label = _label(labels[j] if j < len(labels) else (labels[0] if labels else ""))
            if kind == "url" and "linkedin.com/" in value.casefold():
                handles.append(Handle("linkedin", value, label))
            elif kind == "chat":
                service = _SERVICES.get(label or "", (label or "im").replace(" ", ""))
                handles.append(Handle("chat", f"{service}:{value}"))
            else:
                handles.append(Handle(kind, value, label))
    positions: list[Position] = []
    for org_col, title_col in orgs:
        org = cell(row, org_col)
        if org:
            positions.append(Position(org, cell(row, title_col) or None))
    if (
        positions
        and not (given or middle or family)
        and name.casefold() in ("", positions[0].organization.casefold())
    ):
        return Skipped(shown, f"line {n}", f"a company's card ({positions[0].organization}), not a person")
    if not name and not handles:
        return Skipped(shown, f"line {n}", "contact has no name, e-mail, phone or website")
    # `* myContacts`, `* starred`: Google's own groups, not the user's labels
    tags = [t for t in _split(cell(row, labels_col)) if not t.startswith("*")]
    notes = cell(row, ix.get("notes"))
    return ContactRecord(
        source_key=csvutil.row_key("google_csv:", row),
        name=name or None,
        given_name=given or None,
        family_name=family or None,
        handles=tuple(handles),
        positions=tuple(dict.fromkeys(positions)),
        notes=(notes,) if notes else (),
        tags=tuple(tags),
        birthday=times.parse_birthday_cell(cell(row, ix.get("birthday"))),
        photo_ref=cell(row, ix.get("photo")) or None,
    )
