"""Who may read, close and change what: the table the safeguarding lead signs off."""

from __future__ import annotations

import pytest

from bot.domain.access import (
    Refusal,
    Viewer,
    commands_for,
    goes_to_police_liaison,
    may_change_council_settings,
    may_change_goals,
    may_change_profile,
    may_close_concern,
    may_grant_role,
    may_invite_for,
    may_manage_staff,
    may_open_young_person,
    may_read_concern,
    may_read_concern_summary,
    may_see_goals,
    roles_granted_by,
    why_not_read_concern,
)
from bot.domain.people import Role


def _at_hub(role: Role, **facts: bool) -> Viewer:
    return Viewer(role=role, active=True, same_hub=True, same_council=True, **facts)


@pytest.mark.parametrize(
    ("viewer", "reads"),
    [
        (_at_hub(Role.KEY_WORKER, their_worker=True), True),
        (_at_hub(Role.DUTY), True),
        (_at_hub(Role.MANAGER), True),
        (Viewer(Role.ON_CALL, active=True, same_hub=False, same_council=True), True),
        (_at_hub(Role.KEY_WORKER, told=True), True),
        # Another worker, a therapist, a life coach and police liaison at the same hub do not.
        (_at_hub(Role.KEY_WORKER), False),
        (_at_hub(Role.SLT), False),
        (_at_hub(Role.LIFE_COACH), False),
        (_at_hub(Role.POLICE_LIAISON), False),
        # Nor does anyone at another council, or anyone who has left.
        (Viewer(Role.ON_CALL, active=True, same_hub=False, same_council=False), False),
        (Viewer(Role.MANAGER, active=False, same_hub=True, same_council=True), False),
    ],
)
def test_only_those_who_need_the_words_read_a_concern(viewer: Viewer, reads: bool) -> None:
    assert may_read_concern(viewer) is reads


def test_closing_is_for_duty_managers_and_whoever_acknowledged_it() -> None:
    assert may_close_concern(_at_hub(Role.MANAGER), acknowledged_it=False)
    assert may_close_concern(_at_hub(Role.KEY_WORKER, told=True), acknowledged_it=True)
    assert not may_close_concern(_at_hub(Role.KEY_WORKER, told=True), acknowledged_it=False)
    assert not may_close_concern(_at_hub(Role.POLICE_LIAISON), acknowledged_it=True)


def test_a_profile_is_changed_by_the_worker_or_a_therapist_at_the_hub() -> None:
    assert may_change_profile(_at_hub(Role.KEY_WORKER, their_worker=True, named_worker=True))
    # Covering for the worker passes on their alerts, not the young person's profile.
    assert not may_change_profile(_at_hub(Role.DUTY, their_worker=True))
    assert may_change_profile(_at_hub(Role.SLT))
    assert not may_change_profile(_at_hub(Role.KEY_WORKER))
    assert not may_change_profile(Viewer(Role.SLT, active=True, same_hub=False, same_council=True))


@pytest.mark.parametrize(
    ("allows", "category", "goes"),
    [(True, "missing", True), (True, "criminal_exploitation", True), (True, "abuse", False),
     (True, "sexual_exploitation", True), (True, "exploitation", True), (True, "eating", False),
     (False, "missing", False), (True, None, False)],
)  # fmt: skip
def test_police_liaison_hears_of_missing_and_exploitation_where_allowed(
    allows: bool, category: str | None, goes: bool
) -> None:
    assert goes_to_police_liaison(council_allows=allows, category=category) is goes


@pytest.mark.parametrize(
    ("viewer", "manages"),
    [
        (_at_hub(Role.MANAGER), True),
        (_at_hub(Role.OPERATOR), True),
        # Nobody else at the hub marks staff as left, moves them or gives out young people.
        (_at_hub(Role.KEY_WORKER), False),
        (_at_hub(Role.KEY_WORKER, their_worker=True), False),
        (_at_hub(Role.DUTY), False),
        (_at_hub(Role.ON_CALL), False),
        (_at_hub(Role.SLT), False),
        (_at_hub(Role.LIFE_COACH), False),
        (_at_hub(Role.POLICE_LIAISON), False),
        # Not another hub's staff, even in the same council; not once they have left.
        (Viewer(Role.MANAGER, active=True, same_hub=False, same_council=True), False),
        (Viewer(Role.OPERATOR, active=True, same_hub=False, same_council=True), False),
        (Viewer(Role.MANAGER, active=False, same_hub=True, same_council=True), False),
    ],
)
def test_only_the_hubs_managers_and_operators_manage_its_staff(
    viewer: Viewer, manages: bool
) -> None:
    assert may_manage_staff(viewer) is manages


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (_at_hub(Role.KEY_WORKER, their_worker=True, named_worker=True), True),
        (_at_hub(Role.LIFE_COACH, their_coach=True), True),
        # Covering for the worker passes on their alerts, not the young person's goals.
        (_at_hub(Role.KEY_WORKER, their_worker=True), False),
        (_at_hub(Role.DUTY, their_worker=True), False),
        # Nobody else at the hub, whatever their role: the goals are the young person's.
        *[(_at_hub(role), False) for role in Role],
        # Not staff at another hub, even if named; not anyone who has left.
        (Viewer(Role.KEY_WORKER, active=True, same_hub=False, same_council=True,
                named_worker=True), False),
        (Viewer(Role.LIFE_COACH, active=True, same_hub=False, same_council=True,
                their_coach=True), False),
        (Viewer(Role.KEY_WORKER, active=False, same_hub=True, same_council=True,
                named_worker=True), False),
        (Viewer(Role.LIFE_COACH, active=False, same_hub=True, same_council=True,
                their_coach=True), False),
    ],
)  # fmt: skip
def test_only_the_named_worker_and_life_coach_see_and_change_goals(
    viewer: Viewer, sees: bool
) -> None:
    assert may_see_goals(viewer) is sees
    assert may_change_goals(viewer) is sees


@pytest.mark.parametrize(
    ("viewer", "opens"),
    [
        # Their own: named worker, a cover, their life coach.
        (_at_hub(Role.KEY_WORKER, their_worker=True, named_worker=True), True),
        (_at_hub(Role.KEY_WORKER, their_worker=True), True),
        (_at_hub(Role.LIFE_COACH, their_coach=True), True),
        # Roles that may name any young person at the hub.
        (_at_hub(Role.DUTY), True),
        (_at_hub(Role.MANAGER), True),
        (_at_hub(Role.SLT), True),
        (_at_hub(Role.OPERATOR), True),
        # The out-of-hours team, who may read any concern in their council, at their own hub.
        (_at_hub(Role.ON_CALL), True),
        # Nobody else at the hub: another worker or coach, police liaison.
        (_at_hub(Role.KEY_WORKER), False),
        (_at_hub(Role.LIFE_COACH), False),
        (_at_hub(Role.POLICE_LIAISON), False),
        # Never from another hub, nor anyone who has left.
        (Viewer(Role.MANAGER, active=True, same_hub=False, same_council=True), False),
        (Viewer(Role.KEY_WORKER, active=True, same_hub=False, same_council=True,
                their_worker=True, named_worker=True), False),
        (Viewer(Role.KEY_WORKER, active=False, same_hub=True, same_council=True,
                their_worker=True, named_worker=True), False),
    ],
)  # fmt: skip
def test_a_young_persons_console_page_opens_for_those_with_them_on_a_caseload(
    viewer: Viewer, opens: bool
) -> None:
    assert may_open_young_person(viewer) is opens


# The commands each role sees in /help and in Telegram's menu: derived from the rules above
# (bot.domain.access.commands_for), and written out here for the safeguarding lead to sign.
# Whoever may book a young person's sessions has every session command (bot.domain.access).
_SESSIONS = "book sessions move_session cancel_session seen notseen agreed"
# Only a young person's named worker and life coach see and change their goals (GL-8).
_GOALS = (
    "goals goal goal_agree goal_words goal_step goal_rate goal_pause goal_resume goal_done"
    " goal_drop"
)
_SIGNED_OFF = {
    Role.KEY_WORKER: (
        f"help invite concern ack close profile reply away back {_SESSIONS} {_GOALS} console"
    ),
    Role.LIFE_COACH: f"help reply {_SESSIONS} {_GOALS} console",
    Role.SLT: f"help profile {_SESSIONS} console",
    Role.MANAGER: (
        "help concerns concern ack close reply away back invites revoke reassign move leave "
        f"{_SESSIONS} console"
    ),
    Role.DUTY: f"help concerns concern ack close reply away back {_SESSIONS} console",
    # Police liaison see young people only in the alerts that reach them: no caseload, but
    # the console shows them the summaries of the concerns shared with them.
    Role.POLICE_LIAISON: "help console",
    Role.ON_CALL: "help concerns concern ack close away back console",
    Role.OPERATOR: "help invites revoke reassign move leave console",
    # The content studio's safety words are their page in the console.
    Role.SAFEGUARDING_LEAD: "help console",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_the_commands_its_rules_allow(role: Role) -> None:
    assert " ".join(commands_for(role)) == _SIGNED_OFF[role]


def test_every_role_is_signed_off() -> None:
    assert set(_SIGNED_OFF) == set(Role)


@pytest.mark.parametrize(
    ("viewer", "why"),
    [
        (_at_hub(Role.SLT), Refusal.ROLE),
        (_at_hub(Role.POLICE_LIAISON), Refusal.ROLE),
        (_at_hub(Role.OPERATOR), Refusal.ROLE),
        (Viewer(Role.DUTY, active=True, same_hub=False, same_council=True), Refusal.HUB),
        (Viewer(Role.ON_CALL, active=True, same_hub=False, same_council=False), Refusal.HUB),
        (_at_hub(Role.KEY_WORKER), Refusal.NOT_THEIRS),
        (_at_hub(Role.KEY_WORKER, their_worker=True), None),
        (_at_hub(Role.DUTY), None),
    ],
)
def test_a_refused_concern_says_the_real_reason(viewer: Viewer, why: Refusal | None) -> None:
    assert why_not_read_concern(viewer) is why


@pytest.mark.parametrize(
    ("role", "active", "same_hub", "shared", "sees"),
    [
        # Police liaison at the hub see the summary of a concern shared with them.
        (Role.POLICE_LIAISON, True, True, True, True),
        # Not one that was never shared with them, nor another hub's, nor after leaving.
        (Role.POLICE_LIAISON, True, True, False, False),
        (Role.POLICE_LIAISON, True, False, True, False),
        (Role.POLICE_LIAISON, False, True, True, False),
        # Every other role reads the concern itself, or nothing: never this summary.
        (Role.KEY_WORKER, True, True, True, False),
        (Role.SLT, True, True, True, False),
    ],
)
def test_police_liaison_see_a_summary_of_what_was_shared_with_them(
    role: Role, active: bool, same_hub: bool, shared: bool, sees: bool
) -> None:
    seen = may_read_concern_summary(role=role, active=active, same_hub=same_hub, shared=shared)
    assert seen is sees


@pytest.mark.parametrize(
    ("role", "active", "same_hub", "themselves", "allowed"),
    [
        # A key worker invites for themselves (`/invite`), never for a colleague.
        (Role.KEY_WORKER, True, True, True, True),
        (Role.KEY_WORKER, True, True, False, False),
        # A hub's managers and operators choose any of its key workers.
        (Role.MANAGER, True, True, False, True),
        (Role.OPERATOR, True, True, False, True),
        # Nobody else; nobody at another hub; nobody who has left.
        *[(role, True, True, False, False) for role in Role
          if role not in {Role.MANAGER, Role.OPERATOR}],
        (Role.KEY_WORKER, True, False, False, False),
        (Role.MANAGER, True, False, False, False),
        (Role.OPERATOR, True, False, False, False),
        (Role.MANAGER, False, True, False, False),
        (Role.KEY_WORKER, False, True, True, False),
    ],
)  # fmt: skip
def test_invites_are_made_by_the_worker_or_their_hubs_managers_and_operators(
    role: Role, active: bool, same_hub: bool, themselves: bool, allowed: bool
) -> None:
    facts = {"active": active, "same_hub": same_hub, "themselves": themselves}
    assert may_invite_for(role=role, **facts) is allowed


@pytest.mark.parametrize(
    ("role", "active", "same_council", "allowed"),
    [
        # A council's settings apply to every hub in it: the managers and operators of any
        # of its hubs change them.
        (Role.MANAGER, True, True, True),
        (Role.OPERATOR, True, True, True),
        # Nobody else, not the out-of-hours team; nobody of another council; not once left.
        *[(role, True, True, False) for role in Role
          if role not in {Role.MANAGER, Role.OPERATOR}],
        (Role.MANAGER, True, False, False),
        (Role.OPERATOR, True, False, False),
        (Role.MANAGER, False, True, False),
    ],
)  # fmt: skip
def test_a_councils_settings_are_changed_by_managers_and_operators_of_its_hubs(
    role: Role, active: bool, same_council: bool, allowed: bool
) -> None:
    facts = {"active": active, "same_council": same_council}
    assert may_change_council_settings(role=role, **facts) is allowed


# Who gives which role from the console (red-team H1): K key worker, L life coach, S slt,
# D duty, P police liaison, M manager, O operator, C on call, G safeguarding lead.
_LETTERS = {
    "K": Role.KEY_WORKER,
    "L": Role.LIFE_COACH,
    "S": Role.SLT,
    "D": Role.DUTY,
    "P": Role.POLICE_LIAISON,
    "M": Role.MANAGER,
    "O": Role.OPERATOR,
    "C": Role.ON_CALL,
    "G": Role.SAFEGUARDING_LEAD,
}
_GRANTED = {
    # A safeguarding lead decides what Waypoint hears as a worry: a manager's choice alone.
    Role.MANAGER: "KLSDPG",
    Role.OPERATOR: "KLS",
    Role.KEY_WORKER: "",
    Role.LIFE_COACH: "",
    Role.SLT: "",
    Role.DUTY: "",
    Role.POLICE_LIAISON: "",
    Role.ON_CALL: "",
    Role.SAFEGUARDING_LEAD: "",
}


@pytest.mark.parametrize("granter", list(Role))
def test_managers_and_operators_give_only_roles_that_are_theirs_to_give(granter: Role) -> None:
    expected = frozenset(_LETTERS[letter] for letter in _GRANTED[granter])
    assert roles_granted_by(granter) == expected
    for before in (None, *Role):
        for after in Role:
            allowed = after in expected and (before is None or before in expected)
            assert may_grant_role(granter, before=before, after=after) is allowed


def test_nobody_gives_manager_operator_or_on_call_from_the_console() -> None:
    for granter in Role:
        for role in (Role.MANAGER, Role.OPERATOR, Role.ON_CALL):
            assert role not in roles_granted_by(granter)
    # An operator cannot change a duty worker's role, nor make anyone duty.
    assert not may_grant_role(Role.OPERATOR, before=Role.DUTY, after=Role.SLT)
    assert not may_grant_role(Role.OPERATOR, before=Role.SLT, after=Role.DUTY)
    assert may_grant_role(Role.MANAGER, before=Role.KEY_WORKER, after=Role.DUTY)
