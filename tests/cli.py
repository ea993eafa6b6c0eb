"""Running the real `tieline` command in-process and out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from tieline.cli.app import app


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def tieline(db: str, *args: str, input: str | None = None) -> Run:
    """In-process, fast: for asserting on output and rows."""
    result = CliRunner().invoke(app, ["--db", db, *args], input=input, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def tieline_process(db: str, *args: str) -> Run:
    """A real process, for what only a real process shows: the exit status and the one-line error."""
    env = dict(os.environ, TIELINE_DB=db, COLUMNS="200")
    proc = subprocess.run(
        [sys.executable, "-m", "tieline", *args], capture_output=True, text=True, env=env, timeout=120
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)
