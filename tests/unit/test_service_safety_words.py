"""The studio's safety words against the fake unit of work: only a safeguarding lead proposes
and approves (a therapist may look, and is refused by the service), approval records who and
when, a phrase the lexicon's rules refuse is never stored, an approved phrase is heard at once
for the council's young people (and by another instance after its refresh) but not for
another council's, and approved examples are what the export reads."""

from __future__ import annotations

import pytest

from bot.content.council_detectors import CouncilDetectors
from bot.content.safety_examples import example_line, parse_line
from bot.domain.actors import KnownStaff, KnownYoungPerson
from bot.domain.people import Role
from bot.domain.safety.additions import Refusal, SafetyWordKind
from bot.domain.wording import WordingStatus
from bot.services.hearing import Heard, do_hear
from bot.services.identity import writer_of
from bot.services.safety_words import (
    BadSafetyWord,
    MayNotChangeSafetyWords,
    NoSuchSafetyWord,
    PhraseTooBroad,
    ProposeExample,
    ProposePhrase,
    SafetyWordApproved,
    approved_examples,
    do_approve_safety_word,
    do_propose_example,
    do_propose_phrase,
    list_safety_words,
)
from bot.services.safety_words_refresh import try_refresh_detectors
from bot.services.staff_words import staff_text
from tests.unit.conftest import JO, SAM, SUE, World

LEAD = 1101
OTHER_LEAD, OTHER_WORKER, OTHER_YOUNG = 1201, 1202, 2201
# Words the shipped lexicon does not hear; the council adds them.
NEW_WORDS = "doing a blorp run later"
PHRASE = ProposePhrase("criminal_exploitation", "phrases", "blorp run")
EXAMPLE = ProposeExample("worry", "criminal_exploitation", "they want me on the blorp run again")


async def _with_lead(world: World) -> KnownStaff:
    async with world.uow() as uow:
        council = world.store.tables.councils[0]
        hub = await uow.organisations.hub(council.id, "harrogate")
        assert hub is not None
        lead = await uow.staff.new(
            hub_id=hub.id, telegram_user_id=LEAD, name="Lin", role=Role.SAFEGUARDING_LEAD,
            now=world.now(),
        )  # fmt: skip
        world.ids[LEAD] = lead.id
        await uow.commit()
    return await world.staff_actor(LEAD)


async def _another_council(world: World) -> None:
    """York, with its own safeguarding lead, key worker and young person."""
    async with world.uow() as uow:
        council = await uow.organisations.new_council(slug="york", name="York", now=world.now())
        hub = await uow.organisations.new_hub(council, slug="york", name="York", now=world.now())
        lead = await uow.staff.new(
            hub_id=hub.id, telegram_user_id=OTHER_LEAD, name="Ola",
            role=Role.SAFEGUARDING_LEAD, now=world.now(),
        )  # fmt: skip
        worker = await uow.staff.new(
            hub_id=hub.id, telegram_user_id=OTHER_WORKER, name="Wes", role=Role.KEY_WORKER,
            now=world.now(),
        )  # fmt: skip
        young = await uow.young_people.new(
            hub_id=hub.id, telegram_user_id=OTHER_YOUNG, first_name="Yas",
            key_worker_id=worker.id, now=world.now(),
        )  # fmt: skip
        world.ids |= {OTHER_LEAD: lead.id, OTHER_WORKER: worker.id, OTHER_YOUNG: young.id}
        await uow.commit()


async def _hear(world: World, telegram_id: int, text: str) -> Heard:
    writer = await writer_of(world.uow(), telegram_id)
    assert isinstance(writer, KnownYoungPerson)
    detector = world.store.detectors.shipped
    return await do_hear(world.uow(), writer, text, detector=detector, now=world.now())


async def _approved_phrase(world: World) -> int:
    lead = await _with_lead(world)
    proposed = await do_propose_phrase(world.uow(), lead, PHRASE, now=world.now())
    await do_approve_safety_word(world.uow(), lead, proposed.word_id, now=world.now())
    return proposed.word_id


class TestWhoMayChange:
    @pytest.mark.parametrize("who", [SUE, JO])
    async def test_only_a_safeguarding_lead_proposes(self, world: World, who: int) -> None:
        actor = await world.staff_actor(who)
        with pytest.raises(MayNotChangeSafetyWords):
            await do_propose_phrase(world.uow(), actor, PHRASE, now=world.now())
        with pytest.raises(MayNotChangeSafetyWords):
            await do_propose_example(world.uow(), actor, EXAMPLE, now=world.now())
        assert world.store.tables.safety_words == []

    async def test_a_therapist_sees_them_but_cannot_approve(self, world: World) -> None:
        lead = await _with_lead(world)
        proposed = await do_propose_phrase(world.uow(), lead, PHRASE, now=world.now())
        therapist = await world.staff_actor(SUE)
        page = await list_safety_words(world.uow(), therapist)
        assert [w.word_id for w in page.phrases] == [proposed.word_id]
        assert not page.may_change
        with pytest.raises(MayNotChangeSafetyWords):
            await do_approve_safety_word(world.uow(), therapist, proposed.word_id, now=world.now())
        [word] = world.store.tables.safety_words
        assert word.status is WordingStatus.DRAFT
        assert world.audited("safety_words.approved") == []

    async def test_a_key_worker_does_not_open_them(self, world: World) -> None:
        with pytest.raises(MayNotChangeSafetyWords):
            await list_safety_words(world.uow(), await world.staff_actor(JO))

    async def test_another_councils_lead_cannot_approve_ours(self, world: World) -> None:
        lead = await _with_lead(world)
        proposed = await do_propose_phrase(world.uow(), lead, PHRASE, now=world.now())
        await _another_council(world)
        theirs = await world.staff_actor(OTHER_LEAD)
        with pytest.raises(NoSuchSafetyWord):
            await do_approve_safety_word(world.uow(), theirs, proposed.word_id, now=world.now())
        assert (await list_safety_words(world.uow(), theirs)).phrases == ()


class TestProposeAndApprove:
    async def test_the_lead_approves_and_the_system_records_who_and_when(
        self, world: World
    ) -> None:
        lead = await _with_lead(world)
        proposed = await do_propose_phrase(world.uow(), lead, PHRASE, now=world.now())
        [word] = world.store.tables.safety_words
        assert (word.kind, word.status, word.proposed_by) == (
            SafetyWordKind.LEXICON,
            WordingStatus.DRAFT,
            world.ids[LEAD],
        )
        await world.tick(minutes=5)
        approved = await do_approve_safety_word(
            world.uow(), lead, proposed.word_id, now=world.now()
        )
        assert approved.status is WordingStatus.APPROVED
        [word] = world.store.tables.safety_words
        assert (word.approved_by, word.approved_at) == (world.ids[LEAD], world.now())
        [proposed_line] = world.audited("safety_words.proposed")
        [approved_line] = world.audited("safety_words.approved")
        assert approved_line.subject_id == proposed_line.subject_id == word.id
        page = await list_safety_words(world.uow(), lead)
        assert page.may_change
        assert [(w.approved_by, w.proposed_by) for w in page.phrases] == [("Lin", "Lin")]
        with pytest.raises(SafetyWordApproved):
            await do_approve_safety_word(world.uow(), lead, proposed.word_id, now=world.now())

    @pytest.mark.parametrize(
        "phrase",
        [
            ProposePhrase("suicide", "phrases", "   "),
            ProposePhrase("suicide", "phrases", "... bridge"),
            ProposePhrase("suicide", "phrases", "jump off ..."),
            ProposePhrase("suicide", "phrases", "me"),
            ProposePhrase("suicide", "phrases", "ki* myself"),
            ProposePhrase("suicide", "phrases", "kill myself"),
            ProposePhrase("negation", "phrases", "blorp run"),
            ProposePhrase("suicide", "always", "blorp run"),
            ProposePhrase("suicide", "phrases", "?!"),
        ],
    )
    async def test_a_phrase_the_lexicon_refuses_is_never_stored(
        self, world: World, phrase: ProposePhrase
    ) -> None:
        lead = await _with_lead(world)
        with pytest.raises(BadSafetyWord) as refused:
            await do_propose_phrase(world.uow(), lead, phrase, now=world.now())
        problem = refused.value.values["problem"]
        assert problem
        assert "\n" not in problem
        assert world.store.tables.safety_words == []

    @pytest.mark.parametrize(
        ("text", "refusal"),
        [
            ("the ... the ... ... zebra", Refusal.TOO_MANY_GAPS),
            ("lol", Refusal.TOO_COMMON),
            ("and the", Refusal.TOO_COMMON),
            ("😭", Refusal.LONE_EMOJI),
            ("a ... b", Refusal.SINGLE_LETTERS),
            ("(a+)+$", Refusal.NO_LETTERS),
        ],
    )
    async def test_a_too_broad_phrase_is_refused_in_its_own_words(
        self, world: World, text: str, refusal: Refusal
    ) -> None:
        lead = await _with_lead(world)
        with pytest.raises(PhraseTooBroad) as refused:
            await do_propose_phrase(
                world.uow(), lead, ProposePhrase("suicide", "phrases", text), now=world.now()
            )
        assert refused.value.message_id == refusal.value
        said = staff_text(world.store.catalogue, refused.value.message_id, **refused.value.values)
        assert said
        assert "{" not in said
        assert world.store.tables.safety_words == []

    @pytest.mark.parametrize(
        "example",
        [
            ProposeExample("worry", "suicide_and_more", "words"),
            ProposeExample("maybe", "-", "words"),
            ProposeExample("none", "abuse", "words"),
            ProposeExample("none", "-", "  "),
        ],
    )
    async def test_a_bad_example_is_never_stored(
        self, world: World, example: ProposeExample
    ) -> None:
        lead = await _with_lead(world)
        with pytest.raises(BadSafetyWord):
            await do_propose_example(world.uow(), lead, example, now=world.now())
        assert world.store.tables.safety_words == []


class TestHeardLive:
    async def test_an_approved_phrase_makes_the_councils_young_persons_words_a_concern(
        self, world: World
    ) -> None:
        await _another_council(world)
        assert await _hear(world, SAM, NEW_WORDS) is not Heard.CONCERN
        await _approved_phrase(world)
        assert await _hear(world, SAM, NEW_WORDS) is Heard.CONCERN
        assert world.keys(JO) == ["concern_alert"]
        # York's young people are heard with the shipped lexicon alone.
        assert await _hear(world, OTHER_YOUNG, NEW_WORDS) is not Heard.CONCERN
        assert world.keys(OTHER_WORKER) == []

    async def test_a_draft_phrase_is_not_heard(self, world: World) -> None:
        lead = await _with_lead(world)
        await do_propose_phrase(world.uow(), lead, PHRASE, now=world.now())
        assert await _hear(world, SAM, NEW_WORDS) is not Heard.CONCERN

    async def test_another_instance_hears_it_after_its_refresh(self, world: World) -> None:
        await _approved_phrase(world)
        # Another instance: it has not built a detector for the council yet.
        shipped = world.store.detectors.shipped
        world.store.detectors = CouncilDetectors(lambda: shipped)
        assert await try_refresh_detectors(world.uow()) == 1
        assert await try_refresh_detectors(world.uow()) == 0
        assert await _hear(world, SAM, NEW_WORDS) is Heard.CONCERN

    async def test_an_approved_example_is_not_heard_but_exported(self, world: World) -> None:
        lead = await _with_lead(world)
        proposed = await do_propose_example(world.uow(), lead, EXAMPLE, now=world.now())
        none = ProposeExample("none", "-", "going on a\tbus run\nwith mum")
        other = await do_propose_example(world.uow(), lead, none, now=world.now())
        assert await approved_examples(world.uow(), "North Yorkshire") == []
        for word_id in (proposed.word_id, other.word_id):
            await do_approve_safety_word(world.uow(), lead, word_id, now=world.now())
        assert world.store.detectors.councils() == []
        exported = await approved_examples(world.uow(), "North Yorkshire")
        assert [(e.label, e.category) for e in exported] == [
            ("worry", "criminal_exploitation"),
            ("none", "-"),
        ]
        assert exported[1].text == "going on a bus run\nwith mum"


def test_an_exported_line_reads_back_as_an_approved_example() -> None:
    line = example_line("none", "-", "going on a bus run\nwith mum")
    example = parse_line(line, "x.tsv:1")
    assert example is not None
    assert (example.label, example.approved, example.text) == (
        "none",
        True,
        "going on a bus run\nwith mum",
    )
