"""The conversation, not one line (issue 14): a young person's last few messages (up to 3, from
the last 5 minutes) are kept in the database, so a worry spread over several messages is heard
as one whichever instance handles each; words heard as part of a worry are forgotten, and the
minute tick sweeps the rest. On SQLite and PostgreSQL, on a clock the test moves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.adapters.db.models import Concern, RecentWords
from bot.content.safety_lexicon import load_lexicon
from bot.domain.safety.detection import detect
from bot.domain.safety.hearing import Detector
from bot.services.hearing import Heard, do_hear
from bot.services.retention import do_forget_recent_words
from tests.integration.concern_world import Hub, hub

__all__ = ["hub"]
LEXICON = load_lexicon()
DETECTOR = Detector(LEXICON)


async def _hear(hub: Hub, text: str) -> Heard:
    return await do_hear(
        hub.uow(), await hub.young_person(), text, detector=DETECTOR, now=hub.clock()
    )


async def _concerns(hub: Hub) -> list[Concern]:
    async with hub.uow() as uow:
        found = list(await uow.session.scalars(select(Concern).order_by(Concern.id)))
        uow.session.expunge_all()
        return found


async def _kept(hub: Hub) -> list[str]:
    async with hub.uow() as uow:
        rows = await uow.session.scalars(
            select(RecentWords).order_by(RecentWords.at, RecentWords.id)
        )
        return [row.words for row in rows]


async def test_a_worry_spread_over_four_messages_is_heard_as_one(hub: Hub) -> None:
    for said in ("i just", "want", "to"):
        assert detect(said, LEXICON) is None
        assert await _hear(hub, said) is not Heard.CONCERN
        hub.clock.advance(timedelta(minutes=1))
    assert await _hear(hub, "die") is Heard.CONCERN
    [concern] = await _concerns(hub)
    assert concern.words == "want\nto\ndie"
    # Part of a worry now: never joined to what they write next.
    assert await _kept(hub) == []


async def test_no_more_than_three_earlier_messages_are_kept(hub: Hub) -> None:
    for said in ("want", "to", "one", "two", "three"):
        await _hear(hub, said)
    assert await _kept(hub) == ["one", "two", "three"]
    assert await _hear(hub, "die") is not Heard.CONCERN
    assert await _concerns(hub) == []


async def test_nothing_older_than_five_minutes_is_joined_and_the_tick_sweeps_it(
    hub: Hub,
) -> None:
    await _hear(hub, "want")
    await _hear(hub, "to")
    hub.clock.advance(timedelta(minutes=5, seconds=1))
    await do_forget_recent_words(hub.uow(), now=hub.clock())
    assert await _kept(hub) == []
    assert await _hear(hub, "die") is not Heard.CONCERN
    assert await _concerns(hub) == []


async def test_words_older_than_five_minutes_are_never_joined_even_before_the_sweep(
    hub: Hub,
) -> None:
    for said in ("i just", "want", "to"):
        await _hear(hub, said)
    hub.clock.advance(timedelta(minutes=5, seconds=1))
    assert await _hear(hub, "die") is not Heard.CONCERN
    assert await _concerns(hub) == []
    # The newest message takes the place of the oldest: three kept at most, swept in time.
    assert await _kept(hub) == ["want", "to", "die"]
    hub.clock.advance(timedelta(minutes=5, seconds=1))
    await do_forget_recent_words(hub.uow(), now=hub.clock())
    assert await _kept(hub) == []
