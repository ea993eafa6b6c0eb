"""The JSON API for the review, duplicates, settings and upload pages (routes/api_manage.py, api_upload.py):
each endpoint changes what the CLI then sees, on both backends; no login, no CSRF token or another
account's ids change nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert

from tieline.services import accounts, people, tokens
from tieline.store import tables as t
from tieline.store.db import Store

from ..cli import tieline
from .conftest import csrf_of, logged_in, make_app

FRIENDS_VCF = """BEGIN:VCARD
VERSION:3.0
FN:Zora Uploaded
EMAIL:zora@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Yann Uploaded
TEL:+44 20 7946 0958
END:VCARD
"""
# Every route of the two modules that changes something, with a body it would take.
CHANGES = [
    ("POST", "/api/v1/review/decisions", {"person_id": 1, "queue": "prune", "decision": "archive"}),
    ("POST", "/api/v1/review/undo", None),
    ("POST", "/api/v1/duplicates/1/merge", None),
    ("POST", "/api/v1/duplicates/1/reject", None),
    ("POST", "/api/v1/merges/1/undo", None),
    ("POST", "/api/v1/me", {"handle": "me@example.org"}),
    ("POST", "/api/v1/me/remove", {"handle": "me@example.org"}),
    ("PUT", "/api/v1/cadences/1", {"every": "2w"}),
    ("POST", "/api/v1/tokens", {"name": "a script"}),
    ("POST", "/api/v1/tokens/1/revoke", None),
]
READS = ["/api/v1/review", "/api/v1/duplicates", "/api/v1/me", "/api/v1/cadences", "/api/v1/tokens"]


@pytest.fixture
def bare(db_url: str) -> Iterator[FastAPI]:
    app = make_app(db_url)
    yield app
    app.state.stores.close()


def _store(app: FastAPI) -> Store:
    store: Store = app.state.stores.of("me")
    return store


def _upload_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("tieline-upload-*")}


def _pair(store: Store, a: int, b: int) -> int:
    with store.write() as conn:
        return int(
            conn.execute(
                insert(t.merge_candidates)
                .values(
                    account_id=store.account_id,
                    person_a=a,
                    person_b=b,
                    reason="alike names",
                    score=0.9,
                    status="open",
                )
                .returning(t.merge_candidates.c.id)
            ).scalar_one()
        )


def test_a_review_decision_and_its_undo_reach_the_cli(db_url: str, bare: FastAPI) -> None:
    client = logged_in(bare)
    ada = people.add(_store(bare), people.NewPerson("Ada Lovelace", ("ada@example.com",)))
    grace = people.add(_store(bare), people.NewPerson("Grace Hopper"))
    shown = client.get("/api/v1/review").json()
    assert set(shown["queues"]) == {"prune", "nurture", "reconnect", "solidify", "ask"}
    assert shown["choices"]["ask"] == ["yes", "no", "skip"]
    session = shown["session"]
    archived = client.post(
        "/api/v1/review/decisions",
        json={"person_id": ada, "queue": "prune", "decision": "archive", "session": session},
    )
    assert archived.status_code == 201, archived.text
    assert archived.json() == {"person": ada, "session": session, "decision": "archive"}
    cadence = client.post(
        "/api/v1/review/decisions",
        json={
            "person_id": grace,
            "queue": "solidify",
            "decision": "cadence",
            "text": "2w",
            "session": session,
        },
    )
    assert cadence.status_code == 201, cadence.text
    assert tieline(db_url, "people", "show", f"#{ada}", "--json").json()["archived"] is not None
    assert tieline(db_url, "people", "show", f"#{grace}", "--json").json()["every_days"] == 14
    # A decision the queue does not offer, or one missing its text, is refused and changes nothing.
    wrong = client.post(
        "/api/v1/review/decisions", json={"person_id": grace, "queue": "ask", "decision": "archive"}
    )
    assert wrong.status_code == 400 and "not a decision" in wrong.json()["detail"]
    no_text = client.post(
        "/api/v1/review/decisions", json={"person_id": grace, "queue": "nurture", "decision": "log"}
    )
    assert no_text.status_code == 400
    assert client.post("/api/v1/review/undo").json() == {"session": session, "restored": 2}
    assert tieline(db_url, "people", "show", f"#{ada}", "--json").json()["archived"] is None
    assert tieline(db_url, "people", "show", f"#{grace}", "--json").json()["every_days"] is None
    assert client.post("/api/v1/review/undo").json() == {"session": None, "restored": 0}


def test_duplicates_merge_reject_and_undo_reach_the_cli(db_url: str, bare: FastAPI) -> None:
    client = logged_in(bare)
    store = _store(bare)
    ids = [people.add(store, people.NewPerson(n)) for n in ("Grace Hopper", "Grace M. Hopper", "A. Turing")]
    ids.append(people.add(store, people.NewPerson("Alan Turing")))
    grace_pair, turing_pair = _pair(store, ids[0], ids[1]), _pair(store, ids[3], ids[2])
    listed = client.get("/api/v1/duplicates").json()
    assert [p["id"] for p in listed["pairs"]] == [grace_pair, turing_pair] and listed["merges"] == []

    merged = client.post(f"/api/v1/duplicates/{grace_pair}/merge")
    assert merged.status_code == 200, merged.text
    merge_id = merged.json()["merge"]
    names = [r["name"] for r in tieline(db_url, "people", "list", "--json").json()]
    assert names.count("Grace Hopper") == 1 and "Grace M. Hopper" not in names
    assert client.post(f"/api/v1/duplicates/{grace_pair}/merge").status_code == 404  # decided already

    rejected = client.post(f"/api/v1/duplicates/{turing_pair}/reject")
    assert rejected.json() == {"pair": turing_pair, "person_a": ids[3], "person_b": ids[2]}
    assert tieline(db_url, "people", "duplicates", "--json").json() == []
    assert len(tieline(db_url, "people", "list", "--json").json()) == 3

    assert client.get("/api/v1/duplicates").json()["merges"][0]["merge"] == merge_id
    assert client.post(f"/api/v1/merges/{merge_id}/undo").json() == {"undone": merge_id}
    names = [r["name"] for r in tieline(db_url, "people", "list", "--json").json()]
    assert "Grace M. Hopper" in names and len(names) == 4
    assert client.post(f"/api/v1/merges/{merge_id}/undo").status_code == 404  # undone already


def test_settings_handles_cadences_and_tokens_reach_the_cli(db_url: str, bare: FastAPI) -> None:
    client = logged_in(bare)
    ada = people.add(_store(bare), people.NewPerson("Ada Lovelace"))

    added = client.post("/api/v1/me", json={"handle": "Me@Example.org"})
    assert added.status_code == 201 and added.json()["value"] == "me@example.org"
    assert tieline(db_url, "me", "show", "--json").json() == [{"kind": "email", "value": "me@example.org"}]
    assert client.get("/api/v1/me").json() == [{"kind": "email", "value": "me@example.org"}]
    assert client.post("/api/v1/me/remove", json={"handle": "me@example.org"}).status_code == 200
    assert tieline(db_url, "me", "show", "--json").json() == []
    assert client.post("/api/v1/me/remove", json={"handle": "me@example.org"}).status_code == 400
    assert client.post("/api/v1/me", json={"handle": "not a handle"}).status_code == 400

    assert client.put(f"/api/v1/cadences/{ada}", json={"every": "2w"}).json() == {
        "person": ada,
        "every_days": 14,
    }
    assert tieline(db_url, "people", "show", f"#{ada}", "--json").json()["every_days"] == 14
    assert client.get("/api/v1/cadences").json() == [{"id": ada, "name": "Ada Lovelace", "every_days": 14}]
    assert client.put(f"/api/v1/cadences/{ada}", json={"every": "often"}).status_code == 400
    assert client.put(f"/api/v1/cadences/{ada}", json={"every": None}).json()["every_days"] is None
    assert tieline(db_url, "people", "show", f"#{ada}", "--json").json()["every_days"] is None

    made = client.post("/api/v1/tokens", json={"name": "backup script"})
    assert made.status_code == 201
    token_id, secret = made.json()["id"], made.json()["token"]
    listed = client.get("/api/v1/tokens").json()
    assert [(r["id"], r["name"], r["revoked"]) for r in listed] == [(token_id, "backup script", False)]
    assert secret not in client.get("/api/v1/tokens").text
    script = TestClient(bare)
    auth = {"authorization": f"Bearer {secret}"}
    assert script.get("/api/v1/people", headers=auth).json()["total"] == 1
    successor = script.post("/api/v1/tokens", json={"name": "successor"}, headers=auth)
    assert successor.status_code == 403 and len(tokens.list_tokens(_store(bare))) == 1
    assert client.post(f"/api/v1/tokens/{token_id}/revoke").json() == {"revoked": token_id}
    assert script.get("/api/v1/people", headers=auth).status_code == 401
    assert tieline(db_url, "token", "list", "--json").json()[0]["revoked"] is True
    assert client.post("/api/v1/tokens/99999/revoke").status_code == 404


def test_an_upload_through_the_api_imports_and_leaves_no_folder(
    db_url: str, bare: FastAPI, tmp_path: Path
) -> None:
    vcf = tmp_path / "friends.vcf"
    vcf.write_text(FRIENDS_VCF, encoding="utf-8")
    client = logged_in(bare)
    before = _upload_folders()
    with vcf.open("rb") as f:
        # A misleading name and type: the reader is picked by what the file holds.
        answer = client.post("/api/v1/imports", files={"file": ("friends.txt", f, "image/png")})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["done"] and body["result"]["error"] is None, body
    assert body["result"]["batch"] is not None
    assert _upload_folders() == before
    assert "tieline-upload-" not in answer.text
    assert client.get(body["status"]).json() == body  # the job's own address says the same
    names = {r["name"] for r in tieline(db_url, "people", "list", "--json").json()}
    assert {"Zora Uploaded", "Yann Uploaded"} <= names
    listed = tieline(db_url, "imports", "list", "--json").json()
    assert [b["source"] for b in listed] == ["vcard"]

    # A script with a token needs no CSRF token; the same file again changes nothing.
    _, secret = tokens.create(_store(bare), "a script")
    script = TestClient(bare)
    again = script.post(
        "/api/v1/imports",
        files={"file": ("friends.vcf", FRIENDS_VCF.encode(), "text/vcard")},
        headers={"authorization": f"Bearer {secret}"},
    )
    assert again.status_code == 200 and again.json()["result"]["error"] is None, again.text
    assert people.count(_store(bare)) == 2
    assert _upload_folders() == before
    # Not a file any reader takes: said in words, nothing imported, the folder gone.
    png = client.post("/api/v1/imports", files={"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)})
    assert png.json()["result"]["error"] and _upload_folders() == before
    assert client.post("/api/v1/imports", data={"dates": "day"}).status_code == 415  # not a file upload
    assert _upload_folders() == before


def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", upload_limit=1024)
    client = logged_in(app)
    before = _upload_folders()
    big = b"BEGIN:VCARD\r\nNOTE:" + b"x" * 5000 + b"\r\nEND:VCARD\r\n"
    response = client.post("/api/v1/imports", files={"file": ("big.vcf", big, "text/vcard")})
    assert response.status_code == 413 and "larger than" in response.json()["detail"]
    assert _upload_folders() == before
    app.state.stores.close()


def test_without_a_login_nothing_answers(bare: FastAPI) -> None:
    anonymous = TestClient(bare)
    for path in [*READS, "/api/v1/imports/jobs/x"]:
        assert anonymous.get(path).status_code == 401, path
    for method, path, body in [*CHANGES, ("POST", "/api/v1/imports", None)]:
        assert anonymous.request(method, path, json=body).status_code == 401, path


def test_a_cookie_login_without_the_csrf_token_changes_nothing(db_url: str, bare: FastAPI) -> None:
    client = logged_in(bare)
    client.headers.pop("x-csrf-token")
    store = _store(bare)
    ada = people.add(store, people.NewPerson("Ada Lovelace"))
    grace = people.add(store, people.NewPerson("Grace Hopper"))
    _pair(store, ada, grace)
    before = _upload_folders()
    for method, path, body in CHANGES:
        refused = client.request(method, path, json=body, headers={"x-csrf-token": "wrong"})
        assert refused.status_code == 403, (method, path, refused.status_code)
        assert client.request(method, path, json=body).status_code == 403, (method, path)
    upload = client.post("/api/v1/imports", files={"file": ("f.vcf", FRIENDS_VCF.encode(), "text/vcard")})
    assert upload.status_code == 403
    assert _upload_folders() == before
    assert tieline(db_url, "me", "show", "--json").json() == []
    assert len(tieline(db_url, "people", "list", "--json").json()) == 2
    assert len(tieline(db_url, "people", "duplicates", "--json").json()) == 1
    assert tieline(db_url, "token", "list", "--json").json() == []
    assert tieline(db_url, "people", "show", f"#{ada}", "--json").json()["archived"] is None


def test_user_b_cannot_decide_about_user_a_in_a_review(db_url: str) -> None:
    password = "correct horse battery"
    accounts.set_password(db_url, "alice", password)
    accounts.set_password(db_url, "bob", password)
    alice_store = Store(db_url, account="alice")
    ada = people.add(alice_store, people.NewPerson("Ada Lovelace"))
    alice_store.dispose()
    app = make_app(db_url, multi_user=True)
    bob = TestClient(app)
    bob.post("/login", data={"name": "bob", "password": password})
    assert bob.post("/api/v1/tokens", json={"name": "bob's"}).status_code == 403  # no CSRF token
    bob.headers["x-csrf-token"] = csrf_of(bob)
    decided = bob.post(
        "/api/v1/review/decisions", json={"person_id": ada, "queue": "prune", "decision": "archive"}
    )
    assert decided.status_code == 404
    assert bob.get("/api/v1/review").json()["totals"] == dict.fromkeys(
        ("prune", "nurture", "reconnect", "solidify", "ask"), 0
    )
    alice = Store(db_url, account="alice")
    assert people.detail(alice, f"#{ada}")["archived"] is None
    alice.dispose()
    app.state.stores.close()


def test_a_long_upload_answers_with_its_job_until_it_is_done(tmp_path: Path) -> None:
    import threading

    app = make_app(f"sqlite:///{tmp_path / 'x.db'}")
    client = logged_in(app)
    folder = tmp_path / "upload"
    folder.mkdir()
    go_on = threading.Event()

    def work(job: object) -> dict[str, object]:
        job.file, job.records, job.read, job.size = "big.mbox", 12000, 30, 100  # type: ignore[attr-defined]
        go_on.wait(10)
        return {"error": None, "batch": 7, "notes": []}

    job_id = app.state.jobs.start("me", folder, work)
    running = client.get(f"/api/v1/imports/jobs/{job_id}")
    assert running.status_code == 202
    assert running.json()["progress"] == {"file": "big.mbox", "records": 12000, "share": 0.3, "done": False}
    assert running.json()["result"] is None
    go_on.set()
    app.state.jobs.of("me", job_id).done.wait(10)
    finished = client.get(f"/api/v1/imports/jobs/{job_id}")
    assert finished.status_code == 200 and finished.json()["result"]["batch"] == 7
    assert not folder.exists()
    assert client.get("/api/v1/imports/jobs/not-a-job").status_code == 404
    app.state.stores.close()


def test_the_schema_describes_the_new_endpoints(bare: FastAPI) -> None:
    paths = logged_in(bare).get("/openapi.json").json()["paths"]
    for path in [*READS, "/api/v1/imports", "/api/v1/imports/jobs/{job}", "/api/v1/review/decisions"]:
        assert path in paths, path
    assert "put" in paths["/api/v1/cadences/{person_id}"]
    decision = paths["/api/v1/review/decisions"]["post"]["requestBody"]["content"]["application/json"]
    assert decision["schema"]["$ref"].endswith("/Decision")
    upload = paths["/api/v1/imports"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["file"]["format"] == "binary"


def test_the_review_queues_are_scored_as_of_the_apps_date(demo_url: str) -> None:
    from datetime import UTC, datetime

    from tieline.insight import review

    when = datetime(2026, 10, 1, tzinfo=UTC)
    app = make_app(demo_url, as_of=when)
    shown = logged_in(app).get("/api/v1/review", params={"limit": 3}).json()
    expected = review.queues(_store(app), when)
    assert shown["totals"] == {q: len(items) for q, items in expected.items()}
    assert sum(shown["totals"].values()) > 0  # the demo has someone to decide about
    assert shown["queues"] == {q: [i.as_json() for i in items[:3]] for q, items in expected.items()}
    app.state.stores.close()


def test_the_apis_health_due_and_chart_are_as_of_the_apps_date_as_the_dashboard(demo_url: str) -> None:
    """`serve --as-of`: the API and the dashboard keep their figures under one name, so they must agree."""
    from datetime import UTC, datetime

    from tieline.insight.due import due
    from tieline.insight.health import health

    when = datetime(2026, 10, 1, tzinfo=UTC)
    app = make_app(demo_url, as_of=when)
    client = logged_in(app)
    assert client.get("/api/v1/health").json()["as_of"][:10] == "2026-10-01"
    assert (
        client.get("/api/v1/health").json()["would_take_call"] == health(_store(app), when)["would_take_call"]
    )
    assert client.get("/api/v1/chart").json()["as_of"][:10] == "2026-10-01"
    shown = client.get("/api/v1/due", params={"limit": 5}).json()
    assert [d["person_id"] for d in shown] == [d["person_id"] for d in due(_store(app), when, 5)]
    app.state.stores.close()
