"""The escalation ladder on a controllable clock: every step, in and out of office hours, with
and without cover, on SQLite and PostgreSQL. Nobody waits in real time."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.errors import ConcernNotVisible, MayNotList
from bot.domain.ladder import CheckAnswer, Urgency
from bot.domain.profiles import CommunicationProfile
from bot.domain.safety.worry import Worry
from bot.services.concern_records import (
    CloseConcern,
    do_close_concern,
    do_list_concerns,
    do_show_concern,
)
from bot.services.concerns import do_answer_check
from bot.services.staff_words import profile_lines
from tests.integration.concern_world import (
    ASH,
    DEE,
    JO,
    LEE,
    MAX,
    OONA,
    PAT,
    SAM,
    SATURDAY,
    TUESDAY_EVENING,
    Hub,
    hub,
)

__all__ = ["hub"]


class TestInOfficeHours:
    async def test_worker_then_duty_then_manager_then_the_manager_again(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        assert await hub.alerted() == ["named_worker: Jo"]
        assert await hub.messages(SAM) == [
            "welcome", "concern_raised_no_words", "concern_helplines",
        ]  # fmt: skip
        assert await hub.tick(minutes=9) == 0
        assert await hub.tick(minutes=1) == 1
        assert await hub.alerted() == ["named_worker: Jo", "duty: Dee"]
        assert (await hub.keys(SAM))[-1] == "concern_passed_on"
        await hub.tick(minutes=10)
        await hub.tick(minutes=10)
        assert await hub.alerted() == [
            "named_worker: Jo", "duty: Dee", "manager: Max", "manager: Max",
        ]  # fmt: skip
        assert (await hub.keys(MAX)) == ["concern_alert_top", "concern_alert_top"]
        assert await hub.events(concern_id) == ["raised", *["notified"] * 4]

    async def test_the_alert_carries_the_words_and_two_buttons_on_the_safety_lane(
        self, hub: Hub
    ) -> None:
        worry = Worry("words", Urgency.HIGH, "i want to die tonight", "suicide")
        concern_id = await hub.raise_concern(worry)
        [alert] = [r for r in await hub.queued(JO) if r.message_key == "concern_alert"]
        assert alert.lane == 0
        assert "i want to die tonight" in alert.text
        assert hub.staff_words("category_suicide") in alert.text
        acknowledge, call_me = (
            hub.staff_words("button_acknowledge"),
            hub.staff_words("button_call_me"),
        )
        assert alert.reply_markup == {
            "inline_keyboard": [
                [{"text": acknowledge, "callback_data": f"a|{concern_id}|ack"}],
                [{"text": call_me, "callback_data": f"a|{concern_id}|call"}],
            ]
        }

    async def test_acknowledging_stops_the_ladder_and_tells_the_young_person(
        self, hub: Hub
    ) -> None:
        concern_id = await hub.raise_concern()
        await hub.tick(minutes=10)
        await hub.acknowledge(DEE, concern_id)
        assert (await hub.concern(concern_id)).state == "acknowledged"
        sam = await hub.queued(SAM)
        assert sam[-1].message_key == "concern_seen"
        assert sam[-1].text == hub.words("concern_seen", staff="Dee")[-1]
        assert await hub.tick(minutes=120) == 0
        assert await hub.alerted() == ["named_worker: Jo", "duty: Dee"]
        # Everyone alerted hears who has it; Dee, who has it, reads it about herself.
        assert (await hub.keys(JO))[-1] == "concern_taken"
        assert (await hub.keys(DEE))[-1] == "concern_taken_by_you"

    async def test_call_me_tells_the_young_person_they_will_be_phoned(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(JO, concern_id, call_me=True)
        [*_, told] = await hub.queued(SAM)
        assert told.message_key == "concern_call_me"
        assert told.text == hub.words("concern_call_me", staff="Jo")[-1]

    async def test_a_second_acknowledgement_is_told_who_has_it(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(JO, concern_id)
        await hub.acknowledge(MAX, concern_id)
        assert (await hub.keys(MAX))[-1] == "concern_already_taken"
        assert (await hub.concern(concern_id)).acknowledged_by == hub.ids[JO]

    async def test_staff_at_another_hub_cannot_acknowledge(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(ASH, concern_id)
        # Ash is at another hub: that is what Ash is told.
        assert (await hub.keys(ASH)) == ["concern_other_hub"]
        assert (await hub.concern(concern_id)).state == "open"

    async def test_no_duty_worker_goes_straight_to_a_manager(self, hub: Hub) -> None:
        await hub.staff(DEE, active=False)
        await hub.raise_concern()
        await hub.tick(minutes=10)
        assert await hub.alerted() == ["named_worker: Jo", "manager: Max"]

    async def test_other_urgencies_wait_an_hour_and_councils_choose_their_own(
        self, hub: Hub
    ) -> None:
        await hub.raise_concern(
            Worry("words", Urgency.MEDIUM, "people keep picking on me", "bullying")
        )
        assert await hub.tick(minutes=59) == 0
        assert await hub.tick(minutes=1) == 1
        await hub.council(minutes_high=3)
        await hub.raise_concern()
        assert await hub.tick(minutes=3) == 1


class TestOutOfHours:
    async def test_worker_then_duty_then_the_out_of_hours_team(self, hub: Hub) -> None:
        hub.clock.now = TUESDAY_EVENING
        await hub.council(out_of_hours_phone="0300 123 4567")
        await hub.raise_concern()
        await hub.tick(minutes=10)
        await hub.tick(minutes=10)
        assert await hub.alerted() == ["named_worker: Jo", "duty: Dee", "on_call: Oona"]
        sam = await hub.queued(SAM)
        assert "0300 123 4567" in next(
            r.text for r in sam if r.message_key == "concern_out_of_hours"
        )

    async def test_the_out_of_hours_team_can_see_and_take_it(self, hub: Hub) -> None:
        hub.clock.now = SATURDAY
        concern_id = await hub.raise_concern()
        await hub.tick(minutes=20)
        await hub.acknowledge(OONA, concern_id)
        assert (await hub.concern(concern_id)).acknowledged_by == hub.ids[OONA]

    async def test_a_council_can_have_on_call_told_first(self, hub: Hub) -> None:
        hub.clock.now = SATURDAY
        await hub.council(on_call_first=True)
        await hub.raise_concern()
        assert sorted(await hub.alerted()) == ["named_worker: Jo", "on_call: Oona"]
        await hub.tick(minutes=10)
        assert (await hub.alerted())[-1] == "manager: Max"

    async def test_without_an_out_of_hours_team_a_manager_is_told(self, hub: Hub) -> None:
        hub.clock.now = TUESDAY_EVENING
        await hub.staff(OONA, active=False)
        await hub.raise_concern()
        await hub.tick(minutes=10)
        await hub.tick(minutes=10)
        assert await hub.alerted() == ["named_worker: Jo", "duty: Dee", "manager: Max"]

    async def test_no_out_of_hours_line_in_office_hours(self, hub: Hub) -> None:
        await hub.council(out_of_hours_phone="0300 123 4567")
        await hub.raise_concern()
        assert "concern_out_of_hours" not in await hub.keys(SAM)


class TestCover:
    async def test_an_away_worker_passes_alerts_to_their_cover(self, hub: Hub) -> None:
        await hub.staff(JO, away=True, cover_id=hub.ids[LEE])
        await hub.raise_concern()
        assert await hub.alerted() == ["named_worker: Lee"]
        assert "concern_alert" not in await hub.keys(JO)

    async def test_away_without_cover_climbs_at_once(self, hub: Hub) -> None:
        await hub.staff(JO, away=True)
        await hub.raise_concern()
        assert await hub.alerted() == ["duty: Dee"]


class TestPoliceLiaison:
    @pytest.mark.parametrize(
        "category", ["missing", "sexual_exploitation", "criminal_exploitation", "exploitation"]
    )
    async def test_gets_a_summary_without_the_words_where_the_council_says(
        self, hub: Hub, category: str
    ) -> None:
        await hub.council(police_liaison=True)
        await hub.raise_concern(
            Worry("words", Urgency.HIGH, "they make me sell for them", category)
        )
        [summary] = await hub.queued(PAT)
        assert summary.message_key == "concern_police_summary"
        assert "sell" not in summary.text
        assert profile_lines(hub.catalogue, CommunicationProfile()) in summary.text

    async def test_also_when_the_worry_is_about_a_friend(self, hub: Hub) -> None:
        await hub.council(police_liaison=True)
        friend = Worry(
            "words",
            Urgency.HIGH,
            "my mate is made to sell",
            "other_child",
            harm="criminal_exploitation",
        )
        await hub.raise_concern(friend)
        [summary] = await hub.queued(PAT)
        friend_label, harm = (
            hub.staff_words(f"category_{c}") for c in ("other_child", "criminal_exploitation")
        )
        assert f"{friend_label}: {harm}" in summary.text

    async def test_not_unless_the_council_turns_it_on(self, hub: Hub) -> None:
        await hub.raise_concern(Worry("words", Urgency.HIGH, "im running away", "missing"))
        assert await hub.queued(PAT) == []

    async def test_not_for_other_categories(self, hub: Hub) -> None:
        await hub.council(police_liaison=True)
        await hub.raise_concern(Worry("words", Urgency.MEDIUM, "they laugh at me", "bullying"))
        assert await hub.queued(PAT) == []


class TestWhenUnsure:
    UNSURE = Worry("words", Urgency.LOW, "lol i could kill him", "other_child", sure=False)

    async def test_the_young_person_is_asked_first(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern(self.UNSURE)
        assert (await hub.keys(SAM))[-1] == "concern_check"
        assert await hub.alerted() == []
        assert (await hub.concern(concern_id)).words == "lol i could kill him"

    async def test_no_answer_in_their_processing_time_means_tell(self, hub: Hub) -> None:
        await hub.raise_concern(self.UNSURE)
        assert await hub.tick(minutes=9) == 0
        await hub.tick(minutes=1)
        assert await hub.alerted() == ["named_worker: Jo"]

    async def test_im_worried_tells_now(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern(self.UNSURE)
        await do_answer_check(hub.uow(), SAM, CheckAnswer.WORRIED, now=hub.clock())
        assert await hub.alerted() == ["named_worker: Jo"]
        assert (await hub.concern(concern_id)).urgency == "low"

    async def test_a_high_urgency_worry_waits_only_2_minutes_for_an_answer(self, hub: Hub) -> None:
        await hub.raise_concern(
            Worry("words", Urgency.HIGH, "got the pills", "suicide", sure=False)
        )
        assert await hub.tick(minutes=1) == 0
        await hub.tick(minutes=1)
        assert await hub.alerted() == ["named_worker: Jo"]

    async def test_im_ok_is_noted_and_never_alerts(self, hub: Hub) -> None:
        high = Worry("words", Urgency.HIGH, "not gonna kms lol", "suicide", sure=False)
        concern_id = await hub.raise_concern(high)
        await do_answer_check(hub.uow(), SAM, CheckAnswer.OK, now=hub.clock())
        assert (await hub.concern(concern_id)).state == "noted"
        assert "concern_check_ok" in await hub.keys(SAM)
        assert await hub.tick(minutes=60) == 0
        assert await hub.alerted() == []


FRIDAY_BEFORE_CLOSING = datetime.fromisoformat("2026-03-06T16:55:00+00:00")


class TestEdges:
    async def test_office_hours_until_midnight_still_store_and_alert(self, hub: Hub) -> None:
        await hub.council(office_opens_hour=0, office_closes_hour=24)
        concern_id = await hub.raise_concern()
        assert (await hub.concern(concern_id)).in_hours
        assert await hub.alerted() == ["named_worker: Jo"]

    async def test_a_concern_raised_before_closing_goes_out_of_hours_after(self, hub: Hub) -> None:
        hub.clock.now = FRIDAY_BEFORE_CLOSING
        await hub.raise_concern()
        await hub.tick(minutes=10)
        await hub.tick(minutes=10)
        assert await hub.alerted() == ["named_worker: Jo", "duty: Dee", "on_call: Oona"]

    async def test_nobody_at_the_top_goes_to_the_out_of_hours_team(self, hub: Hub) -> None:
        await hub.staff(DEE, active=False)
        await hub.staff(MAX, active=False)
        await hub.raise_concern()
        await hub.tick(minutes=10)
        assert await hub.alerted() == ["named_worker: Jo", "on_call: Oona"]

    async def test_with_nobody_anywhere_those_told_are_reminded(self, hub: Hub) -> None:
        for telegram_id in (DEE, MAX, OONA):
            await hub.staff(telegram_id, active=False)
        await hub.raise_concern()
        await hub.tick(minutes=10)
        await hub.tick(minutes=10)
        assert [name.split(": ")[1] for name in await hub.alerted()] == ["Jo", "Jo", "Jo"]

    async def test_words_too_long_for_telegram_are_cut_with_a_pointer(self, hub: Hub) -> None:
        words = "help " * 1000
        concern_id = await hub.raise_concern(Worry("words", Urgency.HIGH, words, "unsafe"))
        [alert] = [r for r in await hub.queued(JO) if r.message_key == "concern_alert"]
        assert len(alert.text) < 4096
        assert f"(the rest: /concern {concern_id})" in alert.text
        assert (await hub.concern(concern_id)).words == words

    async def test_only_those_who_need_the_words_can_read_them(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        for telegram_id in (PAT, LEE, ASH):
            actor = await hub.actor(telegram_id)
            with pytest.raises(ConcernNotVisible):
                await do_show_concern(hub.uow(), actor, concern_id, now=hub.clock())
        for telegram_id in (JO, DEE, MAX, OONA):
            actor = await hub.actor(telegram_id)
            shown = await do_show_concern(hub.uow(), actor, concern_id, now=hub.clock())
            assert shown.concern_id == concern_id, telegram_id
            assert "Sam" in shown.record

    async def test_the_out_of_hours_team_lists_the_whole_councils_concerns(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        for telegram_id in (OONA, MAX):
            lines = await do_list_concerns(
                hub.uow(), await hub.actor(telegram_id), now=hub.clock()
            )
            assert [(line.concern_id, line.first_name) for line in lines] == [(concern_id, "Sam")]
        with pytest.raises(MayNotList):
            await do_list_concerns(hub.uow(), await hub.actor(JO), now=hub.clock())

    async def test_a_worker_who_may_not_close_is_told_who_may(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(DEE, concern_id)
        await hub.as_staff(
            JO,
            lambda jo: do_close_concern(
                hub.uow(), jo, CloseConcern(concern_id, "Done."), now=hub.clock()
            ),
        )
        assert (await hub.keys(JO))[-1] == "concern_close_not_allowed"
        assert (await hub.concern(concern_id)).state == "acknowledged"

    async def test_a_closed_concern_cannot_be_acknowledged_again(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        max_ = await hub.actor(MAX)
        command = CloseConcern(concern_id, "Dealt with.")
        await do_close_concern(hub.uow(), max_, command, now=hub.clock())
        await hub.acknowledge(JO, concern_id)
        assert (await hub.concern(concern_id)).state == "closed"
        assert (await hub.keys(JO))[-1] == "concern_already_taken"
        assert "concern_seen" not in await hub.keys(SAM)


class TestAfterAcknowledging:
    async def test_whoever_has_it_is_reminded_a_day_later(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(JO, concern_id)
        assert await hub.tick(minutes=24 * 60 - 1) == 0
        assert await hub.tick(minutes=1) == 1
        assert (await hub.keys(JO))[-1] == "concern_follow_up"

    async def test_if_they_have_gone_away_it_climbs_again(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(JO, concern_id)
        await hub.staff(JO, away=True)
        await hub.tick(minutes=24 * 60)
        assert (await hub.concern(concern_id)).state == "open"
        assert (await hub.alerted())[-1] == "duty: Dee"


CHRISTMAS_MORNING = datetime.fromisoformat("2026-12-25T10:00:00+00:00")


async def test_a_bank_holiday_is_out_of_hours_all_day(hub: Hub) -> None:
    hub.clock.now = CHRISTMAS_MORNING  # a Friday
    concern_id = await hub.raise_concern()
    await hub.tick(minutes=10)
    await hub.tick(minutes=10)
    assert not (await hub.concern(concern_id)).in_hours
    assert await hub.alerted() == ["named_worker: Jo", "duty: Dee", "on_call: Oona"]
