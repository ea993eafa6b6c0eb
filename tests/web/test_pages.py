"""Every page and every API route answers, from the same services as the CLI, on both backends."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tieline.insight.due import due
from tieline.services import imports, people
from tieline.store import tables as t


def _store(app: FastAPI):  # type: ignore[no-untyped-def]
    return app.state.stores.of("me")


def test_the_dashboard_shows_the_headline_the_chart_and_the_due_list(
    app: FastAPI, client: TestClient
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "would take your call" in page.text
    assert '<img src="/chart.svg"' in page.text
    first = due(_store(app), None, 10)[0]
    assert f'id="due-{first["person_id"]}"' in page.text
    chart = client.get("/chart.svg")
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.content.lstrip().startswith(b"<?xml") and b"<svg" in chart.content
    assert b"<script" not in chart.content


def test_the_people_list_pages_sorts_and_filters_through_the_database(
    app: FastAPI, client: TestClient
) -> None:
    store = _store(app)
    total = people.count(store)
    page = client.get("/people")
    assert f"{total} people" in page.text
    assert page.text.count('<a href="/people/') == 50  # one page
    second = client.get("/people?sort=strength&page=2")
    expected = people.listing(store, sort="strength", limit=50, offset=50)
    shown = [int(x) for x in re.findall(r'<a href="/people/(\d+)">', second.text)]
    assert shown == [r["id"] for r in expected]
    name = expected[0]["name"]
    found = client.get("/people", params={"q": name})
    assert name in found.text
    assert f"{people.count(store, query=name)} people" in found.text
    strong = client.get("/people?layer=support")
    assert f"{people.count(store, layer='support')} people" in strong.text
    org = people.listing(store, limit=400)
    with_org = next(r for r in org if r["organization"])
    by_org = client.get("/people", params={"org": with_org["organization"]})
    assert with_org["name"] in by_org.text
    fragment = client.get("/people?q=a", headers={"hx-request": "true", "hx-target": "people-results"})
    assert "<html" not in fragment.text and "people" in fragment.text


def test_a_tag_filter_keeps_the_tagged_people_only(app: FastAPI, client: TestClient) -> None:
    pid = people.listing(_store(app), limit=1)[0]["id"]
    client.post(f"/people/{pid}/edit", data={"tag": "climbing"})
    page = client.get("/people?tag=climbing")
    assert "1 people" in page.text and f'href="/people/{pid}"' in page.text


def test_a_person_shows_handles_with_their_source_the_strength_and_the_timeline(
    app: FastAPI, client: TestClient
) -> None:
    pid = due(_store(app), None, 1)[0]["person_id"]
    page = client.get(f"/people/{pid}")
    d = people.detail(_store(app), f"#{pid}", 25)
    assert page.status_code == 200
    assert d["name"] in page.text.replace("&#39;", "'")
    assert "(from " in page.text  # where a handle came from
    assert f"{d['interactions_total']} interactions" in page.text
    assert "likely to take your call" in page.text
    older = client.get(f"/people/{pid}?page=2", headers={"hx-request": "true", "hx-target": "timeline"})
    assert older.status_code == 200 and "<html" not in older.text


def test_logging_a_contact_in_one_step_lands_in_the_timeline(app: FastAPI, client: TestClient) -> None:
    pid = people.listing(_store(app), limit=1)[0]["id"]
    done = client.post(f"/people/{pid}/log", data={"what": "coffee at the station", "kind": "favor-given"})
    assert done.status_code == 200  # followed the redirect back to the person
    assert "coffee at the station" in done.text
    d = people.detail(_store(app), f"#{pid}", 5)
    assert d["interactions"][0]["subject"] == "coffee at the station"
    assert d["interactions"][0]["kind"] == "favor-given"
    assert "you did them a favour: coffee at the station" in client.get(f"/people/{pid}").text


def test_the_pages_offer_the_logbooks_channels_and_kinds() -> None:
    from tieline.services import logbook
    from tieline.web.routes import person

    assert (person.CHANNELS, person.KINDS, person.FAVOURS) == (
        logbook.CHANNELS,
        logbook.KINDS,
        logbook.FAVOURS,
    )


def test_editing_what_only_you_know(app: FastAPI, client: TestClient) -> None:
    pid = people.listing(_store(app), limit=1)[0]["id"]
    client.post(f"/people/{pid}/edit", data={"how_met": "PyCon 2019", "note": "likes trains", "every": "30d"})
    d = people.detail(_store(app), f"#{pid}", 1)
    assert (d["how_met"], d["notes"][-1], d["every_days"]) == ("PyCon 2019", "likes trains", 30)


def test_done_and_snooze_take_people_off_the_due_list(app: FastAPI, client: TestClient) -> None:
    first, second = due(_store(app), None, 2)
    assert f'id="due-{first["person_id"]}"' in client.get("/").text
    fragment = client.post(f"/due/{first['person_id']}/done", headers={"hx-request": "true"})
    assert "Logged a contact" in fragment.text and "<html" not in fragment.text
    snoozed = client.post(
        f"/due/{second['person_id']}/snooze", data={"span": "2w"}, headers={"hx-request": "true"}
    )
    assert "Snoozed until" in snoozed.text
    left = {r["person_id"] for r in due(_store(app), None, 50)}
    assert first["person_id"] not in left and second["person_id"] not in left
    dashboard = client.get("/").text  # what it kept is drawn again: the data changed
    assert f'id="due-{first["person_id"]}"' not in dashboard
    assert f'id="due-{second["person_id"]}"' not in dashboard
    assert client.get("/due").status_code == 200


def test_a_review_decision_is_one_click_and_can_be_taken_back(app: FastAPI, client: TestClient) -> None:
    from tieline.insight import review

    page = client.get("/review")
    assert page.status_code == 200
    queue, items = next((q, i) for q, i in review.queues(_store(app)).items() if i and q != "ask")
    item = items[0]
    session = re.search(r'name="session" value="(\d+)"', page.text)
    assert session
    decided = client.post(
        "/review/decide",
        data={"person_id": item.person_id, "queue": queue, "decision": "keep", "session": session.group(1)},
        headers={"hx-request": "true"},
    )
    assert "Decided: keep" in decided.text
    assert item.person_id in review.decided(_store(app))
    assert "taken back" in client.post("/review/undo").text
    assert item.person_id not in review.decided(_store(app))


def test_duplicates_can_be_merged_or_rejected_and_merges_undone(app: FastAPI, client: TestClient) -> None:
    from tieline.services import merge

    pairs = merge.candidates(_store(app))
    assert len(pairs) >= 2, "the demo proposes duplicates"
    assert pairs[0]["name_a"].replace("'", "&#39;") in client.get("/duplicates").text
    client.post(f"/duplicates/{pairs[0]['id']}/merge")
    client.post(f"/duplicates/{pairs[1]['id']}/reject")
    open_now = {p["id"] for p in merge.candidates(_store(app))}
    assert pairs[0]["id"] not in open_now and pairs[1]["id"] not in open_now
    done = merge.listing(_store(app))[0]
    client.post(f"/merges/{done['merge']}/undo")
    assert merge.listing(_store(app))[0]["undone"]


def test_settings_add_and_remove_a_handle_of_mine(app: FastAPI, client: TestClient) -> None:
    client.post("/settings/me/add", data={"handle": "second@example.org"})
    assert "second@example.org" in client.get("/settings").text
    client.post("/settings/me/remove", data={"handle": "second@example.org"})
    assert "second@example.org" not in client.get("/settings").text


def test_settings_list_and_change_the_cadences_set(app: FastAPI, client: TestClient) -> None:
    pid = people.listing(_store(app), limit=1)[0]["id"]
    client.post(f"/people/{pid}/edit", data={"every": "2w"})
    assert "every 14 days" in client.get("/settings").text
    client.post(f"/settings/cadence/{pid}", data={"every": "3m"})
    assert people.detail(_store(app), f"#{pid}", 1)["every_days"] == 90
    client.post(f"/settings/cadence/{pid}", data={"every": "none"})
    assert people.detail(_store(app), f"#{pid}", 1)["every_days"] is None
    assert "None set" in client.get("/settings").text


def test_imports_are_listed_and_undone(app: FastAPI, client: TestClient) -> None:
    batch = imports.listing(_store(app))[0]["batch"]
    assert f"<td>{batch}</td>" in client.get("/imports").text
    client.post(f"/imports/{batch}/undo", data={"with_later": "yes"})
    assert imports.listing(_store(app))[0]["status"] == "undone"


def test_the_json_api_answers_as_the_cli_does(app: FastAPI, client: TestClient) -> None:
    store = _store(app)
    listed = client.get("/api/v1/people?sort=strength&limit=10&offset=10").json()
    assert listed["total"] == people.count(store)
    assert [r["id"] for r in listed["people"]] == [
        r["id"] for r in people.listing(store, sort="strength", limit=10, offset=10)
    ]
    pid = listed["people"][0]["id"]
    shown = client.get(f"/api/v1/people/{pid}").json()
    assert shown["id"] == pid and "handles" in shown
    why = client.get(f"/api/v1/people/{pid}/explain").json()
    assert why["id"] == pid and why["terms"]
    assert client.get("/api/v1/health").json()["connections"] == people.count(store)
    first = client.get("/api/v1/due?limit=3").json()[0]
    assert (
        client.post(f"/api/v1/due/{first['person_id']}/done", json={"what": "lunch"}).json()["person"]
        == (first["person_id"])
    )
    assert "until" in client.post(f"/api/v1/due/{pid}/snooze", json={"span": "3d"}).json()
    logged = client.post(f"/api/v1/people/{pid}/log", json={"what": "a call", "channel": "call"})
    assert logged.status_code == 201 and logged.json()["interaction"] > 0
    assert "people" in client.get("/api/v1/who", params={"need": "chemistry"}).json()
    assert client.get("/api/v1/chart").json()["trend"]
    batches = client.get("/api/v1/imports").json()
    assert batches[0]["batch"] > 0
    assert client.post(f"/api/v1/imports/{batches[0]['batch']}/undo?with_later=true").json()["undone"]
    schema = client.get("/openapi.json").json()
    assert "/api/v1/people" in schema["paths"] and "/api/v1/who" in schema["paths"]


def test_an_unknown_person_is_a_404_page_and_a_404_in_the_api(client: TestClient) -> None:
    assert client.get("/people/999999").status_code == 404
    assert client.get("/api/v1/people/999999").json()["detail"] == "no person #999999"
    assert client.post("/api/v1/people/999999/log", json={"what": "x"}).status_code == 404


def test_a_service_refusal_is_shown_in_words(app: FastAPI, client: TestClient) -> None:
    pid = people.listing(_store(app), limit=1)[0]["id"]
    refused = client.post(f"/api/v1/people/{pid}/log", json={"what": "x", "kind": "bribe"})
    assert refused.status_code == 400 and "kind" in refused.json()["detail"]
    with _store(app).read() as conn:
        assert (
            conn.execute(select(t.interactions.c.id).where(t.interactions.c.subject == "x")).first() is None
        )


def test_pages_of_the_list_add_up_to_the_whole_list_for_every_sort(app: FastAPI) -> None:
    store = _store(app)
    for sort in ("name", "strength", "last"):
        whole = [r["id"] for r in people.listing(store, sort=sort)]
        paged: list[int] = []
        for offset in range(0, len(whole) + 40, 40):
            paged += [r["id"] for r in people.listing(store, sort=sort, limit=40, offset=offset)]
        assert paged == whole, sort
    org = next(r["organization"] for r in people.listing(store) if r["organization"])
    for filters in ({}, {"query": "a"}, {"layer": "support"}, {"state": "fading"}, {"organisation": org[:4]}):
        assert people.count(store, **filters) == len(people.listing(store, **filters)), filters
    assert people.count(store, query="a", most=7) == 7


def test_the_dashboard_figures_are_computed_once_for_clients_asking_at_once(app: FastAPI) -> None:
    import threading
    import time

    from fastapi import Request

    from tieline.web.derived import Derived

    kept = Derived()
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    scope = {"type": "http", "app": app, "headers": [], "state": {}}
    from tieline.web.auth import Principal

    answers: list[int] = []

    def ask() -> None:
        request = Request(dict(scope, state={"principal": Principal("me", "session", "x")}))
        answers.append(kept.get(request, "health", slow))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 8 and len(calls) == 1
