"""A young person's answer to a choice, tapped or written (SL-7, SL-8): each kind of choice
goes to the service it belongs to.

"Something else" and "Help" end every choice, and each reaches a person: their worker is told
at once. A written answer is matched to the open question (else the home's choices) by its
number, by the words of a label as the young person reads it or in English, by a word only
one label has, and for a language by its name in Latin letters ("arabic").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime

from bot.content.catalogue import Catalogue
from bot.content.helplines import helpline_values
from bot.content.home_words import language_names, words_of
from bot.content.messages import BUTTON_PREFIX
from bot.content.render import render_line
from bot.domain.ladder import CheckAnswer, Urgency
from bot.domain.numbers import whole_number
from bot.domain.profiles import CommunicationProfile, Level, Replies
from bot.domain.safety.worry import Worry
from bot.services import kept_words, talk
from bot.services.concerns import do_answer_check, do_raise_concern
from bot.services.goal_answers import (
    MY_GOALS,
    choose_goal,
    is_goal_choice,
    show_goals,
    suggested_words,
    wants_words,
    written_goal_answer,
)
from bot.services.goal_answers import written_only as goal_written_only
from bot.services.home import HOME, PLANS, TALK, WORRIED, open_question
from bot.services.ladder_steps import CONCERN_CHECK, answering_name, who_answers
from bot.services.people import name_of, profile_of
from bot.services.ports import UnitOfWork
from bot.services.profiles import choose_own_setting
from bot.services.records import YoungPersonRecord
from bot.services.session_answers import (
    SESSIONS,
    choose_session,
    is_session_choice,
    show_sessions,
    written_only,
)

# The two buttons every choice ends with; each has a reply of the same name in content/, and
# each tells their worker (with these staff messages).
SOMETHING_ELSE, HELP = "something_else", "help"
_TELL_WORKER = {SOMETHING_ELSE: "young_person_something_else", HELP: "young_person_asked_help"}
ALWAYS = frozenset(_TELL_WORKER)
_LANGUAGE_BUTTON = "language_"


async def do_choose(
    uow: UnitOfWork,
    telegram_user_id: int,
    message_id: str,
    key: str,
    *,
    now: datetime,
    ref: int | None = None,
) -> bool:
    """A young person tapped (or wrote) a choice; False when it is not theirs to make. `ref`
    is what the question was about (a goal, a step), as the button or their row says."""
    if is_concern_answer(message_id, key):
        answer = _CHECK_ANSWERS[key]
        return await do_answer_check(uow, telegram_user_id, answer, now=now, ref=ref)
    if message_id == CONCERN_CHECK and key in ALWAYS:
        # Help or "Something else" is no "I'm OK": the worry goes to their worker now, as
        # "I'm worried" does, before the reply (it may be over already: no answer in time).
        await do_answer_check(uow, telegram_user_id, CheckAnswer.WORRIED, now=now)
    if (message_id, key) == (HOME, WORRIED):
        # The home's "I'm worried" is the button under the message box, tapped.
        worry = Worry("button", Urgency.HIGH)
        return await do_raise_concern(uow, telegram_user_id, worry, now=now) is not None
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None or not await choose(uow, person, message_id, key, now=now, ref=ref):
            return False
        await uow.commit()
        return True


# The buttons under "Are you OK?".
_CHECK_ANSWERS = {
    "concern_ok": CheckAnswer.OK,
    "concern_worried": CheckAnswer.WORRIED,
    "concern_talk": CheckAnswer.TALK,
}


def is_concern_answer(message_id: str, key: str) -> bool:
    """Whether this is an answer to "Are you OK?" (its own service)."""
    return message_id == CONCERN_CHECK and key in _CHECK_ANSWERS


def has_own_service(message_id: str, key: str) -> bool:
    """Whether this choice raises or answers a concern: that commits on its own, first."""
    return message_id == CONCERN_CHECK or (message_id, key) == (HOME, WORRIED)


async def choose(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    message_id: str,
    key: str,
    *,
    now: datetime,
    ref: int | None = None,
) -> bool:
    """In the caller's unit of work: act on any other choice (False if not theirs to make).
    An open "Are you OK?" stays open: only its own answers close it (a reminder's or a
    goal's buttons may be tapped meanwhile)."""
    asking = person.awaiting_choice == CONCERN_CHECK and message_id != CONCERN_CHECK
    person.awaiting_choice = None
    try:
        return await _choose(uow, person, message_id, key, now=now, ref=ref)
    finally:
        if asking:
            person.awaiting_choice = CONCERN_CHECK


async def _choose(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    message_id: str,
    key: str,
    *,
    now: datetime,
    ref: int | None,
) -> bool:
    if key in ALWAYS:
        await _reach_worker(uow, person, key, now=now)
        return True
    shows = _SHOWS.get((message_id, key))
    if shows is not None:
        await shows(uow, person, now=now)
        return True
    if is_goal_choice(message_id):
        return await choose_goal(uow, person, message_id, key, ref=ref, now=now)
    if is_session_choice(message_id):
        return await choose_session(uow, person, message_id, key, now=now, ref=ref)
    if message_id == kept_words.OFFER:
        return await kept_words.choose_kept(uow, person, key, now=now)
    return choose_own_setting(uow, person, message_id, key, now=now)


async def _show_plans(uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime) -> None:
    uow.postbox.to_young_person(person, PLANS, {}, now=now)


# Choices that only show something: the home's, and "My sessions and goals".
_SHOWS: dict[tuple[str, str], Callable[..., Awaitable[None]]] = {
    (HOME, TALK): talk.start_talk,
    (HOME, PLANS): _show_plans,
    (PLANS, SESSIONS): show_sessions,
    (PLANS, MY_GOALS): show_goals,
}


async def _reach_worker(
    uow: UnitOfWork, person: YoungPersonRecord, key: str, *, now: datetime
) -> None:
    """ "Something else" or "Help": whoever stands for their worker is told now; after
    "Something else" the young person's next words go to them too."""
    worker = await who_answers(uow, person) or person.key_worker
    name = {"name": person.first_name}
    uow.postbox.to_staff(worker, _TELL_WORKER[key], name, now=now, about=person)
    if key == SOMETHING_ELSE:
        talk.open_talk(person, now)
    values = {"worker": worker.name, **helpline_values()}
    uow.postbox.to_young_person(person, key, values, now=now)


def match_answer(
    names: Sequence[Sequence[str]],
    text: str,
    *,
    last: Collection[int] = (),
    numbered: bool = True,
    whole_only: Collection[int] = (),
) -> int | None:
    """Which choice a written answer means: its number (when the choices were shown
    `numbered`), all the words of one of its names, or a word only it has (never for the
    `whole_only` choices). `names` holds, per choice, every name it may be written as. A word
    several choices have is the one it begins, if only one does; if several still, the one
    that is not among the `last` choices (Help, "Something else"): Arabic "لا" is "No"."""
    answer = words_of(text)
    one = len(answer) == 1 and numbered
    number = whole_number(answer[0], low=1, high=len(names)) if one else None
    if number is not None:
        return number - 1
    named = [{" ".join(words_of(name)) for name in choice} for choice in names]
    exact = [i for i, choice in enumerate(named) if " ".join(answer) in choice]
    if exact:
        return exact[0]
    if len(answer) != 1:
        return None
    word = answer[0]
    having = [
        i
        for i, choice in enumerate(named)
        if i not in whole_only and any(word in n.split() for n in choice)
    ]
    if len(having) > 1:
        having = [i for i in having if any(n.split()[:1] == [word] for n in named[i])]
    if len(having) > 1:
        having = [i for i in having if i not in last]
    return having[0] if len(having) == 1 else None


def match_written_choice(labels: list[str], text: str) -> int | None:
    """Which of these labels a written answer means (see `match_answer`)."""
    return match_answer([[label] for label in labels], text)


async def written_choice(
    uow: UnitOfWork, person: YoungPersonRecord, text: str
) -> tuple[str, str] | None:
    """The (message id, button key) a written answer picks from the open question (the home's
    choices when none is open), if any."""
    message_id = open_question(person)
    # A choice's wording may name the young person or whoever stands for their worker (as
    # the home names them), nothing else.
    values = {"name": name_of(person), "worker": await answering_name(uow, person)}
    profile = profile_of(person)
    catalogue = uow.postbox.catalogue_for(person)
    # Only the buttons are read, never the whole message: its other values (a reminder's
    # time, a goal's words) are not needed to know which choice was meant.
    message = catalogue.message(message_id)
    buttons = (*message.buttons, *message.ends_with) if message.buttons else ()
    english = replace(profile, language="en")
    names = [
        _spellings(
            render_line(catalogue, BUTTON_PREFIX + key, values, profile),
            render_line(catalogue, BUTTON_PREFIX + key, values, english),
            *_language_names(key),
        )
        for key in buttons
    ]
    keyboard = bool(buttons) and profile.replies is Replies.BUTTONS
    keys = list(buttons)
    for key in (*written_only(message_id), *goal_written_only(message_id)):
        # Answers a question takes in words without a button for them ("I'll be late").
        names.append(sorted(_every_name(catalogue, BUTTON_PREFIX + key, profile)))
        keys.append(key)
    last = [i for i, key in enumerate(keys) if key in ALWAYS]
    # "I'm worried" is chosen in words only by its whole name: a word it shares with other
    # words (Arabic "أنا", "I") must never raise a concern. Numbers count only when the
    # choices were shown numbered (written replies), so a stray "2" chooses nothing.
    # Nor is "I'm OK": a bare "ok" (or "ok?") may be no more than "I have read it".
    worried = [
        i
        for i, key in enumerate(keys)
        if (message_id, key) in ((HOME, WORRIED), (CONCERN_CHECK, "concern_ok"))
    ]
    # Numbers count only for the choices shown numbered, never for an answer only written.
    shown_count = len(buttons)
    index = match_answer(names, text, last=last, numbered=not keyboard, whole_only=worried)
    if index is None or (index >= shown_count and text.strip().isdigit()):
        return None
    return message_id, keys[index]


def _spellings(*names: str) -> list[str]:
    """Each name once (matching reads "I'm OK" as "im ok" on both sides: `words_of`)."""
    return list(dict.fromkeys(names))


def _every_name(catalogue: Catalogue, label_id: str, profile: CommunicationProfile) -> set[str]:
    """A written-only answer's names: its words at both reading levels, in their language and
    in English ("I will be late", "I'll be late")."""
    return {
        render_line(catalogue, label_id, {}, replace(profile, language=language, level=level))
        for language in {profile.language, "en"}
        for level in Level
    }


def _language_names(key: str) -> frozenset[str]:
    """For a language button ("language_ar"), the language's names ("arabic", "العربية")."""
    if not key.startswith(_LANGUAGE_BUTTON):
        return frozenset()
    return language_names(key.removeprefix(_LANGUAGE_BUTTON))


async def do_written_answer(
    uow: UnitOfWork, telegram_user_id: int, text: str, *, now: datetime
) -> bool:
    """A young person wrote instead of tapping (SL-8): True if it answered the open choice
    (a goal they were asked to write counts: their words are the answer)."""
    async with uow.reading():
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None:
            return False
        if wants_words(person):
            chosen = None
        else:
            chosen = written_goal_answer(person, text) or await written_choice(uow, person, text)
        ref, writing = person.choice_ref, wants_words(person)
    if writing:
        return await _suggested(uow, telegram_user_id, text, now=now)
    if chosen is None:
        return False
    # A written answer is about whatever the open question was about.
    return await do_choose(uow, telegram_user_id, *chosen, now=now, ref=ref)


async def _suggested(uow: UnitOfWork, telegram_user_id: int, text: str, *, now: datetime) -> bool:
    async with uow:
        person = await uow.young_people.by_telegram_id(telegram_user_id)
        if person is None or not wants_words(person):
            return False
        person.awaiting_choice = None
        await suggested_words(uow, person, text, now=now)
        await uow.commit()
        return True
