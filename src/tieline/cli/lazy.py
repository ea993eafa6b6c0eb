"""Modules loaded on first use, so a command imports only what it runs.

``tieline --help`` or ``tieline me show`` never pay for numpy, the importer or the model: the command
modules name the services they call through :func:`module`, and a service is imported the first time
one of its attributes is read.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def module(name: str) -> ModuleType:
    """``name``, imported when first used (at once when it is loaded already)."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    lazy = importlib.util.module_from_spec(spec)
    sys.modules[name] = lazy
    loader.exec_module(lazy)
    return lazy


def load_all() -> None:
    """Load every module still waiting for its first use. A server's threads must not be the ones to
    load them: before Python 3.12 a lazy module read by two threads at once can show one of them a
    module half run (``module 'tieline.services.people' has no attribute 'listing'``)."""
    for found in list(sys.modules.values()):
        if type(found).__name__ == "_LazyModule":
            getattr(found, "__doc__", None)  # any attribute runs the module
