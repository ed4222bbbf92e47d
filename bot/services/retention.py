"""Forgetting what no longer needs keeping: words in failed messages, handled updates, how
many answers strangers had, and a young person's last few messages once five minutes have passed.

A failed message keeps its text for a week, so an operator can send it again
(`waypoint outbox retry`); then the text goes, and an invite link it carried dies with it.
A handled update is kept (without its words) only as long as Telegram might send it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.console import ABSOLUTE_LIMIT
from bot.domain.strangers import WINDOW as STRANGER_WINDOW
from bot.services.hearing import CONVERSATION_WINDOW
from bot.services.ports import UnitOfWork

# How long a failed message keeps its words for an operator to retry it.
FAILED_KEPT = timedelta(days=7)
# Telegram keeps an unconfirmed update for 24 hours; a handled one is remembered longer.
HANDLED_KEPT = timedelta(days=2)
# An update set aside keeps its words this long for an operator to look at.
SET_ASIDE_KEPT = timedelta(days=7)


async def do_forget_old(uow: UnitOfWork, *, now: datetime) -> int:
    """Clear the words of old failed messages (revoking invite links in them), drop old
    handled updates, expired booking and goal drafts, and console links and sessions that ran
    out; returns how many messages were cleared."""
    async with uow:
        cleared = 0
        for row in await uow.outbox.failed_with_words(before=now - FAILED_KEPT):
            if row.invite_id is not None:
                invite = await uow.invites.get(row.invite_id)
                if invite is not None and invite.used_at is None and invite.revoked_at is None:
                    invite.revoked_at = now
            row.text, row.reply_markup = "", None
            cleared += 1
        await uow.inbox.forget(
            handled_before=now - HANDLED_KEPT, set_aside_before=now - SET_ASIDE_KEPT
        )
        await uow.stranger_budgets.forget_stale(now - STRANGER_WINDOW)
        # A booking given up half way holds a young person's name and a time, a goal their
        # words: not for long.
        await uow.drafts.forget_expired(now)
        await uow.goal_drafts.forget_expired(now)
        # Console links that no longer work, and sessions that ran out, are of no use.
        await uow.console.forget_stale(links_before=now, sessions_before=now - ABSOLUTE_LIMIT)
        await uow.commit()
        return cleared


async def do_forget_recent_words(uow: UnitOfWork, *, now: datetime) -> None:
    """Drop young people's last messages kept longer than a spread-out worry could need."""
    async with uow:
        await uow.recent_words.forget_stale(now - CONVERSATION_WINDOW)
        await uow.commit()
