"""What Waypoint does with words a young person writes, most important first.

A worry always comes first: the "I'm worried" button, words that sound worried (checked
against content/safety/lexicon.toml, together with the message before when a thought was
split over two messages), or the first words after tapping the button. Then a conversation
with their worker, an answer to an open choice, and finally a greeting.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.content.catalogue import Catalogue
from bot.content.render import every_wording, render_line
from bot.domain.ladder import Urgency
from bot.domain.safety.detection import Detection, detect
from bot.domain.safety.lexicon import Lexicon
from bot.domain.safety.worry import Worry
from bot.services import choices, concerns, talk
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import YoungPersonRecord


class Heard(StrEnum):
    """What came of a message."""

    CONCERN = "concern"
    WORDS_ADDED = "words_added"
    RELAYED = "relayed"
    CHOICE = "choice"
    NOTHING = "nothing"
    # Someone Waypoint does not know: they get the stranger's reply, and nothing is kept.
    STRANGER = "stranger"
    # A stranger who sounds worried: nothing is kept, but they are shown where to get help.
    STRANGER_WORRIED = "stranger_worried"
    # An edit that is neither a worry nor part of one: it was answered when first sent.
    IGNORED = "ignored"


def worry_in(text: str, lexicon: Lexicon, before: str | None) -> tuple[Detection | None, str]:
    """A worry in this message, or in it read together with the one before; and the words
    that hold it (both messages when it took both)."""
    found = detect(text, lexicon)
    if found is None and before:
        joined = f"{before}\n{text}"
        found = detect(joined, lexicon)
        if found is not None:
            return found, joined
    return found, text


def is_worried_button(catalogue: Catalogue, person: YoungPersonRecord | None, text: str) -> bool:
    """The text of the "I'm worried" button, in any language, or as this young person sees
    it (their own words and pictures)."""
    tapped = text.strip()
    if tapped in every_wording(catalogue, "button_worried"):
        return True
    if person is None:
        return False
    return tapped == render_line(catalogue, "button_worried", {}, profile_of(person))


def _about(found: Detection | None) -> tuple[str, str | None] | None:
    """The category, and for a worry about a friend what the worry is."""
    if found is None:
        return None
    harm = found.harm.value if found.harm and found.harm != found.category else None
    return found.category.value, harm


async def do_hear(
    uow: UnitOfWork,
    telegram_user_id: int,
    text: str,
    *,
    lexicon: Lexicon,
    before: str | None = None,
    now: datetime,
    message_id: int | None = None,
    edited: bool = False,
) -> Heard:
    """Act on a young person's message; NOTHING means "greet them".

    An edited message is heard for worries only: an edit of a message that was part of a
    concern adds its new wording to that concern; any other edit that is not a worry is
    left alone (it was answered when it was first sent).
    """
    if (
        edited
        and message_id is not None
        and await concerns.do_note_edit(uow, telegram_user_id, message_id, text, now=now)
    ):
        return Heard.WORDS_ADDED
    async with uow.reading():
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        button = is_worried_button(uow.postbox.catalogue, person, text)
        # Only ask the services that can apply: most messages are neither.
        talking = person is not None and talk.is_talking(person, now)
        choosing = person is not None and person.awaiting_choice is not None
    found, words = worry_in(text, lexicon, before)
    if person is None:
        return Heard.STRANGER_WORRIED if found or button else Heard.STRANGER
    if button:
        worry = Worry("button", Urgency.HIGH, message_id=message_id)
    elif found is not None:
        # A worry is always heard as one: it joins a concern still waiting, or raises its own.
        category, harm = _about(found) or (None, None)
        worry = Worry("words", found.urgency, words, category, found.sure, harm, message_id)
    elif edited:
        return Heard.IGNORED
    elif await concerns.do_add_words(uow, telegram_user_id, text, now=now, message_id=message_id):
        return Heard.WORDS_ADDED
    else:
        return await _not_a_worry(
            uow, telegram_user_id, text, now=now, talking=talking, choosing=choosing
        )
    await concerns.do_raise_concern(uow, telegram_user_id, worry, now=now)
    return Heard.CONCERN


async def _not_a_worry(
    uow: UnitOfWork,
    telegram_user_id: int,
    text: str,
    *,
    now: datetime,
    talking: bool,
    choosing: bool,
) -> Heard:
    if talking and await talk.do_relay_to_worker(uow, telegram_user_id, text, now=now):
        return Heard.RELAYED
    if choosing and await choices.do_written_answer(uow, telegram_user_id, text, now=now):
        return Heard.CHOICE
    return Heard.NOTHING
