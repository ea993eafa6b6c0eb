"""Plain-language explanation of one tie's score: each term, what it added, and why.

The contributions are on the logit scale: they add up exactly to ``logit(score)``, and
``score = 1 / (1 + exp(-sum))``. :func:`explain` lists them biggest first.
"""

from __future__ import annotations

import math

import numpy as np

from tieline.strength.layers import LAYER_NAMES
from tieline.strength.model import TERM_NAMES, Scores

Explanation = list[tuple[str, float, str]]


def _days(value: float) -> str:
    if not math.isfinite(value):
        return "never"
    if value < 1.5:
        return "a day" if value >= 0.5 else "today"
    if value < 60:
        return f"{value:.0f} days"
    if value < 730:
        return f"{value / 30.4:.0f} months"
    return f"{value / 365.25:.0f} years"


def _sentence(name: str, s: Scores, i: int) -> str:
    ev = s.evidence
    x = s.features[i, TERM_NAMES.index(name)]
    if name == "bias":
        return "starting point for someone you know nothing about"
    if name == "volume":
        return f"{ev.n_events[i]:.0f} interactions, recent and one-to-one ones counting most"
    if name == "days":
        return f"in touch on {ev.n_days[i]:.0f} different days"
    if name == "persistence":
        if ev.n_events[i] == 0:
            return "no contact to show how long you have kept in touch"
        if ev.n_out[i] + ev.n_undirected[i] == 0 and ev.n_in[i] > 0:
            return f"they wrote over {_days(ev.span[i])}, you never did: one-way contact counts little"
        return f"kept in touch over {_days(ev.span[i])}"
    if name == "overdue":
        rhythm = ev.rhythm[i]
        usual = f"you usually talk every {_days(rhythm)}" if math.isfinite(rhythm) else "no usual rhythm yet"
        if x <= 0:
            return f"last contact {_days(ev.last_age[i])} ago, within your usual rhythm ({usual})"
        return f"silent for {_days(ev.last_age[i])}, longer than usual ({usual})"
    if name == "reciprocity":
        if ev.n_out[i] + ev.n_in[i] == 0:
            return "who reaches out is not known"
        mine = f"you reached out {_times(ev.n_out[i])}" if ev.n_out[i] else "you never reached out"
        theirs = f"they did {_times(ev.n_in[i])}" if ev.n_in[i] else "they never did"
        return f"{mine}, {theirs}"
    if name == "replies":
        return f"{ev.replies[i]:.0f} answers within a day, either way"
    if name == "talk":
        return f"{ev.n_calls[i]:.0f} calls, recent talk time weighing most"
    if name == "burstiness":
        if x > 0:
            return "contact comes in bursts rather than steadily"
        return "contact is steady rather than in bursts" if x < 0 else "too few contacts to see a pattern"
    if name == "leisure":
        return f"{ev.weekend_days[i]:.0f} of {ev.n_days[i]:.0f} contact days on a weekend"
    if name == "age":
        return (
            f"you have known each other for about {_days(365.0 * math.expm1(x))}"
            if x > 0
            else "tie just began"
        )
    if name == "favors":
        return f"favours: {ev.favors_given[i]:.0f} given, {ev.favors_received[i]:.0f} received"
    if name == "closeness":
        return f"you rated this tie {x + 3:.0f} of 5" if x != 0 else "no closeness rating (or a middling 3)"
    if name == "take_call":
        if x > 0:
            return "you said they would take your call"
        return "you said they would not take your call" if x < 0 else "you have not said whether they would"
    if name == "relationship":
        return "relationship kind you gave" if x != 0 else "no relationship kind given"
    return name


def explain(scores: Scores, i: int, all_terms: bool = False) -> Explanation:
    """(term, contribution to the logit, sentence) for tie ``i``, largest effect first.

    Terms that contribute nothing are left out unless ``all_terms``; the bias is always kept,
    so the contributions listed add up to the logit of the score (exactly when ``all_terms``,
    and up to the omitted zeros otherwise).
    """
    row = scores.terms[i]
    out: Explanation = []
    for j in np.argsort(-np.abs(row), kind="stable"):
        name = TERM_NAMES[int(j)]
        value = float(row[j])
        if value == 0.0 and name != "bias" and not all_terms:
            continue
        out.append((name, value, _sentence(name, scores, i)))
    return out


def summary(scores: Scores, i: int) -> str:
    """One line: score, layer and state of tie ``i``."""
    value = scores.score[i]
    if not math.isfinite(value):
        return "unknown: no interactions and nothing you said about this tie"
    layer = LAYER_NAMES.get(int(scores.layer[i])) or "unknown"
    call = f"would take your call: {scores.p_call[i]:.0%}"
    return f"strength {value:.2f} ({layer} layer, {scores.state[i]}); {call}"


def _times(n: float) -> str:
    return {1: "once", 2: "twice"}.get(int(n), f"{n:.0f} times")
