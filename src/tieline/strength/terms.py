"""The terms of the score, one place each: feature, weight, sentence and docs row side by side.

The score's logit is ``sum(weight * feature)`` over :data:`TERMS` (as beets sums its named
distance penalties), so ``tieline model explain`` can print each term and they add up. Adding a
term is one entry here; ``docs/model.md``'s table is :func:`docs_table` (a test compares them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tieline.strength import defaults
from tieline.strength.events import F64, RELATIONSHIPS, TieFacts
from tieline.strength.features import Evidence

# When every directed event came from them and none from me (and none is undirected), time in
# touch and volume count this fraction, and never more than ONE_WAY_CAP_WEEKS in touch would: a flood
# of mail never answered is not a tie, however long it runs (Wiese et al. 2015).
ONE_WAY_FACTOR = 0.25
ONE_WAY_CAP_WEEKS = 4.0
_REL_PRIOR = np.array([defaults.RELATIONSHIP_PRIOR[r] for r in RELATIONSHIPS])


@dataclass(frozen=True)
class Inputs:
    """What a term's feature may read: the tie's evidence and what the user said."""

    ev: Evidence
    facts: TieFacts

    @property
    def is_one_way(self) -> npt.NDArray[np.bool_]:
        ev = self.ev
        return np.asarray((ev.n_out + ev.n_undirected == 0) & (ev.n_in > 0), dtype=np.bool_)

    def two_way_weighted(self, value: F64) -> F64:
        """``value`` (a log of evidence), or for a one-way tie a fraction of it, capped at
        what ONE_WAY_CAP_WEEKS in touch would give: never answered, it stays little however long."""
        capped = np.minimum(value, math.log1p(ONE_WAY_CAP_WEEKS)) * ONE_WAY_FACTOR
        return np.asarray(np.where(self.is_one_way, capped, value), dtype=np.float64)


@dataclass(frozen=True)
class Term:
    name: str
    weight: float
    feature: Callable[[Inputs], F64]
    sentence: Callable[[Evidence, int, float], str]  # (evidence, tie, feature value) -> words
    formula: str  # the feature, for the docs table
    why: str
    source: str
    sign: float = 0.0  # +1 / -1: learnt from interaction logs keeping this sign; 0: set, not learnt


def days_text(value: float) -> str:
    if not math.isfinite(value):
        return "never"
    if value < 1.5:
        return "a day" if value >= 0.5 else "today"
    if value < 60:
        return f"{value:.0f} days"
    if value < 730:
        return f"{value / 30.4:.0f} months"
    return f"{value / 365.25:.0f} years"


def ago_text(value: float) -> str:
    """How long ago, in words: "today", "a day ago", "3 months ago"."""
    shown = days_text(value)
    return shown if shown in ("today", "never") else f"{shown} ago"


def plural(n: float, word: str) -> str:
    """``1 interaction``, ``2 interactions``."""
    return f"{n:.0f} {word}" + ("" if round(n) == 1 else "s")


def times_text(n: float) -> str:
    return {1: "once", 2: "twice"}.get(int(n), f"{n:.0f} times")


def _attention(x: Inputs) -> F64:
    return x.two_way_weighted(np.log1p(x.ev.in_touch_recent / 7.0))


def _attention_words(ev: Evidence, i: int, _x: float) -> str:
    if ev.n_events[i] == 0:
        return "no contact yet"
    one_way = ev.n_out[i] + ev.n_undirected[i] == 0 and ev.n_in[i] > 0
    tail = ": one-way contact counts little" if one_way else ""
    return (
        f"in touch {plural(ev.in_touch[i] / 7.0, 'week')} in all, worth {ev.in_touch_recent[i] / 7.0:.1f} "
        f"today (older weeks count less; last contact {ago_text(ev.last_age[i])}){tail}"
    )


def _history(x: Inputs) -> F64:
    return x.two_way_weighted(np.log1p(x.ev.in_touch / 7.0))


def _history_words(ev: Evidence, i: int, _x: float) -> str:
    if ev.n_events[i] == 0:
        return "no contact yet"
    return f"what the tie keeps from {plural(ev.in_touch[i] / 7.0, 'week')} in touch, however long ago"


_TOLERANCE = np.array([defaults.TOLERANCE[r] for r in RELATIONSHIPS])
# Silence beyond a year (times the kind's tolerance: family four) makes a tie dormant; the penalty
# grows with the log of the silence up to three times that, then stops: what is left is the floor.
DORMANT_DAYS = 365.0
DORMANCY_CAP = float(np.log(3.0))


def _dormancy(x: Inputs) -> F64:
    limit = DORMANT_DAYS * _TOLERANCE[x.facts.relationship.astype(np.int64)]
    silent = np.nan_to_num(x.ev.last_age, nan=0.0)
    return np.minimum(np.log(np.maximum(silent, limit) / limit), DORMANCY_CAP)


def _dormancy_words(ev: Evidence, i: int, x: float) -> str:
    if x <= 0:
        return "not silent long enough to go dormant"
    return f"silent for {days_text(ev.last_age[i])}: the tie has gone dormant, a good one to reconnect"


def _volume(x: Inputs) -> F64:
    return x.two_way_weighted(np.log1p(x.ev.decayed))


def _volume_words(ev: Evidence, i: int, _x: float) -> str:
    return f"{plural(ev.n_events[i], 'interaction')}, recent, spoken and one-to-one ones counting most"


def _reciprocity(x: Inputs) -> F64:
    # The lesser of the two sides' (decayed) counts: it grows only when both reach out, and one
    # more contact either way never lowers it (a balance ratio would).
    return np.log1p(np.minimum(x.ev.out_recent, x.ev.in_recent))


def _reciprocity_words(ev: Evidence, i: int, _x: float) -> str:
    if ev.n_out[i] + ev.n_in[i] == 0:
        return "who reaches out is not known"
    mine = f"you reached out {times_text(ev.n_out[i])}" if ev.n_out[i] else "you never reached out"
    theirs = f"they did {times_text(ev.n_in[i])}" if ev.n_in[i] else "they never did"
    return f"{mine}, {theirs}"


def _talk(x: Inputs) -> F64:
    return np.log1p(x.ev.call_minutes)


def _talk_words(ev: Evidence, i: int, _x: float) -> str:
    return f"{plural(ev.n_calls[i], 'call')}, recent talk time weighing most"


def _favors(x: Inputs) -> F64:
    ev = x.ev
    return (
        np.log1p(ev.favors_given)
        + np.log1p(ev.favors_received)
        + np.log1p(np.minimum(ev.favors_given, ev.favors_received))
    )


def _favors_words(ev: Evidence, i: int, _x: float) -> str:
    return f"favours: {ev.favors_given[i]:.0f} given, {ev.favors_received[i]:.0f} received"


def _closeness(x: Inputs) -> F64:
    return np.nan_to_num(x.facts.closeness - 3.0, nan=0.0)


def _closeness_words(_ev: Evidence, _i: int, x: float) -> str:
    return f"you rated this tie {x + 3:.0f} of 5" if x != 0 else "no closeness rating (or a middling 3)"


def _take_call(x: Inputs) -> F64:
    return np.nan_to_num(2.0 * x.facts.would_take_call - 1.0, nan=0.0)


def _take_call_words(_ev: Evidence, _i: int, x: float) -> str:
    # For an answered tie the term is whatever sets the score at the answer, so it may even be
    # negative for a yes (the logs alone said more than 97 %): the words name the answer, not a push.
    if x > 0:
        return "you said they would take your call: that sets it at 97 %"
    if x < 0:
        return "you said they would not take your call: that sets it at 3 %"
    return "you have not said whether they would"


def _relationship(x: Inputs) -> F64:
    return np.asarray(_REL_PRIOR[x.facts.relationship.astype(np.int64)], dtype=np.float64)


def _relationship_words(_ev: Evidence, _i: int, x: float) -> str:
    return "relationship kind you gave" if x != 0 else "no relationship kind given"


def _bias(x: Inputs) -> F64:
    return np.ones(x.ev.n_events.shape[0])


TERMS: tuple[Term, ...] = (
    Term(
        "bias",
        -1.485,
        _bias,
        lambda _e, _i, _x: "starting point for someone you know nothing about",
        "1",
        "a tie with a single contact is known but weak",
        "—",
    ),
    Term(
        "attention",
        0.467,
        _attention,
        _attention_words,
        "ln(1 + weeks in touch, each weighing 2^(−age/half-life(kind))); one-way (only they ever wrote): a quarter of at most ln(1 + 4)",
        "attention, not span: the periods you were actually in touch, older ones weighing less; "
        "silence lets it decay, family slowest",
        "Granovetter 1973 (amount of time); Roberts & Dunbar 2011, 2015 (decay by kind)",
        sign=1.0,
    ),
    Term(
        "history",
        0.233,
        _history,
        _history_words,
        "ln(1 + weeks in touch, undecayed); one-way (only they ever wrote): a quarter of at most ln(1 + 4)",
        "the floor a dormant tie keeps: an old friend is a good reconnect, not a stranger",
        "Roberts & Dunbar 2015; Levin, Walter & Murnighan 2011 (dormant ties)",
        sign=1.0,
    ),
    Term(
        "dormancy",
        -0.6,
        _dormancy,
        _dormancy_words,
        "ln(silence / (365 d · tolerance(kind))) when positive, at most ln 3; tolerance: family 4, partner and mentor 2, friend 1.5",
        "a dormant tie is a reconnect, not a call that would surely be taken; the cap leaves the floor",
        "Roberts & Dunbar 2015; Levin, Walter & Murnighan 2011",
    ),
    Term(
        "volume",
        0.023,
        _volume,
        _volume_words,
        "ln(1 + Σ intimacy(channel)/(group − 1) · 2^(−age/half-life(kind)))",
        "in person and by phone count more than the same number of e-mails; group mail is diluted",
        "Gilbert & Karahalios 2009; Haythornthwaite 2005 (media multiplexity)",
        sign=1.0,
    ),
    Term(
        "reciprocity",
        0.078,
        _reciprocity,
        _reciprocity_words,
        "ln(1 + min(events I started, events they started)), each weighing 2^(−age/half-life(kind))",
        "both sides reaching out",
        "Granovetter 1973; Gilbert & Karahalios 2009",
        sign=1.0,
    ),
    Term(
        "talk",
        0.156,
        _talk,
        _talk_words,
        "ln(1 + decayed call minutes), calls capped at 2 h",
        "time spent talking; no weight beyond volume on the data, kept for explanations and refits",
        "Onnela et al. 2007",
        sign=1.0,
    ),
    Term(
        "favors",
        0.8,
        _favors,
        _favors_words,
        "ln(1+given) + ln(1+received) + ln(1+min(given, received))",
        "favours, both ways most",
        "Granovetter 1973",
    ),
    Term(
        "closeness",
        1.2,
        _closeness,
        _closeness_words,
        "rating − 3 (0 if none)",
        "the user's own rating outweighs inferred evidence",
        "—",
    ),
    Term(
        "take_call",
        6.0,
        _take_call,
        _take_call_words,
        "+1 yes, −1 no, 0 unknown; when answered, the term is what brings the logit to logit(0.97 or 0.03) + 5 % of the other terms",
        "the user's answer to the very question settles it; the evidence only orders ties answered alike",
        "—",
    ),
    Term(
        "relationship",
        0.8,
        _relationship,
        _relationship_words,
        "family 1, partner 1.5, friend 0.5, mentor 0.3, colleague 0, acquaintance −0.5",
        "prior by kind",
        "Roberts & Dunbar 2011",
    ),
)

TERM_NAMES: tuple[str, ...] = tuple(term.name for term in TERMS)
WEIGHTS: dict[str, float] = {term.name: term.weight for term in TERMS}
FITTED_SIGNS: dict[str, float] = {term.name: term.sign for term in TERMS if term.sign}


def features(x: Inputs) -> F64:
    """The (ties x terms) feature matrix, columns in TERM_NAMES order."""
    return np.column_stack([term.feature(x) for term in TERMS]).astype(np.float64)


def sentence(name: str, ev: Evidence, i: int, value: float) -> str:
    return TERMS[TERM_NAMES.index(name)].sentence(ev, i, value)


def docs_table() -> str:
    """The terms table of docs/model.md, from the terms themselves."""
    lines = ["| term | feature x | weight | why | source |", "|---|---|---|---|---|"]
    for t in TERMS:
        lines.append(f"| {t.name} | {t.formula} | {t.weight:g} | {t.why} | {t.source} |")
    return "\n".join(lines)
