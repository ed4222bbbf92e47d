"""*How we are doing* (issue 15): a hub's service figures for its managers, week by week.

How long concerns waited for someone to acknowledge them (median and 90th percentile, for the
hub and for each member of staff who acknowledged), how many reached the top of the ladder,
what became of session reminders, how many sessions were seen and not seen, and how many goals
moved up (a later rating higher than the first on the same scale). Counts of concerns,
reminders, sessions and goals, never a row about a young person. Who may look:
bot.domain.access.may_see_service_figures; each look (and each download) is audited with the
hub it was about, and no figure or word.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.access import Viewer, may_see_service_figures
from bot.domain.actors import KnownStaff
from bot.domain.service_figures import (
    DEFAULT_WEEKS,
    WEEK_CHOICES,
    ReminderOutcome,
    SessionOutcome,
    ToldConcern,
    Week,
    last_weeks,
    nearest_rank,
    progressed,
    week_index,
)
from bot.services.caseload import PageNotForRole
from bot.services.identity import staff_record
from bot.services.ports import UnitOfWork

__all__ = [
    "PageNotForRole",
    "RangeNotOffered",
    "ServiceFiguresPage",
    "ShowFigures",
    "WeekFigures",
    "WorkerFigures",
    "csv_of",
    "do_view_service_figures",
]


class RangeNotOffered(ValueError):
    """A number of weeks the page does not offer (the address was edited by hand)."""


@dataclass(frozen=True)
class ShowFigures:
    """Which weeks: the last `weeks`, this one (so far) included; `download` for the CSV."""

    weeks: int = DEFAULT_WEEKS
    download: bool = False


@dataclass(frozen=True)
class Acknowledging:
    """How quickly a set of concerns was acknowledged: how many were alerted, how many
    acknowledged, and the median and 90th percentile of the minutes taken."""

    told: int
    acknowledged: int
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True)
class WeekFigures:
    """One week's figures for the hub."""

    monday: date
    acknowledging: Acknowledging
    reached_top: int
    reminders: Mapping[ReminderOutcome, int]
    sessions: Mapping[SessionOutcome, int]
    goals_progressed: int


@dataclass(frozen=True)
class WorkerFigures:
    """How quickly one member of staff acknowledged the concerns they took, over the range
    and week by week (for the CSV)."""

    name: str
    acknowledging: Acknowledging
    by_week: tuple[Acknowledging, ...]


@dataclass(frozen=True)
class ServiceFiguresPage:
    """The page: whose hub, the weeks chosen (and offered), and the figures."""

    hub_name: str
    zone: str
    weeks_chosen: int
    choices: tuple[int, ...]
    weeks: tuple[WeekFigures, ...]
    workers: tuple[WorkerFigures, ...]
    # Goals that moved up at any time in the range (a goal moving up in two weeks is one).
    goals_progressed: int


def _minutes(concern: ToldConcern) -> float | None:
    if concern.acknowledged_at is None:
        return None
    return max(0.0, (concern.acknowledged_at - concern.told_at).total_seconds() / 60)


def acknowledging(concerns: Sequence[ToldConcern]) -> Acknowledging:
    """Median and 90th percentile of the minutes to acknowledge; concerns nobody has
    acknowledged yet are counted as alerted, not in the times."""
    times = [m for m in map(_minutes, concerns) if m is not None]
    return Acknowledging(
        told=len(concerns),
        acknowledged=len(times),
        median_minutes=_round(nearest_rank(times, 50)),
        p90_minutes=_round(nearest_rank(times, 90)),
    )


def _round(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes, 1)


def _by_week(weeks: Sequence[Week], concerns: Sequence[ToldConcern]) -> list[list[ToldConcern]]:
    grouped: list[list[ToldConcern]] = [[] for _ in weeks]
    for concern in concerns:
        index = week_index(weeks, concern.told_at)
        if index is not None:
            grouped[index].append(concern)
    return grouped


def _workers(weeks: Sequence[Week], concerns: Sequence[ToldConcern]) -> tuple[WorkerFigures, ...]:
    names = sorted({c.acknowledged_by for c in concerns if c.acknowledged_by is not None})
    workers = []
    for name in names:
        theirs = [c for c in concerns if c.acknowledged_by == name]
        by_week = tuple(acknowledging(week) for week in _by_week(weeks, theirs))
        workers.append(WorkerFigures(name, acknowledging(theirs), by_week))
    return tuple(workers)


async def do_view_service_figures(
    uow: UnitOfWork, actor: KnownStaff, command: ShowFigures, *, now: datetime
) -> ServiceFiguresPage:
    """The figures of this manager's hub for the weeks asked; the look audited."""
    if not may_see_service_figures(Viewer(actor.role, True, same_hub=True, same_council=True)):
        raise PageNotForRole
    if command.weeks not in WEEK_CHOICES:
        raise RangeNotOffered(str(command.weeks))
    async with uow:
        staff = await staff_record(uow, actor)
        zone = staff.hub.council.timezone
        weeks = last_weeks(now, command.weeks, ZoneInfo(zone))
        since, until = weeks[0].starts_at, weeks[-1].ends_at
        told = await uow.figures.told_concerns(staff.hub_id, since=since, until=until)
        reminders = await uow.figures.reminder_outcomes(staff.hub_id, weeks)
        sessions = await uow.figures.session_outcomes(staff.hub_id, weeks, now=now)
        ratings = await uow.figures.goal_ratings(staff.hub_id, since=since, until=until)
        uow.audit.record(
            "console.figures_downloaded" if command.download else "console.figures_viewed",
            at=now,
            by=actor.actor,
            hub_id=staff.hub_id,
            subject_type="hub",
            subject_id=staff.hub_id,
        )
        await uow.commit()
    moved = [progressed(ratings, week) for week in weeks]
    rows = tuple(
        WeekFigures(
            monday=week.monday,
            acknowledging=acknowledging(concerns),
            reached_top=sum(c.reached_top for c in concerns),
            reminders={kind: reminders.get((index, kind), 0) for kind in ReminderOutcome},
            sessions={kind: sessions.get((index, kind), 0) for kind in SessionOutcome},
            goals_progressed=len(moved[index]),
        )
        for index, (week, concerns) in enumerate(zip(weeks, _by_week(weeks, told), strict=True))
    )
    return ServiceFiguresPage(
        hub_name=staff.hub.name,
        zone=zone,
        weeks_chosen=command.weeks,
        choices=WEEK_CHOICES,
        weeks=rows,
        workers=_workers(weeks, told),
        goals_progressed=len(set().union(*moved)),
    )


CSV_COLUMNS = ("measure", "scope", "week_beginning", "value")


def _value(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value)


def _acknowledging_rows(scope: str, monday: str, figures: Acknowledging) -> Iterator[list[str]]:
    yield ["concerns_alerted", scope, monday, _value(figures.told)]
    yield ["concerns_acknowledged", scope, monday, _value(figures.acknowledged)]
    yield ["acknowledge_median_minutes", scope, monday, _value(figures.median_minutes)]
    yield ["acknowledge_p90_minutes", scope, monday, _value(figures.p90_minutes)]


def _rows(page: ServiceFiguresPage) -> Iterator[list[str]]:
    for week in page.weeks:
        monday = week.monday.isoformat()
        yield from _acknowledging_rows("hub", monday, week.acknowledging)
        yield ["concerns_reached_top", "hub", monday, _value(week.reached_top)]
        for kind, count in week.reminders.items():
            yield [f"reminders_{kind.value}", "hub", monday, _value(count)]
        for outcome, count in week.sessions.items():
            yield [f"sessions_{outcome.value}", "hub", monday, _value(count)]
        yield ["goals_with_progress", "hub", monday, _value(week.goals_progressed)]
    for worker in page.workers:
        for week, figures in zip(page.weeks, worker.by_week, strict=True):
            if figures.told:
                scope = f"worker: {worker.name}"
                yield from _acknowledging_rows(scope, week.monday.isoformat(), figures)


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (a name starting "=", "+", "-", "@")."""
    return "'" + cell if cell[:1] in {"=", "+", "-", "@", "\t", "\r"} else cell


def csv_of(page: ServiceFiguresPage) -> str:
    """The figures as one CSV, a measure a row: measure, scope (the hub, or one member of
    staff), the Monday of the week, and the value (empty where there is none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(page):
        writer.writerow([_safe(cell) for cell in row])
    return out.getvalue()
