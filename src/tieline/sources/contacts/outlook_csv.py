"""Outlook CSV exports: desktop Outlook, Outlook.com, and localized Outlooks (de, fr, es, it, nl, pt).

A localized Outlook writes its headers in the user's language (`Vorname`, `Nachname`, `E-Mail-Adresse`;
`Prénom`, `Nom`, `Adresse de messagerie`), often with `;` as the delimiter and in Windows-1252.
Columns are matched by name through a small table of synonyms; phone columns by their words.
Birthdays follow the header's language: month first in English, day first otherwise. A row with a company
but no person's name is a company's card and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, Position, ReadOptions, Record, Skipped
from tieline.sources import csvutil, times
from tieline.sources.csvutil import cell

NAME = "outlook_csv"

FIELDS: dict[str, tuple[str, ...]] = {
    "given": ("first name", "vorname", "prénom", "nombre", "voornaam", "nome"),
    "middle": (
        "middle name",
        "weitere vornamen",
        "deuxième prénom",
        "segundo nombre",
        "tweede voornaam",
        "middelste naam",
        "secondo nome",
        "segundo nome",
    ),
    "family": ("last name", "nachname", "nom", "apellidos", "achternaam", "cognome", "sobrenome"),
    "company": ("company", "firma", "société", "organisation", "compañía", "bedrijf", "società", "empresa"),
    "job": ("job title", "position", "fonction", "poste", "puesto", "functie", "posizione", "cargo"),
    "birthday": (
        "birthday",
        "geburtstag",
        "anniversaire",
        "cumpleaños",
        "verjaardag",
        "compleanno",
        "aniversário",
    ),
    "categories": ("categories", "kategorien", "catégories", "categorías", "categorieën", "categorie"),
    "notes": ("notes", "notizen", "notas", "notities", "note"),
    "web": ("web page", "webseite", "page web", "página web", "webpagina", "pagina web"),
    "display": ("display name", "anzeigename", "nom à afficher"),
}
ENGLISH_MARKERS = ("first name", "last name", "e-mail address")
_EMAIL = re.compile(
    r"^(e-mail|e-mail-adresse|email|adresse de messagerie|adresse e-mail|correo electrónico"
    r"|dirección de correo electrónico|indirizzo (di )?posta elettronica|e-mailadres|endereço de e-?mail"
    r"|primary email|secondary email)\b"  # the last two: Thunderbird's CSV, read here too
)
_EMAIL_EXCLUDE = (
    "type",
    "typ",
    "display",
    "anzeige",
    "angezeigt",
    "affich",
    "tipo",
    "weergave",
    "name",
    "nom",
)
_DISPLAY = ("display", "angezeigt", "anzeige", "affich", "weergave", "para mostrar", "visualizzat", "exibi")
_IN_PARENS = re.compile(r"\(([^()\s@]+@[^()\s@]+\.[^()\s@]+)\)")
_PHONE = re.compile(
    r"phone|telefon|téléphone|tél\.|mobil|móvil|portable|teléfono|telefoon|handy|cellular|celular"
)
# Not the person's own number: a fax, their assistant's phone, their company's switchboard
# (shared by everyone there, it would merge colleagues into one person).
_NOT_OWN_PHONE = re.compile(
    r"fax|télécopie|assist|ayudante|company main|telefon firma|haupttelefon firma|téléphone société"
    r"|teléfono de la compañía|telefoon bedrijf|telefono società"
)


def _columns(keys: list[str]) -> tuple[dict[str, int], list[int], list[tuple[int, str]], list[int]]:
    fields: dict[str, int] = {}
    for i, key in enumerate(keys):
        for field, names in FIELDS.items():
            if key in names and field not in fields:
                fields[field] = i
    emails = [i for i, k in enumerate(keys) if _EMAIL.match(k) and not any(x in k for x in _EMAIL_EXCLUDE)]
    shown_as = [i for i, k in enumerate(keys) if _EMAIL.match(k) and any(x in k for x in _DISPLAY)]
    phones = [(i, k) for i, k in enumerate(keys) if _PHONE.search(k) and not _NOT_OWN_PHONE.search(k)]
    return fields, emails, phones, shown_as


def _looks_like_outlook(keys: list[str]) -> bool:
    # Google's layout, LinkedIn's connections, or LinkedIn's copy of an uploaded address book
    if any(" - value" in k for k in keys) or "connected on" in keys or "companies" in keys:
        return False
    fields, emails, phones, _ = _columns(keys)
    return "given" in fields and "family" in fields and bool(emails or phones) and len(keys) >= 3


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        return 0.85 if _looks_like_outlook(csvutil.sniff_header(path)) else 0.0
    except OSError:
        return 0.0


def _phone_label(header: str) -> str | None:
    h = header.casefold()
    for word, label in (
        ("mobil", "mobile"),
        ("móvil", "mobile"),
        ("mobiele", "mobile"),
        ("cellular", "mobile"),
        ("celular", "mobile"),
        ("portable", "mobile"),
        ("handy", "mobile"),
        ("home", "home"),
        ("privat", "home"),
        ("domicile", "home"),
        ("particular", "home"),
        ("abitazione", "home"),
        ("thuis", "home"),
        ("residencial", "home"),
        ("business", "work"),
        ("work", "work"),
        ("geschäft", "work"),
        ("trabajo", "work"),
        ("ufficio", "work"),
        ("werk", "work"),
        ("comercial", "work"),
        ("bureau", "work"),
        ("travail", "work"),
    ):
        if word in h:
            return label
    return None


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    shown = str(path)
    keys, rows, fh = csvutil.open_table(path, encoding=options.extra.get("encoding"))
    with fh:
        if not _looks_like_outlook(keys):
            raise SourceError(
                shown, "line 1", "not an Outlook contacts CSV (no First Name/Last Name/E-mail header)"
            )
        fields, emails, phones, shown_as = _columns(keys)
        day_first = options.day_first
        if day_first is None:
            day_first = not any(k in ENGLISH_MARKERS for k in keys)
        for n, row in rows:
            if not any(c.strip() for c in row):
                continue
            yield _record(row, n, shown, fields, emails, phones, shown_as, day_first)


def _record(
    row: list[str],
    n: int,
    shown: str,
    fields: dict[str, int],
    emails: list[int],
    phones: list[tuple[int, str]],
    shown_as: list[int],
    day_first: bool,
) -> Record:
    given, middle, family = (cell(row, fields.get(f)) for f in ("given", "middle", "family"))
    handles: list[Handle] = []
    for i in emails:
        value = cell(row, i)
        if "@" in value:
            handles.append(Handle("email", value))
    # An Exchange contact's address column holds an X.500 name (`/o=ExchangeLabs/...`); its SMTP
    # address is only in the display name, `Ada Lovelace (ada@example.org)`.
    for i in shown_as:
        for address in _IN_PARENS.findall(cell(row, i)):
            if all(address.casefold() != h.value.casefold() for h in handles):
                handles.append(Handle("email", address))
    for i, header in phones:
        value = cell(row, i)
        if value:
            handles.append(Handle("phone", value, _phone_label(header)))
    web = cell(row, fields.get("web"))
    if web:
        handles.append(Handle("linkedin" if "linkedin.com/" in web.casefold() else "url", web))
    company, job = cell(row, fields.get("company")), cell(row, fields.get("job"))
    name = " ".join(p for p in (given, middle, family) if p) or cell(row, fields.get("display"))
    if company and (not name or name.casefold() == company.casefold()):
        return Skipped(shown, f"line {n}", f"a company's card ({company}), not a person")
    if not name and not handles:
        return Skipped(shown, f"line {n}", "contact has no name, e-mail or phone")
    categories = cell(row, fields.get("categories"))
    notes = cell(row, fields.get("notes"))
    return ContactRecord(
        source_key=csvutil.row_key("outlook_csv:", row),
        name=name or None,
        given_name=given or None,
        family_name=family or None,
        handles=tuple(handles),
        positions=(Position(company, job or None),) if company else (),
        notes=(notes,) if notes else (),
        tags=tuple(t.strip() for t in re.split(r"[;,]", categories) if t.strip()),
        birthday=times.parse_birthday_cell(cell(row, fields.get("birthday")), day_first),
    )
