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
# Two contacts at most this far apart keep two people "in touch" for the whole time between them; a
# contact after a longer gap g counts IN_TOUCH_DAYS^2 / g days (at least one, as a first contact does),
# so credit falls smoothly as contact thins out: months of weekly calls are months in touch, a yearly
# e-mail is five and a half days, two e-mails ten years apart are two days.
IN_TOUCH_DAYS = 45.0


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
    out_recent: F64  # events I started, each weighing 2^(-age / half-life)
    in_recent: F64  # events they started, likewise
    call_minutes: F64  # decayed talk time
    n_calls: F64
    favors_given: F64
    favors_received: F64
    in_touch: F64  # days in touch: each personal contact covers the time since the previous one, at most IN_TOUCH_DAYS
    in_touch_recent: F64  # the same days, each weighing 2^(-age / half-life): older ones count less


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
    in_touch, in_touch_recent = _in_touch(p_tie, p_t, as_of, half_life_days, n)

    direction = ev.direction[order]
    n_out = count((direction == OUT) | (direction == BOTH))
    n_undirected = count(direction == UNKNOWN)
    n_in = count((direction == IN) | (direction == BOTH))
    out_recent = count((direction == OUT) | (direction == BOTH), decay)
    in_recent = count((direction == IN) | (direction == BOTH), decay)
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
        out_recent=out_recent,
        in_recent=in_recent,
        call_minutes=count(weights=minutes * decay),
        n_calls=count(is_call),
        favors_given=count(kind == KIND_CODE["favor-given"]),
        favors_received=count(kind == KIND_CODE["favor-received"]),
        in_touch=in_touch,
        in_touch_recent=in_touch_recent,
    )


def _in_touch(tie: np.ndarray, t: F64, as_of: float, half_life_days: F64, n: int) -> tuple[F64, F64]:
    """Days in touch per tie, plain and decayed, from personal events sorted by tie, then time.

    Each event covers the interval since the tie's previous event when that is at most IN_TOUCH_DAYS,
    after a longer gap g the last IN_TOUCH_DAYS^2 / g days of it (at least one day; a first event one
    day). That length never grows with the gap, so splitting a gap by one more event never shrinks the
    time covered. The intervals never overlap, so one more event only adds covered time, and the
    decayed measure integrates 2^(-age / half-life) over them exactly: shifting a whole history and
    ``as_of`` together changes nothing, and a day of silence only lowers it.
    """
    if t.shape[0] == 0:
        return np.zeros(n), np.zeros(n)
    first = np.ones(t.shape[0], dtype=bool)
    first[1:] = tie[1:] != tie[:-1]
    since = np.empty_like(t)
    since[0] = 0.0
    since[1:] = (t[1:] - t[:-1]) / DAY
    thin = np.maximum(1.0, IN_TOUCH_DAYS * IN_TOUCH_DAYS / np.maximum(since, IN_TOUCH_DAYS))
    length = np.where(first, 1.0, np.where(since <= IN_TOUCH_DAYS, since, thin))
    rate = np.log(2.0) / half_life_days[tie]
    end_age = (as_of - t) / DAY
    recent = (np.exp(-rate * end_age) - np.exp(-rate * (end_age + length))) / rate
    plain = np.bincount(tie, weights=length, minlength=n)[:n]
    return plain.astype(np.float64), np.bincount(tie, weights=recent, minlength=n)[:n].astype(np.float64)


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
