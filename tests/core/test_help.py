"""Every command and every option says what it is for in `--help`."""

from __future__ import annotations

from typing import Any

import typer

from tests.cli import tieline
from tieline.cli.app import app


def _commands(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out = [(path, cmd)]
    for name, sub in getattr(cmd, "commands", {}).items():
        out += _commands(sub, (*path, name))
    return out


def test_every_command_argument_and_option_has_a_help_text() -> None:
    missing = [
        f"{' '.join(path) or 'tieline'} {param.name}"
        for path, cmd in _commands(typer.main.get_command(app))
        for param in cmd.params
        if not getattr(param, "help", None)
    ]
    undocumented = [" ".join(path) for path, cmd in _commands(typer.main.get_command(app)) if not cmd.help]
    assert (missing, undocumented) == ([], [])


def test_every_help_page_prints(tmp_path: object) -> None:
    for path, _cmd in _commands(typer.main.get_command(app)):
        run = tieline(f"sqlite:///{tmp_path}/x.db", *path, "--help")
        assert run.code == 0 and "Usage" in run.out, path
