"""Hub administration in the staff console, against the fake unit of work: a hub's managers
and operators see its staff and young people, mark staff as left and give young people new
key workers with the bot's own rules; nobody else may, and no hub's manager reaches another's.
Every look and change is audited, with ids only."""

from __future__ import annotations

import pytest

from bot.domain.errors import (
    AlreadyTheirWorker,
    CannotBeNamedWorker,
    MayNotManageStaff,
    NotForYourself,
    StaffNotFound,
    YoungPersonNotFound,
)
from bot.domain.people import Role
from bot.services.hub_admin import (
    do_change_staff,
    do_mark_left,
    do_reassign_young_person,
    do_view_council,
    do_view_staff,
    do_view_young_people,
    may_administer,
)
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, OONA, OTTO, PAT, SAM, SUE, World

MANAGERS = (MAX, OTTO)
EVERYONE_ELSE = (JO, DEE, PAT, SUE, CAL, OONA)


def test_only_managers_and_operators_administer_a_hub() -> None:
    assert {role for role in Role if may_administer(role)} == {Role.MANAGER, Role.OPERATOR}


@pytest.mark.parametrize("manager", MANAGERS)
async def test_a_manager_or_operator_sees_their_hubs_staff_audited(
    world: World, manager: int
) -> None:
    hub = await do_view_staff(world.uow(), await world.staff_actor(manager), now=world.now())
    names = {row.name for row in hub.rows}
    assert {"Jo", "Lee", "Max", "Otto"} <= names
    assert not {"Ash", "Oona"} & names  # Scarborough's
    [jo] = [row for row in hub.rows if row.id == world.ids[JO]]
    assert (jo.role, jo.young_people, jo.is_you) == (Role.KEY_WORKER, 1, False)
    assert [row.is_you for row in hub.rows if row.id == world.ids[manager]] == [True]
    [seen] = world.audited("console.staff_listed")
    assert (seen.actor_id, seen.hub_id) == (world.ids[manager], world.staff(manager).hub_id)


@pytest.mark.parametrize("telegram_id", EVERYONE_ELSE)
async def test_everyone_else_is_refused_every_page_and_action(
    world: World, telegram_id: int
) -> None:
    actor = await world.staff_actor(telegram_id)
    sam = world.ids[SAM]
    for attempt in (
        do_view_staff(world.uow(), actor, now=world.now()),
        do_view_young_people(world.uow(), actor, now=world.now()),
        do_view_council(world.uow(), actor, now=world.now()),
        do_mark_left(world.uow(), actor, world.ids[LEE], now=world.now()),
        do_change_staff(
            world.uow(), actor, world.ids[LEE], role=Role.DUTY, hub=None, now=world.now()
        ),
        do_reassign_young_person(world.uow(), actor, sam, world.ids[LEE], now=world.now()),
    ):
        with pytest.raises(MayNotManageStaff):
            await attempt
    assert world.staff(LEE).active
    assert world.store.tables.young_people[0].key_worker_id == world.ids[JO]
    assert world.store.tables.audit == []


async def test_marking_as_left_is_what_offboarding_does(world: World) -> None:
    left = await do_mark_left(world.uow(), await world.staff_actor(OTTO), world.ids[JO],
                              now=world.now())  # fmt: skip
    assert [p.first_name for p in left.still_linked] == ["Sam"]
    assert not world.staff(JO).active
    [event] = world.audited("staff.left")
    assert (event.actor_type, event.actor_id, event.subject_id) == (
        "staff",
        world.ids[OTTO],
        world.ids[JO],
    )


async def test_nobody_marks_themselves_or_another_hubs_staff_as_left(world: World) -> None:
    max_ = await world.staff_actor(MAX)
    with pytest.raises(NotForYourself):
        await do_mark_left(world.uow(), max_, world.ids[MAX], now=world.now())
    with pytest.raises(StaffNotFound):
        await do_mark_left(world.uow(), max_, world.ids[ASH], now=world.now())
    assert world.staff(ASH).active
    assert world.audited("staff.left") == []


async def test_reassigning_gives_the_young_person_a_new_worker_who_is_told(
    world: World,
) -> None:
    otto = await world.staff_actor(OTTO)
    await do_mark_left(world.uow(), otto, world.ids[JO], now=world.now())
    done = await do_reassign_young_person(
        world.uow(), otto, world.ids[SAM], world.ids[LEE], now=world.now()
    )
    assert done.worker == "Lee"
    page = await do_view_young_people(world.uow(), otto, now=world.now())
    assert [(row.first_name, row.worker_name) for row in page.rows] == [("Sam", "Lee")]
    assert [worker.name for worker in page.workers] == ["Lee"]
    assert "staff_young_person_reassigned" in world.keys(LEE)
    assert "young_person_new_worker" in world.keys(SAM)
    [event] = world.audited("young_person.reassigned")
    assert (event.actor_id, event.subject_id) == (world.ids[OTTO], world.ids[SAM])
    looks = world.audited("console.young_person_admin_viewed")
    assert [(e.actor_id, e.subject_id) for e in looks] == [(world.ids[OTTO], world.ids[SAM])]


async def test_a_young_person_only_gets_a_key_worker_of_the_hub(world: World) -> None:
    max_ = await world.staff_actor(MAX)
    sam = world.ids[SAM]
    with pytest.raises(AlreadyTheirWorker):
        await do_reassign_young_person(world.uow(), max_, sam, world.ids[JO], now=world.now())
    with pytest.raises(CannotBeNamedWorker):
        await do_reassign_young_person(world.uow(), max_, sam, world.ids[DEE], now=world.now())
    with pytest.raises(StaffNotFound):
        await do_reassign_young_person(world.uow(), max_, sam, world.ids[ASH], now=world.now())
    with pytest.raises(YoungPersonNotFound):
        await do_reassign_young_person(world.uow(), max_, 999, world.ids[LEE], now=world.now())
    assert world.audited("young_person.reassigned") == []


async def test_another_hubs_manager_cannot_reach_its_young_people(world: World) -> None:
    world.change_staff(OONA, role=Role.MANAGER)
    oona = await world.staff_actor(OONA)
    with pytest.raises(YoungPersonNotFound):
        await do_reassign_young_person(
            world.uow(), oona, world.ids[SAM], world.ids[LEE], now=world.now()
        )
    page = await do_view_young_people(world.uow(), oona, now=world.now())
    assert page.rows == ()


async def test_changing_a_role_is_what_move_does(world: World) -> None:
    max_ = await world.staff_actor(MAX)
    moved = await do_change_staff(
        world.uow(), max_, world.ids[LEE], role=Role.DUTY, hub=None, now=world.now()
    )
    assert (moved.role, world.staff(LEE).role) == (Role.DUTY, Role.DUTY)
    assert [e.subject_id for e in world.audited("staff.moved")] == [world.ids[LEE]]


async def test_the_councils_settings_are_shown(world: World) -> None:
    world.change_council(out_of_hours_phone="01234 567890")
    settings = await do_view_council(world.uow(), await world.staff_actor(MAX), now=world.now())
    assert (settings.council_name, settings.out_of_hours_phone) == (
        "North Yorkshire",
        "01234 567890",
    )
    assert len(world.audited("console.council_viewed")) == 1
