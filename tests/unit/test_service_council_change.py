"""Changing a council's settings as a member of staff (the console), against the fake: the
same `do_change_council` `waypoint council set` uses; a manager or operator of one of its
hubs may, anyone else may not; the audit names the settings changed, as who changed them."""

from __future__ import annotations

import pytest

from bot.domain.errors import MayNotManageStaff
from bot.services.councils import CouncilChange, do_change_council
from tests.unit.conftest import DEE, MAX, OONA, OTTO, World

CHANGE = CouncilChange(minutes_high=10, quiet_hours=(22, 7))


async def _change(world: World, by: int) -> str:
    return await do_change_council(
        world.uow(), "North Yorkshire", CHANGE, now=world.now(), by_staff_id=world.ids[by]
    )


@pytest.mark.parametrize("who", [MAX, OTTO])
async def test_a_manager_or_operator_changes_it_and_the_audit_names_the_settings(
    world: World, who: int
) -> None:
    text = await _change(world, who)
    assert "10 (high)" in text
    events = [e for e in world.store.tables.audit if e.action.startswith("council.changed")]
    assert [e.action for e in events] == [
        "council.changed",
        "council.changed.minutes_high",
        "council.changed.quiet_hours",
    ]
    assert {e.actor_id for e in events} == {world.ids[who]}


@pytest.mark.parametrize("who", [DEE, OONA])
async def test_anyone_else_is_refused_and_nothing_changes(world: World, who: int) -> None:
    with pytest.raises(MayNotManageStaff):
        await _change(world, who)
    assert not [e for e in world.store.tables.audit if e.action.startswith("council.changed")]
