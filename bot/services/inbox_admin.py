"""Looking after updates set aside: listing them (never what they said) and trying again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.domain.actors import OPERATOR
from bot.domain.errors import SetupError
from bot.services.ports import UnitOfWork


@dataclass(frozen=True)
class SetAside:
    """An update an operator must look at: what kind it was and why, not its contents."""

    update_id: int
    received_at: datetime
    kind: str
    problem: str
    words_kept: bool


def _kind(payload: str | None) -> str:
    if payload is None:
        return "(cleared)"
    try:
        keys = [key for key in json.loads(payload) if key != "update_id"]
    except (ValueError, TypeError):
        return "(not JSON)"
    return ", ".join(keys) or "(empty)"


async def set_aside_updates(uow: UnitOfWork) -> list[SetAside]:
    """Every update set aside, oldest first."""
    async with uow.reading():
        return [
            SetAside(
                row.update_id,
                row.received_at,
                _kind(row.payload),
                row.problem or "",
                row.payload is not None,
            )
            for row in await uow.inbox.set_aside_list()
        ]


async def do_retry_update(uow: UnitOfWork, update_id: int, *, now: datetime) -> None:
    """Put a set-aside update back: a running Waypoint handles it within a few seconds."""
    async with uow:
        if not await uow.inbox.put_back(update_id, now=now):
            raise SetupError(f"there is no set-aside update {update_id}: see waypoint inbox list")
        uow.audit.record(
            "inbox.retried",
            at=now,
            by=OPERATOR,
            subject_type="update",
            subject_id=update_id,
        )
        await uow.commit()
