"""What Waypoint does with words a young person writes, most important first.

A worry always comes first: the "I'm worried" button, words that sound worried (heard by the
lexicon, content/safety/lexicon.toml, and the learned model, alone and together with the last
few messages when a thought was spread over several), or the first words after tapping the
button; while "Are you OK?" is open, its answer, else words that join the worry it asks
about. Then an answer to the question Waypoint asked last (it wins over a talk with their
worker: "1" answers /language), a talk with their worker, a greeting or "what can you do?"
(their home), one of the home's choices in words ("talk to Jo", "help"), and last anything
else: kept for their worker and offered to them (bot.services.kept_words). Nothing a young
person writes is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content.catalogue import Catalogue
from bot.content.home_words import home_words
from bot.content.render import every_wording, render_line
from bot.domain.actors import KnownYoungPerson
from bot.domain.ladder import Urgency
from bot.domain.safety.detection import Detection
from bot.domain.safety.hearing import Action, Detector, Verdict
from bot.domain.safety.worry import Category, Worry
from bot.services import choices, concerns, goal_answers, kept_words, talk
from bot.services.home import show_home
from bot.services.ladder_steps import CONCERN_CHECK
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import YoungPersonRecord


class Heard(StrEnum):
    """What came of a message."""

    CONCERN = "concern"
    WORDS_ADDED = "words_added"
    RELAYED = "relayed"
    CHOICE = "choice"
    # "Are you OK?" answered, or the home's "I'm worried" chosen, in words: the caller
    # passes it to its service (it commits a concern first).
    CONCERN_ANSWER = "concern_answer"
    # A greeting or "what can you do?": their home message.
    GREETED = "greeted"
    # Nothing Waypoint can act on: kept for their worker, and offered to send now.
    OFFERED = "offered"
    # No longer linked (since their message arrived): they are answered as anyone else.
    STRANGER = "stranger"
    # An edit that is neither a worry nor part of one: it was answered when first sent.
    IGNORED = "ignored"


def worry_in(text: str, detector: Detector, earlier: Sequence[str]) -> tuple[Verdict, str]:
    """The strongest verdict on this message, heard alone, then joined with the last one, two
    or three before it (newest last); and the words that hold it (alone wins a tie)."""
    return detector.hear_with_earlier(text, earlier)


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


# A thought spread over a few messages is heard as one: up to this many earlier messages,
# each from the last few minutes, are heard with the newest (never logged; swept each minute).
EARLIER_KEPT = 3
CONVERSATION_WINDOW = timedelta(minutes=5)


async def do_hear(
    uow: UnitOfWork,
    actor: KnownYoungPerson,
    text: str,
    *,
    detector: Detector,
    now: datetime,
    message_id: int | None = None,
    edited: bool = False,
    answers: bool = True,
) -> Heard:
    """Act on a young person's message, in one transaction unless it is a worry.

    With `answers` False the words are not read as an answer to any question: for words
    heard as an answer that its service then could not take (the question closed meanwhile).

    An edited message is heard for worries only: an edit of a message that was part of a
    concern adds its new wording to that concern; any other edit that is not a worry is
    left alone (it was answered when it was first sent).
    """
    if edited and (heard := await _an_edit(uow, actor, text, message_id, now)) is not None:
        return heard
    async with uow:
        person = await uow.young_people.get(actor.young_person_id)
        if person is None:
            return Heard.STRANGER
        # Their council's phrases too, when its safeguarding leads approved some (held in
        # memory: no query; the worker's hub is loaded with the young person).
        detector = uow.detectors.for_council(person.key_worker.hub.council_id, detector)
        earlier = await uow.recent_words.earlier(person.id, since=now - CONVERSATION_WINDOW)
        button = is_worried_button(uow.postbox.catalogue_for(person), person, text)
        verdict, words = worry_in(text, detector, earlier)
        if verdict.only_learned and await choices.written_choice(uow, person, text) is not None:
            # A choice written out whole ("help", "talk to Jo") is that choice: the learned
            # layer, which learned such words from calls for help, would make every one a
            # check. The lexicon still hears it.
            detector = detector.lexicon_only()
            verdict, words = worry_in(text, detector, earlier)
        verdict = await _with_the_check(uow, person, detector, verdict, words)
        found = verdict.detection if verdict.action is not Action.NONE else None
        if not (button or found):
            if edited:
                return Heard.IGNORED
            heard = await _not_a_worry(
                uow, person, text, now=now, message_id=message_id, answers=answers
            )
            if heard is Heard.CONCERN_ANSWER:
                # Its service makes the first commit, so the update is not marked handled
                # before the answer is stored.
                return heard
            if heard is Heard.WORDS_ADDED:
                # Part of a worry now: never heard again with what they write next.
                await uow.recent_words.forget(person.id)
            else:
                # Kept for the next few messages only, and never once heard as part of a worry.
                await uow.recent_words.keep(person.id, text, at=now, most=EARLIER_KEPT)
            await uow.commit()
            return heard
        # A worry: nothing is committed here. The first commit marks the update handled, so
        # it must be the one that stores the concern (do_raise_concern, which also forgets
        # the messages before: they are part of this worry now, or not part of any).
    if button:
        worry = Worry("button", Urgency.HIGH, message_id=message_id)
    else:
        # A worry is always heard as one: it joins a concern still waiting, or raises its own.
        # Only what the lexicon is sure of alerts at once; anything else asks "Are you OK?".
        category, harm = _about(found) or (None, None)
        urgency = found.urgency if found else Urgency.HIGH
        sure = verdict.action is Action.ALERT
        worry = Worry("words", urgency, words, category, sure, harm, message_id)
    await concerns.do_raise_concern(uow, actor.telegram_user_id, worry, now=now)
    return Heard.CONCERN


async def _an_edit(
    uow: UnitOfWork, actor: KnownYoungPerson, text: str, message_id: int | None, now: datetime
) -> Heard | None:
    """What an edit comes to before it is heard afresh: an edited command ("/worried" to
    "/worried now") is neither run again nor words; new wording of a message in a concern
    staff were told of joins that concern."""
    if text.lstrip().startswith("/"):
        return Heard.IGNORED
    if message_id is not None and await concerns.do_note_edit(
        uow, actor.telegram_user_id, message_id, text, now=now
    ):
        return Heard.WORDS_ADDED
    return None


async def _with_the_check(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    detector: Detector,
    verdict: Verdict,
    words: str,
) -> Verdict:
    """While "Are you OK?" is open, the words it asks about are the conversation too: if they
    make this message a sure worry ("i just want to", then "die"), it alerts now, never waits.
    So does a message that may be a worry on its own, or "no" ("not really"): both answer
    the question, and the worker hears now. The words stay this message's: the concern holds the
    ones before."""
    if verdict.action is Action.ALERT or person.awaiting_choice != CONCERN_CHECK:
        return verdict
    asking = await uow.concerns.asking(person.id)
    if asking is None:
        return verdict
    if verdict.action is Action.ASK:
        return Verdict(Action.ALERT, verdict.detection, verdict.guess)
    if home_words().says_not_ok(words):
        not_ok = Detection(Category.HELP, Urgency(asking.urgency), sure=True, harm=Category.HELP)
        return Verdict(Action.ALERT, not_ok)
    if not asking.words:
        return verdict
    joined = detector.hear(f"{asking.words}\n{words}")
    return joined if joined.action is Action.ALERT else verdict


async def _not_a_worry(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    text: str,
    *,
    now: datetime,
    message_id: int | None,
    answers: bool = True,
) -> Heard:
    """In the open unit of work: the first words after the button, an answer to the question
    asked, talk with their worker, their home, a home choice, else offered to their worker."""
    if heard := await _for_a_worry(uow, person, text, now, message_id, answers=answers):
        return heard
    asked = person.awaiting_choice is not None
    if answers and asked and (heard := await _answer(uow, person, text, now)) is not None:
        return heard
    if await talk.relay_to_worker(uow, person, text, now=now):
        return Heard.RELAYED
    if home_words().ask_for_home(text):
        await show_home(uow, person, now=now)
        return Heard.GREETED
    if answers and not asked and (heard := await _answer(uow, person, text, now)) is not None:
        return heard
    await kept_words.offer(uow, person, text, now=now)
    return Heard.OFFERED


async def _for_a_worry(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    text: str,
    now: datetime,
    message_id: int | None,
    *,
    answers: bool,
) -> Heard | None:
    """The first words after "I'm worried"; or while "Are you OK?" is open, an answer,
    else words that join the worry it asks about. None once it is over (answered, or no
    answer in time): then it is no question at all."""
    if await concerns.add_words_to_waiting(uow, person, text, now=now, message_id=message_id):
        return Heard.WORDS_ADDED
    if person.awaiting_choice != CONCERN_CHECK:
        return None
    if answers and (heard := await _answer(uow, person, text, now)) is not None:
        return heard
    if await concerns.add_words_to_asking(uow, person, text, now=now, message_id=message_id):
        return Heard.WORDS_ADDED
    person.awaiting_choice = None
    return None


async def _answer(
    uow: UnitOfWork, person: YoungPersonRecord, text: str, now: datetime
) -> Heard | None:
    """The words as an answer to the open question (the home's when none is), if they are."""
    if goal_answers.wants_words(person):
        # The goal they were asked to write: their words are the answer, read back to them.
        person.awaiting_choice = None
        await goal_answers.suggested_words(uow, person, text, now=now)
        return Heard.CHOICE
    chosen = goal_answers.written_goal_answer(person, text) or await choices.written_choice(
        uow, person, text
    )
    if chosen is None:
        return None
    if choices.has_own_service(*chosen):
        return Heard.CONCERN_ANSWER
    # A written answer is about whatever the open question was about (a goal's number).
    waiting, ref = person.awaiting_choice, person.choice_ref
    if await choices.choose(uow, person, *chosen, now=now, ref=ref):
        return Heard.CHOICE
    person.awaiting_choice = waiting  # not theirs to make: the choice stays open
    return None


def sounds_worried(text: str, detector: Detector) -> bool:
    """Whether words from someone Waypoint does not know sound worried (nothing is kept)."""
    verdict, _ = worry_in(text, detector, ())
    return verdict.action is not Action.NONE
