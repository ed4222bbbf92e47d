"""A concern never freezes, never leaks to another hub, never multiplies, and its records
stay as they were written: issue 9, points 2, 5, 8, 10, 11, 14 and 15, on SQLite and
PostgreSQL, on a clock the test moves."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bot.adapters.db.migrate import upgrade_async
from bot.adapters.db.models import Concern, OutboxMessage
from bot.adapters.db.uow import PostOffice, UnitOfWorkFactory
from bot.content.catalogue import Catalogue
from bot.domain.errors import CodeRefused, NotForTheirRole
from bot.domain.ladder import Urgency
from bot.domain.outbox import DeliveryState
from bot.domain.people import Role
from bot.domain.safety.worry import Worry
from bot.services.concern_records import concern_export, do_away
from bot.services.concerns import do_add_words, do_raise_concern
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.retention import do_forget_old
from bot.services.staff import NewStaff, do_add_staff
from bot.services.talk import Reply, do_reply_to_young_person
from tests.integration.concern_world import (
    DEE,
    JO,
    LEE,
    MAX,
    OONA,
    PAT,
    SAM,
    TUESDAY_EVENING,
    Hub,
    hub,
)

__all__ = ["hub"]
PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"
IT, SOL, SID, COACH, DIA, ALEX = 1601, 1701, 1801, 1901, 1102, 2002


def _with_unfillable_placeholder(toml: str, message_id: str) -> str:
    """The file with `{oops}` put at the start of this message's easy English, whatever its
    wording: Waypoint never has a value for it."""
    table = toml.index(f"[{message_id}.en]")
    easy = toml.index("easy = ", table) + len("easy = ")
    opening = 3 if toml[easy : easy + 3] in ('"""', "'''") else 1
    if opening == 3 and toml[easy + 3] == "\n":
        opening += 1  # TOML drops a line break straight after the opening quotes
    start = easy + opening
    return toml[:start] + "{oops} " + toml[start:]


async def _add(hub: Hub, telegram_id: int, name: str, role: Role, at: str = "Harrogate") -> None:
    await do_add_staff(
        hub.uow(),
        NewStaff(telegram_id, name, role, at, "North Yorkshire", create=True),
        now=hub.clock(),
    )


async def _only_jo_and_lee(hub: Hub) -> None:
    """A hub where nobody but the two key workers could take a concern."""
    for telegram_id in (DEE, MAX, OONA):
        await hub.staff(telegram_id, active=False)
    await _add(hub, IT, "Ira", Role.OPERATOR)


class TestNeverFrozen:
    async def test_two_workers_cannot_cover_for_each_other(self, hub: Hub) -> None:
        await do_away(hub.uow(), await hub.actor(JO), "Lee", now=hub.clock())
        await hub.as_staff(LEE, lambda lee: do_away(hub.uow(), lee, "Jo", now=hub.clock()))
        assert (await hub.keys(LEE))[-1] == "away_cover_away"
        async with hub.uow() as work:
            lee = await work.staff.by_telegram_id(LEE)
            assert lee is not None
            assert not lee.away

    async def test_with_nobody_to_tell_the_young_person_hears_the_truth_and_it_is_loud(
        self, hub: Hub
    ) -> None:
        await _only_jo_and_lee(hub)
        # Left over from before covers were checked: each names the other.
        await hub.staff(JO, away=True, cover_id=hub.ids[LEE])
        await hub.staff(LEE, away=True, cover_id=hub.ids[JO])
        concern_id = await hub.raise_concern(Worry("words", Urgency.HIGH, "help me", "unsafe"))
        sam = await hub.keys(SAM)
        assert "concern_raised" not in sam
        assert "concern_nobody_yet" in sam
        assert "concern_helplines" in sam
        assert await hub.alerted() == []
        assert await hub.keys(IT) == ["concern_nobody_operator"]
        [operator_alert] = await hub.queued(IT)
        assert "help me" not in operator_alert.text
        assert "Sam" not in operator_alert.text

        # Jo comes back: at the next look (a minute later) Jo is told, and so is Sam.
        await do_away(hub.uow(), await hub.actor(JO), None, now=hub.clock())
        assert await hub.tick(minutes=1) == 1
        assert await hub.alerted() == ["named_worker: Jo"]
        assert (await hub.keys(SAM))[-1] == "concern_now_told"
        assert (await hub.events(concern_id)).count("nobody_to_tell") == 1
        # The operator was told once, not every minute.
        assert await hub.keys(IT) == ["concern_nobody_operator"]

    async def test_staff_added_after_the_worker_left_are_told(self, hub: Hub) -> None:
        await _only_jo_and_lee(hub)
        await hub.staff(JO, active=False)
        await hub.raise_concern()
        await hub.tick(minutes=1)
        assert await hub.alerted() == []
        await _add(hub, DIA, "Dia", Role.DUTY)
        assert await hub.tick(minutes=1) == 1
        assert await hub.alerted() == ["duty: Dia"]

    async def test_from_the_top_rung_it_looks_all_the_way_down_again(self, hub: Hub) -> None:
        await hub.raise_concern()
        await hub.tick(minutes=10)
        await hub.tick(minutes=10)
        assert (await hub.alerted())[-1] == "manager: Max"
        for telegram_id in (MAX, DEE, OONA):
            await hub.staff(telegram_id, active=False)
        await hub.tick(minutes=10)
        assert (await hub.alerted())[-1] == "named_worker: Jo"


class TestReroutedOnlyToThoseWhoMayRead:
    async def test_a_failed_alert_to_another_hubs_on_call_goes_to_the_young_persons_hub(
        self, hub: Hub
    ) -> None:
        hub.clock.now = TUESDAY_EVENING
        await _add(hub, SOL, "Sol", Role.DUTY, at="Scarborough")
        await hub.raise_concern(Worry("words", Urgency.HIGH, "they hurt me", "abuse"))
        await hub.tick(minutes=10)
        await hub.tick(minutes=10)
        [alert] = [r for r in await hub.queued(OONA) if r.message_key == "concern_alert_top"]
        await hub.blocked(alert.id)
        assert await hub.keys(SOL) == []
        rerouted = [r for r in await hub.queued(DEE) if r.message_key == "safety_message_failed"]
        assert len(rerouted) == 1
        assert "they hurt me" in rerouted[0].text


class TestOneConcernAtATime:
    async def test_forty_taps_make_one_concern_and_duty_gets_one_alert(self, hub: Hub) -> None:
        for _ in range(40):
            await hub.raise_concern()
        async with hub.uow() as work:
            concerns = list(await work.session.scalars(select(Concern)))
        assert len(concerns) == 1
        await hub.tick(minutes=10)
        assert await hub.alerted() == ["named_worker: Jo", "duty: Dee"]
        assert (await hub.keys(DEE)).count("concern_alert") == 1

    async def test_a_more_urgent_worry_raises_it_and_a_less_urgent_one_never_lowers_it(
        self, hub: Hub
    ) -> None:
        concern_id = await hub.raise_concern(
            Worry("words", Urgency.MEDIUM, "they keep picking on me", "bullying")
        )
        await hub.raise_concern(Worry("words", Urgency.HIGH, "i want to die", "suicide"))
        assert (await hub.concern(concern_id)).urgency == "high"
        await hub.raise_concern(Worry("words", Urgency.LOW, "i feel a bit low", "unsafe"))
        assert (await hub.concern(concern_id)).urgency == "high"
        # The words that came later reach whoever was told, and the record keeps them all.
        assert (await hub.keys(JO)).count("concern_more_words") == 2
        record = await concern_export(hub.uow(), concern_id, now=hub.clock())
        assert "i want to die" in record
        assert "i feel a bit low" in record

    async def test_one_young_persons_many_worries_do_not_hold_up_anothers_alert(
        self, hub: Hub
    ) -> None:
        invite = await do_create_invite(
            hub.uow(), worker_telegram_id=JO, first_name="Alex", now=hub.clock()
        )
        await do_redeem_invite(hub.uow(), telegram_user_id=ALEX, code=invite.code, now=hub.clock())
        await hub.raise_concern(Worry("words", Urgency.HIGH, "help", "unsafe"))
        for n in range(10):
            await hub.raise_concern(Worry("words", Urgency.HIGH, f"still bad {n}", "unsafe"))
        await do_raise_concern(
            hub.uow(), ALEX, Worry("words", Urgency.HIGH, "alex is scared", "unsafe"),
            now=hub.clock(),
        )  # fmt: skip
        async with hub.uow() as work:
            waiting = list(
                await work.session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.chat_id == JO, OutboxMessage.lane == 0)
                    .order_by(
                        OutboxMessage.lane, OutboxMessage.turn, OutboxMessage.not_before,
                        OutboxMessage.id,
                    )
                )
            )  # fmt: skip
            order = [row.text for row in waiting]
        alex = next(n for n, t in enumerate(order) if "alex is scared" in t)
        assert alex <= 1, order


class TestWhoMayWriteToAYoungPerson:
    @pytest.mark.parametrize(
        ("sender", "refusal"),
        # Police liaison never replies: refused for the role, before Sam is looked up.
        [(PAT, "command_not_for_role"), (LEE, "talk_reply_not_allowed"), (DEE, None)],
    )
    async def test_only_those_the_rule_names_may_reply(
        self, hub: Hub, sender: int, refusal: str | None
    ) -> None:
        before = await hub.keys(SAM)
        await hub.as_staff(
            sender,
            lambda actor: do_reply_to_young_person(
                hub.uow(), actor, Reply("Sam", "hello"), now=hub.clock()
            ),
        )
        reached = (await hub.keys(SAM))[len(before) :] == ["talk_from_worker"]
        assert reached is (refusal is None)
        if refusal is not None:
            assert (await hub.keys(sender))[-1] == refusal

    async def test_a_therapist_may_not_but_the_young_persons_life_coach_may(
        self, hub: Hub
    ) -> None:
        await _add(hub, SID, "Sid", Role.SLT)
        await _add(hub, COACH, "Cam", Role.LIFE_COACH)
        async with hub.uow() as work:
            sam = await work.young_people.by_telegram_id(SAM)
            coach = await work.staff.by_telegram_id(COACH)
            assert sam is not None
            assert coach is not None
            sam.life_coach_id = coach.id
            await work.commit()
        sid = await hub.actor(SID)
        # A therapist never replies (her role, not this young person): refused before any look-up.
        with pytest.raises(NotForTheirRole):
            await do_reply_to_young_person(hub.uow(), sid, Reply("Sam", "hi"), now=hub.clock())
        coach_actor = await hub.actor(COACH)
        await do_reply_to_young_person(hub.uow(), coach_actor, Reply("Sam", "hi"), now=hub.clock())
        assert (await hub.keys(SAM))[-1] == "talk_from_worker"


class TestWordsBeforeWording:
    async def test_words_are_stored_even_when_the_reply_cannot_be_filled_in(
        self, hub: Hub, tmp_path: Path
    ) -> None:
        content = tmp_path / "content"
        shutil.copytree(PROJECT_CONTENT, content)
        path = content / "messages" / "concerns.toml"
        broken = _with_unfillable_placeholder(path.read_text(encoding="utf-8"), "talk_sent")
        assert "{oops}" in broken
        path.write_text(broken, encoding="utf-8")
        catalogue = Catalogue.load(content, allow_drafts=True)
        uow = UnitOfWorkFactory(hub.uow.sessions, PostOffice(catalogue))
        concern_id = await do_raise_concern(
            uow(), SAM, Worry("button", Urgency.HIGH), now=hub.clock()
        )
        assert concern_id is not None
        assert await do_add_words(uow(), SAM, "he hit me again", now=hub.clock())
        assert (await hub.concern(concern_id)).words == "he hit me again"


class TestFailedMessagesForget:
    async def test_after_a_week_a_failed_invite_loses_its_words_and_its_link_dies(
        self, hub: Hub
    ) -> None:
        created = await do_create_invite(
            hub.uow(), worker_telegram_id=JO, first_name="Kit", now=hub.clock(),
            send_link_as="waypoint_demo_bot",
        )  # fmt: skip
        async with hub.uow() as work:
            row = await work.session.scalar(
                select(OutboxMessage).where(OutboxMessage.message_key == "invite_created")
            )
            assert row is not None
            assert created.code in row.text
            row.state, row.last_error = DeliveryState.FAILED, "blocked"
            await work.commit()
        hub.clock.advance(timedelta(days=6))
        assert await do_forget_old(hub.uow(), now=hub.clock()) == 0
        hub.clock.advance(timedelta(days=1, minutes=1))
        assert await do_forget_old(hub.uow(), now=hub.clock()) == 1
        [row] = [r for r in await hub.queued(JO) if r.message_key == "invite_created"]
        assert row.text == ""
        with pytest.raises(CodeRefused):
            await do_redeem_invite(
                hub.uow(), telegram_user_id=3001, code=created.code, now=hub.clock()
            )


class TestRecordsStayAsWritten:
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_events SET action = 'changed'",
            "DELETE FROM audit_events",
            "UPDATE concerns SET words = 'something else'",
            "DELETE FROM concerns",
            "UPDATE concern_words SET words = 'something else'",
            "DELETE FROM concern_words",
        ],
    )
    async def test_the_database_refuses_to_rewrite_evidence(
        self, hub: Hub, statement: str
    ) -> None:
        concern_id = await hub.raise_concern(Worry("words", Urgency.HIGH, "first words", "unsafe"))
        await hub.raise_concern(Worry("words", Urgency.HIGH, "more words", "unsafe"))
        async with hub.uow() as work:
            with pytest.raises(DBAPIError):
                await work.session.execute(text(statement))
        assert (await hub.concern(concern_id)).words == "first words"

    async def test_words_added_after_the_button_are_set_once(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        assert await do_add_words(hub.uow(), SAM, "it was my uncle", now=hub.clock())
        assert (await hub.concern(concern_id)).words == "it was my uncle"

    async def test_the_case_file_record_gives_full_dates_with_the_year(self, hub: Hub) -> None:
        concern_id = await hub.raise_concern()
        record = await concern_export(hub.uow(), concern_id, now=hub.clock())
        assert "Tuesday 3 March 2026" in record


async def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private.db"
    await upgrade_async(f"sqlite+aiosqlite:///{path}")
    assert os.stat(path).st_mode & 0o777 == 0o600
