import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources.chat import whatsapp

HERE = FIXTURES / "whatsapp"


def messages(path: Path, **opts: object) -> list[InteractionRecord]:
    return [r for r in whatsapp.read(path, ReadOptions(**opts)) if isinstance(r, InteractionRecord)]  # type: ignore[arg-type]


def test_reads_an_android_day_first_chat_with_a_multi_line_message():
    path = HERE / "WhatsApp Chat with Grace Hopper.txt"
    found = messages(path)
    assert [m.when for m in found] == [
        datetime(2021, 3, 2, 9, 16, tzinfo=UTC),
        datetime(2021, 3, 2, 9, 20, tzinfo=UTC),
        datetime(2021, 3, 13, 18, 2, tzinfo=UTC),
        datetime(2021, 3, 14, 7, 45, tzinfo=UTC),
    ]
    assert found[1].subject == "Yes, 14:00. I'll bring the notes and the moth."
    assert found[2].subject == "<Media omitted>"
    assert {m.sender.name for m in found if m.sender} == {"Ada Lovelace", "Grace Hopper"}
    assert found[0].participants[0].handles[0].value == "whatsapp:Grace Hopper"
    assert all(m.group_size == 2 and m.channel == "chat" and m.direction is None for m in found)
    assert whatsapp.date_order(path) == "day-first"


def test_reads_an_ios_group_chat_with_marks_12_hour_times_and_system_lines():
    path = HERE / "_chat.txt"
    records = list(whatsapp.read(path, ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [r.record for r in records if isinstance(r, Skipped)] == ["line 1", "line 2", "line 3", "line 9"]
    assert len(found) == 4
    assert whatsapp.date_order(path) == "month-first"
    assert found[0].when == datetime(2022, 1, 5, 9, 3, tzinfo=UTC)
    assert found[1].when == datetime(2022, 1, 5, 12, 30, 45, tzinfo=UTC)
    assert found[3].when == datetime(2022, 1, 16, 0, 0, tzinfo=UTC)
    assert found[2].sender is not None and found[2].sender.handles[0].kind == "phone"
    assert {m.group_size for m in found} == {3}
    assert found[3].subject == "Midnight thought: the engine could weave algebra."


def test_an_ambiguous_file_is_reported_and_read_day_first_unless_told():
    path = HERE / "ambiguous.txt"
    assert whatsapp.date_order(path) == "ambiguous"
    assert messages(path)[0].when.month == 2
    assert messages(path, day_first=False)[0].when.month == 1


def test_time_order_decides_when_no_component_is_over_twelve():
    path = HERE / "ordered.txt"
    assert whatsapp.date_order(path) == "day-first"
    assert [m.when.day for m in messages(path)] == [5, 6, 7, 1]


def test_reads_german_dotted_dates():
    found = messages(HERE / "WhatsApp Chat mit Grace Hopper.txt")
    assert [m.when for m in found] == [
        datetime(2016, 4, 15, 15, 4, tzinfo=UTC),
        datetime(2016, 4, 15, 15, 5, tzinfo=UTC),
    ]


def test_keys_are_stable_and_content_is_dropped_on_request():
    path = HERE / "WhatsApp Chat with Grace Hopper.txt"
    assert [m.source_key for m in messages(path)] == [m.source_key for m in messages(path)]
    assert len({m.source_key for m in messages(path)}) == 4
    assert all(m.subject is None for m in messages(path, content=False))


def test_a_file_that_is_not_a_chat_is_refused():
    path = HERE / "not_a_chat.txt"
    assert whatsapp.sniff(path) == 0.0
    with pytest.raises(SourceError):
        list(whatsapp.read(path, ReadOptions()))


CHAT_MINER = (
    "test_[mmddyy]_24hrs.txt",
    "test_ddmmyy_24hrs.txt",
    "test_mmddyy_24hrs.txt",
    "test_mmddyyyy_12hrs.txt",
    "test_yyyymmdd_24hrs.txt",
)


@pytest.mark.parametrize("name", CHAT_MINER)
def test_every_chat_miner_variant_gives_the_target_messages(name: str):
    folder = corpus("whatsapp", "joweich__chat-miner", "test", "whatsapp")
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    path = folder / name
    assert whatsapp.sniff(path) >= 0.7
    found = messages(path)
    assert len(found) == len(target) == 6
    got = sorted(
        (m.when.replace(tzinfo=None).isoformat(), m.sender.name if m.sender else None) for m in found
    )
    want = sorted((t["timestamp"], t["author"]) for t in target)
    assert got == want


LOCALES = HERE / "locales"


@pytest.mark.parametrize(
    ("name", "first", "second", "senders"),
    [
        ("ko_KR.txt", datetime(2019, 1, 15, 15, 4), datetime(2019, 1, 16, 9, 30), ("이영희", "김철수")),
        ("zh_CN.txt", datetime(2019, 1, 15, 15, 4), datetime(2019, 1, 16, 9, 30), ("王芳", "李伟")),
        (
            "ja_JP.txt",
            datetime(2019, 1, 15, 15, 4, 5),
            datetime(2019, 1, 16, 9, 30),
            ("山田花子", "佐藤太郎"),
        ),
        (
            "fi_FI.txt",
            datetime(2016, 4, 15, 15, 4),
            datetime(2016, 4, 16, 9, 30),
            ("Matti Virtanen", "Liisa Korhonen"),
        ),
        ("ar_EG.txt", datetime(2016, 4, 15, 15, 4), datetime(2016, 4, 16, 9, 30), ("سارة", "عمر")),
        (
            "es_ES.txt",
            datetime(2019, 1, 15, 15, 4),
            datetime(2019, 1, 16, 9, 30),
            ("Lucía Pérez", "Mateo Gómez"),
        ),
        ("year_day_month.txt", datetime(2016, 4, 15, 15, 4), datetime(2016, 4, 16, 9, 30), ("Ash", "Brock")),
        (
            "dashes_seconds.txt",
            datetime(2020, 1, 15, 3, 4),
            datetime(2020, 1, 16, 9, 30),
            ("Ada Lovelace", "Grace Hopper"),
        ),
        (
            "en_GB_ios.txt",
            datetime(2019, 1, 15, 15, 4, 5),
            datetime(2019, 1, 16, 9, 30),
            ("Ada Lovelace", "Grace Hopper"),
        ),
    ],
)
def test_every_locales_date_and_time_shape_is_read(
    name: str, first: datetime, second: datetime, senders: tuple[str, str]
) -> None:
    path = LOCALES / name
    assert whatsapp.sniff(path) >= 0.9
    records = list(whatsapp.read(path, ReadOptions()))
    assert all(isinstance(r, InteractionRecord) for r in records), records
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [m.when for m in found] == [first.replace(tzinfo=UTC), second.replace(tzinfo=UTC)]
    assert tuple(m.sender.name for m in found if m.sender) == senders
    assert [[p.name for p in m.participants] for m in found] == [[senders[1]], [senders[0]]]


def test_an_ios_group_in_another_language_is_not_taken_for_a_member() -> None:
    records = list(whatsapp.read(LOCALES / "de_DE_ios_group.txt", ReadOptions()))
    assert [(r.record, r.reason) for r in records if isinstance(r, Skipped)] == [
        ("line 1", "system message"),
        ("line 2", "system message"),
        ("line 5", "system message"),
    ]
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [m.sender.name for m in found if m.sender] == ["Ada Lovelace", "Charles Babbage"]
    assert [p.name for p in found[0].participants] == ["Charles Babbage"]
    assert {m.group_size for m in found} == {2}
