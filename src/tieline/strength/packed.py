"""One tie's explanation as a few bytes, kept beside its cached score so it can be explained later
without its history: each term's contribution and feature value and the tie's evidence.

Bytes, not JSON: a rescore packs every tie (30,000 at a lifetime), and slicing one float matrix costs
next to nothing where formatting 41 numbers a tie would not; the evidence also holds NaN (never in
touch), which strict JSON has no word for. The bytes start with a fingerprint of the layout, so bytes
packed by another version of the terms or the evidence are not read as this one's.
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np

from tieline.strength.features import Evidence
from tieline.strength.model import TERM_NAMES, Scores

_EVIDENCE = tuple(f.name for f in dataclasses.fields(Evidence))
_LAYOUT = (
    [f"term:{name}" for name in TERM_NAMES] + [f"feature:{name}" for name in TERM_NAMES] + list(_EVIDENCE)
)
_TAG = zlib.crc32(",".join(_LAYOUT).encode()).to_bytes(4, "little")
_FLOAT = np.dtype("<f8")  # the same bytes on every machine the database file moves to


def pack(scores: Scores) -> list[bytes]:
    """Each tie's explanation, in the order of ``scores``."""
    ev = scores.evidence
    matrix = np.column_stack(
        [scores.terms, scores.features, *(getattr(ev, name) for name in _EVIDENCE)]
    ).astype(_FLOAT)
    return [_TAG + row.tobytes() for row in matrix]


def unpack(
    packed: bytes | None, score: float | None, p_call: float | None, state: str, layer: int, as_of: float
) -> Scores | None:
    """One tie's :class:`Scores` again from its packed explanation and its cached score, p_call, state
    and layer; None when there is none or it was packed in another layout."""
    if packed is None or len(packed) != len(_TAG) + len(_LAYOUT) * _FLOAT.itemsize or packed[:4] != _TAG:
        return None
    values = np.frombuffer(packed, dtype=_FLOAT, offset=len(_TAG)).astype(np.float64)
    n = len(TERM_NAMES)
    one = {name: values[2 * n + k : 2 * n + k + 1] for k, name in enumerate(_EVIDENCE)}
    return Scores(
        score=np.array([np.nan if score is None else score], dtype=np.float64),
        layer=np.array([layer], dtype=np.int8),
        state=np.array([state]),
        p_call=np.array([np.nan if p_call is None else p_call], dtype=np.float64),
        terms=values[:n].reshape(1, n),
        features=values[n : 2 * n].reshape(1, n),
        evidence=Evidence(**one),
        as_of=as_of,
    )
