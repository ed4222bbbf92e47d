"""Turning a message id into exactly what one young person sees: their words, in chunks.

The communication profile decides the language, reading level, word swaps, pictures, how
many sentences go in one Telegram message, and whether choices are buttons or written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content.catalogue import Catalogue, fill
from bot.content.messages import (
    BUTTON_PREFIX,
    Template,
    right_to_left,
)
from bot.domain.profiles import CommunicationProfile, Replies
from bot.i18n.dates import clock_words, day_words

# Unicode isolates keep a left-to-right name or number whole inside right-to-left text.
FIRST_STRONG_ISOLATE = "\u2068"
POP_ISOLATE = "\u2069"
# A right-to-left mark at the start of a line makes every Telegram client lay it out
# right to left, even when the line starts with a picture, a name or a number.
RIGHT_TO_LEFT_MARK = "\u200f"
_SENTENCE_END = re.compile(r"(?<=[.!?\u061f])\s+")


@dataclass(frozen=True)
class Button:
    """One choice: `key` is what comes back when tapped, `label` what the young person reads."""

    key: str
    label: str


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: one or more chunks, with the choices under the last one."""

    message_id: str
    language: str
    chunks: tuple[str, ...]
    buttons: tuple[Button, ...]
    # Buttons are shown as a keyboard only when the profile says the young person taps.
    keyboard: bool

    def preview(self) -> str:
        """The message as `waypoint content preview` prints it."""
        parts = [f"--- message {n} ---\n{chunk}" for n, chunk in enumerate(self.chunks, 1)]
        if self.keyboard:
            parts.append("--- buttons ---\n" + "\n".join(f"[{b.label}]" for b in self.buttons))
        return "\n".join(parts)


def _swap_words(text: str, swaps: Mapping[str, str]) -> str:
    """Use the young person's own words; placeholders are left alone."""
    for avoid, use in swaps.items():
        pattern = re.compile(rf"(?<![\w{{]){re.escape(avoid)}(?![\w}}])", re.IGNORECASE)

        def keep_capital(match: re.Match[str], use: str = use) -> str:
            return use[:1].upper() + use[1:] if match.group()[:1].isupper() else use

        text = pattern.sub(keep_capital, text)
    return text


def _in_their_words(template: Template, profile: CommunicationProfile) -> Template:
    """The template with the young person's own words swapped in, before any values go in."""
    text = _swap_words(template.text, profile.swaps)
    return Template(template.message, text, template.language, template.level)


def _isolated(values: Mapping[str, str]) -> dict[str, str]:
    return {key: f"{FIRST_STRONG_ISOLATE}{value}{POP_ISOLATE}" for key, value in values.items()}


def _with_symbols(
    template: Template, lines: list[str], profile: CommunicationProfile
) -> list[str]:
    symbols = template.symbols
    # A translation with a different number of lines cannot be matched to its pictures;
    # the linter reports it (ER-9), and the words go without them.
    if not profile.symbols or len(symbols) != len(lines):
        return lines
    return [f"{symbol} {line}" for symbol, line in zip(symbols, lines, strict=True)]


def chunk(lines: list[str], max_sentences: int) -> list[str]:
    """Split lines into messages of at most `max_sentences` sentences, keeping line breaks."""
    chunks: list[list[str]] = [[]]
    count = 0
    for line in lines:
        line_parts: list[str] = []
        for sentence in _SENTENCE_END.split(line.strip()):
            if count == max_sentences:
                if line_parts:
                    chunks[-1].append(" ".join(line_parts))
                    line_parts = []
                chunks.append([])
                count = 0
            line_parts.append(sentence)
            count += 1
        if line_parts:
            chunks[-1].append(" ".join(line_parts))
    return ["\n".join(group) for group in chunks if group]


def _buttons(
    catalogue: Catalogue,
    template: Template,
    values: Mapping[str, str],
    profile: CommunicationProfile,
) -> tuple[Button, ...]:
    """The message's choices; labels may use the message's own values ("Yes, tell {worker}")."""
    if not template.message.buttons:
        return ()
    keys = (*template.message.buttons, *template.message.ends_with)
    return tuple(
        Button(key, render_line(catalogue, BUTTON_PREFIX + key, values, profile)) for key in keys
    )


def render_line(
    catalogue: Catalogue,
    message_id: str,
    values: Mapping[str, str],
    profile: CommunicationProfile,
) -> str:
    """A short text such as a button label or a date phrase, in the young person's words."""
    template = catalogue.template(message_id, profile.language, profile.level)
    text = fill(_in_their_words(template, profile), values).replace("\n", " ")
    return _with_symbols(template, [text], profile)[0]


def render(
    catalogue: Catalogue,
    message_id: str,
    values: Mapping[str, str],
    profile: CommunicationProfile,
) -> Rendered:
    """The message `message_id` for this young person, filled with `values`."""
    template = catalogue.template(message_id, profile.language, profile.level)
    rtl = right_to_left(template.language)
    text = fill(_in_their_words(template, profile), _isolated(values) if rtl else values)
    lines = _with_symbols(template, text.splitlines(), profile)
    chunks = chunk(lines, profile.max_sentences)
    buttons = _buttons(catalogue, template, values, profile)
    keyboard = bool(buttons) and profile.replies is Replies.BUTTONS
    if buttons and not keyboard:
        # Written replies: the choices are listed as words to write back (SL-8).
        chunks.append("\n".join(f"{n}. {b.label}" for n, b in enumerate(buttons, 1)))
    if rtl:
        chunks = ["\n".join(RIGHT_TO_LEFT_MARK + line for line in c.split("\n")) for c in chunks]
    # A chunk too long for Telegram (a young person's long words in it) is cut into parts
    # when it is queued (bot.domain.outbox.split_for_telegram).
    return Rendered(message_id, template.language, tuple(chunks), buttons, keyboard)


def when(
    catalogue: Catalogue,
    moment: datetime,
    zone: ZoneInfo,
    profile: CommunicationProfile,
    *,
    day: bool = True,
) -> str:
    """A moment in concrete words (SL-5, SE-1): "Tuesday 3 March at 4 o'clock in the
    afternoon", "midday", "midnight"; with `day` False, the clock time alone."""
    time = _clock_time(catalogue, moment.astimezone(zone), zone, profile)
    if not day:
        return time
    language = catalogue.template("when_day_time", profile.language, profile.level).language
    day_text = day_words(moment.astimezone(zone).date(), language)
    return render_line(catalogue, "when_day_time", {"day": day_text, "time": time}, profile)


def when_near(
    catalogue: Catalogue,
    moment: datetime,
    zone: ZoneInfo,
    profile: CommunicationProfile,
    *,
    now: datetime,
) -> str:
    """Like `when`, but "today at 4 o'clock" or "tomorrow at 4 o'clock" when it is (SE-4)."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    near = {today: "when_today", today + timedelta(days=1): "when_tomorrow"}.get(local.date())
    if near is None:
        return when(catalogue, moment, zone, profile)
    time = _clock_time(catalogue, local, zone, profile)
    return render_line(catalogue, near, {"time": time}, profile)


def _clock_time(
    catalogue: Catalogue, local: datetime, zone: ZoneInfo, profile: CommunicationProfile
) -> str:
    """ "4 o'clock in the afternoon", "4:30 in the afternoon", "midday", "midnight"."""
    if local.minute == 0 and local.hour in _NAMED_HOURS:
        return render_line(catalogue, _NAMED_HOURS[local.hour], {}, profile)
    language = catalogue.template("when_day_time", profile.language, profile.level).language
    clock = clock_words(local, zone, language)
    time_id = "when_on_the_hour" if local.minute == 0 else "when_hour_minutes"
    return render_line(catalogue, time_id, clock, profile)


# Never "12pm" or "12am" (research SE-1): midday and midnight have names.
_NAMED_HOURS = {12: "when_midday", 0: "when_midnight"}


def every_wording(catalogue: Catalogue, message_id: str) -> frozenset[str]:
    """Every way a short text can appear (each language and level, with or without its
    picture), to recognise a keyboard button's text when it comes back as a message."""
    known = catalogue.wordings_seen.get(message_id)
    if known is None:
        known = catalogue.wordings_seen[message_id] = _every_wording(catalogue, message_id)
    return known


def _every_wording(catalogue: Catalogue, message_id: str) -> frozenset[str]:
    message = catalogue.message(message_id)
    symbols = message.variants["en"].symbols
    found: set[str] = set()
    for language, variant in message.variants.items():
        for level in variant.texts:
            if catalogue.live(message, language, level):
                text = variant.texts[level].strip()
                found |= {text, *(f"{symbol} {text}" for symbol in symbols[:1])}
    return frozenset(found)
