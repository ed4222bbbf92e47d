"""Draft wording never reaches a young person from the command line either: only the demo and
WAYPOINT_ALLOW_DRAFT_CONTENT allow drafts, never "this is the CLI". Issue 10."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import OutboxMessage
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.domain.people import Role
from bot.domain.profiles import Level
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.people import profile_of
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.processes import run_waypoint, waypoint_env

# Run on the demo's database (SQLite): what it stores is tested on both databases in
# tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("sqlite")]


async def test_profile_set_with_draft_wording_is_refused_and_changes_nothing(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    new = NewStaff(1001, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(uow(), new, now=clock())
    invite = await do_create_invite(uow(), worker_telegram_id=1001, first_name="Sam", now=clock())
    linked = await do_redeem_invite(uow(), telegram_user_id=2001, code=invite.code, now=clock())
    env = waypoint_env(database_url=migrated_url, allow_draft_content="false")
    number = str(linked.young_person.id)

    refused = await asyncio.to_thread(
        run_waypoint, env, tmp_path, "profile", "set", number, "reading", "standard"
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith("waypoint: ")
    assert "is a draft" in refused.stderr
    assert "Traceback" not in refused.stderr
    async with uow() as work:
        sam = await work.young_people.get(linked.young_person.id)
        assert sam is not None
        assert profile_of(sam).level is Level.EASY
        told = await work.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.message_key.like("profile_changed%"))
        )
    assert told == 0
