"""Reading a number (or a day) someone typed: only ASCII (or Arabic-Indic) digits, only within
range.

`str.isdigit()` says yes to "²" and "①", which `int()` then refuses; and a 30-digit number is
fine for Python but not for a database column. Every number read from a person goes through
`whole_number`, so neither can reach a query or an exception message (which may be logged).
"""

from __future__ import annotations

import re
from datetime import date

_DIGITS = re.compile(r"[0-9]{1,18}")
# The largest id a 32-bit database column holds.
LARGEST_ID = 2**31 - 1


# Arabic-Indic digits (U+0660 to U+0669, and the Persian U+06F0 to U+06F9) are read as the
# digits they are.
_AS_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


def whole_number(text: str | None, *, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """The number `text` is (surrounding spaces allowed), or None if it is not one in range."""
    digits = text.strip().translate(_AS_ASCII) if text is not None else None
    if digits is None or not _DIGITS.fullmatch(digits):
        return None
    value = int(digits)
    return value if low <= value <= high else None


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The days a person may name: a week either side stays a real day, and none reaches a query
# as a year a database or `timedelta` cannot hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def calendar_day(text: str | None) -> date | None:
    """The day `text` names as YYYY-MM-DD (surrounding spaces allowed), or None if it names
    none, or one outside the years FIRST_YEAR to LAST_YEAR."""
    digits = text.strip().translate(_AS_ASCII) if text is not None else None
    if digits is None or not _DAY.fullmatch(digits):
        return None
    try:
        day = date.fromisoformat(digits)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None
