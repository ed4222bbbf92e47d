"""The content studio's services against the fake unit of work: only therapists write and
approve, approval is refused while the linter finds anything to fix and records who and when,
the approving instance's council catalogue changes at once, and inviting a young person waits
until every young-person message is live for the council."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.content.catalogue import Catalogue
from bot.content.wordings import not_live
from bot.domain.errors import (
    AlreadyApproved,
    BadWording,
    InviteWordingNotApproved,
    MayNotUseStudio,
    NoSuchWording,
    TranslationOutOfDate,
)
from bot.domain.profiles import CommunicationProfile, Level
from bot.domain.wording import VariantState, WordingStatus
from bot.services.invites import do_create_invite
from bot.services.studio import (
    ApprovalRefused,
    DraftWording,
    check_draft,
    check_wording,
    do_approve_wording,
    do_save_draft,
    preview_draft,
)
from bot.services.studio_refresh import try_refresh_wordings
from bot.services.studio_views import list_messages, open_message
from tests.unit.conftest import JO, MAX, SUE, ZOE, World, build_world

EASY = "Hi {name}.\nI am Waypoint. I am a computer, not a person.\n{worker} is your worker."
WELCOME = DraftWording("welcome", "en", EASY, None, ("👋", "💻", "🧑"))
SECRET = replace(WELCOME, easy=EASY + "\nI will keep it secret.", symbols=("👋", "💻", "🧑", "🤫"))


WELCOME_AR = "مرحبا {name}.\nأنا Waypoint.\n{worker} عاملك."  # noqa: RUF001
SECRET_AR = "مرحبا {name}.\nسأحتفظ بالسر.\n{worker} عاملك."


def _council(world: World) -> int:
    [council] = world.store.tables.councils
    return council.id


async def _saved(world: World, draft: DraftWording = WELCOME, who: int = SUE) -> int:
    actor = await world.staff_actor(who)
    return (await do_save_draft(world.uow(), actor, draft, now=world.now())).version_id


class TestAccess:
    @pytest.mark.parametrize("who", [JO, MAX])
    async def test_only_therapists_write_wording(self, world: World, who: int) -> None:
        actor = await world.staff_actor(who)
        with pytest.raises(MayNotUseStudio):
            await do_save_draft(world.uow(), actor, WELCOME, now=world.now())
        with pytest.raises(MayNotUseStudio):
            await list_messages(world.uow(), actor)
        assert world.store.tables.wording_versions == []

    async def test_only_therapists_approve(self, world: World) -> None:
        version_id = await _saved(world)
        actor = await world.staff_actor(MAX)
        with pytest.raises(MayNotUseStudio):
            await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        assert world.store.tables.wording_versions[0].status is WordingStatus.DRAFT

    async def test_a_version_of_another_council_is_not_theirs(self, clock) -> None:
        world = await build_world(clock)
        version_id = await _saved(world)
        world.store.tables.wording_versions[0].council_id += 1000
        actor = await world.staff_actor(SUE)
        with pytest.raises(NoSuchWording):
            await do_approve_wording(world.uow(), actor, version_id, now=world.now())


class TestDrafts:
    async def test_a_draft_records_who_and_when_and_is_audited(self, world: World) -> None:
        version_id = await _saved(world)
        [version] = world.store.tables.wording_versions
        assert version.id == version_id
        assert version.status is WordingStatus.DRAFT
        assert version.written_by == world.ids[SUE]
        assert version.written_at == world.now()
        assert version.council_id == _council(world)
        assert version.buttons == []
        [event] = world.audited("wording.drafted")
        assert (event.actor_id, event.subject_id) == (world.ids[SUE], version_id)

    async def test_a_translation_must_keep_the_english_placeholders(self, world: World) -> None:
        actor = await world.staff_actor(SUE)
        arabic = DraftWording("welcome", "ar", "مرحبا {اسم}.", None)
        with pytest.raises(BadWording):
            await do_save_draft(world.uow(), actor, arabic, now=world.now())

    async def test_english_may_use_only_the_values_the_code_fills_in(self, world: World) -> None:
        actor = await world.staff_actor(SUE)
        with pytest.raises(BadWording):
            await do_save_draft(
                world.uow(), actor, replace(WELCOME, easy="Hi {nickname}."), now=world.now()
            )

    async def test_an_unknown_message_is_refused(self, world: World) -> None:
        actor = await world.staff_actor(SUE)
        with pytest.raises(NoSuchWording):
            await do_save_draft(
                world.uow(), actor, replace(WELCOME, message_id="nope"), now=world.now()
            )


class TestApproval:
    async def test_a_promise_of_secrecy_cannot_be_approved(self, world: World) -> None:
        version_id = await _saved(world, SECRET)
        actor = await world.staff_actor(SUE)
        with pytest.raises(ApprovalRefused) as refused:
            await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        assert "SG-2" in {found.finding.rule for found in refused.value.findings}
        assert refused.value.values["count"] == str(len(refused.value.findings))
        assert world.store.tables.wording_versions[0].status is WordingStatus.DRAFT
        assert world.audited("wording.approved") == []

    async def test_approval_records_the_therapist_and_the_time(self, world: World) -> None:
        version_id = await _saved(world)
        world.clock.now += timedelta(minutes=5)
        actor = await world.staff_actor(SUE)
        approved = await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        assert approved.status is WordingStatus.APPROVED
        [version] = world.store.tables.wording_versions
        assert (version.approved_by, version.approved_at) == (world.ids[SUE], world.now())
        assert version.written_by == world.ids[SUE]
        [event] = world.audited("wording.approved")
        assert event.subject_id == version_id
        with pytest.raises(AlreadyApproved):
            await do_approve_wording(world.uow(), actor, version_id, now=world.now())

    async def test_the_approving_instance_uses_it_at_once(self, world: World) -> None:
        catalogue = world.store.wordings.for_council(_council(world))
        before = catalogue.text("welcome", name="Sam", worker="Jo")
        version_id = await _saved(world, replace(WELCOME, easy=EASY.replace("Hi", "Hello")))
        actor = await world.staff_actor(SUE)
        await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        after = world.store.wordings.for_council(_council(world))
        assert after.text("welcome", name="Sam", worker="Jo") != before
        assert after.template("welcome", "en", Level.EASY).text.startswith("Hello {name}")
        # Another council (none here has versions) keeps the shipped wording.
        assert world.store.wordings.for_council(_council(world) + 1000) is world.store.catalogue

    async def test_another_instance_takes_it_up_at_its_next_refresh(self, world: World) -> None:
        version_id = await _saved(world, replace(WELCOME, easy=EASY.replace("Hi", "Hello")))
        actor = await world.staff_actor(SUE)
        await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        other = await build_world(world.clock)
        other.store.tables = world.store.tables  # one database, two instances
        assert await try_refresh_wordings(other.uow()) == 1
        catalogue = other.store.wordings.for_council(_council(world))
        assert catalogue.template("welcome", "en", Level.EASY).text.startswith("Hello")
        assert await try_refresh_wordings(other.uow()) == 0


class TestCheckAndPreview:
    def test_check_finds_the_promise_with_its_rule(self) -> None:
        catalogue = Catalogue.load(allow_drafts=True)
        rules = {found.finding.rule for found in check_wording(catalogue, SECRET)}
        assert "SG-2" in rules
        assert check_wording(catalogue, WELCOME) == []

    async def test_a_studio_user_checks_and_previews_a_draft(self, world: World) -> None:
        actor = await world.staff_actor(ZOE)
        assert await check_draft(world.uow(), actor, WELCOME) == []
        draft = replace(WELCOME, easy=EASY.replace("Hi", "Hello"))
        profile = CommunicationProfile(symbols=True)
        shown = await preview_draft(world.uow(), actor, draft, profile)
        assert shown.message_id == "welcome"
        assert shown.chunks[0].startswith("👋 Hello Sam.")
        assert world.store.tables.wording_versions == []


class TestViews:
    async def test_the_list_shows_each_level_and_language(self, world: World) -> None:
        version_id = await _saved(world)
        actor = await world.staff_actor(SUE)
        await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        listed = await list_messages(world.uow(), actor)
        rows = {row.message_id: row for area in listed.areas for row in area.messages}
        welcome = rows["welcome"]
        assert welcome.area == "onboarding"
        english = {s.level: s.state for s in welcome.languages[0].levels}
        # The council's English has only an easy text.
        assert english == {Level.EASY: VariantState.LIVE, Level.STANDARD: VariantState.MISSING}
        arabic = {s.level: s.state for s in welcome.languages[1].levels}
        assert arabic[Level.EASY] is VariantState.OUT_OF_DATE
        assert "welcome" not in listed.not_live
        assert "bot/services/invites.py" in welcome.used_in
        assert rows["button_help"].built_from_a_name

    async def test_a_message_shows_its_history_with_diffs(self, world: World) -> None:
        await _saved(world)
        world.clock.now += timedelta(minutes=1)
        second = await _saved(world, replace(WELCOME, easy=EASY.replace("Hi", "Hello")))
        actor = await world.staff_actor(ZOE)
        shown = await open_message(world.uow(), actor, "welcome")
        newest = shown.history[0]
        assert newest.id == second
        assert len(shown.history) == 2
        assert "- easy: Hi {name}." in newest.diff
        assert "+ easy: Hello {name}." in newest.diff
        assert newest.written_by == "Sue"
        assert {s.language for s in shown.shipped} >= {"en", "ar"}


class TestInviteGate:
    @pytest.mark.parametrize("allow_drafts", [True, False])
    async def test_drafts_allowed_let_a_council_with_drafts_invite(
        self, clock, allow_drafts: bool
    ) -> None:
        # The shipped wording has drafts and the council has approved none of it.
        world = await build_world(clock)
        world.store.catalogue = Catalogue.load(allow_drafts=allow_drafts)
        world.store.wordings.shipped = world.store.catalogue
        assert not_live(Catalogue.load()) != []

        async def invite() -> None:
            await do_create_invite(
                world.uow(), worker_telegram_id=JO, first_name="Kai", now=world.now()
            )

        if allow_drafts:
            await invite()
            assert [i.first_name for i in world.store.tables.invites] == ["Kai"]
        else:
            with pytest.raises(InviteWordingNotApproved):
                await invite()
            assert world.store.tables.invites == []

    async def test_inviting_waits_until_every_young_person_message_is_live(self, clock) -> None:
        world = await build_world(clock)
        world.store.catalogue = Catalogue.load()
        world.store.wordings.shipped = world.store.catalogue
        with pytest.raises(InviteWordingNotApproved) as refused:
            await do_create_invite(
                world.uow(),
                worker_telegram_id=JO,
                first_name="Kai",
                now=world.now(),
                console_url="https://console.example.org/",
            )
        values = refused.value.values
        assert refused.value.message_id == "invite_wording_not_approved"
        assert values["studio"] == "https://console.example.org/studio"
        assert int(values["count"]) > 5
        assert values["first"].endswith(f"and {int(values['count']) - 5} more")
        assert world.store.tables.invites == []
        with pytest.raises(InviteWordingNotApproved) as refused:
            await do_create_invite(
                world.uow(), worker_telegram_id=JO, first_name="Kai", now=world.now()
            )
        assert refused.value.message_id == "invite_wording_not_approved_no_link"


class TestTranslations:
    def test_a_translation_is_checked_against_the_english_live_now(self) -> None:
        catalogue = Catalogue.load(allow_drafts=True)
        found = check_wording(catalogue, DraftWording("welcome", "ar", SECRET_AR, None))
        # Only the translation's own findings: the English it translates is not re-judged.
        assert {(f.finding.rule, f.language) for f in found} == {("SG-2", "ar")}
        assert check_wording(catalogue, DraftWording("welcome", "ar", WELCOME_AR, None)) == []

    async def test_a_translation_previews_right_to_left(self, world: World) -> None:
        actor = await world.staff_actor(SUE)
        arabic = DraftWording("welcome", "ar", WELCOME_AR, None)
        shown = await preview_draft(
            world.uow(), actor, arabic, CommunicationProfile(language="ar")
        )
        assert shown.language == "ar"
        assert shown.chunks[0].startswith("\u200f")


class TestPlaceholders:
    """A version may use only the names the code fills in, whatever the level, and the
    concern path keeps the worker's name and the helpline numbers (issue 16 red team)."""

    async def test_a_name_at_a_level_the_english_lacks_is_refused(self, world: World) -> None:
        actor = await world.staff_actor(SUE)
        arabic = DraftWording("concern_raised", "ar", None, "شكرا. {password}")
        with pytest.raises(BadWording) as refused:
            await do_save_draft(world.uow(), actor, arabic, now=world.now())
        assert getattr(refused.value, "problem_id", None) == "studio_problem_unknown_name"
        assert world.store.tables.wording_versions == []

    async def test_the_concern_path_keeps_the_workers_name(self, world: World) -> None:
        actor = await world.staff_actor(SUE)
        english = DraftWording("concern_raised", "en", "Thank you for telling me.", None)
        with pytest.raises(BadWording) as refused:
            await do_save_draft(world.uow(), actor, english, now=world.now())
        assert getattr(refused.value, "problem_id", None) == "studio_problem_concern_names"
        arabic = DraftWording("concern_raised", "ar", None, "شكرا لك.")
        with pytest.raises(BadWording):
            await do_save_draft(world.uow(), actor, arabic, now=world.now())
        assert world.store.tables.wording_versions == []

    async def test_a_reworded_acknowledgement_keeping_the_names_is_saved(
        self, world: World
    ) -> None:
        actor = await world.staff_actor(SUE)
        arabic = DraftWording("concern_raised", "ar", None, "شكرا. سأخبر {worker} الآن.")
        saved = await do_save_draft(world.uow(), actor, arabic, now=world.now())
        assert saved.status is WordingStatus.DRAFT


def _problem(error: pytest.ExceptionInfo[BadWording]) -> str | None:
    return getattr(error.value, "problem_id", None)


# Zero-width space, non-joiner and joiner, word joiner, a bidi override and isolate, soft hyphen.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u202e", "\u2066", "\u00ad"]


class TestWhatMayBeStored:
    """Languages Waypoint has, no invisible characters, and texts short enough to check."""

    @pytest.mark.parametrize("language", ["fr", "zzz"])
    async def test_a_language_waypoint_does_not_have_is_refused(
        self, world: World, language: str
    ) -> None:
        actor = await world.staff_actor(SUE)
        draft = DraftWording("welcome", language, WELCOME_AR, None)
        with pytest.raises(BadWording) as refused:
            await do_save_draft(world.uow(), actor, draft, now=world.now())
        assert _problem(refused) == "studio_problem_language"
        assert world.store.tables.wording_versions == []

    @pytest.mark.parametrize("invisible", INVISIBLE)
    async def test_an_invisible_character_is_refused(self, world: World, invisible: str) -> None:
        actor = await world.staff_actor(SUE)
        hidden = replace(WELCOME, easy=EASY.replace("computer", f"comp{invisible}uter"))
        with pytest.raises(BadWording) as refused:
            await do_save_draft(world.uow(), actor, hidden, now=world.now())
        assert _problem(refused) == "studio_problem_invisible"
        picture = replace(WELCOME, symbols=("👋", f"💻{invisible}", "🧑"))
        with pytest.raises(BadWording):
            await do_save_draft(world.uow(), actor, picture, now=world.now())
        assert world.store.tables.wording_versions == []

    async def test_texts_are_stored_normalised(self, world: World) -> None:
        await _saved(world, replace(WELCOME, easy=EASY.replace("I am", "I\ufb01 am", 1)))
        [version] = world.store.tables.wording_versions
        assert version.easy is not None
        assert "\ufb01" not in version.easy
        assert "Ifi am" in version.easy

    @pytest.mark.parametrize("text", ["Hi {name}.\n" * 31, "Hi {name}. " + "Word. " * 300])
    def test_a_text_too_long_to_check_is_refused_before_linting(self, text: str) -> None:
        with pytest.raises(BadWording) as refused:
            check_wording(Catalogue.load(), replace(WELCOME, easy=text, symbols=()))
        assert _problem(refused) == "studio_problem_too_long"


class TestApprovingSafely:
    async def test_a_translation_of_english_no_longer_live_is_refused(self, world: World) -> None:
        arabic_id = await _saved(world, DraftWording("welcome", "ar", WELCOME_AR, None))
        actor = await world.staff_actor(SUE)
        english_id = await _saved(world)
        await do_approve_wording(world.uow(), actor, english_id, now=world.now())
        with pytest.raises(TranslationOutOfDate) as refused:
            await do_approve_wording(world.uow(), actor, arabic_id, now=world.now())
        assert refused.value.message_id == "studio_translation_out_of_date"
        arabic = next(v for v in world.store.tables.wording_versions if v.id == arabic_id)
        assert arabic.status is WordingStatus.DRAFT

    async def test_a_draft_approved_meanwhile_by_another_instance_is_refused(
        self, world: World
    ) -> None:
        version_id = await _saved(world)
        actor = await world.staff_actor(SUE)
        await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        [version] = world.store.tables.wording_versions
        unit = world.uow()
        async with unit:
            with pytest.raises(AlreadyApproved):
                await unit.wording_versions.approve(version, by=1, now=world.now())


class TestStatusTags:
    async def test_english_reapproved_unchanged_keeps_the_shipped_arabic(
        self, world: World
    ) -> None:
        english = Catalogue.load().message("welcome").variants["en"]
        same = DraftWording(
            "welcome",
            "en",
            english.texts[Level.EASY],
            english.texts[Level.STANDARD],
            english.symbols,
        )
        version_id = await _saved(world, same)
        actor = await world.staff_actor(SUE)
        await do_approve_wording(world.uow(), actor, version_id, now=world.now())
        listed = await list_messages(world.uow(), actor)
        rows = {row.message_id: row for area in listed.areas for row in area.messages}
        arabic = {s.level: s.state for s in rows["welcome"].languages[1].levels}
        assert VariantState.OUT_OF_DATE not in arabic.values()

    async def test_staff_messages_are_tagged_live(self, world: World) -> None:
        actor = await world.staff_actor(SUE)
        listed = await list_messages(world.uow(), actor)
        rows = {row.message_id: row for area in listed.areas for row in area.messages}
        [english] = rows["studio_bad_wording"].languages
        assert {s.state for s in english.levels} == {VariantState.LIVE, VariantState.MISSING}
        shown = await open_message(world.uow(), actor, "studio_bad_wording")
        assert all(text.approved for text in shown.shipped)


def test_a_message_with_draft_button_labels_can_be_checked_on_a_real_install() -> None:
    """The render check asks whether a version can be filled in, not whether its button
    labels are approved yet (no trial setting: the shipped labels are drafts)."""
    english = Catalogue.load().message("offer_to_worker").variants["en"]
    draft = DraftWording("offer_to_worker", "en", english.texts[Level.EASY], None, english.symbols)
    check_wording(Catalogue.load(), draft)
