"""Generate a realistic 30,000-row LinkedIn Connections.csv and a 30,000-card vCard 3.0 file.

Names come from a small pool, so many people share a name, but every profile URL differs (the
identity-resolution trap: a shared name alone must never merge two people). Beside them it writes
`Connections-updated.csv` and `contacts-updated.vcf`: the same people a year later, one in ten with a
new company, title and work e-mail (what a re-import of a newer export sees).

    python bench/gen_contacts.py [--rows 30000] [--changed 0.1] [--out DIR (default: $TMPDIR/tieline-bench)]
"""

from __future__ import annotations

import argparse
import base64
import csv
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

GIVEN = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Ken",
    "Dennis",
    "Frances",
    "John",
    "Mary",
    "Ahmed",
    "Li",
    "Priya",
    "José",
    "Zoë",
    "Søren",
    "Mohamed",
    "Anna",
    "🚀 Brendan",
    "Marie (Mimi)",
    "Olamide",
    "Yuki",
    "Nikolai",
]
FAMILY = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Ritchie",
    "Allen",
    "Smith",
    "Nguyen",
    "Müller",
    "García",
    "Kowalski",
    "Ivanova",
    "O'Brien",
    "Okafor",
    "Tanaka",
    "Kereiakes 💭",
]
COMPANIES = [
    "Analytical Engines Ltd",
    "Compilers, Inc.",
    "Bletchley Park",
    "Lifted, an Upwork Company™",
    "Acme",
    "Заедно в час",
    "Hmto - همتو",
    "Initech",
    "",
    "Globex Corporation",
    "Umbrella",
    "Stark Industries",
]
TITLES = ["Engineer", "Head of Product", "Sr. Director Platform ", "CEO", "Research Assistant", "", "Founder"]
PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or download "
    'their email address using this setting https://www.linkedin.com/psettings/privacy/email."\n\n'
)


def people(rows: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    start = date(2012, 1, 1)
    out = []
    for i in range(rows):
        first, last = rnd.choice(GIVEN), rnd.choice(FAMILY)
        slug = f"{first}-{last}".lower().encode("ascii", "ignore").decode().replace(" ", "-")
        out.append(
            {
                "first": first,
                "last": last,
                "url": f"https://www.linkedin.com/in/{slug}-{i:06x}",
                "email": f"{slug}.{i}@example.com" if rnd.random() < 0.1 else "",
                "company": rnd.choice(COMPANIES),
                "title": rnd.choice(TITLES),
                "on": start + timedelta(days=rnd.randrange(5000)),
                "phone": f"+44 7700 {rnd.randrange(900000):06d}",
            }
        )
    return out


def updated(rows: list[dict[str, Any]], share: float, seed: int = 13) -> list[dict[str, Any]]:
    """The same people later: a share of them moved to a new company, with a new title and work address."""
    rnd = random.Random(seed)
    out = []
    for i, p in enumerate(rows):
        p = dict(p)
        if rnd.random() < share:
            company = rnd.choice([c for c in COMPANIES if c and c != p["company"]])
            slug = p["url"].rsplit("/", 1)[1]
            p.update(company=company, title=rnd.choice(TITLES[:5]), email=f"{slug}@{i % 97}.newjob.example")
            p["moved"] = True
        out.append(p)
    return out


def write_connections(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(PREAMBLE)
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for p in rows:
            on = p["on"]
            assert isinstance(on, date)
            w.writerow(
                [
                    p["first"],
                    p["last"],
                    p["url"],
                    p["email"],
                    p["company"],
                    p["title"],
                    on.strftime("%d %b %Y"),
                ]
            )


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    out, cur = [], line
    while len(cur.encode()) > 75:
        cut = 75
        while len(cur[:cut].encode()) > 75:
            cut -= 1
        out.append(cur[:cut])
        cur = " " + cur[cut:]
    out.append(cur)
    return "\r\n".join(out)


def write_vcards(path: Path, rows: list[dict[str, Any]], seed: int = 11) -> None:
    rnd = random.Random(seed)
    photo = base64.b64encode(bytes(rnd.randrange(256) for _ in range(600))).decode()
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i, p in enumerate(rows):
            lines = [
                "BEGIN:VCARD",
                "VERSION:3.0",
                "PRODID:-//Apple Inc.//iPhone OS 17.1//EN",
                f"N:{_esc(p['last'])};{_esc(p['first'])};;;",
                f"FN:{_esc(p['first'])} {_esc(p['last'])}",
            ]
            if p["company"]:
                lines.append(f"ORG:{_esc(p['company'])};")
            if p["title"].strip():
                lines.append(f"TITLE:{_esc(p['title'].strip())}")
            lines.append(f"item1.EMAIL;type=INTERNET;type=pref:{p['url'].rsplit('/', 1)[1]}@example.org")
            lines.append("item1.X-ABLabel:_$!<Other>!$_")
            lines.append(f"TEL;type=CELL;type=VOICE;type=pref:{p['phone']}")
            lines.append(f"X-SOCIALPROFILE;type=linkedin:{p['url']}")
            on = p["on"]
            assert isinstance(on, date)
            if p.get("moved"):
                lines.append(f"EMAIL;type=WORK:{p['email']}")
            if i % 3 == 0:
                lines.append(f"BDAY;value=date:{on.replace(year=1980).isoformat()}")
            if i % 5 == 0:
                lines.append(f"NOTE:Met at the {on.year} conference\\, talked about compilers.")
            if i % 20 == 0:
                lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}")
            lines.append(f"UID:{i:08d}-0000-4000-8000-{i:012d}")
            lines.append("END:VCARD")
            fh.write("\r\n".join(_fold(ln) for ln in lines) + "\r\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=30_000)
    ap.add_argument("--changed", type=float, default=0.1, help="share of people with a new job later")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "tieline-bench")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = people(args.rows)
    write_connections(args.out / "Connections.csv", rows)
    write_vcards(args.out / "contacts.vcf", rows)
    later = updated(rows, args.changed)
    write_connections(args.out / "Connections-updated.csv", later)
    write_vcards(args.out / "contacts-updated.vcf", later)
    print(
        f"{sum(1 for p in later if p.get('moved'))} of {len(later)} people changed jobs in the updated files"
    )
    for name in ("Connections.csv", "contacts.vcf", "Connections-updated.csv", "contacts-updated.vcf"):
        f = args.out / name
        print(f"{f}  {f.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
