"""Off-boarding through Telegram and the command line, end to end: a manager marks a worker
as left, gives their young person a new worker, lists and withdraws invite links; an operator
does the same with `waypoint`. Nothing more reaches the worker who left."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, YoungPerson
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock, system_clock
from bot.devtools.fake_telegram import FakeUser
from bot.domain.errors import CodeRefused
from bot.domain.people import Role
from bot.domain.profiles import Level
from bot.i18n.dates import concrete_datetime
from bot.services import staff_admin
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, Running
from tests.e2e.processes import run_waypoint, waypoint_env, waypoint_output

# A command an operator runs against production, so on PostgreSQL: its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("postgres")]
LEE = FakeUser(id=1002, first_name="Lee")
DEE = FakeUser(id=1101, first_name="Dee")
MAX = FakeUser(id=1201, first_name="Max")
ALEX = FakeUser(id=2002, first_name="Alex")
LINK = re.compile(r"https://t\.me/waypoint_demo_bot\?start=([A-Za-z0-9_-]+)")


@pytest.fixture
async def hub(running: Running) -> Running:
    """Jo and Lee (key workers), Dee on duty and Max the manager; Sam has joined with Jo."""
    for user, role in ((LEE, Role.KEY_WORKER), (DEE, Role.DUTY), (MAX, Role.MANAGER)):
        new = NewStaff(user.id, user.first_name, role, "Harrogate", "North Yorkshire", create=True)
        await do_add_staff(running.uow(), new, now=running.clock())
    await running.join_sam()
    return running


def _staff_text(running: Running, message_id: str, **values: str) -> str:
    return running.catalogue.render(message_id, values, level=Level.STANDARD)


async def _quiet(running: Running, user: FakeUser, count: int) -> None:
    """Give the sender time to send anything still due, then check `user` got nothing more."""
    await asyncio.sleep(1.0)
    assert len(running.fake.sent_messages(user.id)) == count


class TestAManagerInTelegram:
    async def test_a_worker_who_left_hears_nothing_more_not_even_that_sam_blocked_the_bot(
        self, hub: Running
    ) -> None:
        running = hub
        [left] = await running.say(MAX, "/leave Jo")
        assert left == _staff_text(running, "staff_left", name="Jo", young_people="Sam")
        jo_count = len(running.fake.sent_messages(JO.id))
        assert running.fake.sent_messages(DEE.id) == []
        # Sam blocks the bot: the next message to Sam is refused, and whoever stands for
        # Sam's worker is told. Jo has left, so that is Dee on duty.
        running.fake.fail_next("sendMessage", "blocked", chat_id=SAM.id)
        running.fake.send_text(SAM, "hello")
        [unreachable] = await running.fake.await_messages(DEE.id, 1)
        assert unreachable.text == _staff_text(running, "young_person_unreachable", name="Sam")
        await _quiet(running, JO, jo_count)

    async def test_reassigning_tells_sam_and_the_new_worker(self, hub: Running) -> None:
        running = hub
        await running.say(MAX, "/leave Jo")
        jo_count = len(running.fake.sent_messages(JO.id))
        sam_count = len(running.fake.sent_messages(SAM.id))
        [done] = await running.say(MAX, "/reassign Sam Lee")
        assert done == _staff_text(running, "young_person_reassigned", name="Sam", worker="Lee")
        [told] = await running.fake.await_messages(LEE.id, 1)
        assert told.text == _staff_text(running, "staff_young_person_reassigned", name="Sam")
        sent = await running.fake.await_messages(SAM.id, sam_count + 1)
        assert [m.text for m in sent[sam_count:]] == running.words(
            "young_person_new_worker", worker="Lee"
        )
        await _quiet(running, JO, jo_count)

    async def test_invites_are_listed_and_a_revoked_link_stops_working(self, hub: Running) -> None:
        running = hub
        [link] = await running.say(LEE, "/invite Alex")
        code = LINK.search(link)
        assert code is not None
        async with running.uow() as work:
            lee = await work.staff.by_telegram_id(LEE.id)
            assert lee is not None
            [invite] = await work.invites.open_at_hub(lee.hub_id, running.clock())
            number, expires = str(invite.id), invite.expires_at
        [listed] = await running.say(MAX, "/invites")
        assert _staff_text(
            running, "invites_open_line", id=number, name="Alex", worker="Lee",
            expires=concrete_datetime(expires, running.uow.post.zone),
        ) in listed  # fmt: skip
        [revoked] = await running.say(MAX, f"/revoke {number}")
        assert revoked == _staff_text(running, "invite_revoked", id=number, name="Alex")
        [refused] = await running.say(ALEX, f"/start {code.group(1)}")
        assert refused == running.catalogue.text("code_refused")
        [none] = await running.say(MAX, "/invites")
        assert none == _staff_text(running, "invites_none")

    async def test_a_key_worker_cannot_use_them_and_is_told_why(self, hub: Running) -> None:
        running = hub
        refused = running.staff_text(
            "staff_admin_not_allowed", role=running.staff_text("role_key_worker")
        )
        [reply] = await running.say(LEE, "/leave Jo")
        assert reply == refused
        [reply] = await running.say(LEE, "/revoke 1")
        assert reply == refused
        async with running.uow() as work:
            jo = await work.staff.by_telegram_id(JO.id)
            assert jo is not None
            assert jo.active

    async def test_a_command_that_does_not_fit_is_answered_with_an_example(
        self, hub: Running
    ) -> None:
        running = hub
        [usage] = await running.say(MAX, "/move Jo boss")
        # The example names a colleague at Max's hub.
        assert usage == _staff_text(running, "move_usage", roles=staff_admin.ROLES, colleague="Jo")
        [usage] = await running.say(MAX, "/revoke ²")
        assert usage == _staff_text(running, "revoke_usage")


async def test_an_operator_does_it_all_from_the_command_line(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    # The command line reads the real time: invites made here must still work by it.
    clock.now = system_clock()
    for telegram_id, name in ((JO.id, "Jo"), (LEE.id, "Lee")):
        new = NewStaff(
            telegram_id, name, Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True
        )
        await do_add_staff(uow(), new, now=clock())
    invite = await do_create_invite(uow(), worker_telegram_id=JO.id, first_name="Sam", now=clock())
    sam = await do_redeem_invite(uow(), telegram_user_id=SAM.id, code=invite.code, now=clock())
    await do_create_invite(uow(), worker_telegram_id=JO.id, first_name="Alex", now=clock())
    env, jo, lee = waypoint_env(database_url=migrated_url), str(JO.id), str(LEE.id)

    def cli(*args: str) -> str:
        return waypoint_output(env, tmp_path, *args)

    def refused(*args: str) -> str:
        result = run_waypoint(env, tmp_path, *args)
        assert result.returncode == 2, result.stdout
        assert result.stderr.startswith("waypoint: ")
        assert "Traceback" not in result.stderr
        return result.stderr

    assert "Alex" in await asyncio.to_thread(cli, "invite", "list")
    moving = await asyncio.to_thread(
        refused, "staff", "move", "--telegram-id", jo, "--role", "duty"
    )
    assert "Sam" in moving
    left = await asyncio.to_thread(cli, "staff", "leave", "--telegram-id", jo)
    assert f"Sam ({sam.young_person.id})" in left
    assert "No invite links" in await asyncio.to_thread(cli, "invite", "list")
    number = str(sam.young_person.id)
    gone = await asyncio.to_thread(
        refused, "young-person", "reassign", number, "--to-worker-telegram-id", jo
    )
    assert "already left" in gone
    done = await asyncio.to_thread(
        cli, "young-person", "reassign", number, "--to-worker-telegram-id", lee
    )
    assert "Lee" in done
    fresh = await do_create_invite(uow(), worker_telegram_id=LEE.id, first_name="Kim", now=clock())
    async with uow() as work:
        person = await work.session.get(YoungPerson, sam.young_person.id)
        assert person is not None
        assert person.key_worker.telegram_user_id == LEE.id
    listed = await asyncio.to_thread(cli, "invite", "list")
    kim = next(line.split("\t")[0] for line in listed.splitlines() if "\tKim\t" in line)
    await asyncio.to_thread(cli, "invite", "revoke", kim)
    assert "could not be used anyway" in await asyncio.to_thread(refused, "invite", "revoke", kim)
    with pytest.raises(CodeRefused):
        await do_redeem_invite(uow(), telegram_user_id=ALEX.id, code=fresh.code, now=clock())
    async with uow() as work:
        actors = set(
            await work.session.scalars(
                select(AuditEvent.actor_type).where(
                    AuditEvent.action.in_(["staff.left", "young_person.reassigned"])
                )
            )
        )
    assert actors == {"operator"}
