"""The sender's claim reads only waiting rows, however many sent ones the outbox keeps.

SQLite uses a partial index only when a query states the index's condition as literals. With
the states as bound parameters, every claim scanned the whole outbox and, for each candidate,
scanned it again for an earlier message to the same chat: in bench/inbound.py a claim took
4 ms with 900 rows kept and 13 ms with 2,700, on the event loop that handles updates.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite

from bot.adapters.outbox.claims import _CANDIDATES


def _plan(database: Path) -> list[str]:
    compiled = _CANDIDATES.compile(dialect=sqlite.dialect())
    values = {"now": "2026-03-02 16:00:00", "chats_free_by": "2026-03-02 16:00:00", "limit": 10}
    arguments = [values.get(name, compiled.params[name]) for name in compiled.positiontup or []]
    with sqlite3.connect(database) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {compiled}", arguments).fetchall()
    return [str(row[3]) for row in rows]


def test_the_claim_and_its_earlier_message_check_use_the_waiting_rows_indexes(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    database = tmp_path / "waypoint.db"
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), database)
    plan = _plan(database)
    on_the_outbox = [step for step in plan if " outbox" in step]
    assert "SCAN outbox USING INDEX ix_outbox_due" in on_the_outbox, plan
    assert any("outbox_2 USING INDEX ix_outbox_waiting_chat" in step for step in plan), plan
    # No step reads the whole outbox (a bare "SCAN outbox" or "SCAN outbox_2").
    assert not [step for step in on_the_outbox if "USING" not in step], plan
