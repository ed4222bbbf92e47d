"""Closing, listing and reading concerns, and staff going away: who may, against the fake."""

from __future__ import annotations

import pytest

from bot.services.concern_records import (
    do_away,
    do_close_concern,
    do_list_concerns,
    do_show_concern,
)
from bot.services.concerns import do_acknowledge
from tests.unit.conftest import ASH, DEE, JO, LEE, MAX, OONA, SAM, STRANGER, World


async def _acknowledged_by_jo(world: World) -> int:
    concern_id = await world.raise_concern()
    await do_acknowledge(world.uow(), JO, concern_id, call_me=False, now=world.now())
    return concern_id


class TestClosing:
    async def test_whoever_acknowledged_it_closes_it_with_the_outcome(self, world: World) -> None:
        concern_id = await _acknowledged_by_jo(world)
        words = [str(concern_id), "spoke", "to", "Sam"]
        assert await do_close_concern(world.uow(), JO, words, now=world.now())
        concern = world.concern(concern_id)
        assert (concern.state, concern.closed_by, concern.next_step_at) == (
            "closed", world.ids[JO], None,
        )  # fmt: skip
        [closed] = [e for e in world.store.tables.concern_events if e.kind == "closed"]
        assert closed.detail == "spoke to Sam"
        assert world.keys(JO)[-1] == "concern_closed"

    async def test_a_closed_concern_never_climbs_again(self, world: World) -> None:
        concern_id = await _acknowledged_by_jo(world)
        await do_close_concern(world.uow(), JO, [str(concern_id), "done"], now=world.now())
        assert await world.tick(minutes=60 * 48) == 0
        assert "concern_follow_up" not in world.keys(JO)

    @pytest.mark.parametrize("closer", [DEE, MAX])
    async def test_the_hubs_duty_worker_or_manager_may_close_any_of_its_concerns(
        self, world: World, closer: int
    ) -> None:
        concern_id = await world.raise_concern()
        await do_close_concern(world.uow(), closer, [str(concern_id), "sorted"], now=world.now())
        assert world.concern(concern_id).closed_by == world.ids[closer]

    async def test_the_named_worker_must_acknowledge_it_before_closing_it(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        await do_close_concern(world.uow(), JO, [str(concern_id), "fine"], now=world.now())
        assert world.keys(JO)[-1] == "concern_close_not_allowed"
        assert world.concern(concern_id).state == "open"

    @pytest.mark.parametrize("outsider", [LEE, ASH])
    async def test_staff_who_may_not_read_it_cannot_close_it(
        self, world: World, outsider: int
    ) -> None:
        concern_id = await world.raise_concern()
        await do_close_concern(world.uow(), outsider, [str(concern_id), "x"], now=world.now())
        assert world.keys(outsider) == ["concern_not_yours"]
        assert world.concern(concern_id).state == "open"

    async def test_without_an_outcome_staff_are_shown_how(self, world: World) -> None:
        concern_id = await world.raise_concern()
        await do_close_concern(world.uow(), DEE, [str(concern_id)], now=world.now())
        assert world.keys(DEE)[-1] == "concern_close_usage"
        assert world.concern(concern_id).state == "open"

    async def test_someone_who_is_not_staff_cannot_close_anything(self, world: World) -> None:
        concern_id = await world.raise_concern()
        for sender in (STRANGER, SAM):
            closed = await do_close_concern(
                world.uow(), sender, [str(concern_id), "x"], now=world.now()
            )
            assert not closed
        assert world.concern(concern_id).state == "open"


class TestReading:
    async def test_the_duty_worker_lists_the_hubs_open_concerns(self, world: World) -> None:
        concern_id = await world.raise_concern()
        assert await do_list_concerns(world.uow(), DEE, now=world.now())
        [listed] = world.queued(DEE)
        assert listed.message_key == "concern_list"
        assert listed.values["lines"].startswith(f"{concern_id}: Sam")

    async def test_the_out_of_hours_team_lists_across_the_council(self, world: World) -> None:
        await world.raise_concern()
        await do_list_concerns(world.uow(), OONA, now=world.now())
        assert world.keys(OONA) == ["concern_list"]

    async def test_a_key_worker_does_not_list_concerns(self, world: World) -> None:
        await world.raise_concern()
        assert not await do_list_concerns(world.uow(), JO, now=world.now())
        assert world.keys(JO) == ["concern_alert"]

    async def test_the_record_is_shown_to_those_who_may_read_it_and_each_look_is_audited(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        await do_show_concern(world.uow(), JO, concern_id, now=world.now())
        await do_show_concern(world.uow(), ASH, concern_id, now=world.now())
        assert world.keys(JO)[-1] == "concern_record"
        assert world.keys(ASH) == ["concern_not_yours"]
        actions = world.store.audit_actions()
        assert tuple(a for a in actions if a in {"concern.viewed", "concern.refused"}) == (
            "concern.viewed",
            "concern.refused",
        )


class TestAway:
    async def test_going_away_names_a_cover_and_coming_back_clears_it(self, world: World) -> None:
        await do_away(world.uow(), JO, "Lee", now=world.now())
        [jo] = [s for s in world.store.tables.staff if s.telegram_user_id == JO]
        assert (jo.away, jo.cover_id) == (True, world.ids[LEE])
        await do_away(world.uow(), JO, None, now=world.now())
        [jo] = [s for s in world.store.tables.staff if s.telegram_user_id == JO]
        assert (jo.away, jo.cover_id) == (False, None)
        assert world.keys(JO) == ["away_set", "away_back"]

    async def test_a_cover_who_is_away_too_is_refused(self, world: World) -> None:
        world.change_staff(LEE, away=True)
        await do_away(world.uow(), JO, "Lee", now=world.now())
        assert world.keys(JO) == ["away_cover_away"]
