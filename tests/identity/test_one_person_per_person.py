"""One person per person in one export: Telegram's linked ids, names that arrive late."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from tests.cli import tieline
from tests.corpora import FIXTURES
from tieline.store import tables as t
from tieline.store.db import Store

TELEGRAM = FIXTURES / "telegram" / "full_account_result.json"


def _handles(db: str, name: str) -> list[str]:
    p, h = t.people, t.handles
    with Store(db).read() as conn:
        return sorted(
            conn.execute(select(h.c.value).join(p, p.c.id == h.c.person_id).where(p.c.name == name)).scalars()
        )


def test_a_telegram_contact_and_the_chat_with_them_are_one_person(db_url: str) -> None:
    tieline(db_url, "import", str(TELEGRAM), "--json")
    names = [p["name"] for p in tieline(db_url, "people", "list", "--json").json()]
    assert names.count("Grace Hopper") == 1
    assert _handles(db_url, "Grace Hopper") == ["+12025550100", "telegram:user4242"]
    pa = t.participants
    with Store(db_url).read() as conn:
        rows = conn.execute(
            select(pa.c.interaction_id, pa.c.person_id).where(pa.c.person_id.is_not(None))
        ).all()
    assert len(rows) == len(set(rows))  # each message counts once for each person in it


def test_telegram_snippets_come_from_text_entities_when_there_is_no_text(tmp_path: Path) -> None:
    export = {
        "name": "Grace Hopper",
        "type": "personal_chat",
        "id": 4242,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date_unixtime": "1673778600",
                "from": "Grace Hopper",
                "from_id": "user4242",
                "text_entities": [{"type": "plain", "text": "Hello "}, {"type": "bold", "text": "world"}],
            }
        ],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "import", str(path))
    with Store(db).read() as conn:
        assert conn.execute(select(t.interactions.c.subject)).scalars().all() == ["Hello world"]


def _mail(path: Path, *messages: tuple[str, str, str]) -> str:
    out = []
    for i, (sender, to, when) in enumerate(messages):
        out.append(
            f"From x@y {when}\nFrom: {sender}\nTo: {to}\nSubject: m{i}\nMessage-ID: <{path.stem}{i}@example.org>\n"
            f"Date: Mon, 0{i + 1} Jan 2024 10:00:00 +0000\n\nhello\n\n"
        )
    path.write_text("".join(out), encoding="utf-8")
    return str(path)


def test_a_contact_first_seen_without_a_name_takes_the_name_a_later_message_gives(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "me", "add", "ada@example.org")
    tieline(db, "people", "add", "Robert", "--email", "rob@example.net")
    first = _mail(
        tmp_path / "a.mbox", ("Ada <ada@example.org>", "bob@example.net", "Mon Jan  1 10:00:00 2024")
    )
    tieline(db, "import", first)
    assert _handles(db, "bob@example.net") == ["bob@example.net"]
    later = _mail(
        tmp_path / "b.mbox",
        ("Bob Dylan <bob@example.net>", "ada@example.org", "Tue Jan  2 10:00:00 2024"),
        ("Bobby <rob@example.net>", "ada@example.org", "Tue Jan  2 10:00:00 2024"),
    )
    tieline(db, "import", later)
    names = sorted(p["name"] for p in tieline(db, "people", "list", "--json").json())
    assert names == ["Bob Dylan", "Robert"]  # the name the user typed stays


def test_endorsements_and_recommendations_from_people_not_yet_in_touch_show_on_them(tmp_path: Path) -> None:
    export = tmp_path / "linkedin"
    export.mkdir()
    (export / "Endorsement_Received_Info.csv").write_text(
        "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status\n"
        "2021/08/11 11:00:31 UTC,Mathematics,Grace,Hopper,www.linkedin.com/in/grace-hopper,ACCEPTED\n",
        encoding="utf-8",
    )
    (export / "Recommendations_Received.csv").write_text(
        "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\n"
        'Grace,Hopper,Navy,Admiral,"Computes like nobody else.","01/15/24, 09:00 PM",VISIBLE\n',
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "import", str(export))
    grace = tieline(db, "people", "show", "Grace Hopper", "--json").json()
    assert sorted(i["kind"] for i in grace["interactions"]) == ["endorsement", "recommendation"]
