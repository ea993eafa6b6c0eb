"""API tokens: made through the real command, kept only as a hash, scoped to the account, revocable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cli import tieline, tieline_process
from tieline.errors import NotFound, TielineError
from tieline.services import backup, tokens
from tieline.store import tables as t
from tieline.store.db import Store


def test_a_created_token_verifies_as_its_account_and_only_its_hash_is_stored(db_url: str) -> None:
    tieline(db_url, "people", "add", "Ada Lovelace")
    run = tieline(db_url, "token", "create", "backup script", "--json")
    assert run.code == 0, run.err
    made = run.json()
    assert made["name"] == "backup script" and made["token"].startswith("tl_")
    store = Store(db_url, create=False)
    found = tokens.verify(store, made["token"])
    assert found is not None
    assert (found.id, found.name, found.token_id) == (store.account_id, "me", made["id"])
    with store.read() as conn:
        stored = [tuple(r) for r in conn.execute(select(t.api_tokens))]
    assert made["token"] not in str(stored)
    store.dispose()


def test_unknown_malformed_and_revoked_tokens_are_refused(db_url: str) -> None:
    store = Store(db_url)
    token_id, secret = tokens.create(store, "ci")
    for wrong in ("", "tl_", secret[:-1], secret + "x", secret.upper(), "Bearer " + secret, "x" * 5000):
        assert tokens.verify(store, wrong) is None, wrong
    assert tokens.verify(store, secret) is not None
    run = tieline(db_url, "token", "revoke", str(token_id))
    assert run.code == 0, run.err
    assert tokens.verify(store, secret) is None
    listed = tieline(db_url, "token", "list", "--json").json()
    assert [(r["id"], r["name"], r["revoked"]) for r in listed] == [(token_id, "ci", True)]
    store.dispose()


def test_listing_shows_when_a_token_was_last_used_and_never_the_secret(db_url: str) -> None:
    store = Store(db_url)
    _, used = tokens.create(store, "used")
    _, idle = tokens.create(store, "idle")
    tokens.verify(store, used)
    listed = tieline(db_url, "token", "list", "--json")
    assert used not in listed.out and idle not in listed.out
    rows = {r["name"]: r for r in listed.json()}
    assert rows["used"]["last_used_at"] is not None and rows["idle"]["last_used_at"] is None
    table = tieline(db_url, "token", "list")
    assert "used" in table.out and "never" in table.out and used not in table.out
    store.dispose()


def test_one_account_cannot_list_or_revoke_anothers_token(db_url: str) -> None:
    mine = Store(db_url)
    theirs = Store(db_url, account="other")
    their_id, their_secret = tokens.create(theirs, "theirs")
    assert tokens.list_tokens(mine) == []
    with pytest.raises(NotFound):
        tieline(db_url, "token", "revoke", str(their_id))
    assert tokens.verify(theirs, their_secret) is not None
    found = tokens.verify(mine, their_secret)  # the token speaks for its own account, whoever asks
    assert found is not None and found.id == theirs.account_id
    mine.dispose()
    theirs.dispose()


def test_a_token_needs_a_name_and_revoking_an_unknown_id_says_so_in_one_line(db_url: str) -> None:
    tieline(db_url, "people", "add", "Ada Lovelace")
    with pytest.raises(TielineError, match="name"):
        tieline(db_url, "token", "create", "  ")
    run = tieline_process(db_url, "token", "revoke", "999")
    assert run.code == 1
    assert run.err.strip() == "error: no token #999 (see `tieline token list`)"


def test_tokens_are_not_carried_by_a_backup(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    tieline(db_url, "people", "add", "Ada Lovelace")
    _, secret = tokens.create(store, "ci")
    out = tmp_path / "backup.jsonl"
    backup.backup(store, out, "jsonl")
    assert "api_tokens" not in out.read_text(encoding="utf-8")
    store.dispose()


def test_listing_tokens_of_a_missing_database_makes_none(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    assert tieline_process(str(db), "token", "list").code == 1
    assert not db.exists()
