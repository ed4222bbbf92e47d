"""Times in concrete words ("Tuesday 3 March at 4:00 PM"), in the reader's language and zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import format_date, format_datetime, format_timedelta

_LOCALES = {"en": "en_GB"}


def concrete_datetime(moment: datetime, zone: ZoneInfo, language: str = "en") -> str:
    """Weekday, date and clock time, never "soon" or a 24-hour clock."""
    locale = _LOCALES.get(language, language)
    return format_datetime(moment, "EEEE d MMMM 'at' h:mm a", tzinfo=zone, locale=locale)


def record_datetime(moment: datetime, zone: ZoneInfo) -> str:
    """A moment for a record that outlives the year: "Tuesday 3 March 2026 at 4:05:09 PM"."""
    return format_datetime(moment, "EEEE d MMMM y 'at' h:mm:ss a", tzinfo=zone, locale="en_GB")


def babel_locale(language: str) -> str:
    """The Babel locale for a language Waypoint writes in (British English for English)."""
    return _LOCALES.get(language, language)


def day_words(day: date, language: str) -> str:
    """Weekday, day and month in the reader's language: "Tuesday 2 March", "الثلاثاء 2 مارس"."""
    return format_date(day, "EEEE d MMMM", locale=babel_locale(language))


def clock_words(moment: datetime, zone: ZoneInfo, language: str) -> dict[str, str]:
    """The parts of a 12-hour clock time: hour, minutes, and the part of the day in words."""
    locale = babel_locale(language)
    return {
        "hour": format_datetime(moment, "h", tzinfo=zone, locale=locale),
        "minutes": format_datetime(moment, "mm", tzinfo=zone, locale=locale),
        # "in the afternoon", "بعد الظهر": unlike "pm", a word every reader knows.
        "period": format_datetime(moment, "BBBB", tzinfo=zone, locale=locale),
    }


def language_name(language: str) -> str:
    """A language's name in itself ("English", "العربية"), for telling someone which it is."""
    return Locale.parse(language).get_display_name(language) or language


def until_words(left: timedelta, language: str) -> str:
    """How long until something, in the reader's language: "in 2 hours", "in 3 days"."""
    return format_timedelta(
        max(left, timedelta(minutes=1)),
        add_direction=True,
        threshold=1.5,
        locale=babel_locale(language),
    )
