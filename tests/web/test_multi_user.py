"""Multi-user mode: accounts log in with a password, and user B gets 404 for every id of user A, on every
route that takes one, page and API alike (the test walks the app's routes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from tieline.ingest.batch import ImportOptions
from tieline.services import accounts, imports, logbook, merge, people, tokens
from tieline.store import tables as t
from tieline.store.db import Store

from .conftest import PAYLOADS_VCF, csrf_of, make_app
from .test_security import every_route

PASSWORD = "correct horse battery"


def _login(app: FastAPI, name: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    response = client.post("/login", data={"name": name, "password": password}, follow_redirects=False)
    assert (response.status_code, response.headers.get("location")) == (303, "/"), response.text
    client.headers["x-csrf-token"] = csrf_of(client)
    return client


@pytest.fixture
def alices(db_url: str, tmp_path: Path) -> dict[str, int]:
    """Alice's account with a person of each kind of id: a person, a batch, a proposed pair, a merge."""
    accounts.set_password(db_url, "alice", PASSWORD)
    accounts.set_password(db_url, "bob", PASSWORD)
    store = Store(db_url, account="alice")
    vcf = tmp_path / "alice.vcf"
    vcf.write_text(PAYLOADS_VCF, encoding="utf-8")
    result, _ = imports.import_paths(store, [vcf], ImportOptions())
    assert result.batch is not None
    ada = people.add(store, people.NewPerson("Ada Lovelace", ("ada@example.com",)))
    logbook.log(store, f"#{ada}", "tea", channel="in-person")
    one = people.add(store, people.NewPerson("Grace Hopper"))
    two = people.add(store, people.NewPerson("Grace M. Hopper"))
    three = people.add(store, people.NewPerson("Alan Turing"))
    four = people.add(store, people.NewPerson("A. Turing"))
    with store.write() as conn:
        pair = conn.execute(
            insert(t.merge_candidates)
            .values(
                account_id=store.account_id,
                person_a=one,
                person_b=two,
                reason="alike names",
                score=0.9,
                status="open",
            )
            .returning(t.merge_candidates.c.id)
        ).scalar_one()
    merged = merge.merge(store, f"#{three}", f"#{four}")
    token_id, _ = tokens.create(store, "alice's script")
    store.dispose()
    return {"person_id": ada, "batch": result.batch, "pair": pair, "merge_id": merged, "token_id": token_id}


def test_a_user_sees_only_their_own_network(db_url: str, alices: dict[str, int]) -> None:
    app = make_app(db_url, multi_user=True)
    alice, bob = _login(app, "alice"), _login(app, "bob")
    assert alice.get("/api/v1/people").json()["total"] == 8  # 4 imported, 5 added, 1 merged away
    assert bob.get("/api/v1/people").json()["total"] == 0
    assert "0 people" in bob.get("/people").text
    assert bob.get("/api/v1/imports").json() == []
    assert "Ada Lovelace" not in bob.get("/people?q=Ada").text
    assert bob.get("/api/v1/who", params={"need": "Lovelace"}).json()["people"] == []
    assert "alike names" not in bob.get("/duplicates").text
    app.state.stores.close()


def test_user_b_gets_404_for_every_id_of_user_a_on_every_route(db_url: str, alices: dict[str, int]) -> None:
    app = make_app(db_url, multi_user=True)
    alice, bob = _login(app, "alice"), _login(app, "bob")
    vcf = "BEGIN:VCARD\nVERSION:3.0\nFN:Zed Alice-Friend\nEMAIL:zed@example.com\nEND:VCARD\n"
    uploaded = alice.post("/imports", files={"file": ("zed.vcf", vcf.encode(), "text/vcard")})
    assert "1 people created" in uploaded.text
    alices = {**alices, "job": uploaded.url.path.rsplit("/", 1)[-1]}
    walked = 0
    for route in _routes_with_ids(app):
        method, template = route
        path = re.sub(r"\{(\w+)\}", lambda m: str(alices[m.group(1)]), template)
        if template.startswith("/api/"):
            response = bob.request(method, path, json={"what": "x", "span": "1w", "every": "2w"})
        else:
            form = {
                "what": "x",
                "span": "1w",
                "how_met": "x",
                "note": "x",
                "archived": "yes",
                "with_later": "yes",
            }
            response = bob.request(method, path, data=form if method == "POST" else None)
        assert response.status_code == 404, (method, path, response.status_code, response.text[:200])
        walked += 1
    assert walked >= 24  # every route with an id, pages and API (counted when written)
    decide = bob.post(
        "/review/decide",
        data={"person_id": alices["person_id"], "queue": "prune", "decision": "archive", "session": 1},
    )
    assert decide.status_code == 404
    _alices_data_is_untouched(db_url, alices)
    app.state.stores.close()


def _routes_with_ids(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path template) with an id in the path, read from the app itself."""
    templates = {re.sub(r"\{(\w+)\}", "1", p): p for p in _templates(app)}
    return [(m, templates[p]) for m, p in every_route(app) if templates.get(p, p) != p]


def _templates(app: FastAPI) -> list[str]:
    from fastapi.routing import APIRoute

    out: list[str] = []

    def walk(routes: list[object], prefix: str) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                out.append(prefix + route.path)
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]

    walk(list(app.routes), "")
    return [p for p in out if "{" in p]


def _alices_data_is_untouched(db_url: str, alices: dict[str, int]) -> None:
    store = Store(db_url, account="alice")
    try:
        assert all(b["status"] != "undone" for b in imports.listing(store))
        assert [r["revoked"] for r in tokens.list_tokens(store)] == [False]
        assert not merge.listing(store)[0]["undone"]
        assert [p["id"] for p in merge.candidates(store)] == [alices["pair"]]
        d = people.detail(store, f"#{alices['person_id']}")
        assert (d["interactions_total"], d["how_met"], d["archived"], d["snoozed_until"]) == (
            1,
            None,
            None,
            None,
        )
        with store.read() as conn:
            subjects = conn.execute(select(t.interactions.c.subject)).scalars().all()
        assert "x" not in subjects
    finally:
        store.dispose()


def test_a_wrong_password_is_refused_and_guessing_is_rate_limited(
    db_url: str, alices: dict[str, int]
) -> None:
    app = make_app(db_url, multi_user=True)
    client = TestClient(app)
    assert client.post("/login", data={"name": "nobody", "password": PASSWORD}).status_code == 403
    codes = [
        client.post("/login", data={"name": "alice", "password": f"guess {i}"}).status_code for i in range(6)
    ]
    assert codes == [403] * 4 + [429] * 2  # five failures a minute from one address, the unknown name's too
    assert client.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 429
    # No login link in multi-user mode: a token is no way in.
    assert client.get("/login?token=anything", follow_redirects=False).status_code == 200
    assert client.get("/", follow_redirects=False).status_code == 303
    app.state.stores.close()


def test_passwords_are_kept_as_argon2_hashes(db_url: str, alices: dict[str, int]) -> None:
    store = Store(db_url)
    with store.read() as conn:
        hashes = (
            conn.execute(select(t.accounts.c.password_hash).where(t.accounts.c.name.in_(("alice", "bob"))))
            .scalars()
            .all()
        )
    store.dispose()
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_account_add_sets_a_password_that_logs_in(db_url: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tieline", "--db", db_url, "account", "add", "carol", "--password-stdin"],
        input="a long enough password\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "carol" in done.stdout
    short = subprocess.run(
        [sys.executable, "-m", "tieline", "--db", db_url, "account", "add", "dan", "--password-stdin"],
        input="short\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    app = make_app(db_url, multi_user=True)
    _login(app, "carol", "a long enough password")
    app.state.stores.close()
