"""Words staff read inside other messages, from content/ like every other word: ladder steps,
what a concern is about, a young person's profile. Staff get the standard text."""

from __future__ import annotations

from bot.content.catalogue import Catalogue
from bot.domain.ladder import Step
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Level, Replies
from bot.domain.reminders import format_offsets
from bot.services.records import ConcernRecord


def staff_text(catalogue: Catalogue, message_id: str, **values: str) -> str:
    """One staff message's standard text, filled in."""
    # render, not text: a value may be called "language", which text() takes as a keyword.
    return catalogue.render(message_id, values, level=Level.STANDARD)


def step_name(catalogue: Catalogue, step: Step) -> str:
    """Who a ladder step tells, as staff read it in an alert ("the hub's duty worker")."""
    return staff_text(catalogue, f"step_{step.value}")


def _category(catalogue: Catalogue, category: str) -> str:
    # A category the wording has no label for yet is shown as stored, never dropped.
    message_id = f"category_{category}"
    return staff_text(catalogue, message_id) if message_id in catalogue else category


def what_about(catalogue: Catalogue, concern: ConcernRecord) -> str:
    """The concern's category in words, and for a friend what the worry is."""
    if concern.category is None:
        kind = "unhandled" if concern.source == "unhandled" else "button"
        return staff_text(catalogue, f"category_{kind}")
    what = _category(catalogue, concern.category)
    if concern.harm:
        what += f": {_category(catalogue, concern.harm)}"
    return what


def minutes(catalogue: Catalogue, count: int) -> str:
    """A number of minutes in words staff read: "1 minute", "10 minutes"."""
    if count == 1:
        return staff_text(catalogue, "unit_minute")
    return staff_text(catalogue, "unit_minutes", count=str(count))


def role_name(catalogue: Catalogue, role: Role) -> str:
    """A role as staff read it in a sentence: "speech and language therapist"."""
    return staff_text(catalogue, f"role_{role.value}")


def setting_words(catalogue: Catalogue, profile: CommunicationProfile) -> dict[str, str]:
    """Each setting's value in words, keyed by the setting's name as staff type it."""

    def words(message_id: str) -> str:
        return staff_text(catalogue, message_id)

    swaps = ", ".join(f"{a}={b}" for a, b in profile.swaps.items())
    buttons = profile.replies is Replies.BUTTONS
    return {
        "language": profile.language,
        "reading": profile.level.value,
        "symbols": words("profile_symbols_on" if profile.symbols else "profile_symbols_off"),
        "name": profile.preferred_name or words("profile_name_unset"),
        "words": swaps or words("profile_words_none"),
        "wait": minutes(catalogue, profile.processing_minutes),
        "replies": words("profile_replies_buttons" if buttons else "profile_replies_text"),
        "sentences": staff_text(catalogue, "unit_sentences", count=str(profile.max_sentences)),
        "review": profile.review_on.isoformat()
        if profile.review_on
        else words("profile_review_unset"),
        # Every setting needs its words here: changing one reads its new value from them.
        "reminders": format_offsets(profile.reminders),
        "silent": words("profile_silent_on" if profile.silent else "profile_silent_off"),
        "quiet": str(profile.quiet) if profile.quiet else words("profile_quiet_council"),
        "goals": str(profile.most_goals),
        "scale": profile.scale.value,
        "check_ins": profile.check_ins.value,
    }


def profile_lines(catalogue: Catalogue, profile: CommunicationProfile) -> str:
    """One line per setting, in the words staff type to change it."""
    return staff_text(catalogue, "profile_summary", **setting_words(catalogue, profile))
