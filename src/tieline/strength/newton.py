"""Newton's method with a backtracking line search, shared by the weight fit and the calibration."""

from __future__ import annotations

from collections.abc import Callable

from tieline.strength.events import F64


def minimise(
    objective: Callable[[F64], float], step_at: Callable[[F64], F64], start: F64, smallest: float = 1e-8
) -> F64:
    """Steps ``b - size * step_at(b)``, halving the size until the objective does not rise.

    Newton steps overshoot on flat stretches, hence the backtracking; it stops when no step helps,
    when a step gains less than 1e-12, or after 100 rounds.
    """
    b = start
    current = objective(b)
    for _ in range(100):
        step = step_at(b)
        size = 1.0
        while size > smallest:
            trial = b - size * step
            value = objective(trial)
            if value <= current:
                break
            size /= 2.0
        else:
            break
        b, done = trial, current - value < 1e-12
        current = value
        if done:
            break
    return b
