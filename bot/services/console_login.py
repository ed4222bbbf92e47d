"""Signing in to the staff console (issue 15) without a password: `/console` in Telegram
gives a single-use link (bot.domain.console), the link starts a session, every request
checks the session, and `/console off` ends every session of theirs.

The secrets (the link's token, the session id) leave here once, to the person; only their
hashes are stored. Staff who have left are refused at every step, at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.access import StaffCommand
from bot.domain.actors import Actor, KnownStaff
from bot.domain.console import (
    LINK_LIFETIME,
    LinkFacts,
    SessionFacts,
    link_usable,
    new_token,
    session_alive,
    token_hash,
)
from bot.services.identity import staff_record
from bot.services.ports import UnitOfWork
from bot.services.records import StaffRecord
from bot.services.staff_help import check_may_use


class LinkRefused(Exception):
    """The link is unknown, used, late, or its member of staff has left: never says which."""


class SessionRefused(Exception):
    """No session, or one that ended, ran out, or whose member of staff has left."""


@dataclass(frozen=True)
class IssueLink:
    """Ask for a sign-in link, to be opened at `base_url` (the console's public address)."""

    base_url: str


@dataclass(frozen=True)
class SignedIn:
    """A new session: its id for the cookie (never stored), and its CSRF token."""

    session_id: str
    csrf_token: str
    staff: KnownStaff


@dataclass(frozen=True)
class ConsoleUser:
    """The member of staff behind a live session, with the session's CSRF token."""

    staff: KnownStaff
    csrf_token: str


def known_staff(staff: StaffRecord) -> KnownStaff:
    """The typed actor for a stored member of staff."""
    return KnownStaff(
        staff.id,
        staff.telegram_user_id,
        staff.hub_id,
        staff.hub.council_id,
        staff.role,
        staff.name,
    )


def link_path(token: str) -> str:
    """Where a sign-in link points, under the console's address."""
    return f"/login/{token}"


async def do_issue_link(
    uow: UnitOfWork, actor: KnownStaff, command: IssueLink, *, now: datetime
) -> None:
    """Make a link for this member of staff and queue it to them in Telegram, in one
    transaction: a link nobody was sent is never stored."""
    check_may_use(actor.role, StaffCommand.CONSOLE)
    token = new_token()
    async with uow:
        staff = await staff_record(uow, actor)
        await uow.console.new_link(
            token_hash=token_hash(token),
            staff_id=staff.id,
            now=now,
            expires_at=now + LINK_LIFETIME,
        )
        link = command.base_url.rstrip("/") + link_path(token)
        minutes = str(int(LINK_LIFETIME.total_seconds() // 60))
        uow.postbox.to_staff(staff, "console_link", {"link": link, "minutes": minutes}, now=now)
        uow.audit.record("console.link_issued", at=now, by=actor.actor, hub_id=staff.hub_id)
        await uow.commit()


async def check_link(uow: UnitOfWork, token: str, *, now: datetime) -> None:
    """Raise LinkRefused unless the link would sign someone in now; changes nothing (a link
    preview, or a second look, does not use it up)."""
    async with uow.reading():
        link = await uow.console.link(token_hash(token))
        if link is None or not link_usable(LinkFacts(link.expires_at, link.used_at), now):
            raise LinkRefused
        staff = await uow.staff.get(link.staff_id)
        if staff is None or not staff.active:
            raise LinkRefused


async def do_redeem_link(uow: UnitOfWork, token: str, *, now: datetime) -> SignedIn:
    """Use the link up and start a session; LinkRefused if it is unknown, used, late, or
    its member of staff has left."""
    session_id, csrf_token = new_token(), new_token()
    async with uow:
        link = await uow.console.link(token_hash(token))
        if link is None or not link_usable(LinkFacts(link.expires_at, link.used_at), now):
            raise LinkRefused
        staff = await uow.staff.get(link.staff_id)
        if staff is None or not staff.active or not await uow.console.use_link(link.id, now):
            raise LinkRefused
        await uow.console.new_session(
            session_hash=token_hash(session_id),
            staff_id=staff.id,
            csrf_token=csrf_token,
            now=now,
        )
        actor = known_staff(staff)
        uow.audit.record("console.signed_in", at=now, by=actor.actor, hub_id=staff.hub_id)
        await uow.commit()
    return SignedIn(session_id, csrf_token, actor)


async def check_session(uow: UnitOfWork, session_id: str, *, now: datetime) -> ConsoleUser:
    """The member of staff behind a live session, which counts as used now (its idle time
    starts again); SessionRefused if it ended, ran out, or they have left."""
    async with uow:
        row = await uow.console.session(token_hash(session_id))
        if row is None:
            raise SessionRefused
        facts = SessionFacts(row.created_at, row.last_seen_at, row.ended_at)
        staff = await uow.staff.get(row.staff_id)
        if not session_alive(facts, now) or staff is None or not staff.active:
            raise SessionRefused
        row.last_seen_at = now
        await uow.commit()
        return ConsoleUser(known_staff(staff), row.csrf_token)


async def do_sign_out(uow: UnitOfWork, session_id: str, *, now: datetime) -> None:
    """End this one session (the console's "Sign out")."""
    async with uow:
        row = await uow.console.session(token_hash(session_id))
        if row is not None and row.ended_at is None:
            row.ended_at = now
            uow.audit.record("console.signed_out", at=now, by=Actor.staff(row.staff_id))
            await uow.commit()


async def do_sign_out_everywhere(uow: UnitOfWork, actor: KnownStaff, *, now: datetime) -> int:
    """`/console off`: end every session of theirs, and tell them; returns how many ended."""
    check_may_use(actor.role, StaffCommand.CONSOLE)
    async with uow:
        staff = await staff_record(uow, actor)
        ended = await uow.console.end_sessions(staff.id, now=now)
        uow.postbox.to_staff(staff, "console_signed_out", {}, now=now)
        uow.audit.record("console.signed_out_everywhere", at=now, by=actor.actor)
        await uow.commit()
    return ended
