"""Who may see and do what with a young person's concerns, profile and messages.

Pure rules, so they can be read (and tested) in one place. Services gather the facts (the
viewer's role and hub, whether they were alerted) and ask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.people import Role, may_invite

# At the young person's hub, these roles may read any of its concerns.
HUB_WIDE = frozenset({Role.DUTY, Role.MANAGER})
# Besides whoever acknowledged it, these may close a concern.
CLOSERS = frozenset({Role.DUTY, Role.MANAGER})
# These may list concerns (the out-of-hours team across its council).
LISTERS = frozenset({Role.DUTY, Role.MANAGER, Role.ON_CALL})
# Who may stand in for a worker who is away: their alerts carry the young person's words.
COVER_ROLES = frozenset({Role.KEY_WORKER, Role.DUTY, Role.MANAGER})
# Concerns that also go to the hub's police liaison, where the council turns it on.
# ("exploitation" is how concerns raised before the two kinds were told apart are stored.)
POLICE_CATEGORIES = frozenset(
    {"missing", "sexual_exploitation", "criminal_exploitation", "exploitation"}
)
# At the young person's hub, these roles may write to any of its young people.
HUB_MESSENGERS = frozenset({Role.DUTY, Role.MANAGER})
# Who hears a safety message that could not be delivered, in order: first the hub's duty
# workers and managers, then (with nobody at the hub) the council's out-of-hours team.
REROUTE_ORDER = (Role.DUTY, Role.MANAGER, Role.ON_CALL)
# Who may mark staff as left, move them, give a young person a new worker and withdraw invite
# links at their hub: the people who run it (managers) and keep Waypoint going (operators).
STAFF_MANAGERS = frozenset({Role.MANAGER, Role.OPERATOR})


@dataclass(frozen=True)
class Viewer:
    """A member of staff asking to see or act on something about a young person."""

    role: Role
    active: bool
    same_hub: bool
    same_council: bool
    # The young person's named worker, or the colleague covering for them.
    their_worker: bool = False
    # Alerted about this concern already.
    told: bool = False
    # The young person's own life coach.
    their_coach: bool = False
    # Their named worker themselves (a cover is `their_worker`, but not this).
    named_worker: bool = False


def may_read_concern(viewer: Viewer) -> bool:
    """Only those who need the words: the worker or their cover, the hub's duty workers and
    managers, the council's out-of-hours team, and anyone already alerted. Police liaison
    get a summary, never the words; other staff see nothing."""
    if not viewer.active:
        return False
    return (
        viewer.their_worker
        or viewer.told
        or (viewer.same_hub and viewer.role in HUB_WIDE)
        or (viewer.same_council and viewer.role is Role.ON_CALL)
    )


def may_read_concern_summary(*, role: Role, active: bool, same_hub: bool, shared: bool) -> bool:
    """Police liaison at the young person's hub see the summary Waypoint shared with them
    (what it is about, who, when, their worker, how to talk with them), never the words."""
    return active and same_hub and shared and role is Role.POLICE_LIAISON


def may_close_concern(viewer: Viewer, *, acknowledged_it: bool) -> bool:
    """Whoever acknowledged it, or a duty worker or manager who may read it."""
    return may_read_concern(viewer) and (acknowledged_it or viewer.role in CLOSERS)


def may_receive_rerouted(viewer: Viewer) -> bool:
    """A safety message that could not be delivered carries the young person's words, so it
    goes only to someone who may read them: the same rule as reading a concern."""
    return may_read_concern(viewer)


def may_message_young_person(viewer: Viewer) -> bool:
    """The named worker or their cover, the hub's duty workers and managers, and the young
    person's own life coach. Nobody else writes to a young person through Waypoint."""
    if not viewer.active:
        return False
    return (
        viewer.their_worker
        or (viewer.same_hub and viewer.their_coach)
        or (viewer.same_hub and viewer.role in HUB_MESSENGERS)
    )


def may_cover(*, role: Role, active: bool, away: bool, same_hub: bool) -> bool:
    """A cover takes a worker's alerts while they are away, words included: a key worker,
    duty worker or manager at the same hub, who is here (not away, not left)."""
    return active and not away and same_hub and role in COVER_ROLES


def may_change_profile(viewer: Viewer) -> bool:
    """The young person's own named worker (not a cover), or a speech and language therapist
    at their hub."""
    return viewer.active and viewer.same_hub and (viewer.named_worker or viewer.role is Role.SLT)


# Who books sessions for any young person at their hub, beside the young person's own worker
# and life coach: its speech and language therapists, duty workers and managers.
SESSION_BOOKERS = frozenset({Role.SLT, Role.DUTY, Role.MANAGER})


def may_book_session(viewer: Viewer) -> bool:
    """Book, move, cancel and mark a young person's sessions: their named worker or cover,
    their own life coach, or a therapist, duty worker or manager at their hub. A session's
    time and place say where a young person will be, so nobody else sees or changes it."""
    if not viewer.active:
        return False
    return (
        viewer.their_worker
        or (viewer.same_hub and viewer.their_coach)
        or (viewer.same_hub and viewer.role in SESSION_BOOKERS)
    )


def books_hub_sessions(role: Role) -> bool:
    """Whether someone in this role may book sessions for any young person at their hub, not
    only their own (therapists, duty workers, managers): the staff console offers them the
    hub's week of sessions beside their own."""
    return may_book_session(Viewer(role, active=True, same_hub=True, same_council=True))


def may_see_goals(viewer: Viewer) -> bool:
    """A young person's goals, steps and ratings (GL-8): their own named worker and their own
    life coach at their hub, and nobody else by default (not a cover, not a manager): a goal
    is theirs, shared with the two people who agreed it with them."""
    return viewer.active and viewer.same_hub and (viewer.named_worker or viewer.their_coach)


def may_change_goals(viewer: Viewer) -> bool:
    """Add, reword, rate, pause, complete or drop a goal, and agree one the young person
    suggested: the same two people who may see it."""
    return may_see_goals(viewer)


def goes_to_police_liaison(*, council_allows: bool, category: str | None) -> bool:
    """Going missing and exploitation (for the young person or a friend), where allowed."""
    return council_allows and category in POLICE_CATEGORIES


def may_manage_staff(viewer: Viewer) -> bool:
    """A hub's managers and operators, who have not left, look after its staff, its young
    people's named workers and its invite links; nobody looks after another hub's."""
    return viewer.active and viewer.same_hub and viewer.role in STAFF_MANAGERS


# Which roles a hub's managers and operators may give from the console, when adding staff or
# changing a role (the role before and after), and whom they may move to another hub of their
# council. Nobody gives manager, operator or on-call there: those read a council's concerns or
# run the hub, and are given by the server's operator with `waypoint staff add` / `move`. An
# operator (the hub's IT, who reads no concerns) gives only roles that read none either.
_GRANTS: dict[Role, frozenset[Role]] = {
    # A safeguarding lead decides what Waypoint hears as a worry: a manager's choice, not
    # the hub's IT's.
    Role.MANAGER: frozenset(
        {
            Role.KEY_WORKER,
            Role.LIFE_COACH,
            Role.SLT,
            Role.DUTY,
            Role.POLICE_LIAISON,
            Role.SAFEGUARDING_LEAD,
        }
    ),
    Role.OPERATOR: frozenset({Role.KEY_WORKER, Role.LIFE_COACH, Role.SLT}),
}


def roles_granted_by(role: Role) -> frozenset[Role]:
    """The roles someone in this role may give, take away or move to another hub from the
    staff console (none for anyone but managers and operators)."""
    return _GRANTS.get(role, frozenset())


def may_grant_role(granter: Role, *, before: Role | None, after: Role) -> bool:
    """Add staff in role `after` (`before` None), or change a role from `before` to `after`
    (the same role when only the hub changes): both must be the granter's to give."""
    granted = roles_granted_by(granter)
    return after in granted and (before is None or before in granted)


def may_invite_for(*, role: Role, active: bool, same_hub: bool, themselves: bool) -> bool:
    """Who may make an invite link whose young person will have this key worker: the key
    worker themselves (`/invite`), or a manager or operator at the worker's hub (the console's
    *Invite links*), who chooses the worker. Nobody makes one for another hub's worker."""
    if not (active and same_hub):
        return False
    return (themselves and may_invite(role)) or role in STAFF_MANAGERS


def may_change_council_settings(*, role: Role, active: bool, same_council: bool) -> bool:
    """A council's settings (office hours, the ladder's timings, who is told first out of
    hours, quiet hours, the out-of-hours number) apply to every hub in it: the managers and
    operators of any of its hubs may change them (besides `waypoint council set`); nobody
    changes another council's."""
    return active and same_council and role in STAFF_MANAGERS


def may_open_young_person(viewer: Viewer) -> bool:
    """A young person's page in the staff console: whoever has them on their caseload (their
    worker or cover, their own life coach, or anyone at their hub whose role may name any
    young person there). The page then shows each part by its own rule above."""
    if not (viewer.active and viewer.same_hub):
        return False
    return viewer.their_worker or viewer.their_coach or sees_hub_young_people(viewer.role)


# Who sees a hub's service figures (*How we are doing* in the console): its managers. Not its
# operators: the figures include how quickly each worker acknowledged concerns, which is a
# matter for the people who run the hub and manage its staff, not for its IT (operators are
# told in Telegram of what needs them: undelivered messages, a concern nobody could be told).
FIGURE_READERS = frozenset({Role.MANAGER})


def may_see_service_figures(viewer: Viewer) -> bool:
    """A hub's managers, who have not left, see its figures (counts, never a young person's
    row); nobody sees another hub's."""
    return viewer.active and viewer.same_hub and viewer.role in FIGURE_READERS


def may_list_concerns(role: Role) -> bool:
    """A hub's managers and duty workers, and the council's out-of-hours team, list open
    concerns; everyone else hears of the ones that are theirs in an alert."""
    return role in LISTERS


# Who the ladder can alert (bot.domain.ladder): a young person's named worker or their cover,
# the hub's duty workers and managers, and the council's out-of-hours team.
ALERTED = frozenset({Role.KEY_WORKER, *COVER_ROLES, Role.DUTY, Role.MANAGER, Role.ON_CALL})
# Who can be a young person's named worker (always a key worker), or stand in for one.
NAMED_WORKERS = frozenset({Role.KEY_WORKER})
WORKERS = frozenset({*NAMED_WORKERS, *COVER_ROLES})
# Who can be a young person's own life coach.
COACHES = frozenset({Role.LIFE_COACH})


def may_go_away(role: Role) -> bool:
    """Anyone the ladder alerts may pass their alerts to a cover while away (`/away`), and
    take them back (`/back`); nobody else has alerts to pass on."""
    return role in ALERTED


def _viewers(role: Role) -> list[Viewer]:
    """Every set of facts a member of staff in this role, at the young person's hub and
    council, could have: their named worker, a cover, alerted, their life coach, or none."""
    worker_facts = {(False, False), (role in WORKERS, False)}
    if role in NAMED_WORKERS:
        worker_facts.add((True, True))
    return [
        Viewer(
            role,
            True,
            True,
            True,
            their_worker=worker,
            named_worker=named,
            told=told,
            their_coach=coach,
        )
        for worker, named in worker_facts
        for told in {False, role in ALERTED}
        for coach in {False, role in COACHES}
    ]


def ever_may(role: Role, rule: Callable[[Viewer], bool]) -> bool:
    """Whether someone in this role could ever pass `rule` (for some young person)."""
    return any(rule(viewer) for viewer in _viewers(role))


class StaffCommand(StrEnum):
    """A command staff send Waypoint. What each does, in words, is in content/ (the message
    `command_<name>`); who may send it is `may_use` below."""

    HELP = "help"
    INVITE = "invite"
    CONCERNS = "concerns"
    CONCERN = "concern"
    ACK = "ack"
    CLOSE = "close"
    PROFILE = "profile"
    REPLY = "reply"
    AWAY = "away"
    BACK = "back"
    INVITES = "invites"
    REVOKE = "revoke"
    REASSIGN = "reassign"
    MOVE = "move"
    LEAVE = "leave"
    BOOK = "book"
    SESSIONS = "sessions"
    MOVE_SESSION = "move_session"
    CANCEL_SESSION = "cancel_session"
    SEEN = "seen"
    NOTSEEN = "notseen"
    AGREED = "agreed"
    GOALS = "goals"
    GOAL = "goal"
    GOAL_AGREE = "goal_agree"
    GOAL_WORDS = "goal_words"
    GOAL_STEP = "goal_step"
    GOAL_RATE = "goal_rate"
    GOAL_PAUSE = "goal_pause"
    GOAL_RESUME = "goal_resume"
    GOAL_DONE = "goal_done"
    GOAL_DROP = "goal_drop"
    CONSOLE = "console"


def _may_close_any(viewer: Viewer) -> bool:
    return may_close_concern(viewer, acknowledged_it=True)


# Each command's rule, from the rules above: a role may use a command when someone in that
# role could ever pass its rule. A role that never could is told so (not greeted).
_RULES: dict[StaffCommand, Callable[[Viewer], bool]] = {
    StaffCommand.HELP: lambda viewer: viewer.active,
    # The staff console, for those with a page there (bot.domain.console); each page shows
    # only what their role may see.
    StaffCommand.CONSOLE: lambda viewer: viewer.active and has_console(viewer.role),
    StaffCommand.INVITE: lambda viewer: may_invite(viewer.role),
    StaffCommand.CONCERNS: lambda viewer: may_list_concerns(viewer.role),
    StaffCommand.CONCERN: may_read_concern,
    StaffCommand.ACK: may_read_concern,
    StaffCommand.CLOSE: _may_close_any,
    StaffCommand.PROFILE: may_change_profile,
    StaffCommand.REPLY: may_message_young_person,
    StaffCommand.AWAY: lambda viewer: may_go_away(viewer.role),
    StaffCommand.BACK: lambda viewer: may_go_away(viewer.role),
    StaffCommand.INVITES: may_manage_staff,
    StaffCommand.REVOKE: may_manage_staff,
    StaffCommand.REASSIGN: may_manage_staff,
    StaffCommand.MOVE: may_manage_staff,
    StaffCommand.LEAVE: may_manage_staff,
    # Sessions: whoever may book a young person's sessions lists, moves, cancels and marks
    # them, and tells them what was agreed.
    **dict.fromkeys(
        (
            StaffCommand.BOOK,
            StaffCommand.SESSIONS,
            StaffCommand.MOVE_SESSION,
            StaffCommand.CANCEL_SESSION,
            StaffCommand.SEEN,
            StaffCommand.NOTSEEN,
            StaffCommand.AGREED,
        ),
        may_book_session,
    ),
    # Goals: the young person's named worker and life coach see them and change them (GL-8).
    StaffCommand.GOALS: may_see_goals,
    **dict.fromkeys(
        (
            StaffCommand.GOAL,
            StaffCommand.GOAL_AGREE,
            StaffCommand.GOAL_WORDS,
            StaffCommand.GOAL_STEP,
            StaffCommand.GOAL_RATE,
            StaffCommand.GOAL_PAUSE,
            StaffCommand.GOAL_RESUME,
            StaffCommand.GOAL_DONE,
            StaffCommand.GOAL_DROP,
        ),
        may_change_goals,
    ),
}


def may_use(role: Role, command: StaffCommand) -> bool:
    """Whether this role may use this command at all (each use is still checked)."""
    return ever_may(role, _RULES[command])


def commands_for(role: Role) -> tuple[StaffCommand, ...]:
    """The commands a role may use, in the order staff read them in /help and the menu."""
    return tuple(command for command in StaffCommand if may_use(role, command))


def sees_hub_young_people(role: Role) -> bool:
    """Whether this role may name any young person at its hub, not only its own: someone in
    it with no tie to a young person (not their worker, cover or coach, never alerted) may
    still read their concerns, write to them, change their profile or give them a worker
    (duty workers, managers, therapists, operators). Anyone else is shown only their own
    young people, in examples as in everything else."""
    anyone = Viewer(role, active=True, same_hub=True, same_council=True)
    rules = (may_read_concern, may_message_young_person, may_change_profile, may_manage_staff)
    return any(rule(anyone) for rule in rules)


def has_caseload(role: Role) -> bool:
    """Whoever can have young people of their own (a worker, a cover, a coach), or may name
    any at their hub, has a caseload in the staff console. Police liaison see young people
    only in the alerts that reach them (a summary, never the words)."""
    return role in WORKERS or role in COACHES or sees_hub_young_people(role)


def reads_concern_summaries(role: Role) -> bool:
    """Whether someone in this role sees the summaries of concerns shared with them (police
    liaison), never the words."""
    return may_read_concern_summary(role=role, active=True, same_hub=True, shared=True)


def has_console(role: Role) -> bool:
    """Who signs in to the staff console: whoever has a caseload, police liaison, whose
    only page is the summaries of the concerns shared with them, and safeguarding leads, whose
    page is the content studio's safety words."""
    return has_caseload(role) or reads_concern_summaries(role) or may_use_studio(role)


# The content studio (issue 16): speech and language therapists own every word a young person
# sees; a safeguarding lead alone changes what Waypoint hears as a worry. Each sees and changes
# their own council's wording only (the services check the council).
STUDIO_ROLES = frozenset({Role.SLT, Role.SAFEGUARDING_LEAD})
WORDING_WRITERS = frozenset({Role.SLT})
WORDING_APPROVERS = frozenset({Role.SLT})
SAFETY_WORD_CHANGERS = frozenset({Role.SAFEGUARDING_LEAD})


def may_use_studio(role: Role) -> bool:
    """Who opens the content studio at all: therapists and safeguarding leads."""
    return role in STUDIO_ROLES


def may_write_wording(role: Role) -> bool:
    """Who writes a draft of a message's wording for their council: therapists."""
    return role in WORDING_WRITERS


def may_approve_wording(role: Role) -> bool:
    """Who approves a version so it goes live for their council: therapists (the linter must
    find nothing to fix first; the services check that)."""
    return role in WORDING_APPROVERS


def may_change_safety_words(role: Role) -> bool:
    """Who changes the safety lexicon and the labelled examples: safeguarding leads alone."""
    return role in SAFETY_WORD_CHANGERS


# Every linked young person has the same commands (their menu in Telegram): the rest of
# what they can do is buttons and their own words.
YOUNG_PERSON_COMMANDS = (
    "worried",
    "talk",
    "goals",
    "language",
    "symbols",
    "pause",
    "stop",
    "help",
)


class Refusal(StrEnum):
    """Why a member of staff may not read a concern, to tell them truly."""

    # Nobody in their role reads concerns.
    ROLE = "role"
    # The concern is at another hub (or, for the out-of-hours team, another council).
    HUB = "hub"
    # At their hub, but about a young person who is not theirs.
    NOT_THEIRS = "not_theirs"


def role_reads_concerns(role: Role) -> bool:
    """Whether anyone in this role could ever read a concern. One who never could is told
    only that (asked before a concern is looked up), so they learn nothing of any concern:
    not whether it exists, nor where."""
    return ever_may(role, may_read_concern)


def why_not_read_concern(viewer: Viewer) -> Refusal | None:
    """None when they may read it; else the real reason, most general first."""
    if may_read_concern(viewer):
        return None
    if not role_reads_concerns(viewer.role):
        return Refusal.ROLE
    if not viewer.same_hub and not (viewer.role is Role.ON_CALL and viewer.same_council):
        return Refusal.HUB
    return Refusal.NOT_THEIRS
