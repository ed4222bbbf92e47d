"""What a red-team read of issue 9's change found, each now a test: words after the button,
worries that join an older concern, names told to the young person, damaged profiles, staff
who leave, young people who move hub, edits, and "nobody to tell" that goes on. On SQLite and
PostgreSQL, on a clock the test moves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.adapters.db.models import Concern, OutboxMessage, YoungPerson
from bot.content.safety_lexicon import load_lexicon
from bot.domain.ladder import Urgency
from bot.domain.people import Role
from bot.domain.safety.hearing import Detector
from bot.domain.safety.worry import Worry
from bot.services.concerns import do_add_words
from bot.services.hearing import Heard, do_hear
from bot.services.offboarding import do_leave, do_reassign
from bot.services.staff import NewStaff, do_add_staff
from tests.integration.concern_world import DEE, JO, LEE, MAX, OONA, PAT, SAM, Hub, hub

__all__ = ["hub"]
WORDS = "he hit me again and i am scared to go home"
SOL, SKY = 1701, 1702


async def _count(hub: Hub) -> int:
    async with hub.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Concern)) or 0)


async def _texts(hub: Hub, chat: int, key: str) -> list[str]:
    return [row.text for row in await hub.queued(chat) if row.message_key == key]


class TestWordsAfterTheButton:
    async def test_a_worry_written_after_the_tap_was_acknowledged_is_a_new_concern(
        self, hub: Hub
    ) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(MAX, concern_id)
        hub.clock.advance(timedelta(minutes=40))
        sam = await hub.young_person()
        heard = await do_hear(
            hub.uow(), sam, "i want to kill myself tonight", detector=Detector(load_lexicon()),
            now=hub.clock(),
        )  # fmt: skip
        assert heard is Heard.CONCERN
        assert await _count(hub) == 2
        assert (await hub.alerted())[-1] == "named_worker: Jo"

    async def test_plain_words_after_the_tap_reach_whoever_acknowledged_it(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        await hub.acknowledge(MAX, concern_id)
        assert await do_add_words(hub.uow(), SAM, WORDS, now=hub.clock())
        assert await _texts(hub, MAX, "concern_more_words")

    async def test_with_nobody_told_the_young_person_is_not_told_a_name(self, hub: Hub) -> None:
        for who in (JO, LEE, DEE, MAX, OONA):
            await hub.staff(who, active=False)
        await hub.raise_concern()
        assert await do_add_words(hub.uow(), SAM, WORDS, now=hub.clock())
        assert await _texts(hub, SAM, "talk_sent") == []

    async def test_tapping_again_names_who_was_really_told(self, hub: Hub) -> None:
        await hub.raise_concern()
        await hub.staff(JO, away=True, cover_id=hub.ids[LEE])
        await hub.raise_concern()
        [said] = await _texts(hub, SAM, "concern_already_told")
        assert "Jo" in said
        assert "Lee" not in said


class TestJoiningAnOlderConcern:
    async def test_a_worry_about_something_new_brings_helplines_and_police_liaison(
        self, hub: Hub
    ) -> None:
        await hub.council(police_liaison=True)
        first = await hub.raise_concern(
            Worry("words", Urgency.LOW, "they keep calling me names", "bullying")
        )
        helplines = len(await _texts(hub, SAM, "concern_helplines"))
        hub.clock.advance(timedelta(hours=5))
        second = await hub.raise_concern(
            Worry("words", Urgency.HIGH, "i am going to run away tonight with him", "missing")
        )
        assert first == second
        assert await hub.keys(PAT) == ["concern_police_summary"]
        assert len(await _texts(hub, SAM, "concern_helplines")) > helplines

    async def test_an_unsure_urgent_worry_joined_to_an_unsure_one_asks_for_two_minutes(
        self, hub: Hub
    ) -> None:
        first = await hub.raise_concern(
            Worry("words", Urgency.LOW, "maybe i should just run off lol", "missing", sure=False)
        )
        hub.clock.advance(timedelta(minutes=1))
        await hub.raise_concern(
            Worry("words", Urgency.HIGH, "not joking i might hurt myself", "self_harm", sure=False)
        )
        concern = await hub.concern(first)
        assert concern.next_step_at is not None
        assert concern.next_step_at - hub.clock() <= timedelta(minutes=2)
        assert concern.urgency == "high"


class TestDamagedProfile:
    async def test_a_damaged_profile_cannot_freeze_a_worry(self, hub: Hub) -> None:
        await hub.council(police_liaison=True)
        async with hub.uow() as uow:
            await uow.session.execute(
                update(YoungPerson).values(communication_profile={"level": "plain"})
            )
            await uow.commit()
        await hub.raise_concern(
            Worry("words", Urgency.HIGH, "i am running away tonight", "missing")
        )
        assert await hub.alerted() == ["named_worker: Jo"]
        assert await hub.keys(PAT) == ["concern_police_summary"]
        heard = await do_hear(
            hub.uow(),
            await hub.young_person(),
            "hello",
            detector=Detector(load_lexicon()),
            now=hub.clock(),
        )
        assert heard is Heard.GREETED


class TestStaffWhoLeaveOrMove:
    async def test_when_the_only_one_alerted_leaves_the_next_step_is_taken_at_once(
        self, hub: Hub
    ) -> None:
        await hub.staff(JO, away=True, cover_id=None)
        concern_id = await hub.raise_concern(
            Worry("words", Urgency.MEDIUM, "i dont feel safe at home", "unsafe")
        )
        assert await hub.alerted() == ["duty: Dee"]
        await do_leave(hub.uow(), DEE, now=hub.clock())
        due = (await hub.concern(concern_id)).next_step_at
        assert due is not None
        assert due <= hub.clock()
        await hub.tick()
        assert (await hub.alerted())[-1] == "manager: Max"

    async def test_a_young_persons_concerns_follow_them_to_their_new_hub(self, hub: Hub) -> None:
        for telegram_id, name, role in ((SOL, "Sol", Role.DUTY), (SKY, "Sky", Role.KEY_WORKER)):
            new = NewStaff(telegram_id, name, role, "Scarborough", "North Yorkshire", create=True)
            await do_add_staff(hub.uow(), new, now=hub.clock())
        concern_id = await hub.raise_concern(Worry("words", Urgency.HIGH, WORDS, "abuse"))
        async with hub.uow() as uow:
            sam = await uow.young_people.by_telegram_id(SAM)
            assert sam is not None
            sam_id = sam.id
        await do_reassign(hub.uow(), sam_id, to_worker=SKY, now=hub.clock())
        concern = await hub.concern(concern_id)
        assert concern.hub_id == (await hub.concern(concern_id)).young_person.hub_id
        await hub.tick()
        assert (await hub.alerted())[-1] == "duty: Sol"
        # A message to Sam that fails now goes to the new hub's duty, who may read it.
        [alert] = await _texts_rows(hub, JO, "concern_alert")
        await hub.blocked(alert.id)
        assert await _texts(hub, SOL, "safety_message_failed")
        assert await _texts(hub, DEE, "safety_message_failed") == []


async def _texts_rows(hub: Hub, chat: int, key: str) -> list[OutboxMessage]:
    return [row for row in await hub.queued(chat) if row.message_key == key]


class TestEdits:
    async def test_fixing_a_typo_in_an_acknowledged_worry_does_not_raise_it_again(
        self, hub: Hub
    ) -> None:
        detector = Detector(load_lexicon())
        sam = await hub.young_person()
        await do_hear(
            hub.uow(), sam, "i want to kil myself tonight", detector=detector, now=hub.clock(),
            message_id=77,
        )  # fmt: skip
        [concern] = [await hub.concern(1)]
        await hub.acknowledge(JO, concern.id)
        heard = await do_hear(
            hub.uow(), sam, "i want to kill myself tonight", detector=detector, now=hub.clock(),
            message_id=77, edited=True,
        )  # fmt: skip
        assert heard is Heard.WORDS_ADDED
        assert await _count(hub) == 1
        assert await hub.keys(JO) == [
            "young_person_joined", "concern_alert", "concern_taken_by_you",
            "concern_words_edited",
        ]  # fmt: skip
        assert "edited" in await hub.events(concern.id)

    async def test_an_edit_that_is_not_a_worry_is_left_alone(self, hub: Hub) -> None:
        before = await hub.keys(SAM)
        sam = await hub.young_person()
        heard = await do_hear(
            hub.uow(), sam, "hello again", detector=Detector(load_lexicon()), now=hub.clock(),
            message_id=5, edited=True,
        )  # fmt: skip
        assert heard is Heard.IGNORED
        assert await hub.keys(SAM) == before


class TestNobodyToTellGoesOn:
    async def test_it_is_recorded_once_while_it_lasts_and_loud_again_if_it_comes_back(
        self, hub: Hub
    ) -> None:
        await do_add_staff(
            hub.uow(), NewStaff(1601, "Ira", Role.OPERATOR, "Harrogate", "North Yorkshire"),
            now=hub.clock(),
        )  # fmt: skip
        for who in (JO, DEE, MAX, OONA):
            await hub.staff(who, active=False)
        concern_id = await hub.raise_concern()
        for _ in range(5):
            await hub.tick(minutes=1)
        assert (await hub.events(concern_id)).count("nobody_to_tell") == 1
        await hub.staff(DEE, active=True)
        await hub.tick(minutes=1)
        await hub.staff(DEE, active=False)
        await hub.tick(minutes=10)
        assert (await hub.events(concern_id)).count("nobody_to_tell") == 2
        assert await hub.keys(1601) == ["concern_nobody_operator"] * 2
        # The young person heard the truth once, then who had it.
        told = [r for r in await hub.queued(SAM) if r.message_key == "concern_nobody_yet"]
        assert [r.part for r in told] == [0, 1]  # one message, in two parts


async def test_a_failed_message_in_parts_goes_the_second_route_whole(hub: Hub) -> None:
    await hub.raise_concern(Worry("words", Urgency.HIGH, WORDS, "abuse"))
    parts = await _texts_rows(hub, SAM, "concern_helplines")
    assert [part.part for part in parts] == list(range(len(parts)))
    assert len(parts) > 1  # the helplines are more than 3 sentences, whatever their wording
    await hub.blocked(parts[0].id)
    [rerouted] = await _texts(hub, DEE, "safety_message_failed")
    assert all(part.text in rerouted for part in parts)
    states = [r.state for r in await _texts_rows(hub, SAM, "concern_helplines")]
    assert states == ["failed"] * len(parts)
