"""`tieline serve` for real: a uvicorn process on a free port, its login link, a page over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_prints_a_login_link_that_opens_the_dashboard(tmp_path: Path) -> None:
    port = _free_port()
    db = tmp_path / "served.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("TIELINE_DB", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "tieline", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        link = None
        deadline = time.monotonic() + 60
        while link is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            found = re.search(r"http://127\.0\.0\.1:\d+/login\?token=\S+", line)
            link = found.group(0) if found else None
        assert link, "serve printed no login link"
        with httpx.Client(timeout=10) as client:
            for _ in range(100):  # until uvicorn listens
                try:
                    client.get(f"http://127.0.0.1:{port}/login")
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            assert client.get(f"http://127.0.0.1:{port}/", follow_redirects=False).status_code == 303
            page = client.get(link, follow_redirects=True)
            assert page.status_code == 200 and "Your network" in page.text
            assert client.get(f"http://127.0.0.1:{port}/people").status_code == 200
            assert (
                client.get(f"http://127.0.0.1:{port}/", headers={"host": "rebound.example"}).status_code
                == 400
            )
            wrong = client.get(link.split("?")[0] + "?token=wrong")
            assert wrong.status_code == 403
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert db.exists()


def test_version_and_help_do_not_import_the_web_stack() -> None:
    code = (
        "import sys; from tieline.cli import main; sys.argv = ['tieline', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'jinja2', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "serve" in out
    assert out.strip().endswith("[]")
