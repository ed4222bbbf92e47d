"""Errors a person can act on. Each carries a content message id, never English text."""

from __future__ import annotations


class WaypointError(Exception):
    """A refusal the person should be told about, worded by the message `message_id`."""

    message_id = "error_general"

    def __init__(self, **values: str) -> None:
        super().__init__(self.message_id)
        self.values = values


class CodeRefused(WaypointError):
    """A code was wrong, used, expired, or sent while guessing is paused: never says which."""

    message_id = "code_refused"


class AlreadyLinked(WaypointError):
    """This account already belongs to a linked young person."""

    message_id = "already_linked"


class StaffCannotJoin(WaypointError):
    """A member of staff opened an invite link meant for a young person."""

    message_id = "staff_cannot_join"


class NotStaff(WaypointError):
    """Only hub staff may do this."""

    message_id = "stranger"


class RoleMayNotInvite(WaypointError):
    """This member of staff's role does not allow inviting young people."""

    message_id = "invite_not_allowed"


class InviteAlreadyMade(WaypointError):
    """The console's form for an invite was sent again, and its invite has since been used,
    withdrawn, has run out, or was for someone else: no second one is made."""

    message_id = "invite_already_made"


class BadFirstName(WaypointError):
    """The worker did not give a usable first name for the invite."""

    message_id = "invite_usage"


class StaffNotFound(WaypointError):
    """Nobody who has not left works at the sender's hub under that name."""

    message_id = "staff_nobody"


class SeveralStaff(WaypointError):
    """More than one member of staff at the hub answers to that name."""

    message_id = "staff_several"


class NotForYourself(WaypointError):
    """Managers do not mark themselves as left or move themselves: someone else does."""

    message_id = "staff_not_yourself"


class StillNamedWorker(WaypointError):
    """A key worker who still has young people cannot stop being one, or change hub."""

    message_id = "staff_move_has_young_people"


class NoSuchHub(WaypointError):
    """The hub named is not one of the council's hubs."""

    message_id = "staff_move_no_hub"


class CannotBeNamedWorker(WaypointError):
    """Only an active key worker in the young person's council can be their named worker."""

    message_id = "reassign_not_key_worker"


class AlreadyTheirWorker(WaypointError):
    """The young person already has this named worker."""

    message_id = "reassign_same_worker"


class InviteNotOpen(WaypointError):
    """No invite with that number (at the sender's hub) could still be used."""

    message_id = "invite_not_open"


class RoleNotYoursToGive(WaypointError):
    """The role asked for (or the one they have now) is not the manager's or operator's to
    give (bot.domain.access.roles_granted_by), in Telegram (`/move`) or the console."""

    message_id = "staff_role_not_yours"


class InviteNotFound(InviteNotOpen):
    """No invite with that number at the sender's hub at all (another hub's is none): told
    in Telegram like one that cannot be used; the console answers it as a missing page."""


class ConcernNotVisible(WaypointError):
    """A concern this member of staff may not read: at their hub, about a young person who is
    not theirs. The subclasses say the other real reasons."""

    message_id = "concern_not_yours"


class ConcernNotForRole(ConcernNotVisible):
    """Nobody in the sender's role reads concerns (bot.domain.access.Refusal.ROLE)."""

    message_id = "concern_not_for_role"


class ConcernAtAnotherHub(ConcernNotVisible):
    """The concern is at another hub (or another council, for the out-of-hours team)."""

    message_id = "concern_other_hub"


class NoSuchConcern(ConcernNotVisible):
    """There is no concern with that number."""

    message_id = "concern_not_found"


class MayNotCloseConcern(WaypointError):
    """Only managers, duty staff and whoever acknowledged a concern may close it."""

    message_id = "concern_close_not_allowed"


class ConcernAlreadyTaken(WaypointError):
    """Someone else acknowledged (or closed) this concern first."""

    message_id = "concern_already_taken"


class ConcernAlreadyYours(WaypointError):
    """The sender acknowledged (or closed) this concern already."""

    message_id = "concern_already_yours"


class NotForTheirRole(WaypointError):
    """A staff command that is not for the sender's role (bot.domain.access.commands_for):
    they are told so, in words that name their role (`role`, filled in by the channel), and
    where to see the commands they have."""

    message_id = "command_not_for_role"


class MayNotList(NotForTheirRole):
    """Only managers, duty and out-of-hours staff list a hub's concerns."""

    message_id = "concern_list_not_allowed"


class MayNotManageStaff(NotForTheirRole):
    """Only managers and operators look after a hub's staff and invite links."""

    message_id = "staff_admin_not_allowed"


class MayNotGoAway(NotForTheirRole):
    """Only staff the ladder alerts have alerts to pass to a cover."""

    message_id = "away_not_for_role"


class NoSuchCover(WaypointError):
    """Nobody at the hub answers to that first name (`name`); `example` is someone who could
    cover."""

    message_id = "away_no_cover"


class CoverCannotCover(WaypointError):
    """The colleague named is at the hub, but their role (`cover_role`) cannot cover."""

    message_id = "away_cannot_cover"


class CoverIsAway(WaypointError):
    """The colleague named as cover is away themselves (two away workers would leave a
    concern with nobody)."""

    message_id = "away_cover_away"


class YoungPersonNotFound(WaypointError):
    """Nobody at the sender's hub answers to that name or number (`example` is one who
    does)."""

    message_id = "young_person_nobody"


class SeveralYoungPeople(WaypointError):
    """More than one young person at the hub has that first name: the choices are listed."""

    message_id = "profile_several"


class MayNotChangeProfile(WaypointError):
    """Only the young person's worker and the hub's therapists change a profile."""

    message_id = "profile_not_allowed"


class BadProfileSetting(WaypointError):
    """The setting or its value is not one a profile has; the problem says which."""

    message_id = "profile_problem"


class MayNotMessage(WaypointError):
    """Only the young person's worker (or cover) and life coach write to them here."""

    message_id = "talk_reply_not_allowed"


class YoungPersonPaused(WaypointError):
    """The young person sent /stop: a worker's message waits until they write (or /start)."""

    message_id = "talk_reply_paused"


class MayNotBookSession(WaypointError):
    """Only the young person's worker (or cover), life coach, or a therapist, duty worker or
    manager at their hub books and changes their sessions."""

    message_id = "session_not_allowed"


class NoOneToBook(WaypointError):
    """`/book` from someone with no young person they may book for (yet)."""

    message_id = "booking_nobody"


class NoSuchSession(WaypointError):
    """No session with that number that this member of staff may change."""

    message_id = "session_not_found"


class SessionNotChangeable(WaypointError):
    """The session is over or cancelled: it cannot be moved or cancelled again."""

    message_id = "session_not_changeable"


class SessionNotMarkable(WaypointError):
    """The session has not begun, or was cancelled: it cannot be marked seen or not seen."""

    message_id = "session_not_markable"


class SessionRefused(WaypointError):
    """A time that cannot be booked; `reason` is the message that says why (in the past, more
    than a year ahead, too long)."""

    def __init__(self, *, reason: str, **values: str) -> None:
        super().__init__(**values)
        self.message_id = reason


class MayNotSeeGoals(WaypointError):
    """Only the young person's named worker and life coach see and change their goals."""

    message_id = "goals_not_allowed"


class NoSuchGoal(WaypointError):
    """No goal with that number that this member of staff may see."""

    message_id = "goal_not_found"


class GoalRefused(WaypointError):
    """A goal change that cannot be made; `reason` is the message that says why (no room for
    another goal or step, no words, not on the scale, not in a state for it)."""

    def __init__(self, *, reason: str, **values: str) -> None:
        super().__init__(**values)
        self.message_id = reason


class MayNotUseStudio(WaypointError):
    """The content studio is for therapists (and safeguarding leads, for the safety words);
    writing and approving wording is for therapists alone."""

    message_id = "studio_not_allowed"


class NoSuchWording(WaypointError):
    """No message with that id, or no version with that number for their council."""

    message_id = "studio_no_such_message"


class BadWording(WaypointError):
    """A version that cannot be stored as it is: `problem` says what to change (no text at
    all, a placeholder renamed, pictures or buttons that do not fit the message)."""

    message_id = "studio_bad_wording"


class TranslationOutOfDate(BadWording):
    """A translation written against an English version that is no longer live: approved,
    it would never be sent. `problem` says to check it against the English now."""

    message_id = "studio_translation_out_of_date"


class AlreadyApproved(WaypointError):
    """Only a draft can be approved; this version is live or was already."""

    message_id = "studio_already_approved"


class InviteWordingNotApproved(WaypointError):
    """The council's therapists have not approved all the wording young people see: nobody
    there may invite a young person yet. Values: `count`, `first` (the first few message
    ids) and `studio` (where to approve them); without a console address, the message
    `invite_wording_not_approved_no_link` says where in words."""

    message_id = "invite_wording_not_approved"


class SetupError(Exception):
    """An operator's command cannot be carried out; the message says what to change."""
