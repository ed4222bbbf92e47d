"""Hub administration in the staff console, against the fake unit of work: a hub's managers
and operators see its staff and young people, mark staff as left and give young people new
key workers with the bot's own rules; nobody else may, and no hub's manager reaches another's.
Every look and change is audited, with ids only."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.errors import (
    AlreadyTheirWorker,
    CannotBeNamedWorker,
    MayNotManageStaff,
    NotForYourself,
    StaffNotFound,
    YoungPersonNotFound,
)
from bot.domain.outbox import DeliveryState
from bot.domain.people import Role
from bot.services.hub_admin import (
    AccountTaken,
    NewColleague,
    do_add_colleague,
    do_change_staff,
    do_mark_left,
    do_reassign_young_person,
    do_view_council,
    do_view_staff,
    do_view_young_people,
    may_administer,
)
from bot.services.hub_audit import PAGE_SIZE, AuditFilter, AuditLine, do_view_audit
from bot.services.hub_outbox import (
    MessageNotFound,
    MessageNotRetryable,
    RecipientGone,
    do_retry_undelivered,
    do_view_undelivered,
)
from bot.services.outbox_admin import RecipientMayNotHaveIt, do_retry
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


async def _failed_to_jo(world: World, *, words: bool = True) -> int:
    """A message to Jo that Telegram would not take after every try."""
    return await _failed_to(world, JO, words=words)


async def _failed_to(world: World, who: int, *, words: bool = True) -> int:
    """A message to a member of staff that Telegram would not take after every try."""
    async with world.uow() as uow:
        jo = await uow.staff.get(world.ids[who])
        assert jo is not None
        [row] = uow.postbox.to_staff(jo, "young_person_joined", {"name": "Sam"}, now=world.now())
        await uow.commit()
    row = world.store.tables.outbox[-1]
    row.state, row.attempts, row.last_error = DeliveryState.FAILED, 5, "Forbidden"
    row.text = row.text if words else ""
    return row.id


class TestUndelivered:
    async def test_the_hubs_failed_messages_are_listed_without_words_and_retried(
        self, world: World
    ) -> None:
        outbox_id = await _failed_to_jo(world)
        otto = await world.staff_actor(OTTO)
        page = await do_view_undelivered(world.uow(), otto, now=world.now())
        assert [
            (r.message.id, r.message.last_error, r.message.can_retry, r.to) for r in page.rows
        ] == [(outbox_id, "Forbidden", True, "Jo")]
        assert not hasattr(page.rows[0].message, "text")
        await do_retry_undelivered(world.uow(), otto, outbox_id, now=world.now())
        row = world.store.tables.outbox[-1]
        assert (row.state, row.attempts) == (DeliveryState.PENDING, 0)
        [event] = world.audited("outbox.retried")
        assert (event.actor_type, event.actor_id) == ("staff", world.ids[OTTO])

    async def test_cleared_or_another_hubs_messages_are_not_retried(self, world: World) -> None:
        cleared = await _failed_to_jo(world, words=False)
        otto = await world.staff_actor(OTTO)
        with pytest.raises(MessageNotRetryable):
            await do_retry_undelivered(world.uow(), otto, cleared, now=world.now())
        world.change_staff(OONA, role=Role.MANAGER)
        outbox_id = await _failed_to_jo(world)
        oona = await world.staff_actor(OONA)
        assert (await do_view_undelivered(world.uow(), oona, now=world.now())).rows == ()
        with pytest.raises(MessageNotFound):
            await do_retry_undelivered(world.uow(), oona, outbox_id, now=world.now())
        assert world.audited("outbox.retried") == []

    async def test_a_key_worker_may_not(self, world: World) -> None:
        jo = await world.staff_actor(JO)
        with pytest.raises(MayNotManageStaff):
            await do_view_undelivered(world.uow(), jo, now=world.now())
        with pytest.raises(MayNotManageStaff):
            await do_retry_undelivered(world.uow(), jo, 1, now=world.now())
        with pytest.raises(MayNotManageStaff):
            await do_view_audit(world.uow(), jo, AuditFilter(), now=world.now())


async def _failed_alert_to_jo(world: World) -> int:
    """Sam raises a concern; the alert to Jo, their worker, with Sam's words, fails."""
    concern_id = await world.raise_concern()
    [row] = [r for r in world.queued(JO) if r.concern_id == concern_id]
    row.state, row.attempts, row.last_error = DeliveryState.FAILED, 5, "Forbidden"
    assert row.text
    return row.id


class TestRetryGoesOnlyToWhoMayHaveIt:
    """Red-team H2: a failed message is sent again only to staff who have not left and, for
    a concern's alert, may still read it (having been alerted does not count)."""

    async def test_a_concern_alert_is_retried_to_the_worker_who_may_still_read_it(
        self, world: World
    ) -> None:
        outbox_id = await _failed_alert_to_jo(world)
        await do_retry_undelivered(
            world.uow(), await world.staff_actor(OTTO), outbox_id, now=world.now()
        )
        [row] = [r for r in world.store.tables.outbox if r.id == outbox_id]
        assert row.state == DeliveryState.PENDING

    async def test_not_to_someone_who_has_left(self, world: World) -> None:
        outbox_id = await _failed_alert_to_jo(world)
        world.change_staff(JO, active=False)
        with pytest.raises(RecipientGone):
            await do_retry_undelivered(
                world.uow(), await world.staff_actor(OTTO), outbox_id, now=world.now()
            )
        with pytest.raises(RecipientMayNotHaveIt):  # `waypoint outbox retry`
            await do_retry(world.uow(), outbox_id, now=world.now())
        [row] = [r for r in world.store.tables.outbox if r.id == outbox_id]
        assert row.state == DeliveryState.FAILED
        assert world.audited("outbox.retried") == []
        assert [e.subject_id for e in world.audited("outbox.retry_refused")] == [outbox_id] * 2

    async def test_not_to_a_worker_no_longer_theirs_though_once_alerted(
        self, world: World
    ) -> None:
        outbox_id = await _failed_alert_to_jo(world)
        [sam] = world.store.tables.young_people
        sam.key_worker_id = world.ids[LEE]
        with pytest.raises(RecipientGone):
            await do_retry_undelivered(
                world.uow(), await world.staff_actor(MAX), outbox_id, now=world.now()
            )
        [row] = [r for r in world.store.tables.outbox if r.id == outbox_id]
        assert row.state == DeliveryState.FAILED

    async def test_leaving_or_moving_clears_the_words_of_failed_messages(
        self, world: World
    ) -> None:
        outbox_id = await _failed_alert_to_jo(world)
        dee_message = await _failed_to(world, DEE)
        max_ = await world.staff_actor(MAX)
        await do_change_staff(
            world.uow(), max_, world.ids[DEE], role=Role.SLT, hub=None, now=world.now()
        )
        [sam] = world.store.tables.young_people
        sam.key_worker_id = world.ids[LEE]
        await do_mark_left(world.uow(), max_, world.ids[JO], now=world.now())
        rows = {r.id: r for r in world.store.tables.outbox}
        assert (rows[outbox_id].text, rows[dee_message].text) == ("", "")
        with pytest.raises(MessageNotRetryable):
            await do_retry_undelivered(world.uow(), max_, outbox_id, now=world.now())


class TestAuditLog:
    async def _history(self, world: World) -> None:
        """Monday: Otto marks Jo as left; Tuesday: Max gives Sam to Lee."""
        world.clock.advance(-timedelta(days=1))
        otto, max_ = await world.staff_actor(OTTO), await world.staff_actor(MAX)
        await do_mark_left(world.uow(), otto, world.ids[JO], now=world.now())
        world.clock.advance(timedelta(days=1))
        await do_reassign_young_person(
            world.uow(), max_, world.ids[SAM], world.ids[LEE], now=world.now()
        )

    async def test_filters_by_who_kind_young_person_and_days(self, world: World) -> None:
        await self._history(world)
        max_ = await world.staff_actor(MAX)

        async def actions(**asked: Any) -> list[str]:
            page = await do_view_audit(world.uow(), max_, AuditFilter(**asked), now=world.now())
            return [line.action for line in page.lines]

        assert await actions(staff_id=world.ids[OTTO]) == ["staff.left"]
        assert await actions(kind="young_person") == ["young_person.reassigned"]
        assert await actions(young_person_id=world.ids[SAM]) == ["young_person.reassigned"]
        monday = (world.now() - timedelta(days=1)).date()
        assert await actions(since=monday, until=monday) == ["staff.left"]
        everything = await actions()
        assert everything[:2] == ["console.audit_viewed"] * 2  # the looks above, newest first
        assert "staff.left" in everything

    async def test_names_who_and_about_whom_never_words(self, world: World) -> None:
        await self._history(world)
        page = await do_view_audit(
            world.uow(), await world.staff_actor(MAX), AuditFilter(kind="staff"), now=world.now()
        )
        [left] = [line for line in page.lines if line.action == "staff.left"]
        assert (left.actor, left.subject_type, left.subject) == ("Otto", "staff", "Jo")
        assert {f.name for f in fields(AuditLine)} == {
            "at", "action", "actor_kind", "actor", "subject_type", "subject"
        }  # fmt: skip

    async def test_a_page_at_a_time(self, world: World) -> None:
        max_ = await world.staff_actor(MAX)
        for _ in range(PAGE_SIZE + 3):
            await do_view_council(world.uow(), max_, now=world.now())
        first = await do_view_audit(
            world.uow(), max_, AuditFilter(kind="console"), now=world.now()
        )
        second = await do_view_audit(
            world.uow(), max_, AuditFilter(kind="console", page=2), now=world.now()
        )
        assert (len(first.lines), first.more) == (PAGE_SIZE, True)
        # 53 looks at the council, and the look at the first page.
        assert (len(second.lines), second.more) == (4, False)

    async def test_another_hubs_lines_are_not_shown(self, world: World) -> None:
        await self._history(world)
        world.change_staff(OONA, role=Role.MANAGER)
        page = await do_view_audit(
            world.uow(), await world.staff_actor(OONA), AuditFilter(), now=world.now()
        )
        assert [line.action for line in page.lines] == []


class TestAddingStaff:
    async def test_a_manager_adds_a_colleague_to_their_own_hub(self, world: World) -> None:
        new = NewColleague(1099, "  Rae   Smith ", Role.KEY_WORKER)
        staff_id = await do_add_colleague(
            world.uow(), await world.staff_actor(MAX), new, now=world.now()
        )
        rae = world.staff(1099)
        assert (rae.id, rae.name, rae.hub_id) == (staff_id, "Rae Smith", world.staff(MAX).hub_id)
        [event] = world.audited("staff.added")
        assert (event.actor_type, event.actor_id, event.subject_id) == (
            "staff", world.ids[MAX], staff_id
        )  # fmt: skip

    async def test_an_account_already_known_is_refused(self, world: World) -> None:
        max_ = await world.staff_actor(MAX)
        for taken in (JO, SAM):
            with pytest.raises(AccountTaken):
                await do_add_colleague(
                    world.uow(), max_, NewColleague(taken, "Rae", Role.DUTY), now=world.now()
                )
        jo = await world.staff_actor(JO)
        with pytest.raises(MayNotManageStaff):
            await do_add_colleague(
                world.uow(), jo, NewColleague(1099, "Rae", Role.DUTY), now=world.now()
            )
        assert world.audited("staff.added") == []
