from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpora import FIXTURES
from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, ReadOptions, Record, Skipped
from tieline.sources.contacts import facebook_friends

HERE = FIXTURES / "facebook_friends"


def read(path: Path) -> list[Record]:
    return list(facebook_friends.read(path, ReadOptions()))


def test_reads_the_2019_friends_layout_and_repairs_mojibake() -> None:
    records = read(HERE / "friends.json")
    zoe, grace = (r for r in records if isinstance(r, ContactRecord))
    assert zoe.name == "Zoë Ångström"
    assert zoe.connected_on == datetime(2019, 1, 1, tzinfo=UTC)
    assert zoe.handles == (Handle("chat", "facebook:Zoë Ångström"),)
    assert grace.handles == (Handle("chat", "facebook:Grace Hopper"), Handle("email", "grace@navy.example"))
    (skip,) = [r for r in records if isinstance(r, Skipped)]
    assert skip.record == "friend 3"


def test_reads_the_friends_v2_layout_with_emoji() -> None:
    jose, ada = read(HERE / "your_friends.json")
    assert isinstance(jose, ContactRecord) and isinstance(ada, ContactRecord)
    assert jose.name == "José Müller 🚀"
    assert jose.connected_on == datetime(2022, 6, 4, 5, 38, 18, tzinfo=UTC)
    assert ada.name == "Ada Lovelace"


def test_reads_a_bare_list_and_label_values() -> None:
    records = read(HERE / "friends_list.json")
    assert [r.name for r in records if isinstance(r, ContactRecord)] == ["Søren Kierkegaard", "Alan Turing"]
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["entry is not an object"]


def test_rereading_gives_the_same_keys() -> None:
    keys = [r.source_key for r in read(HERE / "your_friends.json") if isinstance(r, ContactRecord)]
    assert keys == [r.source_key for r in read(HERE / "your_friends.json") if isinstance(r, ContactRecord)]
    assert len(set(keys)) == 2


def test_sniffs_friend_lists_only() -> None:
    assert facebook_friends.sniff(HERE / "friends.json") >= 0.8
    assert facebook_friends.sniff(HERE / "your_friends.json") >= 0.8
    assert facebook_friends.sniff(HERE / "friends_list.json") >= 0.6
    assert facebook_friends.sniff(FIXTURES / "vcard" / "iphone.vcf") == 0.0
    assert facebook_friends.sniff(HERE) == 0.0


def test_removed_friends_and_friend_requests_beside_the_list_are_not_friends(tmp_path: Path) -> None:
    entry = '{"name": "Ex Friend", "timestamp": 1600000000}'
    files = {
        "removed_friends.json": '{"deleted_friends_v2": [' + entry + "]}",
        "sent_friend_requests.json": '{"sent_requests_v2": [' + entry + "]}",
        "received_friend_requests.json": '{"received_requests_v2": [' + entry + "]}",
        "rejected_friend_requests.json": "[" + entry + "]",
        "removed_friends_list.json": "[" + entry + "]",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        assert facebook_friends.sniff(tmp_path / name) == 0.0, name


def test_json_nested_100000_deep_is_refused_without_recursing(tmp_path: Path) -> None:
    f = tmp_path / "friends.json"
    f.write_text('{"friends": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SourceError, match="nested"):
        read(f)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    f = tmp_path / "friends.json"
    f.write_text('{"friends": [{"name": "' + "[{" * 500 + '\\"", "timestamp": 1}]}')
    (friend,) = read(f)
    assert isinstance(friend, ContactRecord) and friend.name == "[{" * 500 + '"'


def test_an_empty_file_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "friends.json"
    f.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read(f)


def test_a_file_of_the_wrong_type_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "friends.json"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(SourceError) as err:
        read(f)
    assert err.value.file == str(f)


def test_json_without_a_friends_list_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "friends.json"
    f.write_text('{"messages": []}')
    with pytest.raises(SourceError, match="no friends list"):
        read(f)


def test_truncated_json_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "friends.json"
    f.write_text('{"friends_v2": [{"name": "Ada", "timest')
    with pytest.raises(SourceError, match="invalid JSON"):
        read(f)
