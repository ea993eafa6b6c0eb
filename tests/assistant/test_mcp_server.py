"""`tieline mcp`: a real subprocess speaking the Model Context Protocol over stdio, driven by the official
client library, on a store with a known network (both backends)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.cli import tieline, tieline_process
from tests.insight.test_who import _network
from tieline.store.db import Store

TOOLS = {"people", "person", "health", "due", "who", "explain"}


def _server(db_url: str) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "tieline", "--db", db_url, "mcp"])


async def _session(db_url: str, mode: str, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    async with Client(_server(db_url), mode=mode, read_timeout_seconds=120) as client:
        tools = await client.list_tools()
        out: dict[str, Any] = {"tools": {tool.name: tool for tool in tools.tools}}
        for name, arguments in calls:
            result = await client.call_tool(name, arguments)
            text = "".join(getattr(block, "text", "") for block in result.content)
            out[name] = (result.is_error, result.structured_content, text)
        return out


def _ask(db_url: str, calls: list[tuple[str, dict[str, Any]]], mode: str = "legacy") -> dict[str, Any]:
    return asyncio.run(asyncio.wait_for(_session(db_url, mode, calls), timeout=180))


def test_an_assistant_lists_the_tools_and_asks_who_to_call(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ids = _network(store, tmp_path)
    store.dispose()
    answer = _ask(db_url, [("who", {"need": "analytical chemistry roles in Boston"})])
    assert set(answer["tools"]) == TOOLS
    assert all(tool.annotations.read_only_hint for tool in answer["tools"].values())
    assert answer["tools"]["who"].input_schema["required"] == ["need"]
    failed, found, text = answer["who"]
    assert not failed, text
    by_id = {p["person_id"]: p for p in found["people"]}
    assert found["people"][0]["name"] == "Grace Hopper" and found["people"][0]["close"]
    katherine = by_id[ids["katherine"]]
    assert not katherine["close"]
    assert katherine["introduction"]["person_id"] == ids["grace"]
    assert "Northwind Labs" in katherine["introduction"]["via"]
    assert "Linus Torvalds" not in {p["name"] for p in found["people"]}
    assert "Katherine Johnson" in text  # the same answer as text, for clients that read only text


def test_the_other_tools_answer_from_the_same_store(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ids = _network(store, tmp_path)
    store.dispose()
    answer = _ask(
        db_url,
        [
            ("people", {"query": "northwind", "sort": "name"}),
            ("person", {"person": f"#{ids['grace']}"}),
            ("explain", {"person": "grace@northwind.example"}),
            ("health", {"as_of": "2025-06-01"}),
            ("due", {"limit": 5, "as_of": "2025-06-01"}),
        ],
        mode="auto",
    )
    assert all(
        not failed for failed, _, _ in (answer[k] for k in ("people", "person", "explain", "health", "due"))
    )
    listed = answer["people"][1]["people"]
    assert [p["name"] for p in listed] == ["Alan Turing", "Grace Hopper", "Katherine Johnson"]
    grace = answer["person"][1]
    assert grace["name"] == "Grace Hopper" and grace["interactions_total"] > 50
    why = answer["explain"][1]
    assert why["id"] == ids["grace"] and why["p_call"] > 0.5 and why["terms"]
    # The same services as the command line: the same answers as its --json, as of the same day.
    health = tieline(db_url, "health", "--as-of", "2025-06-01", "--json").json()
    health.pop("backup")
    assert answer["health"][1] == health and health["connections"] == 6
    due = tieline(db_url, "due", "--limit", "5", "--as-of", "2025-06-01", "--json").json()
    assert answer["due"][1]["due"] == due and due


def test_an_unknown_person_is_an_error_in_words_not_a_crash(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    _network(store, tmp_path)
    store.dispose()
    answer = _ask(db_url, [("explain", {"person": "Nobody Atall"}), ("who", {"need": "   "})])
    failed, _, text = answer["explain"]
    assert failed and "Nobody Atall" in text
    failed, _, text = answer["who"]
    assert failed and "what you need" in text


def test_a_missing_database_is_refused_and_not_created(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    run = tieline_process(str(db), "mcp")
    assert run.code == 1 and run.err.startswith("error:")
    assert run.out == ""  # stdout is the protocol's: nothing else is ever written there
    assert not db.exists()
