"""Read a large synthetic Telegram Desktop export with tieline's reader; print messages/s and peak RSS.

    PYTHONPATH=src python bench/parse_telegram.py [--size-mb 300] [--file /tmp/tieline-telegram.json]
                                                  [--only tieline|json.load]

The export (a full-account ``result.json``: owner, 1,000 contacts, personal chats, groups and channels,
service messages, formatted text, some Cyrillic and emoji, written with one-space indents as Telegram
Desktop does) is generated once in /tmp and reused. ``tieline`` runs ``sources.chat.telegram.read`` over it;
``json.load`` is what the reader did before streaming (load the whole document), for comparison. Each
runs in its own child process so that the peak RSS printed is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Radia", "Hedy", "Мария", "Иван"]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Perlman",
    "Lamarr",
    "Петрова",
]
PROSE = (
    "ok see you tomorrow then lunch meeting call me when free thanks! 😀 привет как дела "
    "did you read the paper the build is green again 🎉 on my way running late"
)
KINDS = ["personal_chat"] * 6 + ["private_group", "private_supergroup", "public_channel"]
START = 1_500_000_000


def _text(rng: random.Random) -> Any:
    vocabulary = PROSE.split()
    words = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(2, 40)))
    if rng.random() < 0.8:
        return words
    return [words, {"type": "link", "text": "https://example.org/x"}, " ", {"type": "bold", "text": "note"}]


def _message(rng: random.Random, msg_id: int, when: int, sender: tuple[int, str]) -> dict[str, Any]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when))
    if rng.random() < 0.03:
        return {
            "id": msg_id,
            "type": "service",
            "date": stamp,
            "date_unixtime": str(when),
            "actor": sender[1],
            "actor_id": f"user{sender[0]}",
            "action": "pin_message",
            "message_id": msg_id - 1,
            "text": "",
            "text_entities": [],
        }
    text = _text(rng)
    msg: dict[str, Any] = {
        "id": msg_id,
        "type": "message",
        "date": stamp,
        "date_unixtime": str(when),
        "from": sender[1],
        "from_id": f"user{sender[0]}",
    }
    if rng.random() < 0.2:
        msg["reply_to_message_id"] = max(1, msg_id - rng.randint(1, 20))
    if rng.random() < 0.05:
        msg["photo"] = f"photos/photo_{msg_id}@01-01-2023_12-00-00.jpg"
        msg["width"], msg["height"] = 1280, 960
    msg["text"] = text
    msg["text_entities"] = [{"type": "plain", "text": text if isinstance(text, str) else "…"}]
    return msg


def _indented(value: Any, depth: int) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)


def generate(path: Path, size_mb: int, seed: int = 7) -> None:
    """Write the export chat by chat, never holding more than one message."""
    rng = random.Random(seed)
    me = (1, "Ada Lovelace")
    people = [(100 + i, f"{rng.choice(FIRST)} {rng.choice(LAST)}") for i in range(5_000)]
    target = size_mb * 1_000_000
    with path.open("w", encoding="utf-8") as out:
        head = {
            "about": "Here is the data you requested.",
            "personal_information": {
                "user_id": me[0],
                "first_name": "Ada",
                "last_name": "Lovelace",
                "phone_number": "+44 7700 900001",
                "username": "ada",
                "bio": "",
            },
            "contacts": {
                "about": "contacts",
                "list": [
                    {
                        "user_id": pid,
                        "first_name": name.split()[0],
                        "last_name": name.split()[1],
                        "phone_number": f"+44 7700 9{pid:05d}",
                        "date": "2020-05-01T12:00:00",
                        "date_unixtime": "1588334400",
                    }
                    for pid, name in people[:1000]
                ],
            },
        }
        out.write(_indented(head, 0)[:-2] + ',\n "chats": {\n  "about": "chats",\n  "list": [')
        chat = 0
        while out.tell() < target:
            kind = rng.choice(KINDS)
            if kind == "personal_chat":
                peer = rng.choice(people)
                members = [me, peer]
                chat_id, name = peer
            else:
                members = [me, *rng.sample(people, rng.randint(3, 40))]
                chat_id, name = 10_000_000 + chat, f"Group {chat}"
            out.write(",\n   " if chat else "\n   ")
            out.write(f'{{\n    "name": {json.dumps(name, ensure_ascii=False)},\n    "type": "{kind}",')
            out.write(f'\n    "id": {chat_id},\n    "messages": [')
            when = START + rng.randint(0, 10**8)
            for msg_id in range(1, rng.randint(50, 2_000) + 1):
                when += rng.randint(1, 20_000)
                sender = members[0] if kind == "public_channel" else rng.choice(members)
                out.write(",\n     " if msg_id > 1 else "\n     ")
                out.write(_indented(_message(rng, msg_id, when, sender), 5))
            out.write("\n    ]\n   }")
            chat += 1
        out.write('\n  ]\n },\n "left_chats": {\n  "about": "left",\n  "list": []\n }\n}\n')


def run_tieline(path: Path) -> tuple[int, int]:
    from tieline.records import InteractionRecord, ReadOptions
    from tieline.sources.chat import telegram

    records = messages = 0
    for record in telegram.read(path, ReadOptions()):
        records += 1
        messages += isinstance(record, InteractionRecord)
    return records, messages


def run_json_load(path: Path) -> tuple[int, int]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    count = sum(len(chat["messages"]) for chat in data["chats"]["list"])
    return count, count


def child(which: str, path: Path) -> None:
    started = time.perf_counter()
    cpu = time.process_time()
    records, messages = run_tieline(path) if which == "tieline" else run_json_load(path)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"records": records, "messages": messages, "seconds": elapsed, "cpu": cpu, "peak_mb": peak_mb}
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--only", choices=["tieline", "json.load"])
    parser.add_argument("--child", choices=["tieline", "json.load"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.file or Path(f"/tmp/tieline-telegram-{args.size_mb}mb.json")
    if args.child:
        child(args.child, path)
        return
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.size_mb)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    size_mb = path.stat().st_size / 1e6
    for which in [args.only] if args.only else ["tieline", "json.load"]:
        out = subprocess.run(
            [sys.executable, __file__, "--file", str(path), "--child", which],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        rate = result["messages"] / result["seconds"]
        print(
            f"{which:9s} {result['messages']:>10,d} messages ({result['records']:,d} records) "
            f"{result['seconds']:7.1f} s {rate:>9,.0f} msgs/s (CPU {result['cpu']:5.1f} s, "
            f"{result['messages'] / result['cpu']:,.0f} msgs/CPU-s)  peak RSS {result['peak_mb']:6.0f} MB"
            f"   ({size_mb:,.0f} MB file)"
        )


if __name__ == "__main__":
    main()
