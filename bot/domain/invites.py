"""Invite codes: single use, short lived, and stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

INVITE_LIFETIME = timedelta(days=7)
# Telegram allows 1-64 characters from A-Z a-z 0-9 _ - in a /start parameter.
CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FIRST_NAME_SHAPE = re.compile(r"^[^\W\d_][\w' -]{0,39}$")


class InviteProblem(StrEnum):
    """Why a code cannot be used. Kept for the audit trail, never told to the person who tried."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    WORKER_LEFT = "worker_left"
    REVOKED = "revoked"


def new_code() -> str:
    """A fresh, unguessable invite code that fits in a Telegram /start link."""
    return secrets.token_urlsafe(18)


def hash_code(code: str) -> str:
    """The form a code is stored in, so a copy of the database holds no live links."""
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def looks_like_code(text: str) -> bool:
    """Whether text has the shape of an invite code at all."""
    return bool(CODE_SHAPE.match(text))


def clean_first_name(text: str) -> str | None:
    """The young person's first name as a worker typed it, or None when it is not a name."""
    name = " ".join(text.split())
    return name if FIRST_NAME_SHAPE.match(name) else None


def invite_problem(
    *,
    expires_at: datetime,
    used_at: datetime | None,
    now: datetime,
    worker_active: bool = True,
    revoked_at: datetime | None = None,
) -> InviteProblem | None:
    """What stops an existing invite from being used now, if anything."""
    if revoked_at is not None:
        return InviteProblem.REVOKED
    if not worker_active:
        # Linking a young person to someone who has left would leave them with nobody.
        return InviteProblem.WORKER_LEFT
    if used_at is not None:
        return InviteProblem.USED
    if now >= expires_at:
        return InviteProblem.EXPIRED
    return None


def deep_link(bot_username: str, code: str) -> str:
    """The link a young person opens to start talking to the bot with this code."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"
