"""What Waypoint does with words a young person writes, most important first.

A worry always comes first: the "I'm worried" button, words that sound worried (checked
against content/safety/lexicon.toml, together with the message before when a thought was
split over two messages), or the first words after tapping the button. Then a conversation
with their worker, an answer to an open choice, and finally a greeting.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.adapters.db.uow import SqlUnitOfWork
from bot.content.render import every_wording
from bot.domain.ladder import Urgency
from bot.domain.safety.detection import Detection, Lexicon, detect
from bot.services import concerns, profiles, talk


class Heard(StrEnum):
    """What came of a message."""

    CONCERN = "concern"
    WORDS_ADDED = "words_added"
    RELAYED = "relayed"
    CHOICE = "choice"
    NOTHING = "nothing"
    # A stranger who sounds worried: nothing is kept, but they are shown where to get help.
    STRANGER_WORRIED = "stranger_worried"


def worry_in(text: str, lexicon: Lexicon, before: str | None) -> Detection | None:
    """A worry in this message, or in this message read together with the one before."""
    found = detect(text, lexicon)
    if found is None and before:
        found = detect(f"{before}\n{text}", lexicon)
    return found


async def do_hear(
    uow: SqlUnitOfWork,
    telegram_user_id: int,
    text: str,
    *,
    lexicon: Lexicon,
    before: str | None = None,
    now: datetime,
) -> Heard:
    """Act on a young person's message; NOTHING means "greet them"."""
    async with uow:
        known = await uow.young_people.by_telegram_id(telegram_user_id) is not None
        button = text.strip() in every_wording(uow.postbox.catalogue, "button_worried")
    found = worry_in(text, lexicon, before)
    if not known:
        return Heard.STRANGER_WORRIED if found or button else Heard.NOTHING
    if button:
        worry = concerns.Worry("button", Urgency.HIGH)
    elif await concerns.do_add_words(uow, telegram_user_id, text, now=now):
        return Heard.WORDS_ADDED
    elif found is not None:
        # Keep both messages when it took both to hear the worry.
        words = f"{before}\n{text}" if before and detect(text, lexicon) is None else text
        worry = concerns.Worry(
            "words", Urgency(found.urgency.value), words, found.category.value, found.sure
        )
    else:
        return await _not_a_worry(uow, telegram_user_id, text, now)
    await concerns.do_raise_concern(uow, telegram_user_id, worry, now=now)
    return Heard.CONCERN


async def _not_a_worry(
    uow: SqlUnitOfWork, telegram_user_id: int, text: str, now: datetime
) -> Heard:
    if await talk.do_relay_to_worker(uow, telegram_user_id, text, now=now):
        return Heard.RELAYED
    if await profiles.do_written_answer(uow, telegram_user_id, text, now=now):
        return Heard.CHOICE
    return Heard.NOTHING
