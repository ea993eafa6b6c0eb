"""Strict JSON for scripts, the CLI's ``--json`` and the web API alike: no NaN or infinity."""

from __future__ import annotations

import math
from typing import Any


def finite(data: Any) -> Any:
    """``data`` with every figure that could not be computed (NaN, infinity) as None (JSON null)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data
