"""Tie strength: a sum of named, weighted terms over a tie's interactions and what the user said.

``score(events, n_ties, as_of, facts, weights)`` scores many ties at once from an :class:`EventTable`
(numpy columns) and :class:`TieFacts`; :func:`tieline.strength.explain.explain` says what each term
contributed. Pure computation: no database access. See docs/model.md.

The names below load on first use, so that importing ``tieline.strength.defaults`` (the layers' sizes,
the model version) costs a read command no numpy and no model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tieline.strength.events import EventTable, TieFacts
    from tieline.strength.explain import summary
    from tieline.strength.layers import assign_layers
    from tieline.strength.model import TERM_NAMES, Scores, score

__all__ = ["TERM_NAMES", "EventTable", "Scores", "TieFacts", "assign_layers", "score", "summary"]
_HOME = {
    "EventTable": "events",
    "TieFacts": "events",
    "summary": "explain",
    "assign_layers": "layers",
    "TERM_NAMES": "model",
    "Scores": "model",
    "score": "model",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"tieline.strength.{home}"), name)
