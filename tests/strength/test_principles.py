"""The principles the score obeys, each on synthetic ties with realistic spans (up to 20 years).

Every test here failed on the span-driven model (strength-1): two e-mails ten years apart scored
0.95 there, a dormant tie did not go stale, and silence could raise a score through the tie's age.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tieline.strength import EventTable, TieFacts, score

DAY = 86400.0
YEAR = 365.25 * DAY
NOW = 1_760_000_000.0  # October 2025


def ties(*histories: list[tuple[float, str, str | None]]) -> EventTable:
    """One tie per history; each event is (days before NOW, channel, direction)."""
    tie, t, channel, direction, duration = [], [], [], [], []
    for i, history in enumerate(histories):
        for days_ago, ch, d in history:
            tie.append(i)
            t.append(NOW - days_ago * DAY)
            channel.append(ch)
            direction.append(d)
            duration.append(600.0 if ch == "call" else None)
    return EventTable.from_lists(tie, t, channel, direction, duration=duration)


def every(days: float, count: int, channel: str = "call", first_ago: float = 1.0) -> list:
    """``count`` contacts ``days`` apart, the latest ``first_ago`` days before NOW, alternating sides."""
    return [(first_ago + k * days, channel, "out" if k % 2 else "in") for k in range(count)]


def scores(*histories: list, as_of: float = NOW, facts: TieFacts | None = None) -> np.ndarray:
    return score(ties(*histories), len(histories), as_of, facts).score


# --- attention, not span ---------------------------------------------------------------------------


def test_two_emails_ten_years_apart_are_a_weak_tie() -> None:
    two_emails = [(3650, "email", "in"), (10, "email", "out")]
    weekly_calls = every(7, 26)
    s = scores(two_emails, weekly_calls)
    assert s[0] < 0.25
    assert s[1] > s[0] + 0.3


def test_one_email_a_year_for_five_years_is_weaker_than_daily_texts_for_two_months() -> None:
    yearly = every(365, 5, "email")
    daily = every(1, 60, "sms")
    s = scores(yearly, daily)
    assert s[1] > s[0] + 0.2
    assert s[0] < 0.4


@pytest.mark.parametrize("years", [1, 5, 10, 20])
def test_the_same_contacts_spread_over_a_longer_span_earn_no_more(years: int) -> None:
    # Two contacts a week apart versus two contacts ``years`` apart, the last one equally recent.
    close = [(40, "call", "in"), (30, "call", "out")]
    apart = [(30 + 365 * years, "call", "in"), (30, "call", "out")]
    s = scores(close, apart)
    assert s[1] <= s[0]


def test_periods_in_touch_count_older_ones_weighing_less() -> None:
    # Each tie has a year of weekly calls; the year lies further back for each next tie.
    histories = [every(7, 52, first_ago=1 + 365 * k) for k in range(5)]
    s = scores(*histories)
    assert all(a > b for a, b in zip(s, s[1:], strict=False))
    # More weeks in touch over the same stretch of time scores more.
    monthly = every(30, 12)
    weekly = every(7, 52)
    s2 = scores(monthly, weekly)
    assert s2[1] > s2[0]


def test_twenty_years_of_monthly_contact_beats_two_contacts_twenty_years_apart() -> None:
    s = scores(every(30, 240), [(7300, "call", "in"), (5, "call", "out")])
    assert s[0] > 0.6 > 0.3 > s[1]


# --- ties go stale ---------------------------------------------------------------------------------


def test_weekly_calls_that_stopped_three_years_ago_have_gone_stale() -> None:
    history = every(7, 156, first_ago=3 * 365)
    after_a_week = score(ties(history), 1, NOW - (3 * 365 - 7) * DAY).score[0]
    now = score(ties(history), 1, NOW)
    assert now.score[0] < after_a_week - 0.2 and now.score[0] < 0.75
    assert now.state[0] == "dormant"


def test_silence_lowers_the_score_towards_a_floor_that_remembers_the_tie() -> None:
    history = every(7, 156, first_ago=1)
    silences = [0, 30, 180, 365, 2 * 365, 5 * 365, 10 * 365, 20 * 365]
    s = [score(ties(history), 1, NOW + d * DAY).score[0] for d in silences]
    assert all(a >= b for a, b in zip(s, s[1:], strict=False))
    assert s[0] - s[-1] > 0.3
    # Twenty years on, the old friend still scores above someone met once last month.
    once = scores([(30, "call", "out")])[0]
    assert s[-1] > once


def test_family_goes_stale_slowest_and_acquaintances_fastest() -> None:
    history = every(7, 104)
    kinds = ["family", "friend", "colleague", "acquaintance"]
    facts = TieFacts.from_lists(relationship=kinds)
    events = ties(*[history] * 4)
    before = score(events, 4, NOW, facts).logit
    after = score(events, 4, NOW + 365 * DAY, facts).logit
    loss = before - after
    assert 0 < loss[0] < loss[1] < loss[2] < loss[3]


def test_the_same_silence_costs_a_weekly_tie_more_than_a_yearly_one() -> None:
    weekly = every(7, 104)
    yearly = [(1 + 365 * k, "call", "out" if k % 2 else "in") for k in range(10)]
    events = ties(weekly, yearly)
    before = score(events, 2, NOW).logit
    after = score(events, 2, NOW + 60 * DAY).logit
    assert before[0] - after[0] > before[1] - after[1] > 0


# --- time invariance and monotonicity --------------------------------------------------------------

events_strategy = st.lists(
    st.tuples(
        st.floats(min_value=0.01, max_value=7300.0),
        st.sampled_from(["call", "email", "sms", "in-person", "meeting"]),
        st.sampled_from(["out", "in", "both", None]),
    ),
    min_size=1,
    max_size=30,
)
kinds = st.sampled_from([None, "family", "partner", "friend", "colleague", "mentor", "acquaintance"])


@settings(max_examples=60, deadline=None)
@given(history=events_strategy, shift=st.floats(min_value=-20 * YEAR, max_value=20 * YEAR), kind=kinds)
def test_moving_a_whole_history_and_as_of_together_changes_nothing(
    history: list, shift: float, kind: str | None
) -> None:
    facts = TieFacts.from_lists(relationship=[kind])
    here = score(ties(history), 1, NOW, facts)
    moved_events = ties(history)
    moved = EventTable.from_arrays(
        moved_events.tie,
        moved_events.t + shift,
        moved_events.channel,
        moved_events.direction,
        duration=moved_events.duration,
    )
    there = score(moved, 1, NOW + shift, facts)
    assert there.score[0] == pytest.approx(here.score[0], abs=1e-9)
    assert np.allclose(there.terms, here.terms, atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(
    history=events_strategy,
    extra=st.floats(min_value=0.001, max_value=7300.0),
    channel=st.sampled_from(["call", "email", "sms", "in-person"]),
    direction=st.sampled_from(["out", "in", "both"]),
    kind=kinds,
)
def test_one_more_contact_never_lowers_a_score(
    history: list, extra: float, channel: str, direction: str, kind: str | None
) -> None:
    facts = TieFacts.from_lists(relationship=[kind])
    before = score(ties(history), 1, NOW, facts).score[0]
    after = score(ties([*history, (extra, channel, direction)]), 1, NOW, facts).score[0]
    assert after >= before - 1e-12


@settings(max_examples=60, deadline=None)
@given(history=events_strategy, days=st.floats(min_value=1.0, max_value=3650.0), kind=kinds)
def test_one_more_day_of_silence_never_raises_a_score(history: list, days: float, kind: str | None) -> None:
    facts = TieFacts.from_lists(relationship=[kind], start=[NOW - 30 * YEAR])
    now = score(ties(history), 1, NOW, facts).score[0]
    later = score(ties(history), 1, NOW + days * DAY, facts).score[0]
    a_day_later = score(ties(history), 1, NOW + (days + 1) * DAY, facts).score[0]
    assert later <= now + 1e-12 and a_day_later <= later + 1e-12


def test_a_long_known_connection_does_not_grow_stronger_by_waiting() -> None:
    # A LinkedIn connection date 15 years back and one call: the years since add nothing.
    facts = TieFacts.from_lists(start=[NOW - 15 * YEAR])
    s = [score(ties([(30, "call", "out")]), 1, NOW + y * YEAR, facts).score[0] for y in range(0, 20, 4)]
    assert all(a >= b for a, b in zip(s, s[1:], strict=False))


# --- what counts and what does not -----------------------------------------------------------------


def test_a_one_way_flood_of_mail_counts_little() -> None:
    flood = [(k * 7.3, "email", "in") for k in range(500)]  # ten years of unanswered mail
    two_way = every(30, 10, "email")
    s = scores(flood, two_way)
    assert s[0] < 0.3 and s[1] > s[0] + 0.3


def test_bulk_mail_and_newsletters_add_nothing() -> None:
    personal = every(30, 6, "email")
    events = ties(personal, personal)
    n = 1000
    news = EventTable.from_arrays(
        np.ones(n),
        NOW - np.arange(n) * DAY - 3600,
        np.zeros(n),
        np.full(n, 2),
        np.full(n, 5000),
        bulk=np.ones(n),
    )
    both = EventTable.from_arrays(
        np.r_[events.tie, news.tie],
        np.r_[events.t, news.t],
        np.r_[events.channel, news.channel],
        np.r_[events.direction, news.direction],
        np.r_[events.group_size, news.group_size],
        bulk=np.r_[events.bulk, news.bulk],
    )
    s = score(both, 2, NOW).score
    assert s[1] == pytest.approx(s[0])
    only_news = score(news.take(np.arange(n)), 2, NOW).score
    assert math.isnan(only_news[1])


def test_a_single_contact_is_known_but_weak() -> None:
    s = score(ties([(20, "email", "out")]), 1, NOW)
    assert math.isfinite(s.score[0]) and s.score[0] < 0.25
    assert scores(every(7, 26))[0] > s.score[0] + 0.4
    assert s.state[0] != "unknown" and s.layer[0] == 5


def test_no_evidence_is_unknown() -> None:
    s = score(ties(every(7, 5)), 3, NOW, TieFacts.from_lists(start=[None, NOW - 10 * YEAR, None]))
    assert math.isnan(s.score[1]) and math.isnan(s.score[2]) and math.isnan(s.p_call[1])
    assert list(s.state[1:]) == ["unknown", "unknown"]


@pytest.mark.parametrize("spoken", ["call", "in-person"])
def test_talking_counts_more_than_the_same_number_of_emails(spoken: str) -> None:
    for every_days, count in ((7, 10), (30, 24), (365, 8)):
        s = scores(every(every_days, count, spoken), every(every_days, count, "email"))
        assert s[0] > s[1]


def test_both_sides_reaching_out_counts_more_than_one_side() -> None:
    both = every(14, 20, "email")
    mine = [(d, ch, "out") for d, ch, _ in both]
    theirs = [(d, ch, "in") for d, ch, _ in both]
    s = scores(both, mine, theirs)
    assert s[0] > s[1] > s[2]


# --- the user's word -------------------------------------------------------------------------------


def test_the_users_word_pins_the_answer() -> None:
    strong = every(7, 300)
    once = [(400, "email", "in")]
    facts = TieFacts.from_lists(would_take_call=[False, True])
    s = score(ties(strong, once), 2, NOW, facts)
    assert s.p_call[0] <= 0.03 and s.p_call[1] >= 0.97
    assert s.score[1] > s.score[0]


def test_closeness_and_relationship_kind_move_the_score() -> None:
    history = every(30, 12)
    close = TieFacts.from_lists(closeness=[5, None, 1])
    s = score(ties(history, history, history), 3, NOW, close).score
    assert s[0] > s[1] > s[2]
    kinds = TieFacts.from_lists(relationship=["partner", "family", None, "acquaintance"])
    k = score(ties(*[history] * 4), 4, NOW, kinds).score
    assert k[0] > k[1] > k[2] > k[3]
