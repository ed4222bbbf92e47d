"""The console's Concerns pages against the fake unit of work: who sees which open concerns,
one concern's words and chronology (a summary for police liaison), the case-file export,
and every list, look, refusal and export audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import ConcernNotForRole, ConcernNotVisible, NoSuchConcern
from bot.domain.ladder import ConcernState, Step, Urgency
from bot.domain.safety.worry import Worry
from bot.services.caseload import PageNotForRole
from bot.services.concern_pages import do_view_concerns
from bot.services.concern_records import concern_export
from bot.services.concern_view import do_export_concern, do_view_concern, outcome_problem
from bot.services.concerns import do_acknowledge
from tests.unit.conftest import ASH, CAL, DEE, JO, LEE, MAX, OONA, OTTO, PAT, SUE, World

MISSING = Worry("words", Urgency.HIGH, "my mate ran off", category="missing")


async def _listed(world: World, telegram_id: int) -> tuple[str, list[int]]:
    actor = await world.staff_actor(telegram_id)
    page = await do_view_concerns(world.uow(), actor, now=world.now())
    return page.scope, [row.concern_id for row in page.rows]


class TestTheList:
    @pytest.mark.parametrize("staff", [DEE, MAX])
    async def test_duty_and_managers_list_the_hubs_open_concerns(
        self, world: World, staff: int
    ) -> None:
        concern_id = await world.raise_concern()
        assert await _listed(world, staff) == ("hub", [concern_id])

    async def test_each_row_says_the_step_who_has_it_and_how_long_ago(self, world: World) -> None:
        concern_id = await world.raise_concern()
        world.clock.advance(timedelta(minutes=25))
        jo = await world.staff_actor(JO)
        await do_acknowledge(world.uow(), jo, concern_id, call_me=False, now=world.now())
        page = await do_view_concerns(world.uow(), await world.staff_actor(DEE), now=world.now())
        [row] = page.rows
        assert (row.urgency, row.state, row.step, row.holder) == (
            Urgency.HIGH, ConcernState.ACKNOWLEDGED, Step.NAMED_WORKER, "Jo",
        )  # fmt: skip
        assert row.waiting == timedelta(minutes=25)
        assert page.zone == "Europe/London"

    async def test_a_closed_concern_is_not_listed(self, world: World) -> None:
        concern_id = await world.raise_concern()
        world.concern(concern_id).state = ConcernState.CLOSED
        assert await _listed(world, DEE) == ("hub", [])

    async def test_the_named_worker_lists_their_young_peoples_and_another_worker_none(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        assert await _listed(world, JO) == ("theirs", [concern_id])
        assert await _listed(world, LEE) == ("theirs", [])
        assert await _listed(world, ASH) == ("theirs", [])

    async def test_the_out_of_hours_team_lists_the_councils(self, world: World) -> None:
        concern_id = await world.raise_concern()
        assert await _listed(world, OONA) == ("council", [concern_id])

    async def test_police_liaison_list_what_was_shared_with_them(self, world: World) -> None:
        world.change_council(police_liaison=True)
        missing = await world.raise_concern(MISSING)
        assert await _listed(world, PAT) == ("shared", [missing])

    async def test_police_liaison_list_nothing_that_was_not_shared(self, world: World) -> None:
        world.change_council(police_liaison=True)
        await world.raise_concern()
        assert await _listed(world, PAT) == ("shared", [])

    @pytest.mark.parametrize("staff", [SUE, CAL, OTTO])
    async def test_roles_that_never_read_concerns_have_no_page(
        self, world: World, staff: int
    ) -> None:
        await world.raise_concern()
        with pytest.raises(PageNotForRole):
            await _listed(world, staff)

    async def test_each_list_is_audited(self, world: World) -> None:
        await world.raise_concern()
        await _listed(world, DEE)
        [audited] = world.audited("concern.listed")
        assert (audited.actor_type, audited.actor_id) == ("staff", world.ids[DEE])


class TestOneConcern:
    async def test_the_worker_reads_the_words_and_chronology_and_may_acknowledge(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern(Worry("words", Urgency.HIGH, "I feel unsafe"))
        shown = await do_view_concern(
            world.uow(), await world.staff_actor(JO), concern_id, now=world.now()
        )
        assert shown.words == "I feel unsafe"
        assert [line.kind for line in shown.chronology][:1] == ["raised"]
        assert shown.told == ("Jo",)
        assert (shown.may_acknowledge, shown.may_close, shown.summary_only) == (True, False, False)
        [audited] = world.audited("concern.viewed")
        assert (audited.actor_id, audited.subject_id) == (world.ids[JO], concern_id)

    async def test_once_acknowledged_whoever_has_it_may_close_it(self, world: World) -> None:
        concern_id = await world.raise_concern()
        jo = await world.staff_actor(JO)
        await do_acknowledge(world.uow(), jo, concern_id, call_me=False, now=world.now())
        shown = await do_view_concern(world.uow(), jo, concern_id, now=world.now())
        assert (shown.row.holder, shown.acknowledged_at) == ("Jo", world.now())
        assert (shown.may_acknowledge, shown.may_close) == (False, True)

    async def test_another_worker_is_refused_and_the_refusal_audited(self, world: World) -> None:
        concern_id = await world.raise_concern()
        with pytest.raises(ConcernNotVisible):
            await do_view_concern(
                world.uow(), await world.staff_actor(LEE), concern_id, now=world.now()
            )
        assert [e.actor_id for e in world.audited("concern.refused")] == [world.ids[LEE]]
        assert world.audited("concern.viewed") == []

    async def test_police_liaison_see_the_summary_never_the_words(self, world: World) -> None:
        world.change_council(police_liaison=True)
        concern_id = await world.raise_concern(MISSING)
        shown = await do_view_concern(
            world.uow(), await world.staff_actor(PAT), concern_id, now=world.now()
        )
        assert shown.summary_only
        assert (shown.words, shown.later_words, shown.chronology, shown.told) == (None, (), (), ())
        assert shown.profile
        assert (shown.may_acknowledge, shown.may_close) == (False, False)
        assert len(world.audited("concern.summary_viewed")) == 1

    async def test_police_liaison_are_told_nothing_of_a_concern_not_shared(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        with pytest.raises(NoSuchConcern):
            await do_view_concern(
                world.uow(), await world.staff_actor(PAT), concern_id, now=world.now()
            )
        assert len(world.audited("concern.refused")) == 1


class TestExport:
    async def test_the_export_is_the_case_file_record_and_audited(self, world: World) -> None:
        concern_id = await world.raise_concern(Worry("words", Urgency.HIGH, "I feel unsafe"))
        exported = await do_export_concern(
            world.uow(), await world.staff_actor(JO), concern_id, now=world.now()
        )
        assert exported.filename == f"waypoint-concern-{concern_id}.txt"
        record = await concern_export(world.uow(), concern_id, now=world.now())
        assert exported.text == record + "\n"
        assert "I feel unsafe" in exported.text
        [audited] = world.audited("concern.exported")
        assert (audited.actor_id, audited.subject_id) == (world.ids[JO], concern_id)

    @pytest.mark.parametrize(("staff", "refusal"), [(PAT, ConcernNotForRole), (LEE, None)])
    async def test_only_those_who_may_read_it_export_it(
        self, world: World, staff: int, refusal: type[ConcernNotVisible] | None
    ) -> None:
        world.change_council(police_liaison=True)
        concern_id = await world.raise_concern(MISSING)
        with pytest.raises(refusal or ConcernNotVisible):
            await do_export_concern(
                world.uow(), await world.staff_actor(staff), concern_id, now=world.now()
            )
        assert world.audited("concern.exported") == []
        assert len(world.audited("concern.refused")) == 1


@pytest.mark.parametrize(
    ("outcome", "problem"),
    [("Spoke with Sam", None), ("", "missing"), ("  \n", "missing"), ("x" * 2001, "too_long")],
)
def test_an_outcome_needs_words_and_not_too_many(outcome: str, problem: str | None) -> None:
    assert outcome_problem(outcome) == problem
