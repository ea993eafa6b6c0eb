"""Tie strength: a sum of named, weighted terms over a tie's interactions and what the user said.

``score(events, n_ties, as_of, facts, weights)`` scores many ties at once from an :class:`EventTable`
(numpy columns) and :class:`TieFacts`; :func:`explain` says what each term contributed. Pure
computation: no database access. See docs/model.md.
"""

from tieline.strength.events import EventTable, TieFacts
from tieline.strength.explain import explain, summary
from tieline.strength.layers import assign_layers
from tieline.strength.model import TERM_NAMES, Scores, score

__all__ = ["TERM_NAMES", "EventTable", "Scores", "TieFacts", "assign_layers", "explain", "score", "summary"]
