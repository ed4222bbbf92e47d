"""Talking to the worker through Waypoint, against the fake: the window, the relay both ways,
and who may write to a young person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.talk import (
    TALK_WINDOW,
    do_relay_to_worker,
    do_reply_to_young_person,
    do_start_talk,
)
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, PAT, SAM, STRANGER, SUE, World
from tests.unit.fake_records import YoungPerson


def _sam(world: World) -> YoungPerson:
    [sam] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
    return sam


async def _relay(world: World, text: str = "can we meet friday") -> bool:
    return await do_relay_to_worker(world.uow(), SAM, text, now=world.now())


async def _reply(world: World, staff: int, *words: str) -> bool:
    return await do_reply_to_young_person(world.uow(), staff, list(words), now=world.now())


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
        assert await _reply(world, JO, "Sam", "yes", "friday", "is", "good")
        [heard] = world.queued(SAM)
        assert heard.message_key == "talk_from_worker"
        assert heard.values == {"worker": "Jo", "text": "yes friday is good"}
        assert world.keys(JO) == ["talk_reply_sent"]
        assert _sam(world).talking_until == world.now() + TALK_WINDOW

    @pytest.mark.parametrize("staff", [DEE, MAX])
    async def test_the_hubs_duty_worker_and_managers_may_write(
        self, world: World, staff: int
    ) -> None:
        await _reply(world, staff, "Sam", "hello")
        assert world.keys(SAM) == ["talk_from_worker"]

    async def test_only_the_young_persons_own_life_coach_may_write(self, world: World) -> None:
        await _reply(world, CAL, "Sam", "hello")
        assert world.keys(CAL) == ["talk_reply_not_allowed"]
        _sam(world).life_coach_id = world.ids[CAL]
        await _reply(world, CAL, "Sam", "hello")
        assert world.keys(SAM) == ["talk_from_worker"]

    async def test_the_cover_may_write_while_the_worker_is_away(self, world: World) -> None:
        world.change_staff(JO, away=True, cover_id=world.ids[LEE])
        await _reply(world, LEE, "Sam", "hello")
        assert world.keys(SAM) == ["talk_from_worker"]

    @pytest.mark.parametrize("staff", [LEE, PAT, SUE])
    async def test_other_staff_at_the_hub_are_refused_and_it_is_audited(
        self, world: World, staff: int
    ) -> None:
        await _reply(world, staff, "Sam", "hello")
        assert world.keys(staff) == ["talk_reply_not_allowed"]
        assert world.keys(SAM) == []
        assert "talk.refused" in world.store.audit_actions()

    async def test_staff_at_another_hub_find_nobody_of_that_name(self, world: World) -> None:
        await _reply(world, ASH, "Sam", "hello")
        assert world.keys(ASH) == ["profile_nobody"]
        assert world.keys(SAM) == []

    async def test_a_reply_without_words_shows_how(self, world: World) -> None:
        assert await _reply(world, JO, "Sam")
        assert world.keys(JO) == ["talk_reply_usage"]

    async def test_someone_who_is_not_staff_cannot_reply(self, world: World) -> None:
        assert not await _reply(world, STRANGER, "Sam", "hello")
        assert world.store.queued() == []
