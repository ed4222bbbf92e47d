"""What a young person's words come to, against the fake unit of work: one transaction for an
ordinary message, and a worry spread over a few messages heard as one even when each is
handled by a different unit of work (a different instance), because the messages before are
stored; words only the learned model hears ask "Are you OK?" first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.content.render import render
from bot.content.safety_lexicon import load_lexicon
from bot.domain.actors import KnownYoungPerson
from bot.domain.ladder import CheckAnswer, ConcernState, Urgency
from bot.domain.profiles import CommunicationProfile
from bot.domain.safety.detection import detect
from bot.domain.safety.hearing import Detector
from bot.domain.safety.learned import Model
from bot.domain.safety.worry import Category, Worry
from bot.services.choices import do_written_answer
from bot.services.concerns import do_answer_check
from bot.services.hearing import CONVERSATION_WINDOW, Heard, do_hear
from bot.services.identity import writer_of
from bot.services.retention import do_forget_recent_words
from tests.unit.conftest import JO, SAM, World

LEXICON = load_lexicon()
DETECTOR = Detector(LEXICON)
# A made-up word the lexicon has never seen, and a model that hears it as a call for help.
UNHEARD = "blorptastic"
MODEL = Model(
    classes=("none", "help"),
    weights={f"w {UNHEARD}": (1.0, (-5.0, 5.0))},
    intercepts=(2.0, -2.0),
    ask_at=0.5,
    approved=True,
    data_sha256="test",
)


async def _sam(world: World) -> KnownYoungPerson:
    writer = await writer_of(world.uow(), SAM)
    assert isinstance(writer, KnownYoungPerson)
    return writer


async def _hear(world: World, text: str, detector: Detector = DETECTOR) -> Heard:
    return await do_hear(world.uow(), await _sam(world), text, detector=detector, now=world.now())


def _kept(world: World) -> list[str]:
    return [words for words, _ in world.store.tables.recent_words.get(world.ids[SAM], [])]


class TestOrdinaryWords:
    async def test_hello_is_greeted_and_kept_for_the_next_few_messages(self, world: World) -> None:
        assert await _hear(world, "hello") is Heard.GREETED
        assert world.keys(SAM)[-1] == "home"
        assert _kept(world) == ["hello"]

    async def test_a_worry_split_over_two_messages_is_heard_as_one(self, world: World) -> None:
        assert await _hear(world, "i just want to") is Heard.OFFERED
        world.clock.advance(timedelta(seconds=30))
        assert await _hear(world, "die") is Heard.CONCERN
        [concern] = world.store.tables.concerns
        assert concern.words == "i just want to\ndie"
        # Part of a worry now: not kept to be joined to a third message.
        assert _kept(world) == []

    async def test_a_worry_spread_over_four_messages_is_heard_as_one(self, world: World) -> None:
        for said in ("i just", "want", "to"):
            assert detect(said, LEXICON) is None
            assert await _hear(world, said) is not Heard.CONCERN
            world.clock.advance(timedelta(minutes=1))
        assert await _hear(world, "die") is Heard.CONCERN
        [concern] = world.store.tables.concerns
        # Only as much of the conversation as holds the worry goes with it.
        assert concern.words == "want\nto\ndie"
        assert _kept(world) == []

    async def test_no_more_than_three_earlier_messages_are_kept(self, world: World) -> None:
        for said in ("want", "to", "one", "two", "three"):
            await _hear(world, said)
        assert _kept(world) == ["one", "two", "three"]
        assert await _hear(world, "die") is not Heard.CONCERN
        assert world.store.tables.concerns == []

    async def test_only_messages_from_the_last_five_minutes_are_joined(self, world: World) -> None:
        await _hear(world, "want")
        world.clock.advance(timedelta(minutes=3))
        await _hear(world, "to")
        world.clock.advance(timedelta(minutes=2, seconds=1))
        # "want" is now over five minutes old: "to die" alone is no worry.
        assert detect("to\ndie", LEXICON) is None
        assert await _hear(world, "die") is not Heard.CONCERN
        assert world.store.tables.concerns == []

    async def test_a_message_from_longer_ago_is_not_joined(self, world: World) -> None:
        await _hear(world, "i just want to")
        world.clock.advance(CONVERSATION_WINDOW + timedelta(seconds=1))
        assert await _hear(world, "die") is Heard.OFFERED
        assert world.store.tables.concerns == []

    async def test_kept_words_are_forgotten_once_too_old(self, world: World) -> None:
        await _hear(world, "hello")
        world.clock.advance(CONVERSATION_WINDOW + timedelta(seconds=1))
        await do_forget_recent_words(world.uow(), now=world.now())
        assert world.store.tables.recent_words == {}


class TestWhatOnlyTheModelHears:
    async def test_words_only_the_model_hears_ask_are_you_ok_at_low_urgency(
        self, world: World
    ) -> None:
        said = f"feeling {UNHEARD} today"
        assert detect(said, LEXICON) is None
        assert MODEL.guess(said).worry >= MODEL.ask_at
        assert await _hear(world, said, Detector(LEXICON, MODEL)) is Heard.CONCERN
        [concern] = world.store.tables.concerns
        assert (concern.state, concern.urgency) == (ConcernState.ASKING, Urgency.LOW)
        assert concern.category == Category.HELP
        assert world.keys(SAM) == ["concern_check"]
        assert world.keys(JO) == []

    async def test_another_message_that_may_be_a_worry_answers_the_check_and_tells_jo_now(
        self, world: World
    ) -> None:
        detector = Detector(LEXICON, MODEL)
        await _hear(world, f"feeling {UNHEARD}", detector)
        assert await _hear(world, f"still {UNHEARD}", detector) is Heard.CONCERN
        [concern] = world.store.tables.concerns
        assert (concern.state, concern.urgency) == (ConcernState.OPEN, Urgency.LOW)
        assert world.keys(JO) == ["concern_alert"]

    @pytest.mark.parametrize("written", ["no", "Not really.", "nah", "im not ok", "لا"])
    async def test_no_to_the_check_tells_jo_now(self, world: World, written: str) -> None:
        await _hear(world, f"feeling {UNHEARD}", Detector(LEXICON, MODEL))
        assert await _hear(world, written, Detector(LEXICON, MODEL)) is Heard.CONCERN
        [concern] = world.store.tables.concerns
        assert concern.state == ConcernState.OPEN
        assert world.keys(JO) == ["concern_alert"]

    @pytest.mark.parametrize("written", ["ok", "ok?", "OK 👍", "fine"])
    async def test_a_bare_ok_is_no_answer_it_joins_the_words_and_asks_again(
        self, world: World, written: str
    ) -> None:
        await _hear(world, f"feeling {UNHEARD}", Detector(LEXICON, MODEL))
        assert await _hear(world, written, Detector(LEXICON, MODEL)) is Heard.WORDS_ADDED
        [concern] = world.store.tables.concerns
        assert concern.state == ConcernState.ASKING
        assert world.keys(SAM) == ["concern_check", "concern_check_words"]
        assert world.keys(JO) == []

    async def test_i_m_ok_from_an_older_check_never_silences_a_newer_one(
        self, world: World
    ) -> None:
        await _hear(world, f"feeling {UNHEARD}", Detector(LEXICON, MODEL))
        [concern] = world.store.tables.concerns
        stale = concern.id + 1000
        ok = CheckAnswer.OK
        assert not await do_answer_check(world.uow(), SAM, ok, now=world.now(), ref=stale)
        assert world.concern(concern.id).state is ConcernState.ASKING
        assert await do_answer_check(world.uow(), SAM, ok, now=world.now(), ref=concern.id)
        assert world.concern(concern.id).state is ConcernState.NOTED

    async def test_an_edit_that_makes_the_checked_words_a_sure_worry_alerts_now(
        self, world: World
    ) -> None:
        sam = await _sam(world)
        detector = Detector(LEXICON, MODEL)
        await do_hear(
            world.uow(), sam, f"feeling {UNHEARD}", detector=detector, now=world.now(),
            message_id=77,
        )  # fmt: skip
        heard = await do_hear(
            world.uow(), sam, "i want to kill myself", detector=detector, now=world.now(),
            message_id=77, edited=True,
        )  # fmt: skip
        assert heard is Heard.CONCERN
        [concern] = world.store.tables.concerns
        assert (concern.state, concern.urgency) == (ConcernState.OPEN, Urgency.HIGH)
        assert world.keys(JO) == ["concern_alert"]

    async def test_words_that_make_the_checked_ones_a_sure_worry_alert_now(
        self, world: World
    ) -> None:
        detector = Detector(LEXICON, MODEL)
        await _hear(world, f"{UNHEARD} i just want to", detector)
        assert detect("die", LEXICON) is None
        assert await _hear(world, "die", detector) is Heard.CONCERN
        [concern] = world.store.tables.concerns
        assert concern.state == ConcernState.OPEN
        assert world.keys(JO) == ["concern_alert"]

    async def test_a_sure_worry_joining_the_check_raises_its_urgency(self, world: World) -> None:
        detector = Detector(LEXICON, MODEL)
        await _hear(world, f"{UNHEARD} i just want to", detector)
        await _hear(world, "die", detector)
        [concern] = world.store.tables.concerns
        assert concern.urgency == Urgency.HIGH

    async def test_without_the_model_the_same_words_are_no_worry(self, world: World) -> None:
        assert await _hear(world, f"feeling {UNHEARD} today") is not Heard.CONCERN
        assert world.store.tables.concerns == []


class TestAnsweringAreYouOkInWords:
    async def test_the_answer_is_left_to_its_own_service_and_nothing_is_committed_first(
        self, world: World
    ) -> None:
        unsure = Worry("words", Urgency.HIGH, "i am not safe lol", "unsafe", sure=False)
        concern_id = await world.raise_concern(unsure)
        assert world.concern(concern_id).state is ConcernState.ASKING
        commits = world.store.commits
        rendered = render(
            world.store.catalogue, "concern_check", {"worker": "Jo", "name": "Sam"},
            CommunicationProfile(),
        )  # fmt: skip
        ok = next(b.label for b in rendered.buttons if b.key == "concern_ok")
        assert await _hear(world, ok) is Heard.CONCERN_ANSWER
        # The update must not be marked handled before the answer is stored.
        assert world.store.commits == commits
        assert await do_written_answer(world.uow(), SAM, ok, now=world.now())
        assert world.concern(concern_id).state is ConcernState.NOTED

    async def test_the_words_of_the_worried_button_alert_at_once_as_the_button_does(
        self, world: World
    ) -> None:
        unsure = Worry("words", Urgency.LOW, "i am not safe lol", "unsafe", sure=False)
        concern_id = await world.raise_concern(unsure)
        worried = world.store.catalogue.text("button_worried")
        assert await _hear(world, worried) is Heard.CONCERN
        assert world.concern(concern_id).state is ConcernState.OPEN
        assert world.keys(JO) == ["concern_alert"]

    @pytest.mark.parametrize(
        ("written", "state"),
        [
            ("im ok", ConcernState.NOTED),
            ("worried", ConcernState.OPEN),
            ("talk to jo", ConcernState.OPEN),
        ],
    )
    async def test_the_check_is_answered_in_words_too(
        self, world: World, written: str, state: ConcernState
    ) -> None:
        unsure = Worry("words", Urgency.LOW, "i am not safe lol", "unsafe", sure=False)
        concern_id = await world.raise_concern(unsure)
        assert await _hear(world, written) is Heard.CONCERN_ANSWER
        assert await do_written_answer(world.uow(), SAM, written, now=world.now())
        assert world.concern(concern_id).state is state


class TestHowLongTheCheckWaits:
    @pytest.mark.parametrize(("minutes", "waits"), [(10, 10), (30, 30), (1440, 30)])
    async def test_the_processing_time_but_never_more_than_half_an_hour(
        self, world: World, minutes: int, waits: int
    ) -> None:
        [person] = world.store.tables.young_people
        person.communication_profile = {"processing_minutes": minutes}
        started = world.now()
        await _hear(world, f"feeling {UNHEARD}", Detector(LEXICON, MODEL))
        [concern] = world.store.tables.concerns
        assert concern.next_step_at == started + timedelta(minutes=waits)
