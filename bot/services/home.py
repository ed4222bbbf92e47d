"""A young person's home: one short message with their few choices (at most 3 and Help).

It answers /start, /help, "hello" and anything like it (content/home_words.toml). Its
choices stay open whenever no other question is: `awaiting_choice` None means "the home",
so "1" or "talk to Jo" works after any message, and showing the home writes nothing to the
young person's row unless another question was open (the ordinary "hello" is the hot path).
"""

from __future__ import annotations

from datetime import datetime

from bot.services.ladder_steps import CONCERN_CHECK, answering_name
from bot.services.pausing import resume_if_paused
from bot.services.people import name_of
from bot.services.ports import UnitOfWork
from bot.services.records import YoungPersonRecord

HOME = "home"
# The home's own choices (besides Help), in content/messages/onboarding.toml [home]; "plans"
# opens "My sessions and goals" (content/messages/goals.toml [plans]).
TALK, WORRIED, PLANS = "talk", "worried", "plans"


async def show_home(
    uow: UnitOfWork, person: YoungPersonRecord, *, now: datetime, started: bool = False
) -> None:
    """In the caller's unit of work: their home message; `started` (/start) also ends a
    pause (/stop)."""
    # Writing to the bot means they have unblocked it.
    person.unreachable_since = None
    if started:
        await resume_if_paused(uow, person, now=now)
    asking = person.awaiting_choice == CONCERN_CHECK
    # "Talk to Jo" names whoever their words go to now (Jo's cover while Jo is away).
    values = {"name": name_of(person), "worker": await answering_name(uow, person)}
    uow.postbox.to_young_person(person, HOME, values, now=now)
    # The postbox marks the home as the open question; None says the same (see above). An
    # open "Are you OK?" stays open: the home never closes a question about a worry.
    person.awaiting_choice = CONCERN_CHECK if asking else None


def open_question(person: YoungPersonRecord) -> str:
    """The question a written answer answers: the one asked last, else the home's."""
    return person.awaiting_choice or HOME
