"""`tieline demo` ends with what to do: the health headline, five to contact, the review's queues."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import tieline


def test_the_demo_ends_with_health_who_to_contact_and_the_review_queues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    out = tieline(f"sqlite:///{tmp_path / 'unused.db'}", "demo")
    assert out.code == 0
    # The answered people at the top are said to be answered, the reason they all show 0.97.
    assert "show 0.97 because Sam said they would take the call" in out.out
    tail = out.out[out.out.index("Network health as of") :]
    assert "would take your call" in tail and "Since " in tail
    contact = tail[tail.index("Contact this week") : tail.index("Review (")]
    reasons = [line for line in contact.splitlines()[1:] if " — " in line]
    assert len(reasons) == 5
    last = tail.strip().splitlines()[-1]
    for queue in ("prune", "nurture", "reconnect", "solidify", "ask"):
        assert queue in last


def test_the_demo_network_has_a_ledger_of_favours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Giving vs taking is a part of health a newcomer should see working on the demo, not "gave 0"."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    assert tieline(db, "demo").code == 0
    report = tieline(db, "health", "--as-of", "2026-10-01", "--json").json()
    assert report["giving"] >= 3 and report["taking"] >= 3
    assert report["giving_by_kind"]
