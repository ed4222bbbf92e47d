"""`waypoint concerns`, `waypoint council set` and `waypoint safety scan` from a shell."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, Council
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.content.catalogue import Catalogue
from bot.domain.ladder import Urgency
from bot.domain.people import Role
from bot.domain.profiles import Level
from bot.domain.safety.worry import Worry
from bot.i18n.dates import concrete_datetime, record_datetime
from bot.services.concerns import do_raise_concern
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.processes import run_waypoint, waypoint_env, waypoint_output

# A command an operator runs against production, so on PostgreSQL: its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("postgres")

WORDS = "my stepdad hits me when he is drunk"


def _staff_text(message_id: str, **values: str) -> str:
    catalogue = Catalogue.load(allow_drafts=True)
    return catalogue.render(message_id, values, level=Level.STANDARD)


async def _concern(uow: UnitOfWorkFactory, clock: ManualClock) -> int:
    new = NewStaff(1001, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(uow(), new, now=clock())
    invite = await do_create_invite(uow(), worker_telegram_id=1001, first_name="Sam", now=clock())
    await do_redeem_invite(uow(), telegram_user_id=2001, code=invite.code, now=clock())
    worry = Worry("words", Urgency.HIGH, WORDS, "abuse")
    concern_id = await do_raise_concern(uow(), 2001, worry, now=clock())
    assert concern_id is not None
    return concern_id


async def test_list_show_and_export_a_concern_and_every_look_is_audited(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    concern_id = await _concern(uow, clock)
    raised, zone = clock(), ZoneInfo("Europe/London")
    env = waypoint_env(database_url=migrated_url)
    listed = await asyncio.to_thread(waypoint_output, env, tmp_path, "concerns", "list")
    assert _staff_text(
        "concern_list_line", id=str(concern_id), name="Sam", what=_staff_text("category_abuse"),
        urgency="high", state="open", time=concrete_datetime(raised, zone),
    ) in listed  # fmt: skip
    assert WORDS not in listed
    shown = await asyncio.to_thread(
        waypoint_output, env, tmp_path, "concerns", "show", str(concern_id)
    )
    assert WORDS in shown
    assert _staff_text(
        "case_file_line", at=record_datetime(raised, zone), kind="notified", who="Jo",
        detail=": named_worker: Jo",
    ) in shown  # fmt: skip
    record = tmp_path / "concern.txt"
    await asyncio.to_thread(
        waypoint_output, env, tmp_path, "concerns", "export", str(concern_id), "--to", str(record)
    )
    assert record.read_text(encoding="utf-8") == shown
    missing = await asyncio.to_thread(run_waypoint, env, tmp_path, "concerns", "show", "999")
    assert (missing.returncode, missing.stderr.strip()) == (2, "waypoint: there is no concern 999")
    async with uow() as work:
        actions = list(await work.session.scalars(select(AuditEvent.action)))
    assert actions.count("concern.viewed") == 2
    assert actions.count("concern.listed") == 1


async def test_a_council_sets_its_ladder(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    await _concern(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    changed = await asyncio.to_thread(
        waypoint_output, env, tmp_path, "council", "set", "North Yorkshire", "--minutes-high", "5",
        "--office-hours", "8-18", "--on-call-first", "yes", "--out-of-hours-phone",
        "0300 131 2131",
    )  # fmt: skip
    assert "minutes before the next step: 5 (high), 60 (medium and low)" in changed
    assert "office hours: 8-18, Monday to Friday" in changed
    assert "out-of-hours phone: 0300 131 2131" in changed
    bad = await asyncio.to_thread(
        run_waypoint, env, tmp_path, "council", "set", "North Yorkshire", "--office-hours", "17-9"
    )
    assert bad.returncode == 2
    assert "write the opening and closing hours, like 9-17" in bad.stderr
    nobody = await asyncio.to_thread(
        run_waypoint, env, tmp_path, "council", "set", "Narnia", "--minutes-high", "5"
    )
    assert "there is no council called 'Narnia'" in nobody.stderr


async def test_a_council_sets_its_quiet_hours_and_time_zone(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    await _concern(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    changed = await asyncio.to_thread(
        waypoint_output, env, tmp_path, "council", "set", "North Yorkshire", "--quiet-hours",
        "20-9", "--timezone", "Europe/Dublin",
    )  # fmt: skip
    assert "no session reminders from 20:00 to 9:00" in changed
    assert "Europe/Dublin" in changed
    async with uow() as work:
        council = await work.session.scalar(select(Council))
        assert council is not None
        assert (council.quiet_from_hour, council.quiet_until_hour) == (20, 9)
    for option, value, says in (
        ("--quiet-hours", "21-21", "like 21-8"),
        ("--quiet-hours", "25-8", "like 21-8"),
        ("--timezone", "Mars/Olympus", "use a name like Europe/London"),
    ):
        bad = await asyncio.to_thread(
            run_waypoint, env, tmp_path, "council", "set", "North Yorkshire", option, value
        )
        assert bad.returncode == 2
        assert says in bad.stderr
        assert "Traceback" not in bad.stderr


def test_safety_scan_prints_one_json_object_per_line(tmp_path: Path) -> None:
    lines = "i want to kms\nsee you at football\n\nmy mate is being made to sell\n"
    result = run_waypoint(waypoint_env(), tmp_path, "safety", "scan", stdin=lines)
    assert result.returncode == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["concern"] for item in found] == [True, False, False, True]
    assert found[1] == {"action": "none", "concern": False, "category": None, "urgency": None}
    assert (found[0]["action"], found[0]["urgency"]) == ("alert", "high")
    assert set(found[3]) == {"action", "concern", "category", "urgency"}
