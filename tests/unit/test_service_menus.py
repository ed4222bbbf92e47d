"""Command menus through the services, against the fake: a due chat gets the menu of whoever
it belongs to now, and a failure to set it is tried again after the lease, never lost."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.domain.outbox import Outcome, Refused, Sent, TryAgain
from bot.domain.people import Role
from bot.services.menus import MENU_LEASE, MenuItem, staff_menu, try_set_menus
from bot.services.staff_admin import MoveAsked, do_move_command
from tests.unit.conftest import JO, MAX, SAM, SUE, World
from tests.unit.fake_uow import fake_factory


class RecordingMenus:
    """Sets nothing; keeps what it was asked to set, and answers `outcome`."""

    def __init__(self, outcome: Outcome | None = None) -> None:
        self.outcome = outcome or Sent(0)
        self.calls: list[tuple[int, list[str] | None]] = []

    async def set_menu(self, chat_id: int, items: Sequence[MenuItem]) -> Outcome:
        """Note the commands asked for."""
        self.calls.append((chat_id, [item.command for item in items]))
        return self.outcome

    async def clear_menu(self, chat_id: int) -> Outcome:
        """Note that the menu was taken away."""
        self.calls.append((chat_id, None))
        return self.outcome


async def _due(world: World, *chats: int) -> None:
    async with world.uow() as uow:
        for chat in chats:
            uow.menus.due(chat, now=world.now())
        await uow.commit()


async def _set(world: World, menus: RecordingMenus) -> int:
    return await try_set_menus(fake_factory(world.store), menus, now=world.now())


def _commands(world: World, role: Role) -> list[str]:
    return [item.command for item in staff_menu(world.store.catalogue, role)]


class TestSettingMenus:
    async def test_each_due_chat_gets_the_menu_of_whoever_it_belongs_to(
        self, world: World
    ) -> None:
        await _due(world, JO, SUE, SAM)
        menus = RecordingMenus()
        assert await _set(world, menus) == 3
        calls = dict(menus.calls)
        assert calls[JO] == _commands(world, Role.KEY_WORKER)
        assert calls[SUE] == _commands(world, Role.SLT)
        assert calls[SAM] == [
            "worried",
            "talk",
            "goals",
            "language",
            "symbols",
            "pause",
            "stop",
            "help",
        ]
        assert world.store.tables.menus == {}

    async def test_a_role_change_marks_the_menu_due_with_the_new_role(self, world: World) -> None:
        actor = await world.staff_actor(MAX)
        await do_move_command(
            world.uow(), actor, MoveAsked("Sue", role=Role.DUTY), now=world.now()
        )
        menus = RecordingMenus()
        await _set(world, menus)
        assert menus.calls == [(SUE, _commands(world, Role.DUTY))]

    async def test_a_failure_is_tried_again_after_the_lease(self, world: World) -> None:
        await _due(world, JO)
        failing = RecordingMenus(TryAgain("timeout"))
        assert await _set(world, failing) == 1
        assert await _set(world, failing) == 0
        world.clock.advance(MENU_LEASE + timedelta(seconds=1))
        menus = RecordingMenus()
        assert await _set(world, menus) == 1
        assert world.store.tables.menus == {}

    async def test_a_chat_telegram_refuses_is_left_until_it_is_marked_again(
        self, world: World
    ) -> None:
        await _due(world, JO)
        await _set(world, RecordingMenus(Refused("chat not found")))
        assert world.store.tables.menus == {}

    async def test_someone_who_is_nobody_now_has_their_menu_taken_away(self, world: World) -> None:
        await _due(world, 9999)
        menus = RecordingMenus()
        await _set(world, menus)
        assert menus.calls == [(9999, None)]
