from datetime import UTC, datetime

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources.phone import sms_backup

HERE = FIXTURES / "sms_backup"


def test_reads_sms_and_mms_despite_invalid_character_references():
    records = list(sms_backup.read(HERE / "sms-20231115.xml", ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["draft"]
    assert [m.direction for m in found] == ["in", "out", "in", "in", "out"]
    assert found[0].subject == "Tea later? 😀"
    assert found[1].subject == "Yes at 5"
    assert found[0].participants[0].handles[0].value == "+44 7700 900123"
    assert found[0].participants[0].name == "Grace Hopper"
    assert found[0].when == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    mms = found[3]
    assert mms.group_size == 3 and mms.subject == "Group photo 😀"
    assert mms.sender is not None and mms.sender.handles[0].value == "+44 7700 900123"
    assert {m.channel for m in found} == {"sms"}


def test_a_surrogate_pair_split_between_chunks_survives(monkeypatch):
    monkeypatch.setattr(sms_backup, "_CHUNK", 7)
    found = [
        r
        for r in sms_backup.read(HERE / "sms-20231115.xml", ReadOptions())
        if isinstance(r, InteractionRecord)
    ]
    assert found[0].subject == "Tea later? 😀"
    assert len(found) == 5


def test_reads_calls_with_direction_and_duration():
    records = list(sms_backup.read(HERE / "calls-20231115.xml", ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [(m.direction, m.duration_s) for m in found] == [("in", 125), ("out", 30), ("in", 0), ("in", 0)]
    assert {m.channel for m in found} == {"call"}
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["blocked call", "number withheld"]


def test_content_is_dropped_on_request():
    found = [
        r
        for r in sms_backup.read(HERE / "sms-20231115.xml", ReadOptions(content=False))
        if isinstance(r, InteractionRecord)
    ]
    assert all(m.subject is None for m in found)


def test_a_truncated_backup_is_a_source_error_with_a_line():
    with pytest.raises(SourceError) as err:
        list(sms_backup.read(HERE / "truncated.xml", ReadOptions()))
    assert err.value.record is not None and err.value.record.startswith("line")


def test_memacs_samples_give_every_message_and_call():
    folder = corpus("android-sms", "novoid__Memacs", "memacs", "tests", "data")
    sms = [
        r for r in sms_backup.read(folder / "smsxml.txt", ReadOptions()) if isinstance(r, InteractionRecord)
    ]
    assert len(sms) == 4
    assert [m.direction for m in sms] == ["in", "out", "out", "out"]
    assert {p.handles[0].value for m in sms for p in m.participants} == {
        "+436812314123",
        "+43612341234",
        "+43612341238",
        "+4312341234",
    }
    records = list(sms_backup.read(folder / "calls.xml", ReadOptions()))
    calls = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(calls) == 7  # the eighth has no number ("-1")
    assert sum(isinstance(r, Skipped) for r in records) == 1
    assert [m.duration_s for m in calls] == [59, 22, 289, 70, 0, 0, 60]
    assert sms_backup.sniff(folder / "calls.xml") >= 0.9


def test_reads_a_superbackup_call_log_and_its_readable_time_when_the_epoch_is_missing():
    path = HERE / "superbackup-calls.xml"
    assert sms_backup.sniff(path) >= 0.9
    records = list(sms_backup.read(path, ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [(m.when, m.direction, m.duration_s) for m in found] == [
        (datetime(2021, 3, 2, 9, 15, tzinfo=UTC), "in", 312),
        (datetime(2021, 3, 2, 10, 0, tzinfo=UTC), "out", 45),
        (datetime(2021, 3, 3, 18, 30, 5, tzinfo=UTC), "in", 0),
    ]
    assert [m.participants[0].name for m in found] == ["Grace Hopper", None, "Grace Hopper"]
    assert found[0].sender == found[0].participants[0] and found[1].sender is None
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["number withheld"]


def test_a_sent_mms_without_an_address_attribute_does_not_list_the_owner(tmp_path):
    path = tmp_path / "sms.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="1">\n'
        '<mms date="1700000500000" msg_box="2" m_id="x" read="1"><parts><part ct="text/plain" text="hi" /></parts>'
        '<addrs><addr address="+44 7700 900001" type="137" /><addr address="+44 7700 900123" type="151" />'
        '<addr address="+44 7700 900126" type="130" /></addrs></mms>\n</smses>\n',
        encoding="utf-8",
    )
    (mms,) = [r for r in sms_backup.read(path, ReadOptions()) if isinstance(r, InteractionRecord)]
    assert [p.handles[0].value for p in mms.participants] == ["+44 7700 900123", "+44 7700 900126"]
    assert mms.direction == "out" and mms.group_size == 3
