"""The `{name:id}` path parameter: a record's id as the console's routes read it.

Starlette's `int` takes any run of digits, and a 20-digit one then reaches a query the database
refuses (a 500). An `id` is one to nine ASCII digits (within a 32-bit column), so any other
path is simply not found (404). Importing this module registers it.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from bot.domain.numbers import LARGEST_ID


class IdConvertor(Convertor[int]):
    """One to nine digits, read as a whole number."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        """The id the path names."""
        return int(value)

    def to_string(self, value: int) -> str:
        """The path's text for an id (for `url_path_for`)."""
        if not 0 <= value <= LARGEST_ID:
            raise ValueError("not an id")
        return str(value)


register_url_convertor("id", IdConvertor())
