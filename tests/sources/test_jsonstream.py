"""The streaming cursor reads what ``json.loads`` reads and fails where and as ``json.loads`` fails,
wherever the file is cut into pieces."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tieline.sources import jsonstream

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=25,
)
DAMAGE = '{}[],:"\\ 0e-.tn\n'


def _cursor(text: str, chunk: int) -> jsonstream.Cursor:
    return jsonstream.Cursor(io.BytesIO(text.encode("utf-8")), chunk, 1 << 20)


def _walked(text: str, chunk: int) -> str:
    """What walking the whole document container by container gives: "ok" or the error and its line."""
    cursor = _cursor(text, chunk)
    try:
        cursor.skip()
        cursor.finish()
    except jsonstream.JSONError as exc:
        return f"{exc.msg} at line {exc.line}"
    return "ok"


def _loaded(text: str) -> str:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"{exc.msg} at line {exc.lineno}"
    return "ok"


@settings(max_examples=400, deadline=None)
@given(
    value=VALUES,
    indent=st.sampled_from([None, 0, 1, 2]),
    chunk=st.integers(1, 40),
    cut=st.integers(0, 10_000),
    damage=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(DAMAGE)), max_size=2),
)
def test_a_damaged_document_fails_as_json_loads_fails(
    value: Any, indent: int | None, chunk: int, cut: int, damage: list[tuple[int, str]]
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    for at, char in damage:
        at %= len(text) + 1
        text = text[:at] + char + text[at:]
    if cut < len(text):
        text = text[:cut]
    assert _walked(text, chunk) == _loaded(text)


@settings(max_examples=200, deadline=None)
@given(items=st.lists(VALUES, max_size=6), chunk=st.integers(1, 40))
def test_each_element_of_a_list_is_the_value_json_loads_gives(items: list[Any], chunk: int) -> None:
    cursor = _cursor(json.dumps({"before": 1, "items": items, "after": [2]}, indent=1), chunk)
    got: list[Any] = []
    for key in cursor.members():
        if key == "items":
            got.extend(cursor.value() for _ in cursor.items())
    cursor.finish()
    assert got == items


def test_a_value_longer_than_the_limit_is_an_error_naming_its_line() -> None:
    text = '{"messages": [\n{"text": "short"},\n{"text": "' + "x" * 5000 + '"}\n]}'
    cursor = jsonstream.Cursor(io.BytesIO(text.encode()), 64, 1000)
    got: list[Any] = []
    try:
        for _ in cursor.members():
            got.extend(cursor.value() for _ in cursor.items())
    except jsonstream.JSONError as exc:
        assert "longer than" in exc.msg and exc.line == 3
    else:
        raise AssertionError("a 5,000-character value passed a 1,000-character limit")
    assert got == [{"text": "short"}]
