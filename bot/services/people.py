"""What services read off a young person's record: their communication profile and name."""

from __future__ import annotations

import logging

from bot.domain.profiles import CommunicationProfile
from bot.services.records import YoungPersonRecord

_LOG = logging.getLogger(__name__)


def profile_of(person: YoungPersonRecord) -> CommunicationProfile:
    """The young person's communication profile as stored with them; a damaged one is read
    as the default (and said so in the log), so it can never stop a worry being heard."""
    try:
        return CommunicationProfile.from_record(person.language, person.communication_profile)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        _LOG.error("young person %s has a damaged profile: %s", person.id, type(error).__name__)
        return CommunicationProfile()


def name_of(person: YoungPersonRecord) -> str:
    """What Waypoint calls a young person: the name in their profile, or their first name."""
    return profile_of(person).preferred_name or person.first_name
