"""cli stage of the pipeline (see DESIGN.md)."""

from __future__ import annotations

import sys


def main() -> None:
    """The ``tieline`` command. ``--version`` answers before anything else is imported."""
    if sys.argv[1:] == ["--version"]:
        from tieline import __version__

        sys.stdout.write(f"tieline {__version__}\n")
        return
    try:
        from tieline.cli.app import main as run
    except KeyboardInterrupt:  # Ctrl-C while starting: nothing was done, so nothing to say but that
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    run()
