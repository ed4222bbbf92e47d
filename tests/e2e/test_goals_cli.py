"""`waypoint goals ...` from a shell, on a migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import AuditEvent, Goal, GoalEvent, GoalVersion, OutboxMessage
from bot.adapters.db.uow import UnitOfWorkFactory
from bot.clock import ManualClock
from bot.domain.goals import GoalState
from bot.domain.people import Role
from bot.services.choices import do_choose
from bot.services.goals import (
    GoalAsked,
    do_add_goal,
    do_add_step,
    do_move_goal,
    do_reword_goal,
    do_staff_rating,
)
from bot.services.identity import writer_of
from bot.services.invites import do_create_invite, do_redeem_invite
from bot.services.profiles import do_set_profile
from bot.services.session_access import AtCommandLine
from bot.services.staff import NewStaff, do_add_staff
from tests.e2e.processes import run_waypoint, waypoint_env, waypoint_output

# A command an operator runs against production, so on PostgreSQL: its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("postgres")

JO, MO, LEE, ASH, SAM = 1001, 1002, 1003, 1101, 2001
# Sam's own words, with what a shell and JSON must carry untouched.
WORDS = 'get to college 3 days a week — "properly" 🚌'


async def _hub(uow: UnitOfWorkFactory, clock: ManualClock) -> int:
    """Jo (Sam's key worker), Mo (life coach), Lee (another worker) at Harrogate; Ash at
    Scarborough; Sam is Jo's, coached by Mo, with room for three goals."""
    for telegram_id, name, role, hub in (
        (JO, "Jo", Role.KEY_WORKER, "Harrogate"),
        (MO, "Mo", Role.LIFE_COACH, "Harrogate"),
        (LEE, "Lee", Role.KEY_WORKER, "Harrogate"),
        (ASH, "Ash", Role.KEY_WORKER, "Scarborough"),
    ):
        new = NewStaff(telegram_id, name, role, hub, "North Yorkshire", create=True)
        await do_add_staff(uow(), new, now=clock())
    invite = await do_create_invite(uow(), worker_telegram_id=JO, first_name="Sam", now=clock())
    joined = await do_redeem_invite(uow(), telegram_user_id=SAM, code=invite.code, now=clock())
    async with uow() as work:
        coach = await work.staff.by_telegram_id(MO)
        person = await work.young_people.get(joined.young_person.id)
        assert coach is not None
        assert person is not None
        person.life_coach_id = coach.id
        await work.commit()
    # Room for three goals (an easy-read profile has one by default, GL-1).
    await do_set_profile(uow(), joined.young_person.id, "goals", "3", now=clock())
    return joined.young_person.id


async def _goals(uow: UnitOfWorkFactory) -> list[Goal]:
    async with uow() as work:
        found = list(await work.session.scalars(select(Goal).order_by(Goal.id)))
        work.session.expunge_all()
        return found


async def _audited(uow: UnitOfWorkFactory) -> list[tuple[str, str, int | None]]:
    async with uow() as work:
        rows = await work.session.execute(
            select(AuditEvent.action, AuditEvent.actor_type, AuditEvent.subject_id)
            .where(AuditEvent.action.like("goal%"))
            .order_by(AuditEvent.id)
        )
        return [(action, actor, subject) for action, actor, subject in rows]


async def _queued_to(uow: UnitOfWorkFactory, chat: int) -> list[str]:
    async with uow() as work:
        rows = await work.session.scalars(
            select(OutboxMessage.message_key)
            .where(OutboxMessage.chat_id == chat, OutboxMessage.part == 0)
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def test_add_list_and_show_a_goal_in_the_young_persons_words(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    sam = await _hub(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    added = await asyncio.to_thread(
        waypoint_output, env, tmp_path, "goals", "add", "--young-person", str(sam),
        "--words", WORDS, "--area", "learning",
    )  # fmt: skip
    assert "#1" in added
    await asyncio.to_thread(
        waypoint_output, env, tmp_path, "goals", "add", "--young-person", str(sam),
        "--words", "see my sister", "--by", str(MO),
    )  # fmt: skip
    first, second = await _goals(uow)
    assert (first.state, first.area, second.area) == (GoalState.ACTIVE, "learning", None)
    async with uow() as work:
        versions = list(await work.session.scalars(select(GoalVersion).order_by(GoalVersion.id)))
        made = list(await work.session.scalars(select(GoalEvent).where(GoalEvent.kind == "made")))
        work.session.expunge_all()
    # Stored byte for byte (GL-2); expressed by Sam, whoever typed it in.
    assert [v.words for v in versions] == [WORDS, "see my sister"]
    assert {(g.expressed_by_type, g.expressed_by_id) for g in (first, second)} == {
        ("young_person", sam)
    }
    assert [(e.actor_type, e.actor_id is not None) for e in made] == [
        ("operator", False),
        ("staff", True),
    ]
    # Sam hears each goal in their words and is asked for a first rating.
    assert (await _queued_to(uow, SAM)).count("goal_made") == 2

    listed = await asyncio.to_thread(waypoint_output, env, tmp_path, "goals", "list")
    assert listed.splitlines()[0].startswith(f"#1 Sam (young person {sam}): active, learning")
    assert listed.splitlines()[0].endswith(WORDS)
    assert len(listed.splitlines()) == 2
    shown = await asyncio.to_thread(waypoint_output, env, tmp_path, "goals", "show", "2")
    assert "see my sister" in shown
    assert "(Mo)" in shown
    assert await _audited(uow) == [
        ("goal.made", "operator", sam),
        ("goal.made", "staff", sam),
        ("goals.viewed", "operator", sam),
        ("goals.viewed", "operator", sam),
    ]


async def test_show_has_every_version_step_and_rating_with_who_and_when(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    sam = await _hub(uow, clock)
    await do_set_profile(uow(), sam, "scale", "ten", now=clock())
    number = await do_add_goal(uow(), AtCommandLine(), GoalAsked(sam, WORDS), now=clock())
    assert await do_choose(uow(), SAM, "goal_rate_ten", "3", ref=number, now=clock())
    clock.advance(timedelta(days=7))
    await do_reword_goal(uow(), AtCommandLine(), number, "college 4 days", now=clock())
    await do_add_step(uow(), AtCommandLine(), number, "ask about the bus", now=clock())
    jo = await writer_of(uow(), JO)
    await do_staff_rating(uow(), jo, number, "5", now=clock())  # type: ignore[arg-type]
    shown = await asyncio.to_thread(
        waypoint_output, waypoint_env(database_url=migrated_url), tmp_path, "goals", "show",
        str(number),
    )  # fmt: skip
    lines = shown.splitlines()
    assert "v1 " in shown
    assert WORDS in shown
    assert "v2 " in shown
    assert "college 4 days" in shown
    assert any("open: ask about the bus" in line for line in lines)
    ratings = [line for line in lines if "scale" in line]
    assert len(ratings) == 2
    assert "3 out of 10" in ratings[0]
    assert "baseline" in ratings[0]
    assert "v1" in ratings[0]
    assert "the young person" in ratings[0]
    assert "5 out of 10" in ratings[1]
    assert "v2" in ratings[1]
    assert "Jo" in ratings[1]
    history = lines[lines.index("History:") + 1 :]
    assert [line.split(": ", 1)[1].split(" (")[0] for line in history] == [
        "made", "baseline", "reworded", "step added", "rated",
    ]  # fmt: skip


async def test_the_export_is_one_fhir_shaped_goal_with_ratings_on_their_own_scale(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    sam = await _hub(uow, clock)
    number = await do_add_goal(
        uow(), AtCommandLine(), GoalAsked(sam, "feel ok at night"), now=clock()
    )
    # Sam's default scale is the three pictures; the worker's later rating is on it too.
    assert await do_choose(uow(), SAM, "goal_rate_pictures", "sometimes", ref=number, now=clock())
    clock.advance(timedelta(days=14))
    await do_reword_goal(uow(), AtCommandLine(), number, WORDS, now=clock())
    jo = await writer_of(uow(), JO)
    await do_staff_rating(uow(), jo, number, "going_well", now=clock())  # type: ignore[arg-type]
    await do_move_goal(uow(), AtCommandLine(), number, GoalState.PAUSED, now=clock())
    out = tmp_path / "goal.json"
    printed = await asyncio.to_thread(
        waypoint_output, waypoint_env(database_url=migrated_url), tmp_path, "goals", "export",
        str(number), "--to", str(out),
    )  # fmt: skip
    assert str(out) in printed
    exported = json.loads(out.read_text(encoding="utf-8"))
    [goal] = await _goals(uow)
    assert set(exported) == {
        "resourceType", "id", "identifier", "lifecycleStatus", "achievementStatus",
        "description", "subject", "expressedBy", "startDate", "statusDate", "note",
        "contained", "outcome",
    }  # fmt: skip
    assert exported["resourceType"] == "Goal"
    assert exported["id"] == str(number)
    assert exported["lifecycleStatus"] == "on-hold"
    assert exported["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert exported["description"] == {"text": WORDS}
    assert exported["expressedBy"]["type"] == "Patient"
    assert exported["expressedBy"]["identifier"]["value"] == str(sam)
    assert exported["subject"] == exported["expressedBy"]
    assert exported["startDate"] == goal.created_at.date().isoformat()
    assert "target" not in exported
    [earlier] = exported["note"]
    assert earlier["text"] == "feel ok at night"
    # The words are Sam's (expressedBy); the note says who typed them in: the operator here.
    assert earlier["authorReference"] == {"display": "hub IT operator"}
    first, second = exported["contained"]
    assert [o["reference"]["reference"] for o in exported["outcome"]] == [
        f"#{first['id']}",
        f"#{second['id']}",
    ]
    for rating, value, version, baseline in ((first, "sometimes", 1, True),
                                             (second, "going_well", 2, False)):  # fmt: skip
        assert rating["resourceType"] == "Observation"
        assert rating["code"]["coding"][0]["code"] == "pictures"
        # The picture's name, never a number or a percentage (GL-3).
        assert rating["valueCodeableConcept"]["coding"][0]["code"] == value
        assert "valueInteger" not in rating
        assert "valueQuantity" not in rating
        extensions = {e["url"].rsplit("/", 1)[1]: e for e in rating["extension"]}
        assert extensions["goal-words-version"]["valueInteger"] == version
        assert extensions["baseline"]["valueBoolean"] is baseline
    assert first["performer"][0]["type"] == "Patient"
    assert second["performer"][0] == {
        "type": "Practitioner",
        "identifier": {"system": second["performer"][0]["identifier"]["system"], "value": str(
            (await writer_of(uow(), JO)).staff_id  # type: ignore[union-attr]
        )},
        "display": "Jo",
    }  # fmt: skip
    # Nothing anywhere that sums the ratings up.
    text = out.read_text(encoding="utf-8").lower()
    assert all(word not in text for word in ("score", "percent", "average", "%"))
    assert (await _audited(uow))[-1] == ("goals.exported", "operator", sam)


async def test_a_0_to_10_rating_exports_as_its_whole_number(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    sam = await _hub(uow, clock)
    await do_set_profile(uow(), sam, "scale", "ten", now=clock())
    number = await do_add_goal(uow(), AtCommandLine(), GoalAsked(sam, WORDS), now=clock())
    assert await do_choose(uow(), SAM, "goal_rate_ten", "7", ref=number, now=clock())
    printed = await asyncio.to_thread(
        waypoint_output, waypoint_env(database_url=migrated_url), tmp_path, "goals", "export",
        str(number),
    )  # fmt: skip
    exported = json.loads(printed)
    [rating] = exported["contained"]
    assert (rating["code"]["coding"][0]["code"], rating["valueInteger"]) == ("ten", 7)
    assert "note" not in exported


async def test_bad_input_and_staff_without_a_role_are_one_line_and_change_nothing(
    migrated_url: str, uow: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path
) -> None:
    sam = await _hub(uow, clock)
    env = waypoint_env(database_url=migrated_url)
    # Sam has room for 3 goals (GL-1).
    for n in range(3):
        await do_add_goal(uow(), AtCommandLine(), GoalAsked(sam, f"goal {n}"), now=clock())
    add = ("goals", "add", "--words", "a goal", "--young-person")
    cases = {
        "unknown young person": (*add, "999"),
        "no room for a 4th": (*add, str(sam)),
        "no words": ("goals", "add", "--young-person", str(sam), "--words", "  "),
        "unknown staff": (*add, str(sam), "--by", "4242"),
        "staff with no role for Sam": (*add, str(sam), "--by", str(LEE)),
        "staff at another hub": (*add, str(sam), "--by", str(ASH)),
        "unknown goal shown": ("goals", "show", "77"),
        "unknown goal exported": ("goals", "export", "77"),
        "list for nobody": ("goals", "list", "--young-person", "999"),
    }
    for case, args in cases.items():
        result = await asyncio.to_thread(run_waypoint, env, tmp_path, *args)
        assert result.returncode == 2, (case, result.stdout, result.stderr)
        assert result.stderr.startswith("waypoint: "), case
        assert len(result.stderr.strip().splitlines()) == 1, (case, result.stderr)
        assert "Traceback" not in result.stderr
    assert len(await _goals(uow)) == 3
    assert not [a for a in await _audited(uow) if a[0].startswith("goals.")]
