"""`waypoint worker`: the sender and the clock's ticks with no Telegram updates coming in. A
concern that falls due is alerted by the worker alone. Issue 10."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path
from typing import IO

import pytest

from bot.adapters.db.models import Concern
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import system_clock
from bot.devtools.fake_telegram import FakeTelegram
from bot.domain.people import Role
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.conftest import JO, SAM
from tests.e2e.processes import waypoint_command, waypoint_env

# Run on the demo's database (SQLite): what it stores is tested on both databases in
# tests/integration, and CI stays under 20 minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.database("sqlite")]


def _start_worker(env: dict[str, str], cwd: Path, log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*waypoint_command(), "worker"], env=env, cwd=cwd, stdout=log, stderr=log
    )


async def test_a_worker_alone_takes_due_steps_and_sends_without_taking_updates(
    migrated_url: str, uow: UnitOfWorkFactory, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    now = system_clock()
    new = NewStaff(JO.id, "Jo", Role.KEY_WORKER, "Harrogate", "North Yorkshire", create=True)
    await do_add_staff(uow(), new, now=now)
    invite = await do_create_invite(uow(), worker_telegram_id=JO.id, first_name="Sam", now=now)
    linked = await do_redeem_invite(uow(), telegram_user_id=SAM.id, code=invite.code, now=now)
    async with uow() as work:
        work.session.add(
            Concern(
                hub_id=1, young_person_id=linked.young_person.id, raised_at=now, source="button",
                urgency="high", words="the worker must send this", state="open", in_hours=True,
                rung=-1, next_step_at=now,
            )
        )  # fmt: skip
        await work.commit()
    env = waypoint_env(
        telegram_token=FakeTelegram.token_for_tests(), telegram_api_url=fake_telegram.url,
        database_url=migrated_url,
    )  # fmt: skip
    with (tmp_path / "worker.log").open("wb") as log:
        worker = _start_worker(env, tmp_path, log)
        try:
            sent = await fake_telegram.await_messages(JO.id, 2, timeout=60)
        finally:
            worker.send_signal(signal.SIGTERM)
            returncode = await asyncio.to_thread(worker.wait, 60)
    assert any("the worker must send this" in (m.text or "") for m in sent)
    methods = {request.method for request in fake_telegram.requests}
    assert "getUpdates" not in methods
    assert "setWebhook" not in methods
    assert returncode == 0, (tmp_path / "worker.log").read_text()
