"""`tieline health`: the headline, the parts the issue lists, --as-of, archived people, the JSON keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli import tieline
from tests.insight.network import AS_OF, build, day
from tieline.insight import headline as hl
from tieline.insight.health import health
from tieline.services import decisions, logbook, people
from tieline.store.db import Store

DOCUMENTED = Path(__file__).resolve().parents[2] / "docs" / "insight.md"
KEYS = (
    "as_of",
    "connections",
    "would_take_call",
    "likely",
    "layers",
    "never_touched",
    "fading",
    "dormant",
    "new",
    "giving",
    "taking",
    "organisations_of_strong_ties",
)


def test_the_health_report_counts_what_the_network_holds(store: Store) -> None:
    ids = build(store)
    h = health(store, AS_OF)
    assert h["connections"] == 5
    assert h["never_touched"] == 1  # Linus: no contact, no note, no how-we-met (Barbara has one)
    assert 0 < h["would_take_call"] < 5 and h["likely"] >= 2
    assert sum(h["layers"].values()) == 5
    assert h["taking"] == 1 and h["giving"] == 0
    assert [o["person_id"] for o in h["only_asked_of"]] == [ids["grace"]]
    assert h["before"]["as_of"].startswith("2025-03-01")  # the first of the month at least 90 days back


def test_the_fields_of_strong_ties_are_counted_where_known(store: Store) -> None:
    ids = build(store)
    people.edit(store, f"#{ids['ada']}", tags_add=("field:Mathematics", "analytical"))
    people.edit(store, f"#{ids['grace']}", tags_add=("Field:Computing",))
    people.edit(store, f"#{ids['linus']}", tags_add=("field:Kernels",))  # not a strong tie
    h = health(store, AS_OF)
    assert h["fields_of_strong_ties"] == 2
    assert sorted(f["field"] for f in h["strong_ties_by_field"]) == ["Computing", "Mathematics"]
    assert all(f["strong_ties"] == 1 for f in h["strong_ties_by_field"])


def test_an_archived_person_leaves_the_counts(store: Store) -> None:
    ids = build(store)
    before = health(store, AS_OF + timedelta(days=1))
    decisions.archive(store, f"#{ids['ada']}")
    after = health(store, None)
    assert after["connections"] == before["connections"] - 1
    assert after["would_take_call"] < before["would_take_call"]


def test_as_of_in_the_past_ignores_later_data(store: Store) -> None:
    ids = build(store)
    then = AS_OF - timedelta(days=60)
    first = health(store, then)
    now_before = health(store, AS_OF)
    for n in range(1, 50, 3):  # later contact, a later favour, a later connection
        logbook.log(store, f"#{ids['alan']}", "catching up", channel="call", when=day(n))
    logbook.log(store, f"#{ids['linus']}", "helped me move", kind="favor-received", when=day(5))
    people.add(store, people.NewPerson("Edsger Dijkstra", ("edsger@example.com",)))
    again = health(store, then)
    assert again == first
    assert health(store, AS_OF) != now_before  # the same data, within range, do count


def test_the_health_json_has_every_documented_key(db_url: str) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    out = tieline(db_url, "health", "--as-of", AS_OF.date().isoformat(), "--json")
    assert out.code == 0
    report = out.json()
    text = DOCUMENTED.read_text(encoding="utf-8")
    for key in KEYS:
        assert key in report, key
    for key in report:
        assert re.search(rf"`{key}`", text), f"health --json key {key!r} is not documented in docs/insight.md"


def test_health_plot_writes_a_png_and_an_svg(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    png, svg = tmp_path / "health.png", tmp_path / "health.svg"
    assert tieline(db_url, "health", "--as-of", AS_OF.date().isoformat(), "--plot", str(png)).code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert tieline(db_url, "health", "--plot", str(svg)).code == 0
    assert b"<svg" in svg.read_bytes()[:500]


def _writes(store: Store, run: object) -> list[str]:
    """The tables each write statement of ``run()`` named, in order."""
    from sqlalchemy import event

    written: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, *_a: object) -> None:
        words = statement.split()
        if words and words[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            into = words[2] if words[0].upper() in ("INSERT", "DELETE") else words[1]
            written.append(into.strip('"'))

    try:
        run()  # type: ignore[operator]
    finally:
        event.remove(store.engine, "before_cursor_execute", _keep)
    return written


def test_health_writes_only_its_own_snapshots_and_only_after_the_data_changed(store: Store) -> None:
    """The decision: a past headline costs a rescore of the whole history, so health keeps it as derived
    data (like the score cache); it never writes what the user entered or imported, and a second call
    with the data unchanged writes nothing at all."""
    ids = build(store)
    health(store)  # the score cache and the snapshot health compares with, as after an import
    assert _writes(store, lambda: health(store)) == []
    logbook.log(store, f"#{ids['linus']}", "a call")
    assert set(_writes(store, lambda: health(store))) == {"health_snapshots"}
    assert _writes(store, lambda: health(store)) == []


def test_the_rings_show_the_strongest_of_a_crowded_ring_and_count_them_all(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ring of thousands would take minutes to draw: each ring shows its strongest few, labelled with all."""
    from tieline.insight import plot

    store = Store(db_url)
    build(store)
    full = plot.chart_data(store, AS_OF)
    monkeypatch.setattr(plot, "DOTS_PER_RING", 1)
    capped = plot.chart_data(store, AS_OF)
    store.dispose()
    per_ring: dict[int, list[float]] = {}
    for tie in full["ties"]:
        per_ring.setdefault(tie["layer"], []).append(tie["strength"])
    assert any(len(v) > 1 for v in per_ring.values())  # the cap has work to do
    assert {tie["layer"]: tie["strength"] for tie in capped["ties"]} == {
        layer: max(v) for layer, v in per_ring.items()
    }
    assert capped["layer_counts"] == {str(layer): len(v) for layer, v in sorted(per_ring.items())}
    svg = tmp_path / "rings.svg"
    plot.render(capped, svg)
    for layer, strengths in per_ring.items():
        from tieline.strength.layers import LAYER_NAMES

        assert f"{LAYER_NAMES[layer]} {len(strengths)}" in svg.read_text()


@pytest.mark.parametrize(
    ("as_of", "before"),
    [
        (datetime(2025, 6, 1, 9, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)),  # 90 days back: 3 March
        (datetime(2025, 6, 29, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)),  # 31 March
        (datetime(2025, 6, 30, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)),  # 1 April itself
        (datetime(2025, 1, 15, tzinfo=UTC), datetime(2024, 10, 1, tzinfo=UTC)),  # across the year
    ],
)
def test_the_comparison_is_the_first_of_the_month_at_least_90_days_back(
    as_of: datetime, before: datetime
) -> None:
    moment = hl.comparison_moment(as_of)
    assert moment == before
    assert timedelta(days=90) <= as_of - moment < timedelta(days=123)


def test_two_days_of_the_same_month_window_share_the_snapshot_with_the_trend(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moment moves monthly, so only the first health of a month computes the past from the history,
    and it is a point the trend computes and keeps too."""
    build(store)
    computed: list[list[datetime]] = []
    real = hl.pictures

    def counting(s: Store, moments: list[datetime]) -> object:
        computed.append(list(moments))
        return real(s, moments)

    monkeypatch.setattr(hl, "pictures", counting)
    first = health(store, AS_OF)
    assert computed == [[datetime(2025, 3, 1, tzinfo=UTC)]]
    computed.clear()
    second = health(store, AS_OF + timedelta(days=5))
    assert computed == []  # no history read for the comparison
    assert second["before"] == first["before"]
    assert second["before"]["as_of"].startswith("2025-03-01")
    computed.clear()
    trend = hl.trend(store, AS_OF, hl.first_data(store, AS_OF))
    assert all(datetime(2025, 3, 1, tzinfo=UTC) not in moments for moments in computed)
    assert any(point["as_of"].startswith("2025-03-01") for point in trend)


def test_the_cli_says_on_stderr_when_it_computes_the_comparison(db_url: str) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    first = tieline(db_url, "health", "--as-of", AS_OF.date().isoformat())
    assert first.code == 0
    assert "computing the headline as of 2025-03-01 from history" in first.err
    assert "Since 2025-03-01" in first.out and "90 days ago" not in first.out
    again = tieline(db_url, "health", "--as-of", (AS_OF + timedelta(days=3)).date().isoformat(), "--json")
    assert again.code == 0 and "computing" not in again.err
    assert again.json()["before"]["as_of"].startswith("2025-03-01")
