"""Write a realistic, deterministic mbox for benchmarks.

    python bench/gen_mbox.py OUT.mbox [N_MESSAGES] [--seed S]

A few thousand correspondents, threads (In-Reply-To/References), mailing lists, newsletters,
Gmail labels and thread ids, bodies of 2-8 KB with ``From `` lines quoted mboxrd-style, and
some base64 attachments. 100,000 messages take a few seconds.
"""

from __future__ import annotations

import argparse
import base64
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "Ken",
    "Dennis",
    "Margaret",
    "Radia",
    "Tim",
    "Vint",
    "Hedy",
    "Katherine",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Thompson",
    "Ritchie",
    "Hamilton",
    "Perlman",
    "Lee",
    "Cerf",
    "Lamarr",
    "Johnson",
]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.edu", "corp.example.co.uk"]
WORDS = [
    "the",
    "engine",
    "analytical",
    "compiler",
    "machine",
    "numbers",
    "program",
    "loop",
    "result",
    "meeting",
    "tomorrow",
    "draft",
    "notes",
    "please",
    "review",
    "attached",
    "thanks",
    "lunch",
    "friday",
    "project",
    "deadline",
    "budget",
    "team",
    "update",
    "question",
    "idea",
]
LISTS = ["dev@lists.example.org", "announce@lists.example.net", "users@lists.example.com"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--people", type=int, default=3000)
    args = parser.parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    me = ("Owner Person", "owner@example.com")
    people = []
    for i in range(args.people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = (
            f"{first} {last}"
            if rng.random() < 0.9
            else f"=?UTF-8?B?{base64.b64encode(f'{first} Lövë'.encode()).decode()}?="
        )
        people.append((name, f"{first.lower()}.{last.lower()}{i}@{rng.choice(DOMAINS)}"))
    # A few close contacts get most of the mail (Zipf-like).
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(people))]
    words_blob = [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(500)]
    attachment = base64.encodebytes(rng.randbytes(30_000))
    start = datetime(2015, 1, 1, tzinfo=UTC)
    threads: list[tuple[str, list[str], str]] = []
    with open(args.out, "wb", buffering=1 << 20) as out:
        for i in range(args.n):
            when = start + timedelta(seconds=i * 3000 + rng.randrange(3000))
            mid = f"<{i}.{rng.randrange(1 << 30)}@example.com>"
            kind = rng.random()
            lines: list[str] = []
            labels = "Inbox"
            if kind < 0.15:  # mailing list
                sender = rng.choices(people, weights)[0]
                to = [("List", rng.choice(LISTS))]
                cc: list[tuple[str, str]] = []
                extra = [f"List-Id: <{to[0][1].replace('@', '.')}>", "Precedence: list"]
            elif kind < 0.25:  # newsletter
                sender = ("Shop News", "no-reply@shop.example.com")
                to, cc = [me], []
                extra = ["List-Unsubscribe: <mailto:unsub@shop.example.com>"]
            else:
                other = rng.choices(people, weights)[0]
                outgoing = rng.random() < 0.4
                sender, to = (me, [other]) if outgoing else (other, [me])
                cc = rng.sample(people, rng.choice([0, 0, 0, 1, 2, 5]))
                extra = []
                labels = "Sent" if outgoing else rng.choice(["Inbox", "Inbox,Important", "Archived"])
            subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7)))
            if threads and rng.random() < 0.4:
                root, refs, subject0 = rng.choice(threads)
                lines.append(f"In-Reply-To: {refs[-1]}")
                lines.append("References: " + " ".join(refs[-10:]))
                subject = "Re: " + subject0
                refs.append(mid)
                thrid = root
            else:
                thrid = str(1_500_000_000_000_000_000 + i)
                threads.append((thrid, [mid], subject))
                if len(threads) > 2000:
                    threads.pop(rng.randrange(len(threads)))
            body_lines = [rng.choice(words_blob) for _ in range(rng.randint(25, 90))]
            if rng.random() < 0.02:
                body_lines.insert(3, ">From the archive, quoted the mboxrd way")
            has_attachment = rng.random() < 0.05
            header = [
                f"From {rng.randrange(10**18)}@xxx {when.strftime('%a %b %d %H:%M:%S +0000 %Y')}",
                f"X-GM-THRID: {thrid}",
                f"X-Gmail-Labels: {labels}",
                f"Received: from mail.{sender[1].split('@')[1]} (mail [10.0.{i % 250}.{i % 199}])",
                f"\tby mx.example.com with ESMTPS id {rng.randrange(1 << 40):x}",
                f"\tfor <{me[1]}>; {format_datetime(when)}",
                f"Date: {format_datetime(when)}",
                f"From: {sender[0]} <{sender[1]}>",
                "To: " + ", ".join(f"{n} <{a}>" for n, a in to),
            ]
            if cc:
                header.append("Cc: " + ",\n ".join(f"{n} <{a}>" for n, a in cc))
            header += [f"Subject: {subject}", f"Message-ID: {mid}", *lines, *extra, "MIME-Version: 1.0"]
            if has_attachment:
                header.append('Content-Type: multipart/mixed; boundary="b1"')
                body = (
                    "--b1\nContent-Type: text/plain; charset=utf-8\n\n"
                    + "\n".join(body_lines)
                    + '\n--b1\nContent-Type: application/pdf; name="a.pdf"\n'
                    + "Content-Transfer-Encoding: base64\n\n"
                    + attachment.decode()
                    + "--b1--\n"
                )
            else:
                header.append("Content-Type: text/plain; charset=utf-8")
                body = "\n".join(body_lines) + "\n"
            out.write(("\n".join(header) + "\n\n" + body + "\n").encode())
    elapsed = time.perf_counter() - started
    print(f"wrote {args.n} messages to {args.out} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
