from __future__ import annotations

import math

import numpy as np
import pytest

from tieline.strength import EventTable, TieFacts, assign_layers, score, summary
from tieline.strength.explain import explain
from tieline.strength.model import TERM_NAMES

DAY = 86400.0
T0 = 1_600_000_000.0  # a Sunday in September 2020


def regular(tie: int, every_days: float, count: int, start: float = T0, **cols: object) -> dict[str, list]:
    """``count`` two-way calls, ``every_days`` apart, alternating who calls."""
    return {
        "tie": [tie] * count,
        "t": [start + k * every_days * DAY for k in range(count)],
        "channel": ["call"] * count,
        "direction": ["out" if k % 2 else "in" for k in range(count)],
        "duration": [600.0] * count,
    }


DEFAULTS: dict[str, object] = {
    "channel": "email",
    "direction": None,
    "group_size": 2,
    "duration": None,
    "kind": "conversation",
    "bulk": False,
}


def table(*parts: dict[str, list]) -> EventTable:
    """One EventTable from several column dicts; columns a part lacks take their defaults."""
    merged: dict[str, list] = {"tie": [], "t": [], **{key: [] for key in DEFAULTS}}
    for part in parts:
        n = len(part["tie"])
        for key in merged:
            merged[key].extend(part.get(key, [DEFAULTS.get(key)] * n))
    return EventTable.from_lists(**merged)


def test_silence_longer_than_the_ties_rhythm_lowers_the_score() -> None:
    events = table(regular(0, 7, 30))  # weekly for about seven months
    last = events.t.max()
    soon = score(events, 1, last + 3 * DAY)
    later = score(events, 1, last + 60 * DAY)
    assert later.score[0] < soon.score[0]
    assert later.state[0] == "fading"
    assert soon.state[0] != "fading"


def test_a_yearly_tie_silent_for_three_months_is_not_fading() -> None:
    events = table(regular(0, 365, 5))
    s = score(events, 1, events.t.max() + 90 * DAY)
    assert s.state[0] not in ("fading", "dormant")


def test_they_would_take_my_call_outweighs_inferred_evidence() -> None:
    # Tie 0: one call, and the user says yes. Tie 1: two years of weekly two-way calls, no statement.
    events = table(regular(0, 1, 1, start=T0 + 700 * DAY), regular(1, 7, 104))
    facts = TieFacts.from_lists(would_take_call=[True, None])
    s = score(events, 2, T0 + 730 * DAY, facts)
    assert s.score[0] > s.score[1] > 0.5
    assert s.p_call[0] > 0.95
    nope = score(events, 2, T0 + 730 * DAY, TieFacts.from_lists(would_take_call=[None, False]))
    assert nope.score[1] < 0.2 and nope.p_call[1] < 0.05


def test_closeness_ratings_order_ties_with_the_same_history() -> None:
    events = table(regular(0, 7, 10), regular(1, 7, 10), regular(2, 7, 10))
    s = score(events, 3, T0 + 80 * DAY, TieFacts.from_lists(closeness=[5, None, 1]))
    assert s.score[0] > s.score[1] > s.score[2]


def test_a_newsletters_one_way_flood_does_not_make_a_strong_tie() -> None:
    flood = {
        "tie": [0] * 500,
        "t": [T0 + k * DAY for k in range(500)],
        "channel": ["email"] * 500,
        "direction": ["in"] * 500,
        "group_size": [5000] * 500,
        "bulk": [True] * 500,
    }
    personal = {"tie": [1, 1, 1], "t": [T0, T0 + DAY, T0 + 2 * DAY], "channel": ["email"] * 3}
    both = table(flood, {**personal, "tie": [0, 0, 0]}, personal)
    s = score(both, 2, T0 + 600 * DAY)
    assert s.score[0] == pytest.approx(s.score[1])  # the 500 newsletters add nothing
    only_flood = score(table(flood), 1, T0 + 600 * DAY)
    assert math.isnan(only_flood.score[0]) and only_flood.state[0] == "unknown"
    # Even not flagged as bulk, a one-way flood stays weak: sent to thousands, or to me alone.
    to_thousands = table({**flood, "bulk": [False] * 500})
    to_me = table({**flood, "bulk": [False] * 500, "group_size": [2] * 500})
    for events in (to_thousands, to_me):
        s = score(events, 1, T0 + 600 * DAY)
        assert s.score[0] < 0.3 and s.state[0] != "strong" and s.layer[0] == 5


def test_family_decays_slower_than_colleagues() -> None:
    events = table(regular(0, 7, 40), regular(1, 7, 40))
    facts = TieFacts.from_lists(relationship=["family", "colleague"])
    last = events.t.max()
    early = score(events, 2, last + 7 * DAY, facts)
    late = score(events, 2, last + 400 * DAY, facts)
    family_loss = early.score[0] - late.score[0]
    colleague_loss = early.score[1] - late.score[1]
    assert 0 <= family_loss < colleague_loss
    assert late.state[0] != "dormant" and late.state[1] == "dormant"


def test_the_explanations_terms_add_up_to_the_score() -> None:
    events = table(regular(0, 3, 50), regular(1, 30, 4), regular(2, 1, 2))
    facts = TieFacts.from_lists(closeness=[4, None, None], relationship=[None, "friend", None])
    s = score(events, 3, T0 + 200 * DAY, facts)
    for i in range(3):
        parts = explain(s, i, all_terms=True)
        assert [name for name, _, _ in sorted(parts)] == sorted(TERM_NAMES)
        logit = sum(value for _, value, _ in parts)
        assert 1.0 / (1.0 + math.exp(-logit)) == pytest.approx(s.score[i], abs=1e-12)
        shown = explain(s, i)
        assert sum(v for _, v, _ in shown) == pytest.approx(logit, abs=1e-12)
        assert all(isinstance(sentence, str) and sentence for _, _, sentence in shown)
        assert abs(shown[0][1]) >= abs(shown[-1][1])
    assert np.allclose(s.terms.sum(axis=1), np.log(s.score / (1 - s.score)))


def test_no_evidence_is_unknown_not_weak() -> None:
    events = table(regular(0, 7, 10))
    s = score(events, 3, T0 + 100 * DAY, TieFacts.from_lists(start=[None, T0 - 1000 * DAY, None]))
    assert np.isnan(s.score[1:]).all() and np.isnan(s.p_call[1:]).all()
    assert list(s.state[1:]) == ["unknown", "unknown"]
    assert list(s.layer[1:]) == [0, 0]
    assert summary(s, 1).startswith("unknown")
    assert np.isfinite(s.score[0])


def test_only_events_before_as_of_count() -> None:
    past = regular(0, 7, 10)
    future = regular(0, 1, 100, start=T0 + 100 * DAY)
    as_of = T0 + 100 * DAY  # the first "future" event is exactly at as_of: it does not count
    with_future = score(table(past, future), 1, as_of)
    without = score(table(past), 1, as_of)
    assert with_future.score[0] == without.score[0]
    assert np.array_equal(with_future.terms, without.terms)
    assert np.isnan(score(table(future), 1, as_of).score[0])


def test_layers_are_by_rank_and_threshold() -> None:
    high = np.full(20, 0.9)
    layer = assign_layers(high)
    assert (layer == 1).sum() == 5 and (layer == 2).sum() == 10 and (layer == 3).sum() == 5
    weak = np.array([0.2, 0.1, np.nan])
    assert list(assign_layers(weak)) == [5, 5, 0]  # top ranked yet too weak for any inner layer
    mixed = np.array([0.95, 0.65, 0.45, 0.3, 0.05])
    assert list(assign_layers(mixed)) == [1, 2, 3, 4, 5]


def test_scoring_one_tie_alone_gives_the_same_result_as_scoring_all() -> None:
    events = table(regular(0, 3, 50), regular(1, 30, 4), regular(2, 1, 2))
    facts = TieFacts.from_lists(closeness=[4, None, 2])
    everyone = score(events, 3, T0 + 200 * DAY, facts)
    mine = events.take(events.tie == 1)
    alone = EventTable.from_arrays(
        np.zeros(len(mine)), mine.t, mine.channel, mine.direction, mine.group_size, mine.duration
    )
    one = score(alone, 1, T0 + 200 * DAY, facts.take(np.array([1])))
    assert one.score[0] == pytest.approx(everyone.score[1], abs=1e-12)
    assert np.allclose(one.terms[0], everyone.terms[1])


def test_more_sustained_contact_scores_higher() -> None:
    events = table(
        regular(0, 7, 50), regular(1, 7, 5, start=T0 + 315 * DAY), regular(2, 1, 1, start=T0 + 340 * DAY)
    )
    s = score(events, 3, T0 + 350 * DAY)
    assert s.score[0] > s.score[1] > s.score[2]


def test_favours_both_ways_raise_the_score() -> None:
    base = regular(0, 30, 3)
    favours = {"tie": [1, 1], "t": [T0 + DAY, T0 + 2 * DAY], "kind": ["favor-given", "favor-received"]}
    s = score(table(base, regular(1, 30, 3), favours), 2, T0 + 100 * DAY)
    assert s.score[1] > s.score[0]


def test_edge_cases_no_ties_no_events_and_bad_indexes() -> None:
    assert len(score(EventTable.empty(), 0, T0)) == 0
    empty = score(EventTable.empty(), 3, T0)
    assert np.isnan(empty.score).all() and list(empty.state) == ["unknown"] * 3
    with pytest.raises(ValueError):
        score(table(regular(5, 7, 3)), 2, T0 + 100 * DAY)


def test_event_tables_build_from_interaction_records() -> None:
    from datetime import UTC, datetime

    from tieline.records import Handle, InteractionRecord, Participant

    grace = Participant(handles=(Handle("email", "grace@example.com"),))
    rec = InteractionRecord(
        "k1",
        datetime(2024, 1, 2, tzinfo=UTC),
        "meeting",
        (grace,),
        direction="both",
        group_size=4,
        duration_s=1800,
        kind="favor-given",
    )
    events = EventTable.from_records([(0, rec), (2, rec)])
    assert list(events.tie) == [0, 2] and events.t[0] == rec.when.timestamp()
    assert events.channel[0] == 1 and events.direction[0] == 3 and events.group_size[0] == 4
    assert events.duration[0] == 1800.0 and events.kind[0] == 1 and not events.bulk.any()


def test_the_reciprocity_sentence_counts_in_words() -> None:
    one_each = table(regular(0, 7, 2))  # one call each way
    only_theirs = table({"tie": [0], "t": [T0], "channel": ["call"], "direction": ["in"], "duration": [60.0]})
    for events, expected in (
        (one_each, "you reached out once, they did once"),
        (only_theirs, "you never reached out, they did once"),
    ):
        s = score(events, 1, T0 + 30 * DAY)
        sentences = {name: text for name, _, text in explain(s, 0, all_terms=True)}
        assert sentences["reciprocity"] == expected


def test_the_docs_list_every_term_as_the_terms_module_does() -> None:
    from pathlib import Path

    from tieline.strength.terms import docs_table

    docs = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text(encoding="utf-8")
    assert docs_table() in docs


def test_an_answer_settles_the_score_and_the_evidence_orders_ties_answered_alike() -> None:
    # Weekly calls for two years, monthly ones for a year, and a single e-mail: each answered "yes",
    # the same three answered "no", and the weekly tie once more without an answer.
    histories = [regular(0, 7, 104), regular(1, 30, 12), {"tie": [2], "t": [T0], "channel": ["email"]}]
    parts = [{**h, "tie": [h["tie"][0] + k * 3] * len(h["tie"])} for k in range(2) for h in histories]
    parts.append({**histories[0], "tie": [6] * len(histories[0]["tie"])})
    events = table(*parts)
    facts = TieFacts.from_lists(would_take_call=[True] * 3 + [False] * 3 + [None])
    s = score(events, 7, T0 + 730 * DAY, facts)
    yes, no = s.score[:3], s.score[3:6]
    # Shown as 0.97 and 0.03, never 1.00, and still in the evidence's order.
    assert [round(v, 2) for v in yes] == [0.97] * 3 and [round(v, 2) for v in no] == [0.03] * 3
    assert yes[0] > yes[1] > yes[2] and no[0] > no[1] > no[2]
    assert list(s.p_call[:6]) == [0.97] * 3 + [0.03] * 3
    # The terms still add up, the answer's term says what it took, and layers follow the order.
    assert np.allclose(s.terms.sum(axis=1), np.log(s.score / (1 - s.score)))
    take = TERM_NAMES.index("take_call")
    assert s.terms[0, take] > 0 > s.terms[3, take]
    assert s.score[6] < yes[0] and list(assign_layers(s.score)[:3]) == [1, 1, 1]


def test_explaining_an_answered_tie_names_the_answer_even_where_the_logs_said_more() -> None:
    # Daily calls for three years, answered "yes": the logs alone say more than 97 %.
    events = table(regular(0, 1, 1095))
    alone = score(events, 1, T0 + 1096 * DAY).score[0]
    s = score(events, 1, T0 + 1096 * DAY, TieFacts.from_lists(would_take_call=[True]))
    assert alone > 0.97 and round(s.score[0], 2) == 0.97
    lines = {name: (value, words) for name, value, words in explain(s, 0, all_terms=True)}
    assert lines["take_call"][1] == "you said they would take your call: that sets it at 97 %"
    assert sum(v for v, _ in lines.values()) == pytest.approx(float(np.log(s.score[0] / (1 - s.score[0]))))
