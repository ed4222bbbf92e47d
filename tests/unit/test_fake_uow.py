"""The fake unit of work keeps the promises of the real one, so service tests can trust it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.content.messages import ContentError
from bot.domain.actors import SYSTEM
from bot.domain.people import Role
from tests.unit.conftest import JO, LEE, SAM, World
from tests.unit.fake_records import YoungPerson
from tests.unit.fake_repositories import IntegrityError
from tests.unit.fake_uow import FakeUnitOfWork, Store


async def _rename_then_fail(uow: FakeUnitOfWork, sam: YoungPerson, world: World) -> None:
    async with uow.savepoint():
        sam.first_name = "Samuel"
        uow.postbox.to_young_person(sam, "no_such_message", {}, now=world.now())


class TestTransactions:
    async def test_changes_are_kept_only_when_committed(self, world: World) -> None:
        async with world.uow() as uow:
            jo = await uow.staff.by_telegram_id(JO)
            assert jo is not None
            jo.away = True
        async with world.uow() as uow:
            jo = await uow.staff.by_telegram_id(JO)
            assert jo is not None
            assert not jo.away
            jo.away = True
            await uow.commit()
        async with world.uow() as uow:
            jo = await uow.staff.by_telegram_id(JO)
            assert jo is not None
            assert jo.away

    async def test_one_unit_of_work_hands_out_the_same_records(self, world: World) -> None:
        async with world.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            assert await uow.young_people.get(sam.id) is sam
            assert (await uow.young_people.linked_to(world.ids[JO]))[0] is sam

    async def test_a_rollback_undoes_changes_but_records_keep_their_identity(
        self, world: World
    ) -> None:
        async with world.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            sam.first_name = "Samuel"
            uow.audit.record("something", at=world.now(), by=SYSTEM)
            await uow.rollback()
            assert sam.first_name == "Sam"
            assert await uow.young_people.by_telegram_id(SAM) is sam
            await uow.commit()
        assert "something" not in world.store.audit_actions()

    async def test_a_savepoint_undoes_only_what_failed_inside_it(self, world: World) -> None:
        async with world.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            uow.audit.record("before", at=world.now(), by=SYSTEM)
            with pytest.raises(ContentError):
                await _rename_then_fail(uow, sam, world)
            assert sam.first_name == "Sam"
            await uow.commit()
        assert world.store.audit_actions() == ["before"]

    async def test_a_unit_of_work_cannot_be_nested_in_itself(self, world: World) -> None:
        uow = world.uow()
        async with uow:
            with pytest.raises(RuntimeError):
                await uow.__aenter__()

    async def test_one_opened_for_reading_cannot_commit(self, world: World) -> None:
        uow = world.uow()
        async with uow.reading():
            with pytest.raises(RuntimeError):
                await uow.commit()
        async with uow:
            await uow.commit()

    async def test_a_closed_unit_of_work_has_no_repositories(self, world: World) -> None:
        with pytest.raises(RuntimeError):
            _ = FakeUnitOfWork(world.store).staff


class TestRecords:
    async def test_relationships_follow_the_ids(self, world: World) -> None:
        async with world.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            lee = await uow.staff.get(world.ids[LEE])
            assert sam is not None
            assert lee is not None
            uow.young_people.give_worker(sam, lee)
            assert sam.key_worker is lee
            assert sam.key_worker.hub.council.slug == "north-yorkshire"

    async def test_a_telegram_account_belongs_to_one_member_of_staff(self, world: World) -> None:
        async with world.uow() as uow:
            jo = await uow.staff.by_telegram_id(JO)
            assert jo is not None
            with pytest.raises(IntegrityError):
                await uow.staff.new(
                    hub_id=jo.hub_id,
                    telegram_user_id=JO,
                    name="Jo",
                    role=Role.DUTY,
                    now=world.now(),
                )


class TestPostbox:
    async def test_nothing_is_queued_for_staff_who_have_left(self, world: World) -> None:
        world.change_staff(JO, active=False)
        async with world.uow() as uow:
            jo = await uow.staff.by_telegram_id(JO)
            assert jo is not None
            assert uow.postbox.to_staff(jo, "away_back", {}, now=world.now()) == []

    async def test_a_message_with_choices_is_remembered_as_the_one_awaiting_an_answer(
        self, world: World
    ) -> None:
        async with world.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            uow.postbox.to_young_person(sam, "choose_language", {}, now=world.now())
            assert sam.awaiting_choice == "choose_language"


async def test_a_rollback_undoes_a_new_digest_and_keeps_the_committed_one_and_the_draft() -> None:
    now = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    async with FakeUnitOfWork(Store()) as uow:
        await uow.goals.digest(7, now=now)
        await uow.drafts.start(3, "young_person", expires_at=now + timedelta(hours=1))
        await uow.commit()
        await uow.goals.digest(8, now=now)
        await uow.rollback()
        due = await uow.goals.due_digests(now=now + timedelta(weeks=2), limit=10)
        assert [d.young_person_id for d in due] == [7]
        assert await uow.drafts.get(3, now=now) is not None
