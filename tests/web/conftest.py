"""The web app in process (fastapi's TestClient over the real app and a real database, both backends)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tieline.services import demo
from tieline.web.app import create_app

HOST = "testserver"
TOKEN = "a-login-token-for-the-tests"
PAYLOADS_VCF = """BEGIN:VCARD
VERSION:3.0
FN:<script>alert(1)</script>
EMAIL:script@example.com
NOTE:<img src=x onerror=alert(2)>
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:{{7*7}}
EMAIL:jinja@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Link Person
EMAIL:link@example.com
URL:javascript:alert(3)
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:<svg onload=alert(4)>
EMAIL:svg@example.com
ORG:<svg><script>alert(5)</script></svg>
END:VCARD
"""


@pytest.fixture
def demo_url(db_url: str, tmp_path: Path) -> str:
    """A database holding the demo's sample network (what `tieline demo` imports)."""
    demo.build(tmp_path / "demo", db_url).store.dispose()
    return db_url


def make_app(url: str, **options: object) -> FastAPI:
    options.setdefault("allowed_hosts", [HOST])
    options.setdefault("login_token", TOKEN)
    return create_app(url, **options)  # type: ignore[arg-type]


def csrf_of(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/settings").text)
    assert found, "the settings page carries the CSRF token"
    return found.group(1)


def logged_in(app: FastAPI) -> TestClient:
    client = TestClient(app)
    response = client.get(f"/login?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    client.headers["x-csrf-token"] = csrf_of(client)
    return client


@pytest.fixture
def app(demo_url: str) -> Iterator[FastAPI]:
    built = make_app(demo_url)
    yield built
    built.state.stores.close()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return logged_in(app)
