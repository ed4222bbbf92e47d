"""The console's page *A young person* (issue 15): their communication profile and who changed
it when, their goals with every rating on its own scale, their sessions past and next, and
the concerns this member of staff may read, each part by the rule that guards it in the bot.

Who opens the page: bot.domain.access.may_open_young_person (whoever has them on a
caseload); anyone else is told there is no such young person, so nobody learns who is at
another hub. Which parts: bot.domain.console.caseload_columns, and for each concern
may_read_concern with the facts of that concern (alerted about it, the council's team).
Every look is audited (the page, the profile, the goals, each concern): who, whom, when,
never any words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.access import (
    may_change_goals,
    may_change_profile,
    may_message_young_person,
    may_open_young_person,
    may_read_concern,
)
from bot.domain.actors import Actor, ActorKind, KnownStaff
from bot.domain.console import Columns, caseload_columns
from bot.domain.errors import YoungPersonNotFound
from bot.domain.goals import Area, GoalState, Scale
from bot.domain.ladder import ConcernState
from bot.domain.sessions import LONGEST, SessionState, SessionWith
from bot.services.caseload import Reach, reach_of
from bot.services.concern_access import viewer_of as concern_viewer
from bot.services.goal_access import audit_look
from bot.services.identity import staff_record
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import ConcernRecord, SessionRecord, StaffRecord, YoungPersonRecord
from bot.services.session_access import viewer_of
from bot.services.staff_words import setting_words, what_about

# Everything but a draft, which is the young person's until they have read it back (GL-2).
SHOWN_GOALS = frozenset(GoalState) - {GoalState.DRAFT}
# How far back the page lists sessions, and how many each way.
SESSIONS_SINCE = timedelta(days=365)
MOST_SESSIONS = 20
# The latest profile changes listed, and the latest concerns.
MOST_CHANGES = 20
MOST_CONCERNS = 20


@dataclass(frozen=True)
class Allowed:
    """What this member of staff may see and do on the page."""

    columns: Columns
    change_goals: bool
    change_profile: bool
    message: bool


@dataclass(frozen=True)
class Change:
    """A profile change: when, and who (None: the hub's operator, at the command line)."""

    at: datetime
    by: str | None
    by_young_person: bool


@dataclass(frozen=True)
class RatingPoint:
    """One rating as given, on its own scale: never converted, never a percentage (GL-3)."""

    at: datetime
    value: str
    version: int
    baseline: bool
    by: str | None


@dataclass(frozen=True)
class RatingSeries:
    """A goal's ratings on one scale, oldest first (a profile may change scale)."""

    scale: Scale
    points: tuple[RatingPoint, ...]


@dataclass(frozen=True)
class Version:
    """One version of a goal's words, exactly as the young person gave them (GL-9)."""

    version: int
    words: str
    at: datetime


@dataclass(frozen=True)
class GoalView:
    """One goal: its words now, its earlier words, and its ratings by scale."""

    goal_id: int
    state: GoalState
    area: Area | None
    words: str
    versions: tuple[Version, ...]
    series: tuple[RatingSeries, ...]

    @property
    def open(self) -> bool:
        """Whether its words may still change."""
        return self.state in {GoalState.SUGGESTED, GoalState.ACTIVE, GoalState.PAUSED}


@dataclass(frozen=True)
class SessionView:
    """One session: when, for how long, with whom, where, and where it is now."""

    session_id: int
    starts_at: datetime
    minutes: int
    with_kind: SessionWith
    with_name: str | None
    place: str | None
    state: SessionState


@dataclass(frozen=True)
class ConcernLine:
    """One line of a concern's chronology (who: None for Waypoint or the hub)."""

    at: datetime
    kind: str
    by: str | None
    detail: str | None


@dataclass(frozen=True)
class ConcernView:
    """A concern this member of staff may read, with its chronology."""

    concern_id: int
    raised_at: datetime
    what: str
    urgency: str
    state: ConcernState
    words: str | None
    lines: tuple[ConcernLine, ...]


@dataclass(frozen=True)
class PersonPage:
    """The page: each part is None where this member of staff may not see it."""

    young_person_id: int
    first_name: str
    worker_name: str
    coach_name: str | None
    reach: Reach
    zone: str
    allowed: Allowed
    profile: tuple[tuple[str, str], ...] | None
    changes: tuple[Change, ...] | None
    goals: tuple[GoalView, ...] | None
    sessions_next: tuple[SessionView, ...] | None
    sessions_past: tuple[SessionView, ...] | None
    concerns: tuple[ConcernView, ...] | None


class _Names:
    """Staff names by their Waypoint number, looked up once each."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._found: dict[int, str | None] = {}

    async def of(self, kind: str, staff_id: int | None) -> str | None:
        if kind != ActorKind.STAFF.value or staff_id is None:
            return None
        if staff_id not in self._found:
            staff = await self._uow.staff.get(staff_id)
            self._found[staff_id] = staff.name if staff is not None else None
        return self._found[staff_id]


async def do_view_young_person(
    uow: UnitOfWork, actor: KnownStaff, young_person_id: int, *, now: datetime
) -> PersonPage:
    """One young person's page as this member of staff may see it; YoungPersonNotFound if
    they may not open it (or there is nobody with that number). Every look is audited."""
    async with uow:
        staff = await staff_record(uow, actor)
        person = await uow.young_people.get(young_person_id)
        viewer = viewer_of(staff, person) if person is not None else None
        if person is None or viewer is None or not may_open_young_person(viewer):
            raise YoungPersonNotFound(name=f"#{young_person_id}", example="")
        allowed = Allowed(
            columns=caseload_columns(viewer),
            change_goals=may_change_goals(viewer),
            change_profile=may_change_profile(viewer),
            message=may_message_young_person(viewer),
        )
        audit_look(uow, actor, person, "console.young_person_viewed", now=now)
        names = _Names(uow)
        profile, changes = await _profile(uow, actor, person, allowed, names, now=now)
        goals = await _goals(uow, actor, person, names, now=now) if allowed.columns.goals else None
        ahead, over = await _sessions(uow, person, names, now=now)
        shown_sessions = allowed.columns.sessions
        concerns = await _concerns(uow, staff, person, names, now=now)
        coach = await uow.staff.get(person.life_coach_id) if person.life_coach_id else None
        await uow.commit()
        return PersonPage(
            young_person_id=person.id,
            first_name=person.first_name,
            worker_name=person.key_worker.name,
            coach_name=coach.name if coach is not None else None,
            reach=reach_of(person),
            zone=staff.hub.council.timezone,
            allowed=allowed,
            profile=profile,
            changes=changes,
            goals=goals,
            sessions_next=ahead if shown_sessions else None,
            sessions_past=over if shown_sessions else None,
            concerns=concerns,
        )


async def _profile(
    uow: UnitOfWork,
    actor: KnownStaff,
    person: YoungPersonRecord,
    allowed: Allowed,
    names: _Names,
    *,
    now: datetime,
) -> tuple[tuple[tuple[str, str], ...] | None, tuple[Change, ...] | None]:
    """Each setting in the words staff type, and its latest changes (audited as viewed)."""
    if not allowed.columns.profile:
        return None, None
    audit_look(uow, actor, person, "profile.viewed", now=now)
    settings = setting_words(uow.postbox.catalogue, profile_of(person))
    entries = await uow.audit.latest(
        "profile.changed", subject_type="young_person", subject_id=person.id, limit=MOST_CHANGES
    )
    changes = [
        Change(
            entry.at,
            await names.of(entry.by.kind.value, entry.by.id),
            entry.by.kind is ActorKind.YOUNG_PERSON,
        )
        for entry in entries
    ]
    return tuple(settings.items()), tuple(changes)


async def _goals(
    uow: UnitOfWork, actor: KnownStaff, person: YoungPersonRecord, names: _Names, *,
    now: datetime,
) -> tuple[GoalView, ...]:  # fmt: skip
    """Their goals, oldest first, each with its versions and ratings (audited as viewed)."""
    audit_look(uow, actor, person, "goals.viewed", now=now)
    shown = []
    for goal in await uow.goals.of_young_person(person.id, states=SHOWN_GOALS):
        versions = await uow.goals.versions(goal.id)
        by_scale: dict[Scale, list[RatingPoint]] = {}
        for rating in await uow.goals.ratings(goal.id):
            who = (
                person.first_name
                if rating.by_type == ActorKind.YOUNG_PERSON.value
                else await names.of(rating.by_type, rating.by_id)
            )
            point = RatingPoint(rating.at, rating.value, rating.version, rating.baseline, who)
            by_scale.setdefault(Scale(rating.scale), []).append(point)
        shown.append(
            GoalView(
                goal_id=goal.id,
                state=goal.state,
                area=goal.area,
                words=versions[-1].words if versions else "",
                versions=tuple(Version(v.version, v.words, v.at) for v in versions),
                series=tuple(RatingSeries(s, tuple(p)) for s, p in by_scale.items()),
            )
        )
    return tuple(shown)


async def _sessions(
    uow: UnitOfWork, person: YoungPersonRecord, names: _Names, *, now: datetime
) -> tuple[tuple[SessionView, ...], tuple[SessionView, ...]]:
    """Sessions still ahead (soonest first) and those of the past year (latest first)."""
    # Ahead: any that has not ended (one begun up to the longest a session lasts ago may not).
    soon = await uow.sessions.for_young_person(
        person.id, since=now - LONGEST, limit=MOST_SESSIONS * 2
    )
    ahead_found = [s for s in soon if s.starts_at + timedelta(minutes=s.minutes) > now]
    ahead_found = ahead_found[:MOST_SESSIONS]
    ahead_ids = {s.id for s in ahead_found}
    past = await uow.sessions.before_latest_first(
        person.id, before=now, since=now - SESSIONS_SINCE, limit=MOST_SESSIONS + len(ahead_ids)
    )
    over_found = [s for s in past if s.id not in ahead_ids][:MOST_SESSIONS]
    ahead = [await _session_view(s, names) for s in ahead_found]
    over = [await _session_view(s, names) for s in over_found]
    return tuple(ahead), tuple(over)


async def _session_view(session: SessionRecord, names: _Names) -> SessionView:
    return SessionView(
        session.id,
        session.starts_at,
        session.minutes,
        session.with_kind,
        await names.of(ActorKind.STAFF.value, session.staff_id) or session.companion,
        session.place,
        session.state,
    )


async def _concerns(
    uow: UnitOfWork, staff: StaffRecord, person: YoungPersonRecord, names: _Names, *,
    now: datetime,
) -> tuple[ConcernView, ...] | None:  # fmt: skip
    """The young person's concerns, newest first, that this member of staff may read (each
    look audited); None when they may read none of them."""
    theirs = await uow.concerns.of_young_person(
        person.id, hub_id=person.hub_id, limit=MOST_CONCERNS
    )
    readable = [
        concern
        for concern in theirs
        if may_read_concern(await concern_viewer(uow, staff, concern, staff.hub.council_id))
    ]
    if not readable:
        return None
    return tuple([await _concern(uow, c, names, staff, now=now) for c in readable])


async def _concern(
    uow: UnitOfWork, concern: ConcernRecord, names: _Names, staff: StaffRecord, *, now: datetime
) -> ConcernView:
    uow.audit.record(
        "concern.viewed",
        at=now,
        by=Actor.staff(staff.id),
        hub_id=concern.hub_id,
        subject_type="concern",
        subject_id=concern.id,
    )
    events: Sequence[ConcernLine] = [
        ConcernLine(e.at, e.kind, await names.of(e.actor_type, e.actor_id), e.detail)
        for e in await uow.concerns.chronology(concern.id)
    ]
    return ConcernView(
        concern_id=concern.id,
        raised_at=concern.raised_at,
        what=what_about(uow.postbox.catalogue, concern),
        urgency=str(concern.urgency),
        state=concern.state,
        words=concern.words,
        lines=tuple(events),
    )
