"""What a young person's words come to, against the fake unit of work: one transaction for an
ordinary message, and a worry split over two messages heard as one even when each is handled
by a different unit of work (a different instance), because the message before is stored."""

from __future__ import annotations

from datetime import timedelta

from bot.content.render import render
from bot.content.safety_lexicon import load_lexicon
from bot.domain.actors import KnownYoungPerson
from bot.domain.ladder import ConcernState, Urgency
from bot.domain.profiles import CommunicationProfile
from bot.domain.safety.worry import Worry
from bot.services.choices import do_written_answer
from bot.services.hearing import SPLIT_WINDOW, Heard, do_hear
from bot.services.identity import writer_of
from bot.services.retention import do_forget_recent_words
from tests.unit.conftest import SAM, World

LEXICON = load_lexicon()


async def _sam(world: World) -> KnownYoungPerson:
    writer = await writer_of(world.uow(), SAM)
    assert isinstance(writer, KnownYoungPerson)
    return writer


async def _hear(world: World, text: str) -> Heard:
    return await do_hear(world.uow(), await _sam(world), text, lexicon=LEXICON, now=world.now())


class TestOrdinaryWords:
    async def test_hello_is_greeted_and_kept_for_the_next_message_only(self, world: World) -> None:
        assert await _hear(world, "hello") is Heard.GREETED
        assert world.keys(SAM)[-1] == "home"
        assert set(world.store.tables.recent_words) == {world.ids[SAM]}

    async def test_a_worry_split_over_two_messages_is_heard_as_one(self, world: World) -> None:
        assert await _hear(world, "i just want to") is Heard.OFFERED
        world.clock.advance(timedelta(seconds=30))
        assert await _hear(world, "die") is Heard.CONCERN
        [concern] = world.store.tables.concerns
        assert concern.words == "i just want to\ndie"
        # Part of a worry now: not kept to be joined to a third message.
        assert world.store.tables.recent_words == {}

    async def test_a_message_from_longer_ago_is_not_joined(self, world: World) -> None:
        await _hear(world, "i just want to")
        world.clock.advance(SPLIT_WINDOW + timedelta(seconds=1))
        assert await _hear(world, "die") is Heard.OFFERED
        assert world.store.tables.concerns == []

    async def test_kept_words_are_forgotten_once_too_old(self, world: World) -> None:
        await _hear(world, "hello")
        world.clock.advance(SPLIT_WINDOW + timedelta(seconds=1))
        await do_forget_recent_words(world.uow(), now=world.now())
        assert world.store.tables.recent_words == {}


class TestAnsweringAreYouSafeInWords:
    async def test_the_answer_is_left_to_its_own_service_and_nothing_is_committed_first(
        self, world: World
    ) -> None:
        unsure = Worry("words", Urgency.HIGH, "i am not safe lol", "unsafe", sure=False)
        concern_id = await world.raise_concern(unsure)
        assert world.concern(concern_id).state is ConcernState.ASKING
        commits = world.store.commits
        rendered = render(
            world.store.catalogue, "concern_ask", {"worker": "Jo", "name": "Sam"},
            CommunicationProfile(),
        )  # fmt: skip
        yes = next(b.label for b in rendered.buttons if b.key == "concern_safe")
        assert await _hear(world, yes) is Heard.CONCERN_ANSWER
        # The update must not be marked handled before the answer is stored.
        assert world.store.commits == commits
        assert await do_written_answer(world.uow(), SAM, yes, now=world.now())
        assert world.concern(concern_id).state is ConcernState.OPEN
