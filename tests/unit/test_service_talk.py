"""Talking to the worker through Waypoint, against the fake: the window, the relay both ways,
and who may write to a young person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import (
    MayNotMessage,
    NotStaff,
    SeveralYoungPeople,
    WaypointError,
    YoungPersonNotFound,
)
from bot.services.staff_words import staff_text
from bot.services.talk import (
    TALK_WINDOW,
    Reply,
    do_relay_to_worker,
    do_reply_to_young_person,
    do_start_talk,
)
from tests.unit.conftest import (
    ASH,
    CAL,
    DEE,
    JO,
    LEE,
    MAX,
    OONA,
    OTTO,
    PAT,
    SAM,
    STRANGER,
    SUE,
    World,
)
from tests.unit.fake_records import YoungPerson


def _sam(world: World) -> YoungPerson:
    [sam] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
    return sam


async def _relay(world: World, text: str = "can we meet friday") -> bool:
    return await do_relay_to_worker(world.uow(), SAM, text, now=world.now())


async def _reply(world: World, staff: int, who: str = "Sam", words: str = "hello") -> str:
    actor = await world.staff_actor(staff)
    return await do_reply_to_young_person(world.uow(), actor, Reply(who, words), now=world.now())


class TestTheWindow:
    async def test_talk_opens_a_window_and_names_who_will_read(self, world: World) -> None:
        assert await do_start_talk(world.uow(), SAM, now=world.now())
        assert _sam(world).talking_until == world.now() + TALK_WINDOW
        [start] = world.queued(SAM)
        assert (start.message_key, start.values["worker"]) == ("talk_start", "Jo")

    async def test_while_it_is_open_words_go_to_the_worker_and_keep_it_open(
        self, world: World
    ) -> None:
        await do_start_talk(world.uow(), SAM, now=world.now())
        world.clock.advance(timedelta(minutes=20))
        assert await _relay(world)
        [relayed] = world.queued(JO)
        assert relayed.message_key == "talk_from_young_person"
        assert relayed.values == {"name": "Sam", "text": "can we meet friday"}
        assert world.keys(SAM)[-1] == "talk_sent"
        assert _sam(world).talking_until == world.now() + TALK_WINDOW

    async def test_once_it_has_closed_words_are_not_relayed(self, world: World) -> None:
        await do_start_talk(world.uow(), SAM, now=world.now())
        world.clock.advance(TALK_WINDOW)
        assert not await _relay(world)
        assert world.keys(JO) == []

    async def test_without_talk_words_are_not_relayed(self, world: World) -> None:
        assert not await _relay(world)
        assert world.store.queued() == []

    async def test_while_the_worker_is_away_their_cover_reads(self, world: World) -> None:
        world.change_staff(JO, away=True, cover_id=world.ids[LEE])
        await do_start_talk(world.uow(), SAM, now=world.now())
        await _relay(world)
        assert world.queued(SAM)[0].values["worker"] == "Lee"
        assert world.keys(LEE) == ["talk_from_young_person"]
        assert world.keys(JO) == []

    async def test_someone_waypoint_does_not_know_cannot_talk(self, world: World) -> None:
        assert not await do_start_talk(world.uow(), STRANGER, now=world.now())
        assert world.store.queued() == []


class TestReplying:
    async def test_the_worker_replies_and_the_young_person_hears_it(self, world: World) -> None:
        assert await _reply(world, JO, "Sam", "yes friday is good") == "Sam"
        [heard] = world.queued(SAM)
        assert heard.message_key == "talk_from_worker"
        assert heard.values == {"worker": "Jo", "text": "yes friday is good"}
        assert _sam(world).talking_until == world.now() + TALK_WINDOW
        [audited] = world.audited("talk.to_young_person")
        assert (audited.actor_id, audited.subject_id) == (world.ids[JO], _sam(world).id)
        assert world.keys(JO) == []

    async def test_a_young_person_can_be_named_by_number(self, world: World) -> None:
        assert await _reply(world, JO, f"#{_sam(world).id}") == "Sam"
        assert world.keys(SAM) == ["talk_from_worker"]

    @pytest.mark.parametrize("staff", [DEE, MAX])
    async def test_the_hubs_duty_worker_and_managers_may_write(
        self, world: World, staff: int
    ) -> None:
        await _reply(world, staff)
        assert world.keys(SAM) == ["talk_from_worker"]

    async def test_only_the_young_persons_own_life_coach_may_write(self, world: World) -> None:
        with pytest.raises(MayNotMessage) as refused:
            await _reply(world, CAL)
        assert refused.value.values == {"name": "Sam"}
        assert world.keys(SAM) == []
        _sam(world).life_coach_id = world.ids[CAL]
        await _reply(world, CAL)
        assert world.keys(SAM) == ["talk_from_worker"]

    async def test_the_cover_may_write_while_the_worker_is_away(self, world: World) -> None:
        world.change_staff(JO, away=True, cover_id=world.ids[LEE])
        await _reply(world, LEE)
        assert world.keys(SAM) == ["talk_from_worker"]

    async def test_another_worker_at_the_hub_is_refused_and_it_is_audited(
        self, world: World
    ) -> None:
        with pytest.raises(MayNotMessage):
            await _reply(world, LEE)
        assert world.keys(SAM) == []
        assert _sam(world).talking_until is None
        [refused] = world.audited("talk.refused")
        assert (refused.actor_id, refused.subject_id) == (world.ids[LEE], _sam(world).id)
        assert world.audited("talk.to_young_person") == []

    @pytest.mark.parametrize("staff", [PAT, SUE, OTTO, OONA])
    async def test_a_role_that_never_writes_to_young_people_learns_nothing_of_who_is_there(
        self, world: World, staff: int
    ) -> None:
        # Refused for their role before anyone is looked up: no "nobody called Alex, for
        # example Sam (#12)", and Sam, who is there, gets the same answer.
        refusals = []
        for who in ("Sam", "Alex"):
            actor = await world.staff_actor(staff)
            with pytest.raises(WaypointError) as refused:
                await do_reply_to_young_person(
                    world.uow(), actor, Reply(who, "see you at 4"), now=world.now()
                )
            refusals.append((refused.value.message_id, refused.value.values))
        assert refusals == [("command_not_for_role", {})] * 2
        assert world.keys(SAM) == []
        assert world.store.audit_actions() == []

    async def test_staff_at_another_hub_find_nobody_of_that_name(self, world: World) -> None:
        with pytest.raises(YoungPersonNotFound) as refused:
            await _reply(world, ASH)
        # With an example of a name to use: Ash's hub has no young person yet.
        number = staff_text(world.store.catalogue, "example_number")
        assert refused.value.values == {"name": "Sam", "example": "Sam", "number": number}
        assert world.keys(SAM) == []
        assert not [a for a in world.store.audit_actions() if a.startswith("talk.")]

    async def test_two_young_people_of_one_name_are_told_apart_by_number(
        self, world: World
    ) -> None:
        async with world.uow() as uow:
            other = await uow.young_people.new(
                hub_id=_sam(world).hub_id, telegram_user_id=2002, first_name="Sam",
                key_worker_id=world.ids[JO], now=world.now(),
            )  # fmt: skip
            await uow.commit()
        with pytest.raises(SeveralYoungPeople) as several:
            await _reply(world, JO)
        assert f"#{other.id}" in several.value.values["choices"]
        assert world.keys(SAM) == world.keys(2002) == []
        await _reply(world, JO, f"#{other.id}")
        assert world.keys(2002) == ["talk_from_worker"]
        assert world.keys(SAM) == []

    async def test_staff_who_left_after_writing_cannot_reply(self, world: World) -> None:
        jo = await world.staff_actor(JO)
        world.change_staff(JO, active=False)
        with pytest.raises(NotStaff):
            await do_reply_to_young_person(world.uow(), jo, Reply("Sam", "hello"), now=world.now())
        assert world.store.queued() == []
        assert _sam(world).talking_until is None
