"""The studio's safety words (issue 16): a council's safeguarding leads propose phrases for the
worrying-words lexicon and labelled examples for the learned layer, and approve them.

Every command names a typed actor (`KnownStaff`), checks `may_change_safety_words` against
the staff record as it is now (a therapist and everyone else may look, never change), works
on the actor's own council only, and is audited (ids and action names, never the words). A
phrase is checked by the lexicon's own rules before it is stored, so a bad one never reaches
a detector. An approved phrase is heard for the council's young people at once on this
instance (others at their next tick: bot.services.safety_words_refresh); an approved example
waits for `waypoint safety examples export` and `waypoint safety train`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.content.safety_examples import WORRY
from bot.domain.access import may_change_safety_words, may_use_studio
from bot.domain.actors import KnownStaff
from bot.domain.errors import WaypointError
from bot.domain.organisations import slugify
from bot.domain.people import Role
from bot.domain.safety.additions import (
    Addition,
    PhraseRefused,
    SafetyWordKind,
    checked_phrase,
)
from bot.domain.safety.learned import LEARNED_CATEGORIES, NONE
from bot.domain.safety.lexicon import LexiconError
from bot.domain.wording import WordingStatus
from bot.services.identity import staff_record
from bot.services.ports import NewSafetyWord, UnitOfWork
from bot.services.records import SafetyWordRecord
from bot.services.studio import NoSuchCouncil

# An example is one short message, as a young person would write it.
MAX_EXAMPLE = 1000
EXAMPLE_LABELS = (WORRY, NONE)
EXAMPLE_CATEGORIES = tuple(category.value for category in LEARNED_CATEGORIES)


class MayNotChangeSafetyWords(WaypointError):
    """Only a safeguarding lead proposes or approves safety words (others in the studio may
    look at them)."""

    message_id = "safety_words_not_allowed"


class BadSafetyWord(WaypointError):
    """A phrase or example that cannot be stored as it is: `problem` says what to change."""

    message_id = "safety_words_bad"


class PhraseTooBroad(BadSafetyWord):
    """A phrase that ordinary messages would match (too many gaps, every word very common, an
    emoji alone, ...): worded by its own message (`refusal`), `problem` kept for a log line."""

    def __init__(self, refused: PhraseRefused) -> None:
        super().__init__(problem=str(refused), **refused.values)
        self.message_id = refused.refusal.value
        self.refusal = refused.refusal


def _refused(error: LexiconError) -> BadSafetyWord:
    if isinstance(error, PhraseRefused):
        return PhraseTooBroad(error)
    return BadSafetyWord(problem=str(error))


class NoSuchSafetyWord(WaypointError):
    """No phrase or example with that number for their council."""

    message_id = "safety_words_no_such"


class SafetyWordApproved(WaypointError):
    """Only a draft can be approved; this one was already."""

    message_id = "safety_words_already_approved"


@dataclass(frozen=True)
class ProposePhrase:
    """Add a phrase to one category of the lexicon, for the council: `list_name` is phrases
    (a match is a concern) or maybe (a match alone is unclear: ask first)."""

    category: str
    list_name: str
    text: str


@dataclass(frozen=True)
class ProposeExample:
    """A labelled example: `label` worry (with a learned category) or none (category -)."""

    label: str
    category: str
    text: str


@dataclass(frozen=True)
class Proposed:
    """A draft just stored, or one just approved."""

    word_id: int
    kind: SafetyWordKind
    status: WordingStatus


async def _council_of(
    uow: UnitOfWork, actor: KnownStaff, rule: Callable[[Role], bool]
) -> tuple[int, int]:
    """The actor's (hub id, council id) as stored now, if their role passes `rule`."""
    staff = await staff_record(uow, actor)
    if not rule(Role(staff.role)):
        raise MayNotChangeSafetyWords
    return staff.hub_id, staff.hub.council_id


def checked_example(command: ProposeExample) -> ProposeExample:
    """The example as it would be stored (one line of the examples file: spaces for tabs and
    line breaks kept); `BadSafetyWord` says what to change."""
    text = command.text.replace("\r\n", "\n").replace("\t", " ").strip()
    if command.label not in EXAMPLE_LABELS:
        raise BadSafetyWord(problem="the label must be worry or none")
    if command.label == WORRY and command.category not in EXAMPLE_CATEGORIES:
        names = ", ".join(EXAMPLE_CATEGORIES)
        raise BadSafetyWord(problem=f"a worry's category must be one of {names}")
    if command.label == NONE and command.category not in ("-", "", NONE):
        raise BadSafetyWord(problem="an example labelled none has no category")
    if not text:
        raise BadSafetyWord(problem="the message is empty: write it as a young person would")
    if len(text) > MAX_EXAMPLE:
        raise BadSafetyWord(problem=f"the message is longer than {MAX_EXAMPLE} characters")
    category = command.category if command.label == WORRY else "-"
    return ProposeExample(command.label, category, text)


async def do_propose_phrase(
    uow: UnitOfWork, actor: KnownStaff, command: ProposePhrase, *, now: datetime
) -> Proposed:
    """Store a phrase as a draft for the safeguarding lead's council, once the lexicon's own
    rules accept it (BadSafetyWord names what to change)."""
    try:
        phrase = checked_phrase(
            command.text, command.category, command.list_name, uow.detectors.shipped.lexicon
        )
    except LexiconError as error:
        raise _refused(error) from None
    async with uow:
        hub_id, council_id = await _council_of(uow, actor, may_change_safety_words)
        word = await uow.safety_words.add(
            NewSafetyWord(
                council_id=council_id,
                kind=SafetyWordKind.LEXICON,
                category=phrase.kind,
                label=command.list_name,
                text=phrase.text,
                proposed_by=actor.staff_id,
                proposed_at=now,
            )
        )
        _audit(uow, "safety_words.proposed", actor, hub_id, word.id, now=now)
        await uow.commit()
        return Proposed(word.id, SafetyWordKind.LEXICON, WordingStatus.DRAFT)


async def do_propose_example(
    uow: UnitOfWork, actor: KnownStaff, command: ProposeExample, *, now: datetime
) -> Proposed:
    """Store a labelled example as a draft for the safeguarding lead's council."""
    example = checked_example(command)
    async with uow:
        hub_id, council_id = await _council_of(uow, actor, may_change_safety_words)
        word = await uow.safety_words.add(
            NewSafetyWord(
                council_id=council_id,
                kind=SafetyWordKind.EXAMPLE,
                category=example.category if example.label == WORRY else None,
                label=example.label,
                text=example.text,
                proposed_by=actor.staff_id,
                proposed_at=now,
            )
        )
        _audit(uow, "safety_words.proposed", actor, hub_id, word.id, now=now)
        await uow.commit()
        return Proposed(word.id, SafetyWordKind.EXAMPLE, WordingStatus.DRAFT)


def as_addition(word: SafetyWordRecord) -> Addition:
    """A stored phrase as a council's detector takes it."""
    return Addition(word.text, word.category or "", word.label)


async def do_approve_safety_word(
    uow: UnitOfWork, actor: KnownStaff, word_id: int, *, now: datetime
) -> Proposed:
    """Approve a draft of the safeguarding lead's council (their name and now are recorded).
    An approved phrase is heard for the council's young people on this instance at once;
    others follow at their next refresh tick."""
    async with uow:
        hub_id, council_id = await _council_of(uow, actor, may_change_safety_words)
        word = await uow.safety_words.get(word_id)
        if word is None or word.council_id != council_id:
            raise NoSuchSafetyWord
        if word.status is not WordingStatus.DRAFT:
            raise SafetyWordApproved
        kind = word.kind
        if kind is SafetyWordKind.LEXICON:
            try:
                checked_phrase(
                    word.text, word.category or "", word.label, uow.detectors.shipped.lexicon
                )
            except LexiconError as error:
                raise _refused(error) from None
        uow.safety_words.approve(word, by=actor.staff_id, now=now)
        _audit(uow, "safety_words.approved", actor, hub_id, word.id, now=now)
        await uow.flush()
        additions: list[Addition] = []
        if kind is SafetyWordKind.LEXICON:
            found = await uow.safety_words.approved(council_id, SafetyWordKind.LEXICON)
            additions = [as_addition(one) for one in found]
        stamp = (await uow.safety_words.stamps()).get(council_id)
        detectors = uow.detectors
        await uow.commit()
    if kind is SafetyWordKind.LEXICON:
        detectors.put(council_id, additions, stamp)
    return Proposed(word_id, kind, WordingStatus.APPROVED)


def _audit(
    uow: UnitOfWork, action: str, actor: KnownStaff, hub_id: int, word_id: int, *, now: datetime
) -> None:
    uow.audit.record(
        action,
        at=now,
        by=actor.actor,
        hub_id=hub_id,
        subject_type="safety_word",
        subject_id=word_id,
    )


@dataclass(frozen=True)
class ListedWord:
    """One phrase or example as the studio lists it."""

    word_id: int
    kind: SafetyWordKind
    category: str | None
    label: str
    text: str
    status: WordingStatus
    proposed_by: str
    proposed_at: datetime
    approved_by: str | None
    approved_at: datetime | None


@dataclass(frozen=True)
class SafetyWordsPage:
    """A council's phrases and examples, newest first, and whether the viewer may change
    them (propose and approve: safeguarding leads only)."""

    phrases: tuple[ListedWord, ...]
    examples: tuple[ListedWord, ...]
    may_change: bool


async def list_safety_words(uow: UnitOfWork, actor: KnownStaff) -> SafetyWordsPage:
    """Everyone in the studio sees their council's safety words; safeguarding leads change
    them."""
    async with uow.reading():
        staff = await staff_record(uow, actor)
        role = Role(staff.role)
        if not may_use_studio(role):
            raise MayNotChangeSafetyWords
        words = await uow.safety_words.of_council(staff.hub.council_id)
        names: dict[int, str] = {}
        for staff_id in {w.proposed_by for w in words} | {w.approved_by or 0 for w in words}:
            person = await uow.staff.get(staff_id) if staff_id else None
            if person is not None:
                names[staff_id] = person.name
        listed = [
            ListedWord(
                word_id=w.id,
                kind=w.kind,
                category=w.category,
                label=w.label,
                text=w.text,
                status=w.status,
                proposed_by=names.get(w.proposed_by, ""),
                proposed_at=w.proposed_at,
                approved_by=names.get(w.approved_by or 0),
                approved_at=w.approved_at,
            )
            for w in words
        ]
    return SafetyWordsPage(
        phrases=tuple(w for w in listed if w.kind is SafetyWordKind.LEXICON),
        examples=tuple(w for w in listed if w.kind is SafetyWordKind.EXAMPLE),
        may_change=may_change_safety_words(role),
    )


@dataclass(frozen=True)
class ExportedExample:
    """An approved labelled example, as the examples file holds it."""

    label: str
    category: str
    text: str


async def approved_examples(uow: UnitOfWork, council_name: str) -> Sequence[ExportedExample]:
    """A council's approved labelled examples, oldest first (`waypoint safety examples
    export`): what `waypoint safety train` may learn from."""
    async with uow.reading():
        council = await uow.organisations.council(slugify(council_name))
        if council is None:
            raise NoSuchCouncil(council=council_name)
        found = await uow.safety_words.approved(council.id, SafetyWordKind.EXAMPLE)
        return [ExportedExample(w.label, w.category or "-", w.text) for w in found]
