from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpora import FIXTURES, ties
from tieline.errors import SourceError
from tieline.records import Handle, InteractionRecord, ReadOptions, Skipped
from tieline.sources.phone import interactions_csv

HERE = FIXTURES / "interactions_csv"


def interactions(path: Path, **extra: str) -> list[InteractionRecord]:
    return [
        r for r in interactions_csv.read(path, ReadOptions(extra=extra)) if isinstance(r, InteractionRecord)
    ]


def test_sniffs_the_header_and_nothing_else(tmp_path: Path) -> None:
    assert interactions_csv.sniff(HERE / "one_ego.csv") >= 0.9
    assert interactions_csv.sniff(HERE / "not_interactions.csv") == 0.0
    assert interactions_csv.sniff(HERE) == 0.0
    assert interactions_csv.sniff(tmp_path / "missing.csv") == 0.0
    (tmp_path / "binary.bin").write_bytes(b"\x00\xff\xfe" * 100)
    assert interactions_csv.sniff(tmp_path / "binary.bin") == 0.0


def test_reads_every_row_of_a_one_ego_file_with_channel_direction_and_handles() -> None:
    records = interactions(HERE / "one_ego.csv")
    assert len(records) == 7
    first, reply, call, call_again, message, sms, meeting = records
    assert (first.channel, first.direction, first.sender) == ("email", "out", None)
    assert first.participants[0].handles == (Handle("email", "grace@example.com"),)
    assert reply.direction == "in" and reply.sender == reply.participants[0]
    assert call.participants[0].handles == (Handle("phone", "+44 7700 900123"),)
    assert call.direction is None and call.duration_s == 754
    assert call_again.duration_s is None  # 32767 is the phone logger's "unknown"
    assert message.channel == "chat" and message.participants[0].handles == (Handle("chat", "id:charles"),)
    assert meeting.channel == "meeting" and meeting.duration_s == 3600


def test_times_without_a_zone_are_utc_and_zones_are_honoured() -> None:
    records = interactions(HERE / "one_ego.csv")
    assert records[0].when == datetime(2024, 3, 1, 9, 15, tzinfo=UTC)
    assert records[4].when == datetime(2024, 3, 3, 19, 0, tzinfo=UTC)
    assert records[5].when == datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
    assert all(r.when.tzinfo is UTC for r in records)


def test_source_keys_are_stable_and_identical_rows_share_one() -> None:
    once = [r.source_key for r in interactions(HERE / "one_ego.csv")]
    again = [r.source_key for r in interactions(HERE / "one_ego.csv")]
    assert once == again
    assert len(set(once)) == 7
    assert all(k.startswith("interactions_csv:") and str(HERE) not in k for k in once)


def test_a_file_with_several_egos_needs_a_choice() -> None:
    with pytest.raises(SourceError) as err:
        list(interactions_csv.read(HERE / "several_egos.csv", ReadOptions()))
    assert "several_egos.csv" in str(err.value) and "ego" in err.value.reason
    assert len(interactions(HERE / "several_egos.csv", ego="ada")) == 3
    assert len(interactions(HERE / "several_egos.csv", ego="grace")) == 2
    with pytest.raises(SourceError, match="no rows for the ego 'charles'"):
        interactions(HERE / "several_egos.csv", ego="charles")


def test_read_by_ego_yields_every_row_with_its_ego() -> None:
    rows = list(interactions_csv.read_by_ego(HERE / "several_egos.csv"))
    assert [ego for ego, _ in rows] == ["ada", "ada", "ada", "grace", "grace"]
    assert rows[3][1].direction == "in"


def test_bad_rows_are_skipped_with_their_line_and_reason() -> None:
    records = list(interactions_csv.read(HERE / "bad_rows.csv", ReadOptions()))
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert [s.record for s in skipped] == ["2", "3", "4", "5", "6"]
    assert "timestamp" in skipped[0].reason and "channel" in skipped[2].reason
    kept = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(kept) == 1 and kept[0].duration_s is None  # -1: unknown length


def test_files_it_cannot_read_raise_one_error_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"ego,alter,timestamp,channel\nad\xe9,b,2024-01-01T00:00:00,sms\n")
    for path in (empty, HERE / "not_interactions.csv", latin, tmp_path / "missing.csv"):
        with pytest.raises(SourceError) as err:
            list(interactions_csv.read(path, ReadOptions()))
        assert path.name in str(err.value)


def test_reads_the_real_social_evolution_log() -> None:
    path = ties("social-evolution-dev", "interactions.csv")
    rows = list(interactions_csv.read_by_ego(path))
    assert len(rows) == 78811
    assert {r.channel for _, r in rows} == {"call", "sms"}
    assert all(r.direction is None for _, r in rows if r.channel == "call")


def test_other_logs_words_for_channels_directions_and_unix_times(tmp_path: Path) -> None:
    path = tmp_path / "other_study.csv"
    path.write_text(
        "ego,alter,timestamp,channel,initiator,duration_s\n"
        "p1,p2,1357516934,Phone_Call,outgoing,60\n"
        "p1,p2,1357516934500,text message,incoming,\n"
        "p1,p3,2013-01-07T10:00:00Z,face-to-face,,\n"
        "p1,p3,2013-01-08 10:00:00,WhatsApp,sent,\n",
        encoding="utf-8",
    )
    records = interactions(path)
    assert [(r.channel, r.direction) for r in records] == [
        ("call", "out"),
        ("sms", "in"),
        ("in-person", None),
        ("chat", "out"),
    ]
    assert records[0].when == datetime(2013, 1, 7, 0, 2, 14, tzinfo=UTC)
    assert records[1].when == datetime(2013, 1, 7, 0, 2, 14, 500000, tzinfo=UTC)  # milliseconds


def test_read_by_ego_hands_back_the_rows_it_could_not_read() -> None:
    skipped: list[Skipped] = []
    rows = list(interactions_csv.read_by_ego(HERE / "bad_rows.csv", skipped))
    assert len(rows) == 1
    assert [s.record for s in skipped] == ["2", "3", "4", "5", "6"]
