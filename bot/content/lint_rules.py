"""Lint rules for what young people read about one feature, beside the easy-read rules of
bot.content.lint: sessions and reminders (research/goals-sessions.md SE-13 no pressure words,
SE-8 a reminder's first line reveals nothing) and goals (GL-6 no scores, streaks or "missed").

Also the small text helpers both modules use: Arabic folding and whole-phrase matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.findings import Finding, Located, Severity
from bot.content.gaps import at
from bot.content.messages import Message
from bot.domain.profiles import Level

if TYPE_CHECKING:
    from bot.content.lint import WordLists

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
PERCENT = re.compile("[%\u066a\ufe6a\uff05]")
# Arabic short vowels and the stretching stroke are optional in writing, and hamza on alef is
# often left off: "قريبًا" and "قريبا" are one word to a reader, so they must be to the lists.
_OPTIONAL_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {0x0622: "\u0627", 0x0623: "\u0627", 0x0625: "\u0627", 0x0671: "\u0627", 0x0649: "\u064a"}
    | {0x0660 + n: str(n) for n in range(10)}
    | {0x06F0 + n: str(n) for n in range(10)}
)
# What a young person reads about sessions and reminders (SE-13): sessions.toml, and these ids
# wherever a therapist puts them.
_SESSION_FILE = "sessions"
_SESSION_IDS = ("session_", "sessions_", "reminders_", "part_session_", "button_session_")
# Reminders arrive unasked, on phones others may see: their first line must say nothing (SE-8).
REMINDER_PREFIX = "session_reminder"
# What a young person reads about their goals (GL-6): goals.toml, and these ids.
_GOAL_FILE = "goals"
_GOAL_IDS = ("goal_", "goals_", "my_goal", "part_rating", "button_goal", "button_step")


def fold(text: str) -> str:
    """Text as the word lists match it: Arabic optional marks dropped, alef forms as one."""
    return _OPTIONAL_MARKS.sub("", text).translate(_FOLD)


def prepared(text: str) -> str:
    """Text ready to lint: placeholders read as a name, then folded."""
    return fold(PLACEHOLDER.sub("Jo", text))


def has_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` is in `text` as whole words, in any case."""
    pattern = rf"(?<![\w']){re.escape(fold(phrase))}(?![\w'])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def texts(message: Message) -> Iterator[tuple[str, Level, str]]:
    """Every (language, level, text) of a message."""
    for language, variant in message.variants.items():
        for level, text in variant.texts.items():
            yield language, level, text


def is_session_message(message_id: str, source: Path | None = None) -> bool:
    """Whether a young person's message is about sessions or reminders (SE-13 applies)."""
    in_file = source is not None and source.stem == _SESSION_FILE
    return in_file or message_id.startswith(_SESSION_IDS)


def lint_session_text(message_id: str, text: str, lists: WordLists | None) -> list[Finding]:
    """SE-13 and SE-8 for one young person's session or reminder text: no pressure words, and
    a reminder's first line says nothing of what the session is."""
    found = []
    ready = prepared(text)
    for phrase in lists.pressure if lists is not None else ():
        if has_phrase(ready, phrase):
            hint = f"'{phrase}': no cost, blame or 'missed' pressure; say what happens next"
            found.append(Finding("SE-13", Severity.FAIL, hint))
    if message_id.startswith(REMINDER_PREFIX):
        found += _first_line_rules(text, lists)
    return found


def _first_line_rules(text: str, lists: WordLists | None) -> Iterator[Finding]:
    first = next(iter(text.strip().splitlines()), "")
    if PLACEHOLDER.search(first):
        # {what} can say "court" or "therapist": it waits for the second line.
        hint = "the first line of a reminder holds no {placeholder}: say only who it is from"
        yield Finding("SE-8", Severity.FAIL, hint)
    ready = prepared(first)
    for word in lists.revealing if lists is not None else ():
        if has_phrase(ready, word):
            hint = f"'{word}' in the first line: others may see the phone; say only who it is from"
            yield Finding("SE-8", Severity.FAIL, hint)


def is_goal_message(message_id: str, source: Path | None = None) -> bool:
    """Whether a young person's message is about their goals (GL-6 applies)."""
    in_file = source is not None and source.stem == _GOAL_FILE
    return in_file or message_id.startswith(_GOAL_IDS)


def lint_goal_text(text: str, lists: WordLists | None) -> list[Finding]:
    """GL-6 for one young person's goal text: progress is their words and their ratings with
    dates, never a percentage, a score, a streak, a badge or what they "missed" (Std 5)."""
    ready = prepared(text)
    found = []
    if PERCENT.search(ready):
        found.append(Finding("GL-6", Severity.FAIL, "'%': no percentages of a goal"))
    for phrase in lists.scoring if lists is not None else ():
        if has_phrase(ready, phrase):
            hint = f"'{phrase}': no scores, streaks, badges or 'missed'; say the goal and rating"
            found.append(Finding("GL-6", Severity.FAIL, hint))
    return found


def feature_wording(message: Message, lists: dict[str, WordLists | None]) -> Iterator[Located]:
    """The session and goal rules for one young person's message, where they apply."""
    sessions = is_session_message(message.id, message.source)
    goals = is_goal_message(message.id, message.source)
    for language, level, text in texts(message):
        found = lint_session_text(message.id, text, lists.get(language)) if sessions else []
        found += lint_goal_text(text, lists.get(language)) if goals else []
        for finding in found:
            yield at(message, language, level, finding)
