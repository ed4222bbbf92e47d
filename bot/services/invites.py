"""Inviting a young person, and linking them to their named worker when they open the link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import guessing
from bot.domain.access import may_invite_for
from bot.domain.actors import UNKNOWN, Actor
from bot.domain.errors import (
    AlreadyLinked,
    BadFirstName,
    CodeRefused,
    InviteAlreadyMade,
    MayNotManageStaff,
    NotStaff,
    RoleMayNotInvite,
    StaffCannotJoin,
)
from bot.domain.invites import (
    INVITE_LIFETIME,
    InviteProblem,
    clean_first_name,
    deep_link,
    hash_code,
    invite_problem,
    looks_like_code,
    new_code,
)
from bot.domain.people import Role, YoungPerson, may_invite
from bot.i18n.dates import concrete_datetime
from bot.services.ports import UnitOfWork
from bot.services.records import InviteRecord, StaffRecord, YoungPersonRecord
from bot.services.studio import check_invite_wording


@dataclass(frozen=True)
class Linked:
    """A young person who has just linked, and where to tell their worker."""

    young_person: YoungPerson
    worker_telegram_id: int


@dataclass(frozen=True)
class InviteCreated:
    """A fresh invite: the code is shown once and never stored."""

    code: str
    first_name: str
    expires_at: datetime
    # The link itself, when the bot's username was given (`link_as`).
    link: str | None = None


async def do_create_invite(
    uow: UnitOfWork,
    *,
    worker_telegram_id: int,
    first_name: str,
    now: datetime,
    send_link_as: str | None = None,
    for_worker_id: int | None = None,
    link_as: str | None = None,
    code: str | None = None,
    console_url: str | None = None,
) -> InviteCreated:
    """Create a single-use invite from a key worker for a young person.

    With `send_link_as` (the bot's username) the link is also queued to the worker in Telegram.
    With `for_worker_id`, the one at `worker_telegram_id` (a manager or operator, in the
    console) makes it for that key worker at their hub (bot.domain.access.may_invite_for);
    with `link_as` (the bot's username) the result carries the link, to be shown once.

    `code` (the console's form carries one, made with the form) makes a resubmitted form
    idempotent: the invite already made with it is shown again, not a second one made
    (InviteAlreadyMade if it is no longer open, or was for someone else).

    Refused (InviteWordingNotApproved) while any young-person message is not live for the
    worker's council: the refusal names them and, with `console_url`, the studio's link.
    """
    name = clean_first_name(first_name)
    async with uow:
        maker = await uow.staff.by_telegram_id(worker_telegram_id)
        if maker is None or not maker.active:
            raise NotStaff
        worker = maker
        if for_worker_id is not None and for_worker_id != maker.id:
            worker = await _their_worker(uow, maker, for_worker_id)
        if not may_invite(Role(worker.role)):
            raise RoleMayNotInvite
        if name is None:
            raise BadFirstName
        if code is not None:
            again = await _made_before(uow, code, worker.id, name, now=now)
            if again is not None:
                shown = deep_link(link_as, code) if link_as else None
                return InviteCreated(code, name, again.expires_at, shown)
        await check_invite_wording(uow, worker.hub.council_id, console_url=console_url)
        code = code or new_code()
        invite = await uow.invites.new(
            code_hash=hash_code(code),
            worker_id=worker.id,
            first_name=name,
            now=now,
            expires_at=now + INVITE_LIFETIME,
        )
        uow.audit.record(
            "invite.created",
            at=now,
            by=Actor.staff(maker.id),
            hub_id=worker.hub_id,
            subject_type="invite",
            subject_id=invite.id,
        )
        if send_link_as is not None:
            link = {
                "name": name,
                "link": deep_link(send_link_as, code),
                "expires": concrete_datetime(invite.expires_at, uow.postbox.zone),
            }
            uow.postbox.to_staff(worker, "invite_created", link, now=now, invite_id=invite.id)
        await uow.commit()
        shown = deep_link(link_as, code) if link_as else None
        return InviteCreated(code, name, invite.expires_at, shown)


async def _made_before(
    uow: UnitOfWork, code: str, worker_id: int, name: str, *, now: datetime
) -> InviteRecord | None:
    """The open invite this form's code already made (None if it made none yet)."""
    if not looks_like_code(code):
        raise InviteAlreadyMade
    made = await uow.invites.by_code_hash(hash_code(code))
    if made is None:
        return None
    still_open = made.used_at is None and made.revoked_at is None and made.expires_at > now
    if not still_open or made.worker_id != worker_id or made.first_name != name:
        raise InviteAlreadyMade
    return made


async def _their_worker(uow: UnitOfWork, maker: StaffRecord, worker_id: int) -> StaffRecord:
    """The key worker a manager or operator makes an invite for: at their hub, not left."""
    worker = await uow.staff.get(worker_id)
    if worker is None or not worker.active or worker.hub_id != maker.hub_id:
        raise MayNotManageStaff
    allowed = may_invite_for(
        role=Role(maker.role), active=maker.active, same_hub=True, themselves=False
    )
    if not allowed:
        raise MayNotManageStaff
    return worker


async def _refuse(
    uow: UnitOfWork,
    subject: str,
    problem: InviteProblem,
    invite: tuple[int, int] | None,
    now: datetime,
) -> CodeRefused:
    """Count a failed code and audit it; the caller raises what this returns."""
    attempts = await uow.code_attempts.get(subject)
    await uow.code_attempts.put(subject, guessing.after_failure(attempts, now))
    invite_id, hub_id = invite if invite else (None, None)
    uow.audit.record(
        f"invite.refused.{problem.value}",
        at=now,
        by=UNKNOWN,
        hub_id=hub_id,
        subject_type="invite" if invite else None,
        subject_id=invite_id,
    )
    await uow.commit()
    return CodeRefused()


async def do_redeem_invite(
    uow: UnitOfWork, *, telegram_user_id: int, code: str, now: datetime
) -> Linked:
    """Link the account that opened an invite link to the worker who made it."""
    subject = guessing.subject_key(telegram_user_id)
    async with uow:
        await uow.code_attempts.forget_stale(now - guessing.WINDOW)
        if guessing.is_blocked(await uow.code_attempts.get(subject), now):
            await uow.commit()
            # While paused, codes are not even looked up: that is what slows guessing down.
            raise CodeRefused
        existing = await uow.young_people.by_telegram_id(telegram_user_id)
        if existing is not None:
            raise AlreadyLinked(worker=existing.key_worker.name)
        if await uow.staff.by_telegram_id(telegram_user_id) is not None:
            raise StaffCannotJoin
        invite = None
        if looks_like_code(code):
            invite = await uow.invites.by_code_hash(hash_code(code), for_update=True)
        problem = (
            InviteProblem.UNKNOWN
            if invite is None
            else invite_problem(
                expires_at=invite.expires_at,
                used_at=invite.used_at,
                now=now,
                worker_active=invite.worker.active,
                revoked_at=invite.revoked_at,
            )
        )
        ids = (invite.id, invite.worker.hub_id) if invite else None
        if problem is not None or invite is None:
            raise await _refuse(uow, subject, problem or InviteProblem.UNKNOWN, ids, now)
        young_person = await _link(uow, invite, telegram_user_id, now)
        if not await uow.invites.mark_used(invite.id, young_person.id, now):
            # Someone used the code between our read and our write.
            await uow.rollback()
            raise await _refuse(uow, subject, InviteProblem.USED, ids, now)
        await uow.code_attempts.forget(subject)
        names = {"name": young_person.first_name, "worker": invite.worker.name}
        uow.postbox.to_young_person(young_person, "welcome", names, now=now)
        uow.postbox.to_staff(
            invite.worker, "young_person_joined", names, now=now, about=young_person
        )
        await uow.commit()
        person = YoungPerson(
            young_person.id, young_person.first_name, young_person.language, invite.worker.name
        )
        return Linked(person, invite.worker.telegram_user_id)


async def _link(
    uow: UnitOfWork, invite: InviteRecord, telegram_user_id: int, now: datetime
) -> YoungPersonRecord:
    young_person = await uow.young_people.new(
        hub_id=invite.worker.hub_id,
        telegram_user_id=telegram_user_id,
        first_name=invite.first_name,
        key_worker_id=invite.worker_id,
        now=now,
    )
    # Their chat gets the young people's command menu (bot.services.menus).
    uow.menus.due(telegram_user_id, now=now)
    for action in ("invite.redeemed", "young_person.linked"):
        uow.audit.record(
            action,
            at=now,
            by=Actor.young_person(young_person.id),
            hub_id=young_person.hub_id,
            subject_type="young_person",
            subject_id=young_person.id,
        )
    return young_person
