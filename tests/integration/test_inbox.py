"""The inbox: every update is stored before Telegram is told it arrived, handled at most once,
and handled after a crash. On SQLite and PostgreSQL, with the real Application and a fake
Telegram. Issue 9, points 1 and 7."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.ext import TypeHandler

from bot.adapters.db.inbox import HANDLED, PENDING, SET_ASIDE, Received
from bot.adapters.db.models import Concern, InboxUpdate
from bot.adapters.db.uow import SqlUnitOfWork, UnitOfWorkFactory
from bot.adapters.telegram.application import WaypointApplication, build_application
from bot.adapters.telegram.dispatcher import Dispatcher, DispatchSettings
from bot.adapters.telegram.polling import Poller
from bot.clock import ManualClock
from bot.config import load_settings
from bot.devtools.fake_telegram import FakeTelegram, FakeUser
from bot.domain.people import Role
from bot.entrypoints.bootstrap import bootstrap
from bot.services.health import ingress
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff

JO = FakeUser(id=1001, first_name="Jo")
SAM = FakeUser(id=2001, first_name="Sam")
STRANGER = FakeUser(id=30_001, first_name="Flood")
WORRY = "i want to kill myself tonight"


class _Gone:
    """A dispatcher in a process that died right after the batch was stored."""

    owner = "dead-instance"
    lease = timedelta(seconds=15)

    def __init__(self) -> None:
        self.dropped: list[Received] = []

    def submit(self, updates: list[Received]) -> None:
        self.dropped.extend(updates)


@dataclass
class Inbound:
    """The Application, a clock, and ways to build pollers and dispatchers on them."""

    app: WaypointApplication
    uow: UnitOfWorkFactory
    fake: FakeTelegram
    clock: ManualClock

    def dispatcher(self, owner: str = "instance-b", **options: Any) -> Dispatcher:
        return Dispatcher(self.app, self.uow, owner=owner, clock=self.clock, **options)

    def poller(self, dispatcher: Any) -> Poller:
        return Poller(self.app.bot, self.uow, dispatcher, clock=self.clock, timeout=0)

    async def rows(self) -> list[InboxUpdate]:
        async with self.uow() as work:
            found = list(
                await work.session.scalars(select(InboxUpdate).order_by(InboxUpdate.update_id))
            )
            work.session.expunge_all()
            return found

    async def concerns(self) -> int:
        async with self.uow() as work:
            return int(await work.session.scalar(select(func.count()).select_from(Concern)) or 0)


@pytest.fixture
async def inbound(
    migrated_url: str, fake_telegram: FakeTelegram, clock: ManualClock
) -> AsyncIterator[Inbound]:
    """Jo and Sam linked; an initialised Application with Waypoint's handlers, not polling."""
    token = FakeTelegram.token_for_tests()
    settings = load_settings(
        database_url=migrated_url, telegram_token=token, allow_draft_content=True
    )
    running = bootstrap(settings, clock=clock)
    uow = running.waypoint.uow
    await do_add_staff(
        uow(),
        NewStaff(JO.id, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True),
        now=clock(),
    )
    invite = await do_create_invite(uow(), worker_telegram_id=JO.id, first_name="Sam", now=clock())
    await do_redeem_invite(uow(), telegram_user_id=SAM.id, code=invite.code, now=clock())
    app = build_application(running.waypoint, token=token, api_url=fake_telegram.url)
    try:
        async with app:
            yield Inbound(app, uow, fake_telegram, clock)
    finally:
        await running.close()


class TestStoredBeforeTelegramIsTold:
    async def test_a_worry_stored_then_lost_with_its_process_is_handled_after_restart(
        self, inbound: Inbound
    ) -> None:
        sent = inbound.fake.send_text(SAM, WORRY)
        gone = _Gone()
        assert await inbound.poller(gone).poll_once() == 1
        # Stored, and Telegram has not been told: the next getUpdates would confirm it.
        [row] = await inbound.rows()
        assert row.update_id == sent["update_id"]
        assert row.state == PENDING
        assert WORRY in (row.payload or "")
        assert inbound.fake.waiting_updates() == [sent["update_id"]]
        assert await inbound.concerns() == 0

        # A new instance takes it over once the dead one's lease has run out.
        inbound.clock.advance(gone.lease)
        after = inbound.dispatcher()
        assert await after.recover() == 1
        await after.settled()
        assert await inbound.concerns() == 1
        [row] = await inbound.rows()
        assert (row.state, row.payload) == (HANDLED, None)

        # Telegram sends it again (it was never confirmed): it is not handled twice.
        poller = inbound.poller(after)
        assert await poller.poll_once() == 1
        await after.settled()
        assert await inbound.concerns() == 1
        assert await poller.poll_once() == 0
        assert inbound.fake.waiting_updates() == []

    async def test_two_attempts_at_the_same_update_make_one_concern(
        self, inbound: Inbound
    ) -> None:
        inbound.fake.send_text(SAM, WORRY)
        gone = _Gone()
        await inbound.poller(gone).poll_once()
        [item] = gone.dropped
        first, second = inbound.dispatcher("a"), inbound.dispatcher("b")
        await asyncio.gather(first.handle(item), second.handle(item))
        assert await inbound.concerns() == 1

    async def test_a_lease_held_by_a_live_instance_is_not_taken_over(
        self, inbound: Inbound
    ) -> None:
        inbound.fake.send_text(SAM, WORRY)
        await inbound.poller(_Gone()).poll_once()
        assert await inbound.dispatcher().recover() == 0
        assert await inbound.concerns() == 0


class TestHandlersThatFail:
    async def test_a_failing_handler_is_tried_again_then_set_aside_and_the_sender_told(
        self, inbound: Inbound
    ) -> None:
        failures = {"left": 10}

        async def broken(update: object, _: object) -> None:
            if failures["left"] > 0:
                failures["left"] -= 1
                raise RuntimeError("the database went away")

        inbound.app.add_handler(TypeHandler(Update, broken), group=-5)
        told: list[Received] = []

        async def tell(item: Received) -> None:
            told.append(item)

        inbound.fake.send_text(SAM, WORRY)
        gone = _Gone()
        await inbound.poller(gone).poll_once()
        [item] = gone.dropped
        dispatcher = inbound.dispatcher(
            on_set_aside=tell, settings=DispatchSettings(retry_limit=3)
        )
        await dispatcher.handle(item)
        [row] = await inbound.rows()
        assert (row.state, row.attempts) == (PENDING, 1)
        for _ in range(2):
            await dispatcher.handle(item)
        [row] = await inbound.rows()
        assert row.state == SET_ASIDE
        assert told == [item]
        assert await inbound.concerns() == 0

    async def test_once_the_fault_passes_the_retry_handles_it(self, inbound: Inbound) -> None:
        failures = {"left": 1}

        async def flaky(update: object, _: object) -> None:
            if failures["left"] > 0:
                failures["left"] -= 1
                raise RuntimeError("a passing fault")

        inbound.app.add_handler(TypeHandler(Update, flaky), group=-5)
        inbound.fake.send_text(SAM, WORRY)
        gone = _Gone()
        await inbound.poller(gone).poll_once()
        dispatcher = inbound.dispatcher()
        await dispatcher.handle(gone.dropped[0])
        assert await inbound.concerns() == 0
        inbound.clock.advance(timedelta(minutes=1))
        assert await dispatcher.recover() == 1
        await dispatcher.settled()
        assert await inbound.concerns() == 1


class TestUnreadableUpdates:
    async def test_one_update_that_cannot_be_read_is_set_aside_and_polling_goes_on(
        self, inbound: Inbound, caplog: pytest.LogCaptureFixture
    ) -> None:
        canary = "CanaryWordsThatMustNotBeLogged"
        bad = inbound.fake.inject_update({"message": {"message_id": "x", "chat": canary}})
        inbound.fake.send_text(SAM, WORRY)
        dispatcher = inbound.dispatcher()
        poller = inbound.poller(dispatcher)
        with caplog.at_level(logging.INFO):
            assert await poller.poll_once() == 2
            await dispatcher.settled()
        rows = {row.update_id: row for row in await inbound.rows()}
        assert rows[bad["update_id"]].state == SET_ASIDE
        assert await inbound.concerns() == 1
        assert canary not in caplog.text
        assert await poller.poll_once() == 0
        assert inbound.fake.waiting_updates() == []


class TestHealth:
    async def test_health_says_when_updates_wait_and_when_polling_stopped(
        self, inbound: Inbound
    ) -> None:
        await inbound.poller(_Gone()).poll_once()
        seen = await ingress(inbound.uow)
        assert seen.problem(inbound.clock()) is None
        inbound.fake.send_text(SAM, "hello")
        await inbound.poller(_Gone()).poll_once()
        inbound.clock.advance(timedelta(minutes=3))
        seen = await ingress(inbound.uow)
        problem = seen.problem(inbound.clock())
        assert problem is not None
        assert "without being handled" in problem
        dispatcher = inbound.dispatcher()
        await dispatcher.recover()
        await dispatcher.settled()
        problem = (await ingress(inbound.uow)).problem(inbound.clock())
        assert problem is not None
        assert "no updates fetched" in problem


class TestPollingKeepsGoing:
    async def test_a_failed_delete_webhook_at_start_is_tried_again(self, inbound: Inbound) -> None:
        inbound.fake.fail_next("deleteWebhook", "server_error")
        poller = inbound.poller(inbound.dispatcher())
        polling = asyncio.create_task(poller.run())
        inbound.fake.send_text(SAM, WORRY)
        try:
            for _ in range(100):
                if await inbound.concerns():
                    break
                await asyncio.sleep(0.1)
        finally:
            poller.stop()
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)
        assert await inbound.concerns() == 1

    async def test_tens_of_thousands_of_leases_are_renewed_in_slices(
        self, inbound: Inbound
    ) -> None:
        async with inbound.uow() as uow:
            held = list(range(1, 40_001))
            await uow.inbox.renew(held, owner="a", lease_until=inbound.clock())
            await uow.inbox.release(held, owner="a", now=inbound.clock())
            await uow.commit()


class _Recording:
    """An application that only notes the order it is given updates in; the first waits."""

    bot = None

    def __init__(self) -> None:
        self.order: list[int] = []
        self.first_may_finish = asyncio.Event()

    async def process_update(self, update: Update) -> None:
        self.order.append(update.update_id)
        if len(self.order) == 1:
            await self.first_may_finish.wait()


def _message(update_id: int) -> Received:
    chat = {"id": 2001, "type": "private", "first_name": "Sam"}
    payload = {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": 0, "chat": chat},
    }
    return Received(update_id, 2001, payload)


async def test_an_update_taken_over_late_still_goes_in_its_chats_order(inbound: Inbound) -> None:
    recording = _Recording()
    dispatcher = Dispatcher(recording, inbound.uow, owner="a", clock=inbound.clock)
    dispatcher.submit([_message(5), _message(7)])
    await asyncio.sleep(0)
    # Update 6 comes back from recovery while 5 is being handled and 7 waits.
    dispatcher.submit([_message(6)])
    recording.first_may_finish.set()
    await dispatcher.settled()
    assert recording.order == [5, 6, 7]


class _Quiet:
    """An application whose handlers commit nothing, so the dispatcher marks each update."""

    bot = None

    async def process_update(self, update: Update) -> None:
        return None


class _FirstCommitFails(UnitOfWorkFactory):
    """Units of work on the real database whose first commit fails, as one that PostgreSQL
    broke to end a deadlock would."""

    def __init__(self, real: UnitOfWorkFactory) -> None:
        super().__init__(real.sessions, real.post)
        self.failed = 0

    def __call__(self) -> SqlUnitOfWork:
        work = super().__call__()
        if not self.failed:
            self.failed += 1

            async def deadlocked() -> None:
                raise OperationalError("COMMIT", {}, Exception("deadlock detected"))

            setattr(work, "commit", deadlocked)  # noqa: B010
        return work


async def test_updates_whose_marking_failed_once_are_marked_at_the_next_try(
    inbound: Inbound, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(3):
        inbound.fake.send_text(STRANGER, f"hello {n}")
    gone = _Gone()
    assert await inbound.poller(gone).poll_once() == 3
    flaky = _FirstCommitFails(inbound.uow)
    dispatcher = Dispatcher(_Quiet(), flaky, owner="a", clock=inbound.clock)
    with caplog.at_level(logging.ERROR):
        dispatcher.submit(gone.dropped)
        await dispatcher.settled()
    assert flaky.failed == 1
    # Handled without waiting for another instance's recovery, and the error logged by kind.
    assert [(row.state, row.payload) for row in await inbound.rows()] == [(HANDLED, None)] * 3
    assert "could not mark 3 updates handled (try 1 of 3): OperationalError (Exception)" in (
        caplog.text
    )
    assert "hello" not in caplog.text


@pytest.mark.database("postgres")  # SQLite has one writer at a time: there is nothing to skip
async def test_renewing_leases_passes_over_an_update_being_marked_and_never_waits(
    inbound: Inbound,
) -> None:
    for n in range(3):
        inbound.fake.send_text(STRANGER, f"hello {n}")
    gone = _Gone()
    await inbound.poller(gone).poll_once()
    first, marked, last = (item.update_id for item in gone.dropped)
    later = inbound.clock() + timedelta(minutes=1)
    async with inbound.uow() as marking:
        # Marked handled and not yet committed: the row is locked until it is.
        assert await marking.inbox.mark_handled(marked, now=inbound.clock())
        async with inbound.uow() as renewing:
            # Waiting for that lock here, while holding the others, is how recovery and the
            # marking deadlocked; it must pass over the row instead (or time out in 5 s).
            await renewing.inbox.renew([first, marked, last], owner=gone.owner, lease_until=later)
            await renewing.commit()
        await marking.commit()
    leases = {row.update_id: (row.state, row.lease_until) for row in await inbound.rows()}
    assert leases == {first: (PENDING, later), marked: (HANDLED, None), last: (PENDING, later)}
