"""A council's choices for its concern ladder and its sessions, set by an operator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.access import may_change_council_settings
from bot.domain.actors import OPERATOR, Actor
from bot.domain.errors import MayNotManageStaff, SetupError
from bot.domain.numbers import whole_number
from bot.domain.organisations import slugify
from bot.domain.people import Role
from bot.services.ports import UnitOfWork
from bot.services.records import CouncilRecord


@dataclass(frozen=True)
class CouncilChange:
    """What `waypoint council set` was asked to change; None leaves a setting as it is."""

    out_of_hours_phone: str | None = None
    minutes_high: int | None = None
    minutes_other: int | None = None
    office_hours: tuple[int, int] | None = None
    on_call_first: bool | None = None
    police_liaison: bool | None = None
    # No session reminders from the first hour to the second (SE-7), e.g. (21, 8).
    quiet_hours: tuple[int, int] | None = None
    # The IANA zone of the council's places, in which sessions are booked (SE-2).
    timezone: str | None = None


def office_hours(text: str) -> tuple[int, int]:
    """`9-17` as (9, 17), or a message saying what to write."""
    opens_text, _, closes_text = text.partition("-")
    opens, closes = whole_number(opens_text, high=24), whole_number(closes_text, high=24)
    if opens is None or closes is None or opens >= closes:
        raise SetupError(
            f"--office-hours {text!r}: write the opening and closing hours, like 9-17"
        )
    return opens, closes


def quiet_hours(text: str) -> tuple[int, int]:
    """`21-8` as (21, 8): from 21:00 to 08:00, over midnight; or a message saying what to write."""
    from_text, _, until_text = text.partition("-")
    start, end = whole_number(from_text, high=23), whole_number(until_text, high=23)
    if start is None or end is None or start == end:
        raise SetupError(
            f"--quiet-hours {text!r}: write the hour reminders stop and the hour they may start "
            "again, on the 24-hour clock, like 21-8"
        )
    return start, end


def time_zone(name: str) -> str:
    """A zone name Waypoint knows, or a message saying what to write."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SetupError(
            f"--timezone {name!r} is not a known time zone: use a name like Europe/London"
        ) from None
    return name


def describe(council: CouncilRecord) -> str:
    """The council's ladder settings, one per line."""
    return "\n".join(
        (
            f"{council.name}",
            f"out-of-hours phone: {council.out_of_hours_phone or 'not set'}",
            f"minutes before the next step: {council.minutes_high} (high), "
            f"{council.minutes_other} (medium and low)",
            f"office hours: {council.office_opens_hour}-{council.office_closes_hour}, "
            "Monday to Friday",
            "out-of-hours team told first out of hours: "
            f"{'yes' if council.on_call_first else 'no'}",
            f"police liaison told of missing and exploitation: "
            f"{'yes' if council.police_liaison else 'no'}",
            f"no session reminders from {council.quiet_from_hour}:00 to "
            f"{council.quiet_until_hour}:00",
            f"sessions are booked in the time zone {council.timezone}",
        )
    )


# The settings a change can name, in the order the audit trail records them.
SETTINGS = (
    "out_of_hours_phone",
    "minutes_high",
    "minutes_other",
    "office_hours",
    "on_call_first",
    "police_liaison",
    "quiet_hours",
    "timezone",
)


async def do_change_council(
    uow: UnitOfWork,
    council_name: str,
    change: CouncilChange,
    *,
    now: datetime,
    by_staff_id: int | None = None,
) -> str:
    """Apply the change (audited: which settings changed, never their values) and describe
    the council as it now is. With `by_staff_id` (the console) a member of staff makes it,
    who must be a manager or operator of one of the council's hubs."""
    for minutes in (change.minutes_high, change.minutes_other):
        if minutes is not None and not 1 <= minutes <= 24 * 60:
            raise SetupError("minutes must be from 1 to 1440")
    async with uow:
        council = await uow.organisations.council(slugify(council_name))
        if council is None:
            raise SetupError(f"there is no council called {council_name!r}")
        by = OPERATOR if by_staff_id is None else await _changer(uow, by_staff_id, council.id)
        for name in (
            "out_of_hours_phone",
            "minutes_high",
            "minutes_other",
            "on_call_first",
            "police_liaison",
        ):
            value = getattr(change, name)
            if value is not None:
                setattr(council, name, value)
        if change.office_hours is not None:
            council.office_opens_hour, council.office_closes_hour = change.office_hours
        if change.quiet_hours is not None:
            council.quiet_from_hour, council.quiet_until_hour = change.quiet_hours
        if change.timezone is not None:
            council.timezone = change.timezone
        for action in ("council.changed", *_changed(change)):
            uow.audit.record(action, at=now, by=by, subject_type="council", subject_id=council.id)
        await uow.commit()
        return describe(council)


def _changed(change: CouncilChange) -> list[str]:
    """One audit action per setting the change names: `council.changed.<setting>`."""
    return [f"council.changed.{name}" for name in SETTINGS if getattr(change, name) is not None]


async def _changer(uow: UnitOfWork, staff_id: int, council_id: int) -> Actor:
    staff = await uow.staff.get(staff_id)
    if staff is None or not may_change_council_settings(
        role=Role(staff.role), active=staff.active, same_council=staff.hub.council_id == council_id
    ):
        raise MayNotManageStaff
    return Actor.staff(staff.id)
