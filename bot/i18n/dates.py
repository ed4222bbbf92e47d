"""Times in concrete words ("Tuesday 3 March at 4:00 PM"), in the reader's language and zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

_LOCALES = {"en": "en_GB"}


def concrete_datetime(moment: datetime, zone: ZoneInfo, language: str = "en") -> str:
    """Weekday, date and clock time, never "soon" or a 24-hour clock."""
    locale = _LOCALES.get(language, language)
    return format_datetime(moment, "EEEE d MMMM 'at' h:mm a", tzinfo=zone, locale=locale)
