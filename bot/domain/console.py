"""The staff console (issue 15): how long a sign-in link and a session last, and who sees
which page and which facts about a young person on it.

Staff sign in without a password: they send `/console` to the bot and get a single-use link.
Only a SHA-256 hash of a link's token, and of a session's id, is ever stored, so a copy of
the database signs nobody in. The rules on what a page shows are bot.domain.access's own,
asked per young person: the console shows nothing the bot would not.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.access import (
    Viewer,
    has_caseload,
    may_book_session,
    may_change_profile,
    may_message_young_person,
    may_read_concern,
    may_see_goals,
    may_use_studio,
    reads_concern_summaries,
)
from bot.domain.people import Role

# Long enough to open a link on a phone, short enough that one forwarded or left in a chat
# history is soon worthless.
LINK_LIFETIME = timedelta(minutes=10)
# A console left open on a shared office computer signs itself out.
IDLE_LIMIT = timedelta(minutes=30)
# However busy, a session lasts one working day at most; then staff ask for a new link.
ABSOLUTE_LIMIT = timedelta(hours=8)


def new_token() -> str:
    """A fresh secret for a link, a session id or a CSRF token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored in place of a secret: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Whether two secrets match, in constant time (a wrong guess teaches nothing)."""
    return hmac.compare_digest(given.encode("ascii", "replace"), expected.encode("ascii"))


@dataclass(frozen=True)
class LinkFacts:
    """A sign-in link as stored: when it stops working, and when it was used."""

    expires_at: datetime
    used_at: datetime | None


def link_usable(link: LinkFacts, now: datetime) -> bool:
    """A link signs in once, within its 10 minutes: used, or late, it is refused."""
    return link.used_at is None and now < link.expires_at


@dataclass(frozen=True)
class SessionFacts:
    """A console session as stored: when it began, was last used, and ended (signed out)."""

    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None


def session_ends_at(session: SessionFacts) -> datetime:
    """When the session runs out unless used: 30 idle minutes, never past 8 hours."""
    return min(session.last_seen_at + IDLE_LIMIT, session.created_at + ABSOLUTE_LIMIT)


def session_alive(session: SessionFacts, now: datetime) -> bool:
    """Not signed out (here or with `/console off`), not idle too long, not too old."""
    return session.ended_at is None and now < session_ends_at(session)


class Page(StrEnum):
    """A page of the console."""

    CASELOAD = "caseload"
    CONCERNS = "concerns"
    SESSIONS = "sessions"
    # The content studio (issue 16): therapists' wording, safeguarding leads' safety words.
    STUDIO = "studio"


def pages_for(role: Role) -> tuple[Page, ...]:
    """The pages a role may open, in the order of the console's navigation: police liaison
    only the concerns shared with them (as summaries); a caseload's holder, the caseload,
    concerns and sessions; therapists and safeguarding leads, the content studio too."""
    pages: tuple[Page, ...] = ()
    if has_caseload(role):
        pages = (Page.CASELOAD, Page.CONCERNS, Page.SESSIONS)
    elif reads_concern_summaries(role):
        pages = (Page.CONCERNS,)
    return (*pages, Page.STUDIO) if may_use_studio(role) else pages


def home_page(role: Role) -> Page | None:
    """Where signing in (or the console's root) takes them: their first page."""
    pages = pages_for(role)
    return pages[0] if pages else None


@dataclass(frozen=True)
class Columns:
    """Which facts about one young person a caseload row shows this viewer."""

    concerns: bool
    sessions: bool
    goals: bool
    profile: bool


def caseload_columns(viewer: Viewer) -> Columns:
    """Each fact by the rule that guards it in the bot: open concerns for those who may read
    them, the next session (where they will be) for those who book them, goals for their
    worker and coach (GL-8), the profile's review date for those who write to them or may
    change it."""
    return Columns(
        concerns=may_read_concern(viewer),
        sessions=may_book_session(viewer),
        goals=may_see_goals(viewer),
        profile=may_message_young_person(viewer) or may_change_profile(viewer),
    )
