"""Examples in staff replies, against the fake: a young person's name and Waypoint number are
shown only to staff who may see that young person; a role that never uses a command is
refused before any example is looked up."""

from __future__ import annotations

import pytest

from bot.domain.access import StaffCommand
from bot.domain.errors import NotForTheirRole
from bot.services.staff_help import do_examples, do_staff_help
from bot.services.staff_words import staff_text
from tests.unit.conftest import CAL, DEE, JO, LEE, MAX, OONA, OTTO, PAT, SAM, SUE, World
from tests.unit.fake_records import YoungPerson


def _rowan(world: World) -> YoungPerson:
    """Sam, renamed, so a real name cannot be mistaken for content's stand-in ("Sam")."""
    [person] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
    person.first_name = "Rowan"
    return person


async def _examples(world: World, staff: int, command: StaffCommand) -> dict[str, str]:
    return await do_examples(world.uow(), await world.staff_actor(staff), command)


def _stand_in(world: World) -> str:
    return staff_text(world.store.catalogue, "example_young_person")


@pytest.mark.parametrize("staff", [JO, DEE, MAX, SUE, OTTO])
async def test_staff_who_may_see_a_young_person_are_shown_them(world: World, staff: int) -> None:
    # Jo is Rowan's worker; duty workers, managers, therapists and operators see the hub.
    rowan = _rowan(world)
    command = StaffCommand.REASSIGN if staff == OTTO else StaffCommand.PROFILE
    if staff in (DEE, MAX):
        command = StaffCommand.REPLY
    examples = await _examples(world, staff, command)
    assert (examples["young_person"], examples["number"]) == ("Rowan", str(rowan.id))


async def test_a_key_worker_is_shown_only_their_own_young_people(world: World) -> None:
    # Lee works at Rowan's hub but is not Rowan's worker: the stand-in, never Rowan.
    rowan = _rowan(world)
    examples = await _examples(world, LEE, StaffCommand.REPLY)
    assert examples["young_person"] == _stand_in(world)
    assert "Rowan" not in examples.values()
    assert str(rowan.id) not in examples.values()
    # A Waypoint number's stand-in is one of its own, not the example concern's.
    assert examples["number"] == staff_text(world.store.catalogue, "example_number")


async def test_a_life_coach_is_shown_the_young_people_they_coach(world: World) -> None:
    rowan = _rowan(world)
    assert (await _examples(world, CAL, StaffCommand.REPLY))["young_person"] == _stand_in(world)
    rowan.life_coach_id = world.ids[CAL]
    assert (await _examples(world, CAL, StaffCommand.REPLY))["young_person"] == "Rowan"


@pytest.mark.parametrize("staff", [LEE, PAT, OONA])
async def test_help_names_no_young_person_the_reader_may_not_see(world: World, staff: int) -> None:
    rowan = _rowan(world)
    await do_staff_help(world.uow(), await world.staff_actor(staff), now=world.now())
    [helped] = world.queued(staff)
    assert helped.message_key == "staff_help"
    assert not [v for v in helped.values.values() if "Rowan" in v or f"#{rowan.id}" in v]


@pytest.mark.parametrize(
    ("staff", "command"),
    [(PAT, StaffCommand.REPLY), (PAT, StaffCommand.PROFILE), (SUE, StaffCommand.REPLY)],
)
async def test_a_command_the_role_never_uses_is_refused_before_any_example(
    world: World, staff: int, command: StaffCommand
) -> None:
    _rowan(world)
    with pytest.raises(NotForTheirRole) as refused:
        await _examples(world, staff, command)
    assert refused.value.message_id == "command_not_for_role"
