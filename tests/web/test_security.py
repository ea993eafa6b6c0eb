"""Nothing without a login, nothing from another host, nothing changed without the CSRF token, the
security headers everywhere, and imported text shown as text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tieline.web.app import create_app
from tieline.web.auth import PUBLIC

from .conftest import HOST, PAYLOADS_VCF, TOKEN, csrf_of, logged_in, make_app


def every_route(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route of the app, path parameters filled with 1. Routers included in the
    app are walked too (FastAPI >= 0.16x keeps them as one entry each, older versions flatten them)."""
    out: list[tuple[str, str]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                path = re.sub(r"\{[^}]+\}", "1", prefix + route.path)
                out.extend((method, path) for method in sorted(route.methods))
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif getattr(route, "path", "") == "/static":
                continue
            else:
                raise AssertionError(f"a route the test does not know how to ask: {route!r}")

    walk(list(app.routes), "")
    return out


@pytest.fixture
def bare_app(tmp_path: Path) -> FastAPI:
    return make_app(f"sqlite:///{tmp_path / 'empty.db'}")


def test_every_route_but_the_login_refuses_an_anonymous_request(bare_app: FastAPI) -> None:
    routes = every_route(bare_app)
    assert len(routes) >= 35  # the test walks the real app, not an empty list
    anonymous = TestClient(bare_app)
    for method, path in routes:
        if path in PUBLIC:
            continue
        response = anonymous.request(method, path, follow_redirects=False)
        if method == "GET" and not path.startswith(("/api/", "/openapi")):
            assert (response.status_code, response.headers.get("location")) == (303, "/login"), path
        else:
            assert response.status_code == 401, (method, path, response.status_code)
            assert "log in" in response.json()["detail"]


def test_every_route_refuses_a_host_it_was_not_bound_to(bare_app: FastAPI) -> None:
    client = logged_in(bare_app)
    rebound = TestClient(bare_app, base_url="http://attacker.example")
    rebound.cookies = client.cookies
    for method, path in [*every_route(bare_app), ("GET", "/static/tieline.css"), ("GET", "/nowhere")]:
        response = rebound.request(method, path, follow_redirects=False)
        assert response.status_code == 400, (method, path)
        assert "unknown host" in response.text


def test_a_forged_or_unknown_bearer_token_is_no_login(bare_app: FastAPI) -> None:
    anonymous = TestClient(bare_app)
    assert anonymous.get("/api/v1/people", headers={"authorization": "Bearer nope"}).status_code == 401


def test_the_login_link_sets_a_strict_session_cookie(bare_app: FastAPI) -> None:
    client = TestClient(bare_app)
    assert client.get("/login?token=wrong", follow_redirects=False).status_code == 403
    response = client.get(f"/login?token={TOKEN}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_behind_tls_the_cookie_is_secure(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}")
    client = TestClient(app, base_url=f"https://{HOST}")
    assert (
        "secure" in client.get(f"/login?token={TOKEN}", follow_redirects=False).headers["set-cookie"].lower()
    )


def test_guessing_the_login_token_is_rate_limited(bare_app: FastAPI) -> None:
    client = TestClient(bare_app)
    codes = [client.get(f"/login?token=guess{i}").status_code for i in range(6)]
    assert codes == [403] * 5 + [429]
    assert client.get(f"/login?token={TOKEN}").status_code == 429  # even the right one, for a minute


def test_a_change_without_the_csrf_token_is_refused(app: FastAPI) -> None:
    from tieline.services import people

    client = logged_in(app)
    token = client.headers.pop("x-csrf-token")
    pid = people.listing(app.state.stores.of("me"), limit=1)[0]["id"]
    before = people.detail(app.state.stores.of("me"), f"#{pid}", 1)["interactions_total"]
    assert client.post(f"/people/{pid}/log", data={"what": "forged"}).status_code == 403
    assert client.post(f"/people/{pid}/log", data={"what": "forged", "csrf": "wrong"}).status_code == 403
    assert client.post(f"/api/v1/people/{pid}/log", json={"what": "forged"}).status_code == 403
    assert client.post(f"/due/{pid}/done", headers={"x-csrf-token": "wrong"}).status_code == 403
    assert people.detail(app.state.stores.of("me"), f"#{pid}", 1)["interactions_total"] == before
    assert client.post(f"/people/{pid}/log", data={"what": "real", "csrf": token}).status_code == 200
    assert (
        client.post(
            f"/api/v1/people/{pid}/log", json={"what": "real"}, headers={"x-csrf-token": token}
        ).status_code
        == 201
    )
    assert people.detail(app.state.stores.of("me"), f"#{pid}", 1)["interactions_total"] == before + 2


def test_a_change_sent_from_another_site_is_refused_even_with_a_token(app: FastAPI) -> None:
    client = logged_in(app)
    response = client.post(
        "/settings/me/add", data={"handle": "x@example.org"}, headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "x@example.org" not in client.get("/settings").text


def test_every_response_carries_the_security_headers(bare_app: FastAPI) -> None:
    client = logged_in(bare_app)
    for path in ("/", "/login", "/static/tieline.css", "/nowhere", "/api/v1/health", "/people/5"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(bare_app: FastAPI) -> None:
    client = logged_in(bare_app)
    for path in ("/", "/people", "/imports", "/settings", "/review", "/duplicates", "/due"):
        html = client.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [], path
        assert "<style" not in html and " style=" not in html and " on" + "click=" not in html


def test_the_api_schema_is_for_those_logged_in_and_the_public_docs_are_gone(bare_app: FastAPI) -> None:
    assert TestClient(bare_app).get("/openapi.json").status_code == 401
    client = logged_in(bare_app)
    assert client.get("/openapi.json").status_code == 200
    for path in ("/docs", "/redoc"):
        assert client.get(path).status_code == 404


def test_the_vendored_htmx_is_the_pinned_file() -> None:
    import hashlib

    from tieline.web.pages import HERE

    table = (HERE / "static" / "README.md").read_text(encoding="utf-8")
    pinned = re.search(r"`htmx-([\d.]+)\.min\.js`.*?`([0-9a-f]{64})`", table)
    assert pinned
    data = (HERE / "static" / f"htmx-{pinned.group(1)}.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == pinned.group(2)
    assert f"/static/htmx-{pinned.group(1)}.min.js" in (HERE / "templates" / "base.html").read_text()


def test_imported_payloads_render_as_inert_text(db_url: str, tmp_path: Path) -> None:
    from tieline.ingest.batch import ImportOptions
    from tieline.services import imports
    from tieline.store.db import Store

    vcf = tmp_path / "payloads.vcf"
    vcf.write_text(PAYLOADS_VCF, encoding="utf-8")
    store = Store(db_url)
    imports.import_paths(store, [vcf], ImportOptions())
    from tieline.services import people

    ids = [r["id"] for r in people.listing(store)]
    # The importer drops a javascript: URL; a stored one (an older reader, a restore) must still not link.
    from sqlalchemy import insert

    from tieline.store import tables as t

    with store.write() as conn:
        for kind, value in (("url", "javascript:alert(3)"), ("linkedin", "linkedin.com/in/link-person")):
            conn.execute(
                insert(t.handles).values(
                    account_id=store.account_id, person_id=ids[0], kind=kind, value=value
                )
            )
    store.dispose()
    app = create_app(db_url, allowed_hosts=[HOST], login_token=TOKEN)
    client = logged_in(app)
    pages = [client.get("/people").text, *(client.get(f"/people/{pid}").text for pid in ids)]
    pages.append(client.get("/people?q=%3Cscript").text)
    joined = "\n".join(pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "{{7*7}}" in joined and ">49<" not in joined
    assert "&lt;svg onload=alert(4)&gt;" in joined
    assert "javascript:alert(3)" in joined  # shown, as text
    assert 'href="https://linkedin.com/in/link-person"' in joined  # a real profile is a link
    for page in pages:
        assert "<script>alert" not in page and "<svg" not in page and "<img src=x" not in page
        assert 'href="javascript:' not in page.lower()
    api = client.get("/api/v1/people").json()
    assert "<script>alert(1)</script>" in [r["name"] for r in api["people"]]  # JSON keeps the text as it is
    assert client.get("/api/v1/people").headers["content-type"] == "application/json"
    app.state.stores.close()


def test_csrf_token_is_per_session(bare_app: FastAPI) -> None:
    one, two = logged_in(bare_app), logged_in(bare_app)
    assert csrf_of(one) != csrf_of(two)
    assert (
        two.post(
            "/settings/me/add", data={"handle": "a@example.org"}, headers={"x-csrf-token": csrf_of(one)}
        ).status_code
        == 403
    )


def test_an_api_token_logs_a_script_in_without_csrf_until_revoked(bare_app: FastAPI) -> None:
    from tieline.services import people, tokens

    store = bare_app.state.stores.of("me")
    pid = people.add(store, people.NewPerson("Ada Lovelace"))
    token_id, secret = tokens.create(store, "a script")
    script = TestClient(bare_app)
    auth = {"authorization": f"Bearer {secret}"}
    assert script.get("/api/v1/people", headers=auth).json()["total"] == 1
    logged = script.post(f"/api/v1/people/{pid}/log", json={"what": "a call"}, headers=auth)
    assert logged.status_code == 201  # no CSRF token: another site cannot send this header
    tokens.revoke(store, token_id)
    assert script.get("/api/v1/people", headers=auth).status_code == 401


def test_a_token_waiting_for_a_writer_does_not_hold_up_other_requests(bare_app: FastAPI) -> None:
    """Checking a Bearer token reads the database and notes its first use (a write): that waits for
    another writer, in the thread pool; the event loop meanwhile answers everyone else."""
    import threading
    import time

    from sqlalchemy import update

    from tieline.services import tokens
    from tieline.store import tables as t

    store = bare_app.state.stores.of("me")
    token_id, secret = tokens.create(store, "a script")  # never used: the first use is written
    holding, answered = threading.Event(), {}

    def writer() -> None:
        with store.write() as conn:
            conn.execute(update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(revoked=False))
            holding.set()
            time.sleep(3)

    with TestClient(bare_app) as client:  # one event loop for every request below
        held = threading.Thread(target=writer)
        held.start()
        assert holding.wait(10)

        def script() -> None:
            answered["script"] = client.get("/api/v1/people", headers={"authorization": f"Bearer {secret}"})

        waiting = threading.Thread(target=script)
        waiting.start()
        time.sleep(0.5)  # the token's check is now waiting for the writer
        t0 = time.monotonic()
        page = client.get("/login")
        took = time.monotonic() - t0
        assert "script" not in answered, "the token's check waited for the writer"
        held.join()
        waiting.join()
    assert page.status_code == 200 and took < 1.5
    assert answered["script"].status_code == 200


def test_a_large_body_is_refused_before_it_is_read(bare_app: FastAPI) -> None:
    client = logged_in(bare_app)
    big = client.post("/settings/me/add", data={"handle": "x" * (2 * 1024 * 1024)})
    assert big.status_code == 413
