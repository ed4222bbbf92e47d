"""Closing, listing and reading concerns, and staff going away: who may, against the fake."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.domain.actors import KnownStaff, Stranger
from bot.domain.errors import (
    ConcernNotVisible,
    CoverCannotCover,
    CoverIsAway,
    MayNotCloseConcern,
    MayNotList,
    NoSuchCover,
    NotStaff,
    WaypointError,
)
from bot.domain.ladder import CheckAnswer, Urgency
from bot.domain.safety.worry import Worry
from bot.services.concern_records import (
    CloseConcern,
    do_away,
    do_close_concern,
    do_list_concerns,
    do_show_concern,
    listed_lines,
    listed_text,
)
from bot.services.concerns import do_acknowledge, do_answer_check
from bot.services.identity import writer_of
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, OONA, SAM, STRANGER, World


async def _acknowledged_by_jo(world: World) -> int:
    concern_id = await world.raise_concern()
    jo = await world.staff_actor(JO)
    await do_acknowledge(world.uow(), jo, concern_id, call_me=False, now=world.now())
    return concern_id


async def _close(world: World, staff: int, concern_id: int, outcome: str = "done") -> int:
    actor = await world.staff_actor(staff)
    command = CloseConcern(concern_id, outcome)
    return await do_close_concern(world.uow(), actor, command, now=world.now())


class TestClosing:
    async def test_whoever_acknowledged_it_closes_it_with_the_outcome(self, world: World) -> None:
        concern_id = await _acknowledged_by_jo(world)
        told = world.keys(JO)
        assert await _close(world, JO, concern_id, "spoke to Sam") == concern_id
        concern = world.concern(concern_id)
        assert (concern.state, concern.closed_by, concern.next_step_at) == (
            "closed", world.ids[JO], None,
        )  # fmt: skip
        [closed] = [e for e in world.store.tables.concern_events if e.kind == "closed"]
        assert closed.detail == "spoke to Sam"
        [audited] = world.audited("concern.closed")
        assert (audited.actor_type, audited.actor_id) == ("staff", world.ids[JO])
        # Telling the closer is the channel's job: the service queues nothing for them.
        assert world.keys(JO) == told

    async def test_a_closed_concern_never_climbs_again(self, world: World) -> None:
        concern_id = await _acknowledged_by_jo(world)
        await _close(world, JO, concern_id)
        assert await world.tick(minutes=60 * 48) == 0
        assert "concern_follow_up" not in world.keys(JO)

    @pytest.mark.parametrize("closer", [DEE, MAX])
    async def test_the_hubs_duty_worker_or_manager_may_close_any_of_its_concerns(
        self, world: World, closer: int
    ) -> None:
        concern_id = await world.raise_concern()
        await _close(world, closer, concern_id, "sorted")
        assert world.concern(concern_id).closed_by == world.ids[closer]

    async def test_the_named_worker_must_acknowledge_it_before_closing_it(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        with pytest.raises(MayNotCloseConcern) as refused:
            await _close(world, JO, concern_id, "fine")
        assert refused.value.values == {"id": str(concern_id)}
        assert world.concern(concern_id).state == "open"
        assert world.audited("concern.closed") == []
        assert world.keys(JO) == ["concern_alert"]

    @pytest.mark.parametrize("outsider", [LEE, ASH])
    async def test_staff_who_may_not_read_it_cannot_close_it(
        self, world: World, outsider: int
    ) -> None:
        concern_id = await world.raise_concern()
        with pytest.raises(ConcernNotVisible) as refused:
            await _close(world, outsider, concern_id, "x")
        assert refused.value.values == {"id": str(concern_id)}
        assert world.concern(concern_id).state == "open"
        [audited] = world.audited("concern.refused")
        assert (audited.actor_id, audited.subject_id) == (world.ids[outsider], concern_id)
        assert world.keys(outsider) == []

    async def test_a_concern_that_does_not_exist_is_refused_like_one_that_is_not_yours(
        self, world: World
    ) -> None:
        with pytest.raises(ConcernNotVisible):
            await _close(world, DEE, 999_999)
        [audited] = world.audited("concern.refused")
        assert audited.subject_id == 999_999

    @pytest.mark.parametrize("sender", [STRANGER, SAM])
    async def test_someone_who_is_not_staff_is_never_handed_to_a_service_as_staff(
        self, world: World, sender: int
    ) -> None:
        assert not isinstance(await writer_of(world.uow(), sender), KnownStaff)

    async def test_staff_who_have_left_are_strangers(self, world: World) -> None:
        world.change_staff(DEE, active=False)
        assert await writer_of(world.uow(), DEE) == Stranger(DEE)

    async def test_staff_who_left_after_writing_cannot_close_anything(self, world: World) -> None:
        concern_id = await world.raise_concern()
        dee = await world.staff_actor(DEE)
        world.change_staff(DEE, active=False)
        with pytest.raises(NotStaff):
            await do_close_concern(
                world.uow(), dee, CloseConcern(concern_id, "x"), now=world.now()
            )
        assert world.concern(concern_id).state == "open"
        assert world.audited("concern.closed") == []


class TestReading:
    async def test_the_duty_worker_lists_the_hubs_open_concerns(self, world: World) -> None:
        concern_id = await world.raise_concern()
        dee = await world.staff_actor(DEE)
        [line] = await do_list_concerns(world.uow(), dee, now=world.now())
        assert (line.concern_id, line.first_name, line.state) == (concern_id, "Sam", "open")
        assert (line.urgency, line.raised_at) == ("high", world.now())
        [audited] = world.audited("concern.listed")
        assert audited.actor_id == world.ids[DEE]
        assert world.keys(DEE) == []

    async def test_closed_concerns_are_not_listed(self, world: World) -> None:
        concern_id = await world.raise_concern()
        await _close(world, DEE, concern_id)
        dee = await world.staff_actor(DEE)
        assert await do_list_concerns(world.uow(), dee, now=world.now()) == []

    async def test_noted_concerns_are_listed_apart_after_the_open_ones(self, world: World) -> None:
        unsure = Worry("words", Urgency.LOW, "he makes me keep secrets", "abuse", sure=False)
        noted_id = await world.raise_concern(unsure)
        assert await do_answer_check(world.uow(), SAM, CheckAnswer.OK, now=world.now())
        open_id = await world.raise_concern()
        assert open_id != noted_id
        dee = await world.staff_actor(DEE)
        lines = await do_list_concerns(world.uow(), dee, now=world.now())
        assert {(line.concern_id, line.state) for line in lines} == {
            (noted_id, "noted"),
            (open_id, "open"),
        }
        zone, catalogue = ZoneInfo("Europe/London"), world.store.catalogue
        noted, opened = sorted(lines, key=lambda line: line.state)
        text = listed_lines(catalogue, lines, zone)
        apart = catalogue.render(
            "concern_list_noted", {"lines": listed_text(catalogue, noted, zone)}
        )
        assert text == f"{listed_text(catalogue, opened, zone)}\n{apart}"

    async def test_the_out_of_hours_team_lists_across_the_council(self, world: World) -> None:
        concern_id = await world.raise_concern()
        oona = await world.staff_actor(OONA)
        lines = await do_list_concerns(world.uow(), oona, now=world.now())
        assert [line.concern_id for line in lines] == [concern_id]

    @pytest.mark.parametrize("staff", [JO, CAL])
    async def test_a_key_worker_or_life_coach_does_not_list_concerns(
        self, world: World, staff: int
    ) -> None:
        await world.raise_concern()
        told = world.keys(staff)
        actor = await world.staff_actor(staff)
        with pytest.raises(MayNotList):
            await do_list_concerns(world.uow(), actor, now=world.now())
        assert world.audited("concern.listed") == []
        assert world.keys(staff) == told

    async def test_the_record_is_shown_to_those_who_may_read_it_and_each_look_is_audited(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        jo, ash = await world.staff_actor(JO), await world.staff_actor(ASH)
        shown = await do_show_concern(world.uow(), jo, concern_id, now=world.now())
        assert shown.concern_id == concern_id
        with pytest.raises(ConcernNotVisible):
            await do_show_concern(world.uow(), ash, concern_id, now=world.now())
        assert world.keys(JO) == ["concern_alert"]
        assert world.keys(ASH) == []
        looks = [e for e in world.store.tables.audit if e.subject_type == "concern"]
        assert [(e.action, e.actor_id) for e in looks if e.action != "concern.raised"] == [
            ("concern.viewed", world.ids[JO]),
            ("concern.refused", world.ids[ASH]),
        ]


class TestAway:
    async def test_going_away_names_a_cover_and_coming_back_clears_it(self, world: World) -> None:
        jo = await world.staff_actor(JO)
        assert await do_away(world.uow(), jo, "Lee", now=world.now()) == "Lee"
        assert (world.staff(JO).away, world.staff(JO).cover_id) == (True, world.ids[LEE])
        assert await do_away(world.uow(), jo, None, now=world.now()) is None
        assert (world.staff(JO).away, world.staff(JO).cover_id) == (False, None)
        assert [a for a in world.store.audit_actions() if a.startswith("staff.")] == [
            "staff.away",
            "staff.back",
        ]
        assert world.keys(JO) == []

    async def test_a_cover_who_is_away_too_is_refused(self, world: World) -> None:
        world.change_staff(LEE, away=True)
        jo = await world.staff_actor(JO)
        with pytest.raises(CoverIsAway) as refused:
            await do_away(world.uow(), jo, "Lee", now=world.now())
        assert refused.value.values == {"cover": "Lee"}
        assert (world.staff(JO).away, world.staff(JO).cover_id) == (False, None)
        assert world.audited("staff.away") == []

    @pytest.mark.parametrize(
        ("cover", "refusal"),
        [("Ash", NoSuchCover), ("Cal", CoverCannotCover), ("Jo", NoSuchCover),
         ("Nobody", NoSuchCover)],
    )  # fmt: skip
    async def test_a_cover_who_is_not_a_colleague_who_can_cover_is_refused_saying_why(
        self, world: World, cover: str, refusal: type[WaypointError]
    ) -> None:
        jo = await world.staff_actor(JO)
        with pytest.raises(refusal) as refused:
            await do_away(world.uow(), jo, cover, now=world.now())
        # The example is a colleague at Jo's hub who could cover.
        assert refused.value.values["cover"] == "Lee"
        assert world.staff(JO).away is False
        assert world.audited("staff.away") == []
