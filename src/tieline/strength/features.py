"""Per-tie evidence computed from an EventTable in a few vectorised passes (no per-tie loops).

Every quantity is a plain, named number about one tie (days since the last contact, its usual
rhythm, decayed volume, two-way balance...). :mod:`tieline.strength.model` turns them into terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tieline.strength.events import (
    BOTH,
    CHANNEL_CODE,
    CHANNELS,
    F64,
    IN,
    KIND_CODE,
    OUT,
    UNKNOWN,
    EventTable,
)

DAY = 86400.0

# How much one event on a channel says about closeness, one to one (Gilbert & Karahalios 2009;
# media multiplexity, Haythornthwaite 2005): being there > talking > writing > broadcasting.
INTIMACY: dict[str, float] = {
    "in-person": 2.0,
    "meeting": 1.2,
    "call": 1.5,
    "chat": 0.8,
    "sms": 0.8,
    "social": 0.4,
    "email": 0.6,
    "letter": 1.0,
    "note": 0.6,
}
_INTIMACY = np.array([INTIMACY[c] for c in CHANNELS], dtype=np.float64)

# A single call longer than this is a logging error or a forgotten line, not a longer talk.
MAX_CALL_S = 2 * 3600.0
# Events with more people than this (me included) are broadcasts: diluted into volume, but no
# evidence of when or how regularly two people are in touch.
MAX_GROUP = 12
# An event from the other side within this time of one's own is an answer (Gilbert & Karahalios 2009).
REPLY_WINDOW_S = 24 * 3600.0


@dataclass(frozen=True)
class Evidence:
    """Raw per-tie quantities (one entry per tie; NaN where they do not apply)."""

    n_events: F64  # personal (non-bulk) events
    decayed: F64  # sum of intimacy x dilution x 2^(-age / half-life)
    n_days: F64  # distinct days with personal contact (groups of at most MAX_GROUP)
    weekend_days: F64  # of which Saturdays and Sundays (UTC)
    last_age: F64  # days since the last personal contact (NaN: never)
    first_age: F64  # days since the first personal contact (NaN: never)
    rhythm: F64  # median gap between contact days, in days (NaN: fewer than 2 gaps)
    span: F64  # days between the first and the last personal contact (NaN: never)
    n_out: F64  # events I started
    n_in: F64  # events they started
    n_undirected: F64  # events whose direction is not known (a call log without it, a meeting)
    replies: F64  # an event of one side answered by the other within REPLY_WINDOW_S
    call_minutes: F64  # decayed talk time
    n_calls: F64
    burstiness: F64  # (sigma - mu) / (sigma + mu) of the gaps between contact days (NaN: < 2 gaps)
    favors_given: F64
    favors_received: F64


def evidence(events: EventTable, n_ties: int, as_of: float, half_life_days: F64) -> Evidence:
    """Compute the evidence of ``n_ties`` ties from events that all happened before ``as_of``."""
    ev = events.take(~events.bulk) if events.bulk.any() else events
    order = np.lexsort((ev.t, ev.tie))
    tie = ev.tie[order].astype(np.int64)
    t = ev.t[order]
    n = n_ties

    def count(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> F64:
        if mask is None:
            return np.bincount(tie, weights=weights, minlength=n).astype(np.float64)[:n]
        w = None if weights is None else weights[mask]
        return np.bincount(tie[mask], weights=w, minlength=n).astype(np.float64)[:n]

    n_events = count()
    age = (as_of - t) / DAY
    channel = ev.channel[order]
    group = np.maximum(ev.group_size[order].astype(np.float64), 2.0)
    # One of n-1 others in a group meeting or a mail to many is a fraction of a conversation.
    weight = _INTIMACY[channel] / (group - 1.0)
    decay = np.exp2(-age / half_life_days[tie])
    decayed = count(weights=weight * decay)

    # When and how regularly you are in touch is read from personal events only: a mail to
    # fifty people or a town-hall meeting is not a day you were in touch with each of them.
    personal = group <= MAX_GROUP
    p_tie = tie[personal]
    p_t = t[personal]
    n_personal = np.bincount(p_tie, minlength=n)[:n]
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_personal, out=start[1:])
    has = n_personal > 0
    last_t = np.full(n, np.nan)
    first_t = np.full(n, np.nan)
    last_t[has] = p_t[start[1:][has] - 1]
    first_t[has] = p_t[start[:-1][has]]

    # Distinct contact days and the gaps between them: the tie's own rhythm.
    day = np.floor(p_t / DAY)
    new_day = np.ones(p_t.shape[0], dtype=bool)
    if p_t.shape[0] > 1:
        new_day[1:] = (p_tie[1:] != p_tie[:-1]) | (day[1:] != day[:-1])
    d_tie = p_tie[new_day]
    d_day = day[new_day]
    n_days = np.bincount(d_tie, minlength=n).astype(np.float64)[:n]
    # 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays, 5 and 6 on the weekend.
    weekend = ((d_day.astype(np.int64) + 3) % 7) >= 5
    weekend_days = np.bincount(d_tie[weekend], minlength=n).astype(np.float64)[:n]
    same = d_tie[1:] == d_tie[:-1]
    gaps = (d_day[1:] - d_day[:-1])[same]
    g_tie = d_tie[1:][same]
    n_gaps = np.bincount(g_tie, minlength=n)[:n]
    rhythm = _median_by_group(gaps, g_tie, n_gaps, n)
    g_sum = np.bincount(g_tie, weights=gaps, minlength=n)[:n]
    g_sq = np.bincount(g_tie, weights=gaps * gaps, minlength=n)[:n]
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = g_sum / n_gaps
        sigma = np.sqrt(np.maximum(g_sq / n_gaps - mu * mu, 0.0))
        burst = np.where(n_gaps >= 2, (sigma - mu) / (sigma + mu), np.nan)

    direction = ev.direction[order]
    n_out = count((direction == OUT) | (direction == BOTH))
    n_undirected = count(direction == UNKNOWN)
    n_in = count((direction == IN) | (direction == BOTH))
    # A reply: consecutive events of the same tie, opposite known directions, close in time.
    reply = np.zeros(t.shape[0], dtype=bool)
    if t.shape[0] > 1:
        reply[1:] = (
            (tie[1:] == tie[:-1])
            & (direction[1:] != direction[:-1])
            & ((direction[1:] == OUT) | (direction[1:] == IN))
            & ((direction[:-1] == OUT) | (direction[:-1] == IN))
            & (t[1:] - t[:-1] <= REPLY_WINDOW_S)
        )

    is_call = channel == CHANNEL_CODE["call"]
    dur = ev.duration[order].astype(np.float64)
    talk = is_call & np.isfinite(dur)
    minutes = np.minimum(np.where(talk, dur, 0.0), MAX_CALL_S) / 60.0
    kind = ev.kind[order]
    return Evidence(
        n_events=n_events,
        decayed=decayed,
        n_days=n_days,
        weekend_days=weekend_days,
        last_age=(as_of - last_t) / DAY,
        first_age=(as_of - first_t) / DAY,
        rhythm=rhythm,
        span=(last_t - first_t) / DAY,
        n_out=n_out,
        n_in=n_in,
        n_undirected=n_undirected,
        replies=count(reply),
        call_minutes=count(weights=minutes * decay),
        n_calls=count(is_call),
        burstiness=burst,
        favors_given=count(kind == KIND_CODE["favor-given"]),
        favors_received=count(kind == KIND_CODE["favor-received"]),
    )


def _median_by_group(values: F64, group: np.ndarray, counts: np.ndarray, n: int) -> F64:
    """Median of ``values`` per group id (NaN for groups with fewer than two values)."""
    out = np.full(n, np.nan)
    if values.shape[0] == 0:
        return out
    order = np.lexsort((values, group))
    v = values[order]
    begin = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=begin[1:])
    ok = counts >= 2
    lo = begin[ok] + (counts[ok] - 1) // 2
    hi = begin[ok] + counts[ok] // 2
    out[ok] = (v[lo] + v[hi]) / 2.0
    return out
