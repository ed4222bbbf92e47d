"""A young person's answer to a choice, tapped or written (SL-7, SL-8): each kind of choice
goes to the service it belongs to."""

from __future__ import annotations

import re
from datetime import datetime

from bot.content.helplines import helpline_values
from bot.content.render import render
from bot.domain.numbers import whole_number
from bot.services.concerns import do_answer_ask
from bot.services.people import name_of, profile_of
from bot.services.ports import UnitOfWork
from bot.services.profiles import choose_own_setting
from bot.services.records import YoungPersonRecord

# The two buttons every choice ends with; each has a reply of the same name in content/.
ALWAYS = frozenset({"something_else", "help"})


async def do_choose(
    uow: UnitOfWork, telegram_user_id: int, message_id: str, key: str, *, now: datetime
) -> bool:
    """A young person tapped (or wrote) a choice; False when it is not theirs to make."""
    if is_concern_answer(message_id, key):
        return await do_answer_ask(uow, telegram_user_id, tell=key == "concern_yes", now=now)
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None or not choose(uow, person, message_id, key, now=now):
            return False
        await uow.commit()
        return True


def is_concern_answer(message_id: str, key: str) -> bool:
    """Whether this is the answer to "Do you want Jo to know?" (its own service)."""
    return message_id == "concern_ask" and key in {"concern_yes", "concern_no"}


def choose(
    uow: UnitOfWork, person: YoungPersonRecord, message_id: str, key: str, *, now: datetime
) -> bool:
    """In the caller's unit of work: act on any other choice (False if not theirs to make)."""
    person.awaiting_choice = None
    if key in ALWAYS:
        values = {"worker": person.key_worker.name, **helpline_values()}
        uow.postbox.to_young_person(person, key, values, now=now)
        return True
    return choose_own_setting(uow, person, message_id, key, now=now)


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", text.casefold()).split()


def match_written_choice(labels: list[str], text: str) -> int | None:
    """Which choice a written answer means: its number, its words, or a word only it has."""
    answer = _words(text)
    number = whole_number(answer[0], low=1, high=len(labels)) if len(answer) == 1 else None
    if number is not None:
        return number - 1
    labelled = [_words(label) for label in labels]
    if answer in labelled:
        return labelled.index(answer)
    having = [i for i, words in enumerate(labelled) if len(answer) == 1 and answer[0] in words]
    return having[0] if len(having) == 1 else None


async def do_written_answer(
    uow: UnitOfWork, telegram_user_id: int, text: str, *, now: datetime
) -> bool:
    """A young person wrote instead of tapping (SL-8): True if it answered the open choice."""
    async with uow.reading():
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        chosen = written_choice(uow, person, text) if person is not None else None
    if chosen is None:
        return False
    return await do_choose(uow, telegram_user_id, *chosen, now=now)


def written_choice(
    uow: UnitOfWork, person: YoungPersonRecord, text: str
) -> tuple[str, str] | None:
    """The (message id, button key) a written answer picks from the open choice, if any."""
    message_id = person.awaiting_choice
    if message_id is None:
        return None
    # A choice's wording may name the young person or their worker, nothing else.
    values = {"name": name_of(person), "worker": person.key_worker.name}
    rendered = render(uow.postbox.catalogue, message_id, values, profile_of(person))
    index = match_written_choice([b.label for b in rendered.buttons], text)
    return None if index is None else (message_id, rendered.buttons[index].key)
