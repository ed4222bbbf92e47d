"""Communication profiles through the services, against the fake: who may change one, what
the young person is told, and what is refused."""

from __future__ import annotations

import pytest

from bot.domain.errors import SetupError
from bot.domain.profiles import CommunicationProfile, Level
from bot.services.people import profile_of
from bot.services.profiles import do_ask_own_setting, do_profile_command, do_set_profile
from tests.unit.conftest import CAL, DEE, JO, LEE, MAX, PAT, SAM, STRANGER, SUE, ZOE, World
from tests.unit.fake_records import YoungPerson


def _sam(world: World) -> YoungPerson:
    [sam] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
    return sam


async def _profile(world: World, staff: int, *words: str) -> bool:
    return await do_profile_command(world.uow(), staff, list(words), now=world.now())


class TestChanging:
    async def test_the_named_worker_changes_a_setting_and_the_young_person_is_told(
        self, world: World
    ) -> None:
        assert await _profile(world, JO, "Sam", "reading", "standard")
        assert profile_of(_sam(world)).level is Level.STANDARD
        [updated] = world.queued(JO)
        assert updated.message_key == "profile_updated"
        assert (updated.values["setting"], updated.values["value"]) == ("reading", "standard")
        [told] = world.queued(SAM)
        assert (told.message_key, told.values["worker"]) == ("profile_changed_no_review", "Jo")
        assert "profile.changed" in world.store.audit_actions()

    async def test_the_hubs_speech_and_language_therapist_may_change_it(
        self, world: World
    ) -> None:
        await _profile(world, SUE, "sam", "language", "ar")
        assert _sam(world).language == "ar"
        assert world.queued(SAM)[-1].values["worker"] == "Sue"

    async def test_a_review_date_is_told_to_the_young_person(self, world: World) -> None:
        await _profile(world, JO, "Sam", "review", "2026-06-01")
        [told] = world.queued(SAM)
        assert told.message_key == "profile_changed"
        assert told.values["review_day"]

    @pytest.mark.parametrize("staff", [LEE, DEE, MAX, PAT, CAL])
    async def test_other_roles_and_other_workers_may_not_change_it(
        self, world: World, staff: int
    ) -> None:
        await _profile(world, staff, "Sam", "reading", "standard")
        assert world.keys(staff) == ["profile_not_allowed"]
        assert profile_of(_sam(world)) == CommunicationProfile()
        assert world.keys(SAM) == []

    async def test_a_therapist_at_another_hub_finds_nobody_of_that_name(
        self, world: World
    ) -> None:
        await _profile(world, ZOE, "Sam", "reading", "standard")
        assert world.keys(ZOE) == ["profile_nobody"]
        assert world.keys(SAM) == []

    async def test_a_setting_that_cannot_be_made_is_explained_and_changes_nothing(
        self, world: World
    ) -> None:
        await _profile(world, JO, "Sam", "wait", "0")
        assert world.keys(JO) == ["profile_problem"]
        assert profile_of(_sam(world)) == CommunicationProfile()
        assert "profile.changed" not in world.store.audit_actions()

    async def test_two_young_people_of_one_name_are_told_apart_by_number(
        self, world: World
    ) -> None:
        async with world.uow() as uow:
            other = await uow.young_people.new(
                hub_id=_sam(world).hub_id, telegram_user_id=2002, first_name="Sam",
                key_worker_id=world.ids[JO], now=world.now(),
            )  # fmt: skip
            await uow.commit()
        await _profile(world, JO, "Sam", "symbols", "on")
        assert world.keys(JO) == ["profile_several"]
        await _profile(world, JO, f"#{other.id}", "symbols", "on")
        assert world.keys(2002) == ["profile_changed_no_review"]
        assert not profile_of(_sam(world)).symbols


class TestAsking:
    async def test_showing_a_profile_changes_nothing_but_is_audited(self, world: World) -> None:
        assert await _profile(world, SUE, "Sam")
        assert world.keys(SUE) == ["profile_shown"]
        assert world.keys(SAM) == []
        assert "profile.viewed" in world.store.audit_actions()

    async def test_no_words_shows_how_to_use_it(self, world: World) -> None:
        await _profile(world, JO)
        assert world.keys(JO) == ["profile_usage"]

    @pytest.mark.parametrize("sender", [STRANGER, SAM])
    async def test_someone_who_is_not_staff_is_answered_as_anyone_else(
        self, world: World, sender: int
    ) -> None:
        assert not await _profile(world, sender, "Sam", "reading", "standard")
        assert world.store.queued() == []

    async def test_a_young_person_is_asked_which_language_they_want(self, world: World) -> None:
        assert await do_ask_own_setting(world.uow(), SAM, "language", now=world.now())
        assert world.keys(SAM) == ["choose_language"]
        assert _sam(world).awaiting_choice == "choose_language"


class TestCommandLine:
    async def test_an_operator_sets_a_profile_and_the_young_person_hears_from_their_worker(
        self, world: World
    ) -> None:
        changed = await do_set_profile(
            world.uow(), world.ids[SAM], "sentences", "2", now=world.now()
        )
        assert changed.max_sentences == 2
        assert profile_of(_sam(world)).max_sentences == 2
        [told] = world.queued(SAM)
        assert told.values["worker"] == "Jo"

    async def test_a_bad_value_or_an_unknown_young_person_is_a_setup_error(
        self, world: World
    ) -> None:
        with pytest.raises(SetupError):
            await do_set_profile(world.uow(), world.ids[SAM], "reading", "hard", now=world.now())
        with pytest.raises(SetupError):
            await do_set_profile(world.uow(), 999_999, "reading", "easy", now=world.now())
        assert world.store.queued() == []
