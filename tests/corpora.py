"""Where the shared real-world corpora live; tests that need them skip when they are absent.

The corpora hold real people's data without a licence: they are read from ``../shared`` beside
the checkout (or ``$TIELINE_SHARED``) and never copied into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_dir() -> Path:
    env = os.environ.get("TIELINE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def corpus(*parts: str) -> Path:
    """A path under ``shared/data/corpora``; skips the test when it is not there."""
    path = shared_dir().joinpath("data", "corpora", *parts)
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    return path


def ties(*parts: str) -> Path:
    """A path under ``shared/data/ties``; skips the test when it is not there."""
    path = shared_dir().joinpath("data", "ties", *parts)
    if not path.exists():
        pytest.skip(f"shared ties data not available: {path}")
    return path
