"""Staff find their way, end to end: /help and /start list exactly the commands each role may
use (bot.domain.access), Telegram's command menu is set per chat and follows a change of role,
refusals say the real reason, and confirmations address whoever acted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.outbox.transport import TelegramTransport
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.access import commands_for
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile
from bot.services.menus import MenuItem, staff_menu, try_set_menus, young_person_menu
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM, Running

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("sqlite")]

# One member of staff in every role but key worker (Jo is the hub's key worker).
STAFF = {
    Role.LIFE_COACH: FakeUser(id=1301, first_name="Cal"),
    Role.SLT: FakeUser(id=1302, first_name="Kim"),
    Role.MANAGER: FakeUser(id=1303, first_name="Max"),
    Role.DUTY: FakeUser(id=1304, first_name="Dee"),
    Role.POLICE_LIAISON: FakeUser(id=1305, first_name="Pat"),
    Role.ON_CALL: FakeUser(id=1306, first_name="Oona"),
    Role.OPERATOR: FakeUser(id=1307, first_name="Ira"),
    Role.SAFEGUARDING_LEAD: FakeUser(id=1308, first_name="Gus"),
}
EVERYONE = {Role.KEY_WORKER: JO, **STAFF}
KIM, MAX, DEE = STAFF[Role.SLT], STAFF[Role.MANAGER], STAFF[Role.DUTY]


@pytest.fixture
async def hub(running: Running) -> Running:
    """Jo and a colleague in every other role at Harrogate; Sam has joined with Jo."""
    for role, user in STAFF.items():
        new = NewStaff(user.id, user.first_name, role, "Harrogate", "North Yorkshire", create=True)
        await do_add_staff(running.uow(), new, now=running.clock())
    await running.join_sam()
    return running


@pytest.fixture
async def menus(fake_telegram: FakeTelegram) -> AsyncIterator[TelegramTransport]:
    """A connection that sets command menus, as the clock's menus tick does."""
    transport = TelegramTransport(FakeTelegram.token_for_tests(), fake_telegram.url)
    await transport.start()
    try:
        yield transport
    finally:
        await transport.stop()


def _commands_listed(reply: str) -> list[str]:
    """The commands /help lists: each line that starts with one."""
    return [line.split()[0].strip("/:,") for line in reply.splitlines() if line.startswith("/")]


def _as_sent(items: list[MenuItem]) -> list[dict[str, str]]:
    return [{"command": item.command, "description": item.description} for item in items]


async def _menu_now(running: Running, menus: TelegramTransport, user: FakeUser) -> object:
    """Set every menu that is due, then the menu the chat has (the background tick may have
    set it first: wait for at least one call either way)."""
    await try_set_menus(running.uow, menus, now=running.clock())
    await running.fake.await_menus(user.id, 1)
    return running.fake.menu(user.id)


class TestHelp:
    @pytest.mark.parametrize("role", list(Role))
    async def test_help_lists_exactly_the_commands_the_role_may_use(
        self, hub: Running, role: Role
    ) -> None:
        running = hub
        [reply] = await running.say(EVERYONE[role], "/help")
        assert _commands_listed(reply) == [command.value for command in commands_for(role)]
        assert running.staff_text(f"role_about_{role.value}") in reply

    async def test_start_and_anything_else_answer_the_same_way(self, hub: Running) -> None:
        running = hub
        [helped] = await running.say(KIM, "/help")
        assert await running.say(KIM, "/start") == [helped]
        assert await running.say(KIM, "hello") == [helped]

    async def test_examples_name_people_from_the_hub(self, hub: Running) -> None:
        running = hub
        [reply] = await running.say(JO, "/help")
        assert running.staff_text("help_reply", young_person="Sam") in reply
        assert running.staff_text("help_away", cover="Max") in reply


class TestMenus:
    async def test_each_staff_member_gets_their_roles_menu_once_they_open_the_bot(
        self, hub: Running, menus: TelegramTransport
    ) -> None:
        running = hub
        # Added from the command line before Kim ever wrote: Telegram has no chat with her.
        await try_set_menus(running.uow, menus, now=running.clock())
        assert running.fake.menu(KIM.id) is None
        await running.say(KIM, "/start")
        menu = await _menu_now(running, menus, KIM)
        assert menu == _as_sent(staff_menu(running.catalogue, Role.SLT))

    async def test_a_change_of_role_changes_the_menu(
        self, hub: Running, menus: TelegramTransport
    ) -> None:
        running = hub
        await running.say(DEE, "/start")
        await _menu_now(running, menus, DEE)
        # A manager may make a duty worker a key worker (bot.domain.access.roles_granted_by).
        await running.say(MAX, "/move Dee role key_worker")
        await try_set_menus(running.uow, menus, now=running.clock())
        await running.fake.await_menus(DEE.id, 2)
        assert running.fake.menu(DEE.id) == _as_sent(
            staff_menu(running.catalogue, Role.KEY_WORKER)
        )

    async def test_someone_who_leaves_loses_the_menu(
        self, hub: Running, menus: TelegramTransport
    ) -> None:
        running = hub
        await running.say(DEE, "/start")
        await _menu_now(running, menus, DEE)
        await running.say(MAX, "/leave Dee")
        await try_set_menus(running.uow, menus, now=running.clock())
        assert (await running.fake.await_menus(DEE.id, 2))[-1] is None
        assert running.fake.menu(DEE.id) is None

    async def test_a_young_person_gets_theirs_when_they_link(
        self, hub: Running, menus: TelegramTransport
    ) -> None:
        running = hub
        menu = await _menu_now(running, menus, SAM)
        wanted = young_person_menu(running.catalogue, CommunicationProfile())
        assert menu == _as_sent(wanted)


class TestRefusals:
    async def test_a_therapist_is_told_it_is_her_role_not_her_hub(self, hub: Running) -> None:
        running = hub
        concern = await _raised(running)
        [reply] = await running.say(KIM, f"/concern {concern}")
        role = running.staff_text("role_slt")
        assert reply == running.staff_text("concern_not_for_role", id=str(concern), role=role)

    async def test_a_therapist_learns_nothing_of_whether_a_concern_exists(
        self, hub: Running
    ) -> None:
        running = hub
        concern = await _raised(running)
        role = running.staff_text("role_slt")
        for asked in (str(concern), "999"):
            [reply] = await running.say(KIM, f"/concern {asked}")
            assert reply == running.staff_text("concern_not_for_role", id=asked, role=role)

    async def test_a_concern_that_does_not_exist_is_said_to_be_missing(self, hub: Running) -> None:
        running = hub
        [reply] = await running.say(DEE, "/concern 999")
        assert reply == running.staff_text("concern_not_found", id="999")

    async def test_away_with_nobody_of_that_name_says_so_with_a_real_example(
        self, hub: Running
    ) -> None:
        running = hub
        [reply] = await running.say(JO, "/away Lee")
        # Max is the first colleague at Jo's hub who can cover.
        assert reply == running.staff_text("away_no_cover", name="Lee", cover="Max")
        [reply] = await running.say(JO, "/away Kim")
        role = running.staff_text("role_slt")
        assert reply == running.staff_text(
            "away_cannot_cover", name="Kim", cover_role=role, cover="Max"
        )

    async def test_a_reply_to_nobody_says_what_a_waypoint_number_is(self, hub: Running) -> None:
        running = hub
        [reply] = await running.say(JO, "/reply Alex see you at 4")
        number = str((await running.young_person(SAM)).id)
        assert reply == running.staff_text(
            "young_person_nobody", name="Alex", example="Sam", number=number
        )

    async def test_a_command_the_role_never_uses_names_no_young_person(self, hub: Running) -> None:
        # Pat (police liaison) and Kim (therapist) never write to young people, and Pat never
        # changes a profile: refused for the role first, whether or not Sam or Alex exists.
        running = hub
        pat = STAFF[Role.POLICE_LIAISON]
        asked = [
            (pat, "/reply Alex see you at 4"),
            (pat, "/reply Sam see you at 4"),
            (pat, "/reply"),
            (pat, "/profile Alex"),
            (pat, "/profile"),
            (KIM, "/reply Alex see you at 4"),
        ]
        for user, said in asked:
            role = running.staff_text("role_slt" if user is KIM else "role_police_liaison")
            [reply] = await running.say(user, said)
            assert reply == running.staff_text("command_not_for_role", role=role), said

    async def test_usage_shows_a_name_from_the_hub(self, hub: Running) -> None:
        running = hub
        [reply] = await running.say(JO, "/reply")
        assert reply == running.staff_text("talk_reply_usage", young_person="Sam")


class TestConfirmations:
    async def test_whoever_acknowledges_reads_it_about_themselves(self, hub: Running) -> None:
        running = hub
        concern = await _raised(running)
        jo_before = running.count(JO)
        [mine] = await running.say(DEE, f"/ack {concern}")
        assert mine == running.staff_text("concern_taken_by_you", id=str(concern), name="Sam")
        sent = await running.fake.await_messages(JO.id, jo_before + 1)
        [theirs] = [m.text for m in sent[jo_before:]]
        assert theirs == running.staff_text(
            "concern_taken", staff="Dee", id=str(concern), name="Sam"
        )
        [again] = await running.say(DEE, f"/ack {concern}")
        assert again == running.staff_text("concern_already_yours", id=str(concern), name="Sam")

    async def test_a_changed_wait_is_confirmed_in_minutes(self, hub: Running) -> None:
        running = hub
        [done] = await running.say(JO, "/profile Sam wait 5")
        assert done == running.staff_text(
            "profile_updated", name="Sam", setting="wait", value="5 minutes", settle="2 minutes"
        )


async def _raised(running: Running) -> int:
    """Sam taps "I'm worried"; the concern's number once Jo has been alerted."""
    jo_before = running.count(JO)
    running.fake.send_text(SAM, "/worried")
    await running.fake.await_messages(JO.id, jo_before + 1)
    [concern] = await running.concerns()
    return concern.id
