"""Raising, asking about, joining and acknowledging concerns, against the fake unit of work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import (
    ConcernAlreadyTaken,
    ConcernAtAnotherHub,
    ConcernNotForRole,
    ConcernNotVisible,
    NoSuchConcern,
    NotStaff,
)
from bot.domain.ladder import CheckAnswer, ConcernState, Urgency
from bot.domain.outbox import AlertButtons, Lane
from bot.domain.safety.worry import Worry
from bot.services.concern_records import CloseConcern, do_close_concern
from bot.services.concerns import do_acknowledge, do_add_words, do_answer_check, do_raise_concern
from tests.unit.conftest import ASH, DEE, JO, MAX, PAT, SAM, STRANGER, SUE, ZOE, World

WORDS = Worry("words", Urgency.HIGH, "i dont feel safe at home", "unsafe", message_id=7)
UNSURE = Worry("words", Urgency.MEDIUM, "lol i could just run away", "missing", sure=False)


async def _acknowledge(
    world: World, staff: int, concern_id: int, *, call_me: bool = False
) -> None:
    """A member of staff taps "I've got this" (or "Call me") on the alert."""
    actor = await world.staff_actor(staff)
    await do_acknowledge(world.uow(), actor, concern_id, call_me=call_me, now=world.now())


class TestRaising:
    async def test_a_worry_is_stored_and_the_named_worker_is_alerted_at_once(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern(WORDS)
        concern = world.concern(concern_id)
        assert (concern.state, concern.rung, concern.words) == ("open", 0, WORDS.words)
        assert concern.young_person_id == world.ids[SAM]
        [alert] = world.queued(JO)
        assert alert.message_key == "concern_alert"
        assert (alert.recipient_id, alert.lane, alert.concern_id) == (
            world.ids[JO], Lane.SAFETY, concern_id,
        )  # fmt: skip
        assert alert.about_id == world.ids[SAM]
        assert alert.values["words"] == WORDS.words
        assert world.alerted() == ["named_worker: Jo"]

    async def test_the_young_person_is_told_who_knows_and_given_the_helplines(
        self, world: World
    ) -> None:
        await world.raise_concern()
        # No words yet: nothing is said about "your message" before it exists.
        assert world.keys(SAM) == ["concern_raised_no_words", "concern_helplines"]
        [raised, *_] = world.queued(SAM)
        assert raised.values["worker"] == "Jo"
        assert all(m.lane == Lane.SAFETY for m in world.queued(SAM))

    async def test_words_given_with_the_worry_are_not_asked_for_again(self, world: World) -> None:
        await world.raise_concern(WORDS)
        assert world.keys(SAM) == ["concern_raised", "concern_helplines"]

    async def test_someone_waypoint_does_not_know_raises_nothing(self, world: World) -> None:
        raised = await do_raise_concern(world.uow(), STRANGER, WORDS, now=world.now())
        assert raised is None
        assert world.store.tables.concerns == []
        assert world.store.queued() == []

    async def test_the_raising_is_in_the_chronology_and_the_audit_trail(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        assert world.events(concern_id) == ["raised", "notified"]
        assert {"concern.raised", "concern.notified"} <= set(world.store.audit_actions())


class TestAskingFirst:
    async def test_an_unsure_worry_asks_are_you_ok_and_tells_nobody_yet(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern(UNSURE)
        assert world.concern(concern_id).state == ConcernState.ASKING
        assert world.keys(SAM) == ["concern_check"]
        assert world.keys(JO) == []
        [sam] = world.store.tables.young_people
        assert sam.awaiting_choice == "concern_check"

    async def test_im_ok_never_alerts_and_notes_the_concern_for_the_next_look(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern(UNSURE)
        assert await do_answer_check(world.uow(), SAM, CheckAnswer.OK, now=world.now())
        concern = world.concern(concern_id)
        assert (concern.state, concern.next_step_at) == (ConcernState.NOTED, None)
        assert world.keys(SAM) == ["concern_check", "concern_check_ok"]
        assert world.events(concern_id) == ["raised", "check_ok"]
        assert "concern.check_ok" in world.store.audit_actions()
        # Never due again: no alert, however long nobody looks.
        assert await world.tick(minutes=60 * 24) == 0
        assert world.keys(JO) == []
        [sam] = world.store.tables.young_people
        assert sam.awaiting_choice is None

    async def test_im_worried_tells_the_worker_now_at_the_concerns_own_urgency(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern(UNSURE)
        assert await do_answer_check(world.uow(), SAM, CheckAnswer.WORRIED, now=world.now())
        concern = world.concern(concern_id)
        assert (concern.state, concern.urgency) == ("open", "medium")
        assert world.keys(JO) == ["concern_alert"]
        [alert] = world.queued(JO)
        checked = world.store.catalogue.render("concern_check_said_worried", {})
        assert alert.values["words"].endswith(checked)

    async def test_talk_to_jo_alerts_jo_and_tells_them_jo_was_asked(self, world: World) -> None:
        concern_id = await world.raise_concern(UNSURE)
        assert await do_answer_check(world.uow(), SAM, CheckAnswer.TALK, now=world.now())
        assert world.concern(concern_id).state == "open"
        assert world.keys(JO) == ["concern_alert"]
        assert "concern_check_talk" in world.keys(SAM)
        assert world.events(concern_id)[:3] == ["raised", "check_talk", "notified"]

    async def test_an_answer_once_the_check_is_over_does_nothing(self, world: World) -> None:
        await world.raise_concern(UNSURE)
        assert await world.tick(minutes=10) == 1
        assert not await do_answer_check(world.uow(), SAM, CheckAnswer.OK, now=world.now())
        assert world.keys(JO) == ["concern_alert"]

    async def test_silence_means_the_worker_is_told_once_the_wait_is_over(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern(UNSURE)
        assert await world.tick(minutes=9) == 0
        assert await world.tick(minutes=1) == 1
        assert world.events(concern_id)[:3] == ["raised", "no_answer", "notified"]
        assert world.alerted() == ["named_worker: Jo"]
        [alert] = world.queued(JO)
        checked = world.store.catalogue.render("concern_check_no_answer", {})
        assert alert.values["words"].endswith(checked)

    async def test_a_sure_worry_while_asking_alerts_at_once(self, world: World) -> None:
        concern_id = await world.raise_concern(UNSURE)
        assert await world.raise_concern(WORDS) == concern_id
        assert world.concern(concern_id).state == "open"
        assert world.keys(JO)[:1] == ["concern_alert"]


class TestJoining:
    async def test_a_second_worry_joins_the_waiting_concern_with_one_alert(
        self, world: World
    ) -> None:
        first = await world.raise_concern()
        second = await world.raise_concern(WORDS)
        assert second == first
        assert len(world.store.tables.concerns) == 1
        assert world.keys(JO) == ["concern_alert", "concern_more_words"]
        assert world.queued(JO)[-1].values["words"] == WORDS.words
        assert "joined" in world.events(first)

    async def test_a_more_urgent_worry_brings_the_next_step_sooner(self, world: World) -> None:
        bullying = Worry("words", Urgency.MEDIUM, "they keep picking on me", "bullying")
        concern_id = await world.raise_concern(bullying)
        assert world.concern(concern_id).next_step_at == world.now() + timedelta(minutes=60)
        world.clock.advance(timedelta(minutes=5))
        await world.raise_concern()
        concern = world.concern(concern_id)
        assert concern.urgency == "high"
        assert concern.next_step_at == world.now() + timedelta(minutes=10)

    async def test_a_worry_about_something_new_brings_the_helplines_again(
        self, world: World
    ) -> None:
        await world.raise_concern(Worry("words", Urgency.MEDIUM, "they pick on me", "bullying"))
        await world.raise_concern(Worry("words", Urgency.HIGH, "im going to run off", "missing"))
        assert world.keys(SAM).count("concern_helplines") == 2

    async def test_once_acknowledged_a_new_worry_is_a_new_concern(self, world: World) -> None:
        first = await world.raise_concern()
        await _acknowledge(world, JO, first)
        second = await world.raise_concern(WORDS)
        assert second != first
        assert world.alerted() == ["named_worker: Jo", "named_worker: Jo"]

    async def test_words_after_the_button_go_to_whoever_was_told(self, world: World) -> None:
        concern_id = await world.raise_concern()
        added = await do_add_words(world.uow(), SAM, "my dad hit me", now=world.now())
        assert added
        assert world.concern(concern_id).words == "my dad hit me"
        assert world.keys(JO)[-1] == "concern_more_words"
        assert world.keys(SAM)[-1] == "talk_sent"


class TestAcknowledging:
    async def test_acknowledging_stops_the_ladder_and_tells_the_young_person_who_has_it(
        self, world: World
    ) -> None:
        concern_id = await world.raise_concern()
        await world.tick(minutes=10)
        await _acknowledge(world, DEE, concern_id)
        concern = world.concern(concern_id)
        assert (concern.state, concern.acknowledged_by) == ("acknowledged", world.ids[DEE])
        [*_, seen] = world.queued(SAM)
        assert (seen.message_key, seen.values["staff"]) == ("concern_seen", "Dee")
        # Dee, who has it, reads it about herself; Jo reads that Dee has it.
        assert world.keys(JO)[-1] == "concern_taken"
        assert world.keys(DEE)[-1] == "concern_taken_by_you"
        assert await world.tick(minutes=120) == 0
        assert world.alerted() == ["named_worker: Jo", "duty: Dee"]

    async def test_call_me_tells_the_young_person_they_will_be_phoned(self, world: World) -> None:
        concern_id = await world.raise_concern()
        await _acknowledge(world, JO, concern_id, call_me=True)
        assert world.keys(SAM)[-1] == "concern_call_me"
        assert world.events(concern_id)[-1] == "acknowledged"

    async def test_a_second_acknowledgement_is_told_who_has_it(self, world: World) -> None:
        concern_id = await world.raise_concern()
        await _acknowledge(world, JO, concern_id)
        heard = world.keys(SAM)
        with pytest.raises(ConcernAlreadyTaken) as taken:
            await _acknowledge(world, MAX, concern_id)
        assert taken.value.values == {"id": str(concern_id), "name": "Sam", "staff": "Jo"}
        assert world.concern(concern_id).acknowledged_by == world.ids[JO]
        assert world.events(concern_id).count("acknowledged") == 1
        # The second look is audited even so, and nobody else hears anything more.
        looks = [e.actor_id for e in world.audited("concern.acknowledged")]
        assert looks == [world.ids[JO], world.ids[MAX]]
        assert world.keys(SAM) == heard
        assert world.keys(MAX) == []

    async def test_a_closed_concern_is_not_acknowledged_again(self, world: World) -> None:
        concern_id = await world.raise_concern()
        dee = await world.staff_actor(DEE)
        await do_close_concern(
            world.uow(), dee, CloseConcern(concern_id, "sorted"), now=world.now()
        )
        with pytest.raises(ConcernAlreadyTaken) as taken:
            await _acknowledge(world, JO, concern_id)
        assert taken.value.values["staff"] == "Dee"
        assert world.concern(concern_id).state == "closed"

    async def test_staff_at_another_hub_cannot_acknowledge_it(self, world: World) -> None:
        concern_id = await world.raise_concern()
        with pytest.raises(ConcernNotVisible) as refused:
            await _acknowledge(world, ASH, concern_id)
        assert refused.value.values == {"id": str(concern_id)}
        assert world.keys(ASH) == []
        assert world.concern(concern_id).state == "open"
        [audited] = world.audited("concern.refused")
        assert (audited.actor_id, audited.subject_id) == (world.ids[ASH], concern_id)
        assert world.audited("concern.acknowledged") == []

    async def test_police_liaison_at_the_hub_cannot_acknowledge_it(self, world: World) -> None:
        concern_id = await world.raise_concern()
        with pytest.raises(ConcernNotVisible):
            await _acknowledge(world, PAT, concern_id)
        assert world.keys(PAT) == []
        assert world.concern(concern_id).acknowledged_by is None
        assert "concern.refused" in world.store.audit_actions()

    @pytest.mark.parametrize("who", [PAT, SUE, ZOE])
    async def test_a_role_that_never_reads_concerns_learns_nothing_of_one(
        self, world: World, who: int
    ) -> None:
        # Whether the concern exists, and at which hub, is not told to a role that never
        # reads concerns: the same refusal, for its role, every time (and audited).
        concern_id = await world.raise_concern()
        refusals = []
        for asked in (concern_id, concern_id + 100):
            with pytest.raises(ConcernNotVisible) as refused:
                await _acknowledge(world, who, asked)
            refusals.append((type(refused.value), refused.value.values))
        assert refusals == [
            (ConcernNotForRole, {"id": str(concern_id)}),
            (ConcernNotForRole, {"id": str(concern_id + 100)}),
        ]
        assert len(world.audited("concern.refused")) == 2

    async def test_a_role_that_reads_concerns_is_told_the_real_reason(self, world: World) -> None:
        concern_id = await world.raise_concern()
        with pytest.raises(ConcernAtAnotherHub):
            await _acknowledge(world, ASH, concern_id)
        with pytest.raises(NoSuchConcern):
            await _acknowledge(world, ASH, concern_id + 100)

    async def test_staff_who_left_after_writing_cannot_acknowledge_it(self, world: World) -> None:
        concern_id = await world.raise_concern()
        heard = world.keys(SAM)
        jo = await world.staff_actor(JO)
        world.change_staff(JO, active=False)
        with pytest.raises(NotStaff):
            await do_acknowledge(world.uow(), jo, concern_id, call_me=False, now=world.now())
        assert world.concern(concern_id).state == "open"
        assert world.audited("concern.acknowledged") == []
        assert world.keys(SAM) == heard

    async def test_the_alert_buttons_carry_the_concern(self, world: World) -> None:
        concern_id = await world.raise_concern()
        [alert] = world.queued(JO)
        assert isinstance(alert.buttons, AlertButtons)
        assert alert.buttons.concern_id == concern_id
        assert alert.buttons.acknowledge
        assert alert.buttons.call_me
