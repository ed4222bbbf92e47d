"""Communication profiles through the services, against the fake: who may change one, what
the young person is told, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.content.render import render_line
from bot.domain.errors import (
    BadProfileSetting,
    MayNotChangeProfile,
    NotStaff,
    SetupError,
    SeveralYoungPeople,
    WaypointError,
    YoungPersonNotFound,
)
from bot.domain.outbox import DeliveryState
from bot.domain.profiles import CommunicationProfile, Level
from bot.services.people import profile_of
from bot.services.profiles import (
    TELL_AFTER,
    ProfileAsked,
    ProfileChanged,
    ProfileShown,
    do_ask_own_setting,
    do_profile_command,
    do_set_profile,
)
from tests.unit.conftest import CAL, DEE, JO, LEE, MAX, OTTO, PAT, SAM, SUE, ZOE, World
from tests.unit.fake_records import YoungPerson


def _sam(world: World) -> YoungPerson:
    [sam] = [p for p in world.store.tables.young_people if p.telegram_user_id == SAM]
    return sam


async def _profile(
    world: World, staff: int, who: str, setting: str = "", value: str = ""
) -> ProfileShown | ProfileChanged:
    actor = await world.staff_actor(staff)
    asked = ProfileAsked(who, setting, value)
    return await do_profile_command(world.uow(), actor, asked, now=world.now())


class TestChanging:
    async def test_the_named_worker_changes_a_setting_and_the_young_person_is_told(
        self, world: World
    ) -> None:
        changed = await _profile(world, JO, "Sam", "Reading", "standard")
        assert changed == ProfileChanged("Sam", "reading", "standard")
        assert profile_of(_sam(world)).level is Level.STANDARD
        [told] = world.queued(SAM)
        assert (told.message_key, told.values["worker"]) == ("profile_changed_no_review", "Jo")
        assert world.store.audit_actions()[-2:] == ["profile.change_asked", "profile.changed"]
        assert world.keys(JO) == []

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

    async def test_another_worker_may_not_change_it(self, world: World) -> None:
        with pytest.raises(MayNotChangeProfile) as refused:
            await _profile(world, LEE, "Sam", "reading", "standard")
        assert refused.value.values == {"name": "Sam"}
        assert profile_of(_sam(world)) == CommunicationProfile()
        assert world.keys(SAM) == []
        # The look is audited even so; no change is.
        [asked] = world.audited("profile.change_asked")
        assert (asked.actor_id, asked.subject_id) == (world.ids[LEE], _sam(world).id)
        assert world.audited("profile.changed") == []

    @pytest.mark.parametrize("staff", [DEE, MAX, PAT, CAL, OTTO])
    async def test_a_role_that_never_changes_profiles_learns_nothing_of_who_is_there(
        self, world: World, staff: int
    ) -> None:
        # Refused for their role before anyone is looked up: Sam, who is there, and Alex,
        # who is not, get the same answer, with no name or number of anyone in it.
        refusals = []
        for who in ("Sam", "Alex", f"#{_sam(world).id}"):
            with pytest.raises(WaypointError) as refused:
                await _profile(world, staff, who)
            refusals.append((refused.value.message_id, refused.value.values))
        assert refusals == [("command_not_for_role", {})] * 3
        assert profile_of(_sam(world)) == CommunicationProfile()
        assert not [a for a in world.store.audit_actions() if a.startswith("profile.")]

    async def test_a_therapist_at_another_hub_finds_nobody_of_that_name(
        self, world: World
    ) -> None:
        with pytest.raises(YoungPersonNotFound) as refused:
            await _profile(world, ZOE, "Sam", "reading", "standard")
        assert refused.value.values["name"] == "Sam"
        assert world.keys(SAM) == []
        assert not [a for a in world.store.audit_actions() if a.startswith("profile.")]

    async def test_a_number_at_another_hub_finds_nobody_either(self, world: World) -> None:
        with pytest.raises(YoungPersonNotFound):
            await _profile(world, ZOE, f"#{_sam(world).id}", "reading", "standard")
        assert profile_of(_sam(world)) == CommunicationProfile()

    async def test_a_setting_that_cannot_be_made_is_explained_and_changes_nothing(
        self, world: World
    ) -> None:
        with pytest.raises(BadProfileSetting) as refused:
            await _profile(world, JO, "Sam", "wait", "0")
        assert refused.value.values["problem"]
        assert profile_of(_sam(world)) == CommunicationProfile()
        assert "profile.change_asked" in world.store.audit_actions()
        assert "profile.changed" not in world.store.audit_actions()
        assert world.keys(SAM) == []

    async def test_two_young_people_of_one_name_are_told_apart_by_number(
        self, world: World
    ) -> None:
        async with world.uow() as uow:
            other = await uow.young_people.new(
                hub_id=_sam(world).hub_id, telegram_user_id=2002, first_name="Sam",
                key_worker_id=world.ids[JO], now=world.now(),
            )  # fmt: skip
            await uow.commit()
        with pytest.raises(SeveralYoungPeople) as several:
            await _profile(world, JO, "Sam", "symbols", "on")
        assert f"#{_sam(world).id}" in several.value.values["choices"]
        assert f"#{other.id}" in several.value.values["choices"]
        assert world.keys(SAM) == world.keys(2002) == []
        await _profile(world, JO, f"#{other.id}", "symbols", "on")
        assert world.keys(2002) == ["profile_changed_no_review"]
        assert not profile_of(_sam(world)).symbols


class TestAsking:
    async def test_showing_a_profile_changes_nothing_but_is_audited(self, world: World) -> None:
        shown = await _profile(world, SUE, "Sam")
        assert isinstance(shown, ProfileShown)
        assert (shown.first_name, bool(shown.lines)) == ("Sam", True)
        assert world.keys(SUE) == []
        assert world.keys(SAM) == []
        [viewed] = world.audited("profile.viewed")
        assert viewed.actor_id == world.ids[SUE]
        assert "profile.changed" not in world.store.audit_actions()

    async def test_staff_who_left_after_writing_are_shown_nothing_and_change_nothing(
        self, world: World
    ) -> None:
        jo = await world.staff_actor(JO)
        world.change_staff(JO, active=False)
        for asked in (ProfileAsked("Sam"), ProfileAsked("Sam", "reading", "standard")):
            with pytest.raises(NotStaff):
                await do_profile_command(world.uow(), jo, asked, now=world.now())
        assert profile_of(_sam(world)) == CommunicationProfile()
        assert world.store.queued() == []
        assert not [a for a in world.store.audit_actions() if a.startswith("profile.")]

    async def test_a_young_person_is_asked_which_language_they_want(self, world: World) -> None:
        assert await do_ask_own_setting(world.uow(), SAM, "language", now=world.now())
        assert world.keys(SAM) == ["choose_language"]
        assert _sam(world).awaiting_choice == "choose_language"


class TestCommandLine:
    async def test_an_operator_sets_a_profile_and_the_young_person_hears_it_was_their_hub(
        self, world: World
    ) -> None:
        changed = await do_set_profile(
            world.uow(), world.ids[SAM], "sentences", "2", now=world.now()
        )
        assert changed.max_sentences == 2
        assert profile_of(_sam(world)).max_sentences == 2
        [told] = world.queued(SAM)
        assert told.message_key == "profile_changed_by_hub_no_review"
        assert told.values["checker"] == "Jo"

    async def test_a_bad_value_or_an_unknown_young_person_is_a_setup_error(
        self, world: World
    ) -> None:
        with pytest.raises(SetupError):
            await do_set_profile(world.uow(), world.ids[SAM], "reading", "hard", now=world.now())
        with pytest.raises(SetupError):
            await do_set_profile(world.uow(), 999_999, "reading", "easy", now=world.now())
        assert world.store.queued() == []


class TestToldOnce:
    async def test_several_changes_are_told_in_one_message_after_the_last(
        self, world: World
    ) -> None:
        for setting, value in (("reading", "standard"), ("wait", "15"), ("symbols", "on")):
            await _profile(world, JO, "Sam", setting, value)
            await world.tick(minutes=1)
        [told] = world.queued(SAM)
        assert (told.message_key, told.values["worker"]) == ("profile_changed_no_review", "Jo")
        assert told.not_before == world.now() - timedelta(minutes=1) + TELL_AFTER

    async def test_it_names_everyone_who_changed_it(self, world: World) -> None:
        await _profile(world, JO, "Sam", "wait", "15")
        await _profile(world, SUE, "Sam", "language", "ar")
        [told] = world.queued(SAM)
        assert told.values["worker"] == render_line(
            world.store.catalogue, "part_names_and", {"names": "Jo", "last": "Sue"},
            profile_of(_sam(world)),
        )  # fmt: skip

    async def test_three_or_more_are_joined_in_the_young_persons_words(self, world: World) -> None:
        # Jo, Sue and the hub: the comma is content's too (Arabic writes "،"), not the code's.
        await _profile(world, JO, "Sam", "wait", "15")
        await _profile(world, SUE, "Sam", "sentences", "2")
        await do_set_profile(world.uow(), world.ids[SAM], "reading", "standard", now=world.now())
        [told] = world.queued(SAM)
        catalogue, profile = world.store.catalogue, profile_of(_sam(world))
        first_two = render_line(
            catalogue, "part_names_more", {"names": "Jo", "name": "Sue"}, profile
        )
        hub = render_line(catalogue, "part_your_hub", {}, profile)
        assert told.values["worker"] == render_line(
            catalogue, "part_names_and", {"names": first_two, "last": hub}, profile
        )

    async def test_a_change_at_the_hub_and_by_a_worker_names_the_worker_first(
        self, world: World
    ) -> None:
        await do_set_profile(world.uow(), world.ids[SAM], "wait", "15", now=world.now())
        await _profile(world, JO, "Sam", "sentences", "2")
        [told] = world.queued(SAM)
        hub = render_line(world.store.catalogue, "part_your_hub", {}, profile_of(_sam(world)))
        assert told.values["worker"].startswith("Jo")
        assert told.values["worker"].endswith(hub)

    async def test_a_message_already_sent_is_not_taken_back(self, world: World) -> None:
        await _profile(world, JO, "Sam", "wait", "15")
        async with world.uow() as uow:
            [sent] = await uow.outbox.waiting_to(SAM, ["profile_changed_no_review"])
            sent.state = DeliveryState.SENT
            await uow.commit()
        await _profile(world, JO, "Sam", "sentences", "2")
        assert world.keys(SAM) == ["profile_changed_no_review", "profile_changed_no_review"]

    async def test_the_worker_reads_the_new_value_in_words(self, world: World) -> None:
        changed = await _profile(world, JO, "Sam", "wait", "15")
        assert changed == ProfileChanged("Sam", "wait", "15 minutes")
