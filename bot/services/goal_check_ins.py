"""Goal check-ins and the weekly digest, on the clock (GL-4, GL-7), claimed like reminders.

A check-in comes only at the period the young person chose (never because they have been
quiet), with "Not now" and "Pause this goal" as easy as answering; unanswered, it is asked
once more in the same words after their processing time, then not again until the next
period. Never in quiet hours (it waits until they end), never while the goal is paused or
the young person has sent /stop. A goal not rated for 12 weeks is for the worker to rate with
them at a session: the digest says so; the young person is never chased.

The digest goes to the young person's worker and life coach once a week, in office hours, on
the digest lane: what changed (never a score), and nothing at all when nothing did.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.actors import SYSTEM
from bot.domain.goals import GoalState, Rating, Scale, needs_review, next_check_in
from bot.domain.ladder import CouncilRules
from bot.domain.outbox import Lane
from bot.domain.reminders import next_quiet, quiet_at, quiet_ends
from bot.domain.sessions import instant, wall_clock
from bot.services.goal_answers import CHECK_IN
from bot.services.goal_words import goal_keepers, goal_values, staff_rating_words
from bot.services.ladder_steps import rules_of
from bot.services.pausing import is_paused
from bot.services.people import profile_of
from bot.services.ports import UnitOfWork
from bot.services.records import GoalEventRecord, GoalRecord, YoungPersonRecord
from bot.services.reminders import quiet_hours_for
from bot.services.staff_words import staff_text

BATCH = 100
DIGEST_EVERY = timedelta(weeks=1)
# A check-in held up (a backlog, Telegram down) longer than this is not worth sending late.
SEND_WITHIN = timedelta(hours=2)
# Lines of a goal's history that the digest tells (a rating tells its value on its scale).
_TOLD = frozenset(
    {
        "made",
        "agreed",
        "suggested",
        "reworded",
        "baseline",
        "rated",
        "step_added",
        "step_done",
        "step_not_yet",
        "paused",
        "active",
        "done",
        "dropped",
        "not_now",
        "cadence",
    }
)


async def try_check_in_due(uow: UnitOfWork, *, now: datetime, limit: int = BATCH) -> int:
    """Ask about every goal whose check-in is due (or move it on); returns how many were
    taken, so the tick goes on while a full batch came back."""
    async with uow:
        due = await uow.goals.due_check_ins(now=now, limit=limit)
        for goal in due:
            await _check_in(uow, goal, now=now)
        await uow.commit()
        return len(due)


async def _check_in(uow: UnitOfWork, goal: GoalRecord, *, now: datetime) -> None:
    person = await uow.young_people.get(goal.young_person_id)
    if person is None or goal.state is not GoalState.ACTIVE or goal.cadence.every is None:
        goal.next_check_in_at = goal.asked_at = None
        return
    if is_paused(person):
        # /stop: no check-in this period; the next comes a period later, if they start again.
        goal.asked_at, goal.repeats = None, 0
        goal.next_check_in_at = next_check_in(goal.cadence, after=now)
        uow.goals.record(goal, "check_in_skipped", at=now, by=SYSTEM, detail="stopped")
        return
    hub = await uow.organisations.hub_by_id(person.hub_id)
    zone = ZoneInfo(hub.council.timezone)
    quiet = await quiet_hours_for(uow, person)
    local = wall_clock(now, zone)
    if quiet_at(local, quiet):
        # A check-in can wait: it moves to when quiet hours end, never into them.
        goal.next_check_in_at = instant(quiet_ends(local, quiet), zone)
        return
    if goal.asked_at is not None and goal.repeats == 0:
        # Not answered in their processing time: once more, the same words (GL-7).
        goal.repeats = 1
        goal.next_check_in_at = next_check_in(goal.cadence, after=goal.asked_at)
    else:
        goal.asked_at, goal.repeats = now, 0
        goal.next_check_in_at = now + timedelta(minutes=profile_of(person).processing_minutes)
    # It must leave before quiet hours begin, or not at all (a backlog never sends it at night).
    quiet_from = next_quiet(local, quiet)
    latest = now + SEND_WITHIN
    send_by = latest if quiet_from is None else min(latest, instant(quiet_from, zone))
    await _ask(uow, person, goal, now=now, send_by=send_by)


async def _ask(
    uow: UnitOfWork,
    person: YoungPersonRecord,
    goal: GoalRecord,
    *,
    now: datetime,
    send_by: datetime,
) -> None:
    values = await goal_values(uow, person, goal)
    uow.postbox.to_young_person(
        person,
        CHECK_IN,
        values,
        now=now,
        lane=Lane.REMINDER,
        ref=goal.id,
        send_by=send_by,
        idempotency_key=f"check_in:{goal.id}:{goal.asked_at:%Y%m%d%H%M%S}:{goal.repeats}",
    )
    uow.goals.record(goal, "asked", at=now, by=SYSTEM, detail=str(goal.repeats))


async def try_send_digests(uow: UnitOfWork, *, now: datetime, limit: int = BATCH) -> int:
    """Send every weekly digest that is due (in office hours; otherwise it waits for them);
    returns how many were taken."""
    async with uow:
        due = await uow.goals.due_digests(now=now, limit=limit)
        for digest in due:
            person = await uow.young_people.get(digest.young_person_id)
            if person is None:
                digest.due_at = None
                continue
            hub = await uow.organisations.hub_by_id(person.hub_id)
            rules, zone = rules_of(hub.council), ZoneInfo(hub.council.timezone)
            if not rules.in_hours(now.astimezone(zone)):
                digest.due_at = _next_opening(rules, now, zone)
                continue
            await _send_digest(uow, person, since=digest.since, now=now)
            digest.since, digest.due_at = now, now + DIGEST_EVERY
        await uow.commit()
        return len(due)


def _next_opening(rules: CouncilRules, now: datetime, zone: ZoneInfo) -> datetime:
    """The next hour on the hour in office hours (a week ahead at most)."""
    moment = now.replace(minute=0, second=0, microsecond=0)
    for _ in range(24 * 8):
        moment += timedelta(hours=1)
        if rules.in_hours(moment.astimezone(zone)):
            return moment
    return now + DIGEST_EVERY


async def _send_digest(
    uow: UnitOfWork, person: YoungPersonRecord, *, since: datetime, now: datetime
) -> None:
    """What changed in their goals since the last digest, and any goal due a review."""
    catalogue = uow.postbox.catalogue
    lines = [
        await _line(uow, event)
        for event in await uow.goals.events_since(person.id, since=since, until=now)
        if event.kind in _TOLD
    ]
    for goal in await uow.goals.of_young_person(person.id, states={GoalState.ACTIVE}):
        rated = goal.last_rated_at or goal.created_at
        asked = goal.review_asked_at
        # Once for each 12 weeks without a rating, not in every digest.
        if needs_review(rated, now) and (asked is None or needs_review(asked, now)):
            words = await uow.goals.words(goal)
            lines.append(
                staff_text(catalogue, "goal_digest_review", number=str(goal.id), goal=words.words)
            )
            goal.review_asked_at = now
    if not lines:
        return
    values = {"name": person.first_name, "lines": "\n".join(lines)}
    for staff in await goal_keepers(uow, person):
        uow.postbox.to_staff(
            staff, "goal_digest_staff", values, now=now, lane=Lane.DIGEST, about=person
        )


async def _line(uow: UnitOfWork, event: GoalEventRecord) -> str:
    """One line of the digest, as staff read it: which goal, and what happened."""
    goal = await uow.goals.get(event.goal_id)
    words = (await uow.goals.words(goal)).words if goal is not None else ""
    values = {"number": str(event.goal_id), "goal": words, "rating": ""}
    if event.kind in {"rated", "baseline"} and event.detail:
        scale, _, value = event.detail.partition(":")
        values["rating"] = staff_rating_words(uow.postbox.catalogue, Rating(Scale(scale), value))
    return staff_text(uow.postbox.catalogue, f"goal_digest_{event.kind}", **values)
