"""Adding staff, inviting and linking young people, against real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import (
    AuditEvent,
    CodeAttempt,
    Council,
    Hub,
    Invite,
    Staff,
    YoungPerson,
)
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.domain import guessing
from bot.domain.errors import (
    AlreadyLinked,
    BadFirstName,
    CodeRefused,
    NotStaff,
    RoleMayNotInvite,
    SetupError,
    StaffCannotJoin,
)
from bot.domain.invites import INVITE_LIFETIME
from bot.domain.people import Role
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff

JO = 1001
ALEX = 1002
SAM = 2001
STRANGER = 3001


async def _count(uow: UnitOfWorkFactory, model: type) -> int:
    async with uow() as work:
        return await work.session.scalar(select(func.count()).select_from(model)) or 0


async def _actions(uow: UnitOfWorkFactory) -> list[str]:
    async with uow() as work:
        return list(await work.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
async def jo(uow: UnitOfWorkFactory, clock: ManualClock) -> int:
    new = NewStaff(
        JO, "Jo", Role.KEY_WORKER, hub="Harrogate", council="North Yorkshire", create=True
    )
    return (await do_add_staff(uow(), new, now=clock())).staff_id


async def _invite(uow: UnitOfWorkFactory, clock: ManualClock, name: str = "Sam") -> str:
    created = await do_create_invite(uow(), worker_telegram_id=JO, first_name=name, now=clock())
    return created.code


class TestAddingStaff:
    async def test_a_new_hub_and_council_are_created(self, uow, clock) -> None:
        new = NewStaff(JO, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
        added = await do_add_staff(uow(), new, now=clock())
        assert (added.hub, added.council, added.new_hub, added.new_council) == (
            "Harrogate",
            "North Yorkshire",
            True,
            True,
        )

    async def test_a_misspelt_hub_is_refused_and_nothing_is_made(self, uow, clock, jo) -> None:
        for council in ("North Yorkshire", None):
            with pytest.raises(SetupError, match=r"no hub called 'Harrogat'.*--create-hub"):
                await do_add_staff(
                    uow(), NewStaff(ALEX, "Alex", Role.DUTY, "Harrogat", council), now=clock()
                )
        assert (await _count(uow, Hub), await _count(uow, Staff)) == (1, 1)

    async def test_a_misspelt_council_is_refused_and_nothing_is_made(self, uow, clock, jo) -> None:
        new = NewStaff(ALEX, "Alex", Role.DUTY, "Harrogate", "North Yorkshre")
        with pytest.raises(SetupError, match=r"no council called 'North Yorkshre' \(councils: N"):
            await do_add_staff(uow(), new, now=clock())
        assert (await _count(uow, Council), await _count(uow, Hub)) == (1, 1)

    async def test_a_new_hub_in_a_known_council_is_made_when_asked(self, uow, clock, jo) -> None:
        new = NewStaff(ALEX, "Alex", Role.DUTY, "Scarborough", "north yorkshire", create=True)
        added = await do_add_staff(uow(), new, now=clock())
        assert (added.hub, added.council, added.new_hub, added.new_council) == (
            "Scarborough",
            "North Yorkshire",
            True,
            False,
        )

    async def test_the_council_can_be_left_out_once_the_hub_exists(self, uow, clock, jo) -> None:
        added = await do_add_staff(
            uow(), NewStaff(ALEX, "Alex", Role.DUTY, "harrogate"), now=clock()
        )
        assert (added.hub, added.new_hub, added.new_council) == ("Harrogate", False, False)

    async def test_the_same_account_cannot_be_added_twice(self, uow, clock, jo) -> None:
        with pytest.raises(SetupError, match="already staff"):
            await do_add_staff(uow(), NewStaff(JO, "Jo", Role.MANAGER, "Harrogate"), now=clock())

    async def test_a_new_hub_in_an_unclear_council_is_refused(self, uow, clock, jo) -> None:
        leeds = NewStaff(ALEX, "Alex", Role.DUTY, "Leeds", "Leeds", create=True)
        await do_add_staff(uow(), leeds, now=clock())
        with pytest.raises(SetupError, match="say which council it belongs to with --council"):
            await do_add_staff(
                uow(), NewStaff(9, "Kim", Role.DUTY, "Scarborough", create=True), now=clock()
            )

    async def test_adding_staff_is_audited(self, uow, jo) -> None:
        assert await _actions(uow) == ["staff.added"]


class TestInviting:
    async def test_only_staff_can_invite(self, uow, clock, jo) -> None:
        with pytest.raises(NotStaff):
            await do_create_invite(
                uow(), worker_telegram_id=STRANGER, first_name="Sam", now=clock()
            )

    async def test_only_key_workers_can_invite(self, uow, clock, jo) -> None:
        await do_add_staff(uow(), NewStaff(ALEX, "Alex", Role.SLT, "Harrogate"), now=clock())
        with pytest.raises(RoleMayNotInvite):
            await do_create_invite(uow(), worker_telegram_id=ALEX, first_name="Sam", now=clock())

    async def test_a_first_name_is_needed(self, uow, clock, jo) -> None:
        with pytest.raises(BadFirstName):
            await do_create_invite(uow(), worker_telegram_id=JO, first_name=" ", now=clock())

    async def test_the_code_itself_is_never_stored(self, uow, clock, jo) -> None:
        code = await _invite(uow, clock)
        async with uow() as work:
            stored = list(await work.session.scalars(select(Invite.code_hash)))
        assert len(stored) == 1
        assert code not in stored[0]


class TestLinking:
    async def test_a_young_person_is_linked_to_the_worker_who_invited_them(
        self, uow, clock, jo
    ) -> None:
        code = await _invite(uow, clock)
        linked = await do_redeem_invite(uow(), telegram_user_id=SAM, code=code, now=clock())
        assert linked.young_person.first_name == "Sam"
        assert linked.young_person.worker_name == "Jo"
        assert linked.worker_telegram_id == JO
        async with uow() as work:
            person = await work.young_people.by_telegram_id(SAM)
            assert person is not None
            assert person.key_worker_id == jo
        assert await _actions(uow) == [
            "staff.added",
            "invite.created",
            "invite.redeemed",
            "young_person.linked",
        ]

    async def test_a_used_code_is_refused(self, uow, clock, jo) -> None:
        code = await _invite(uow, clock)
        await do_redeem_invite(uow(), telegram_user_id=SAM, code=code, now=clock())
        with pytest.raises(CodeRefused):
            await do_redeem_invite(uow(), telegram_user_id=STRANGER, code=code, now=clock())
        assert await _count(uow, YoungPerson) == 1
        assert (await _actions(uow))[-1] == "invite.refused.used"

    async def test_an_expired_code_is_refused(self, uow, clock, jo) -> None:
        code = await _invite(uow, clock)
        clock.advance(INVITE_LIFETIME)
        with pytest.raises(CodeRefused):
            await do_redeem_invite(uow(), telegram_user_id=SAM, code=code, now=clock())
        assert await _count(uow, YoungPerson) == 0
        assert (await _actions(uow))[-1] == "invite.refused.expired"

    async def test_a_code_still_works_just_before_it_expires(self, uow, clock, jo) -> None:
        code = await _invite(uow, clock)
        clock.advance(INVITE_LIFETIME - timedelta(minutes=1))
        await do_redeem_invite(uow(), telegram_user_id=SAM, code=code, now=clock())

    @pytest.mark.parametrize("code", ["A" * 24, "nope", "' OR 1=1 --"])
    async def test_a_wrong_code_is_refused(self, uow, clock, jo, code: str) -> None:
        with pytest.raises(CodeRefused):
            await do_redeem_invite(uow(), telegram_user_id=STRANGER, code=code, now=clock())
        assert (await _actions(uow))[-1] == "invite.refused.unknown"

    async def test_a_linked_young_person_cannot_link_again(self, uow, clock, jo) -> None:
        await do_redeem_invite(
            uow(), telegram_user_id=SAM, code=await _invite(uow, clock), now=clock()
        )
        second = await _invite(uow, clock, "Other")
        with pytest.raises(AlreadyLinked) as caught:
            await do_redeem_invite(uow(), telegram_user_id=SAM, code=second, now=clock())
        assert caught.value.values == {"worker": "Jo"}

    async def test_an_invite_from_a_worker_who_has_left_is_refused(self, uow, clock, jo) -> None:
        code = await _invite(uow, clock)
        async with uow() as work:
            worker = await work.staff.by_telegram_id(JO)
            assert worker is not None
            worker.active = False
            await work.commit()
        with pytest.raises(CodeRefused):
            await do_redeem_invite(uow(), telegram_user_id=SAM, code=code, now=clock())
        assert (await _actions(uow))[-1] == "invite.refused.worker_left"

    async def test_staff_cannot_use_a_young_persons_link(self, uow, clock, jo) -> None:
        with pytest.raises(StaffCannotJoin):
            await do_redeem_invite(
                uow(), telegram_user_id=JO, code=await _invite(uow, clock), now=clock()
            )


class TestGuessing:
    async def _guess(self, uow, clock, times: int) -> None:
        for n in range(times):
            with pytest.raises(CodeRefused):
                await do_redeem_invite(
                    uow(), telegram_user_id=STRANGER, code=f"wrong-code-{n:012d}", now=clock()
                )

    async def test_guessing_pauses_even_a_right_code(self, uow, clock, jo) -> None:
        code = await _invite(uow, clock)
        await self._guess(uow, clock, guessing.FREE_FAILURES)
        with pytest.raises(CodeRefused):
            await do_redeem_invite(uow(), telegram_user_id=STRANGER, code=code, now=clock())
        # While paused the code was not even looked up, so no refusal was audited for it.
        assert (await _actions(uow)).count("invite.refused.unknown") == guessing.FREE_FAILURES
        clock.advance(guessing.FIRST_PAUSE)
        linked = await do_redeem_invite(uow(), telegram_user_id=STRANGER, code=code, now=clock())
        assert linked.young_person.first_name == "Sam"

    async def test_each_further_guess_doubles_the_pause(self, uow, clock, jo) -> None:
        await self._guess(uow, clock, guessing.FREE_FAILURES)
        clock.advance(guessing.FIRST_PAUSE)
        await self._guess(uow, clock, 1)
        async with uow() as work:
            attempts = await work.code_attempts.get(guessing.subject_key(STRANGER))
        assert attempts is not None
        assert attempts.blocked_until == clock() + 2 * guessing.FIRST_PAUSE

    async def test_one_account_guessing_does_not_slow_another(self, uow, clock, jo) -> None:
        code = await _invite(uow, clock)
        await self._guess(uow, clock, guessing.FREE_FAILURES)
        await do_redeem_invite(uow(), telegram_user_id=SAM, code=code, now=clock())

    async def test_nothing_is_kept_once_the_window_closes(self, uow, clock, jo) -> None:
        await self._guess(uow, clock, 2)
        assert await _count(uow, CodeAttempt) == 1
        clock.advance(guessing.WINDOW)
        code = await _invite(uow, clock)
        await do_redeem_invite(uow(), telegram_user_id=SAM, code=code, now=clock())
        assert await _count(uow, CodeAttempt) == 0

    async def test_attempt_records_hold_no_telegram_id(self, uow, clock, jo) -> None:
        await self._guess(uow, clock, 1)
        async with uow() as work:
            subjects = list(await work.session.scalars(select(CodeAttempt.subject)))
        assert subjects == [guessing.subject_key(STRANGER)]
        assert str(STRANGER) not in subjects[0]
