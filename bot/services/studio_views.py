"""What the content studio shows a therapist: every message of their council by area, with
how each language and reading level stands, and one message with its history.

Read only; each view checks the actor may use the studio and shows their own council only.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.content.catalogue import Catalogue, approved
from bot.content.messages import DEFAULT_LANGUAGE, Message
from bot.content.usage import built_from_a_name, where_used
from bot.content.wordings import not_live
from bot.domain.access import may_use_studio
from bot.domain.actors import KnownStaff
from bot.domain.errors import NoSuchWording
from bot.domain.profiles import Level
from bot.domain.wording import VariantState, WordingStatus
from bot.services.ports import UnitOfWork
from bot.services.records import WordingVersionRecord
from bot.services.studio import _studio_staff, as_wording, live_english_id


@dataclass(frozen=True)
class LevelState:
    """One language and reading level of a message, for the council."""

    level: Level
    state: VariantState
    # A newer draft than what is live waits for approval.
    draft_waiting: bool = False


@dataclass(frozen=True)
class LanguageState:
    """One language of a message: its levels."""

    language: str
    levels: tuple[LevelState, ...]


@dataclass(frozen=True)
class MessageRow:
    """One message in the studio's list."""

    message_id: str
    area: str
    audience: str
    notes: str
    languages: tuple[LanguageState, ...]
    # Modules whose code names the id; empty with `built_from_a_name` (button labels, ...).
    used_in: tuple[str, ...]
    built_from_a_name: bool

    @property
    def live(self) -> bool:
        """Whether its English is live at some level (so it can be sent)."""
        english = self.languages[0]
        return any(level.state is VariantState.LIVE for level in english.levels)


@dataclass(frozen=True)
class Area:
    """The messages of one content file (its stem: "welcome", "concerns", ...)."""

    name: str
    messages: tuple[MessageRow, ...]


@dataclass(frozen=True)
class StudioList:
    """Every message the council's therapists own, by area."""

    council_id: int
    languages: tuple[str, ...]
    areas: tuple[Area, ...]
    # Young-person messages not live yet (inviting young people waits for these).
    not_live: tuple[str, ...]


@dataclass(frozen=True)
class VersionView:
    """One stored version, with what changed from the one before it in its language (or the
    shipped wording, for the first)."""

    id: int
    language: str
    easy: str | None
    standard: str | None
    symbols: tuple[str, ...]
    buttons: tuple[str, ...]
    status: WordingStatus
    written_by: str | None
    written_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    english_version_id: int | None
    # A translation of English that is no longer the English live for the council.
    out_of_date: bool
    # difflib's line diff ("+ line", "- line", "  line") from the version before.
    diff: tuple[str, ...]


@dataclass(frozen=True)
class ShippedText:
    """The shipped file's wording in one language."""

    language: str
    easy: str | None
    standard: str | None
    symbols: tuple[str, ...]
    approved: bool


@dataclass(frozen=True)
class StudioMessage:
    """One message: what it is for, where it is used, the shipped wording, the wording live
    for the council in each language, and the council's history, newest first."""

    row: MessageRow
    buttons: tuple[str, ...]
    shipped: tuple[ShippedText, ...]
    live: tuple[ShippedText, ...]
    history: tuple[VersionView, ...]


def _state(
    shipped: Message,
    live: Message,
    language: str,
    level: Level,
    *,
    versions: Sequence[WordingVersionRecord],
    english_id: int | None,
) -> LevelState:
    """How one language and level stands; `versions` are the message's, newest first."""
    mine = [v for v in versions if v.language == language]
    newest = mine[0] if mine else None
    waiting = newest is not None and newest.status is WordingStatus.DRAFT
    if approved(live, language, level):
        return LevelState(level, VariantState.LIVE, waiting)
    if language != DEFAULT_LANGUAGE:
        newest_approved = next((v for v in mine if v.status is WordingStatus.APPROVED), None)
        stale_mine = (
            newest_approved is not None and newest_approved.english_version_id != english_id
        )
        # As Catalogue._overlay keeps it: the shipped translation is dropped at a level only
        # when the council's English there differs from the shipped English.
        shipped_variant = shipped.variants.get(language)
        live_variant = live.variants.get(language)
        stale_shipped = (
            shipped_variant is not None
            and level in shipped_variant.texts
            and (live_variant is None or level not in live_variant.texts)
        )
        if stale_mine or stale_shipped:
            return LevelState(level, VariantState.OUT_OF_DATE, waiting)
    has_text = any((v.easy if level is Level.EASY else v.standard) for v in mine)
    variant = live.variants.get(language)
    if has_text or (variant is not None and level in variant.texts):
        return LevelState(level, VariantState.DRAFT, waiting)
    return LevelState(level, VariantState.MISSING, waiting)


def _row(
    shipped: Message,
    live: Message,
    languages: Sequence[str],
    versions: Sequence[WordingVersionRecord],
) -> MessageRow:
    english_id = live_english_id(versions, shipped.id)
    shown = [DEFAULT_LANGUAGE] if shipped.audience == "staff" else list(languages)
    states = tuple(
        LanguageState(
            language,
            tuple(
                _state(shipped, live, language, lvl, versions=versions, english_id=english_id)
                for lvl in Level
            ),
        )
        for language in shown
    )
    built = built_from_a_name(shipped.id)
    return MessageRow(
        message_id=shipped.id,
        area=shipped.source.stem,
        audience=shipped.audience,
        notes=shipped.notes,
        languages=states,
        used_in=() if built else where_used(shipped.id),
        built_from_a_name=built,
    )


async def list_messages(uow: UnitOfWork, actor: KnownStaff) -> StudioList:
    """Every message for the actor's council, grouped by area (content file), each with its
    state per language and reading level."""
    async with uow.reading():
        _, council_id = await _studio_staff(uow, actor, may_use_studio)
        versions = await uow.wording_versions.of_council(council_id)
        # Records are read while their unit of work is open.
        return _listed(uow.postbox.catalogue, council_id, versions)


def _listed(
    shipped: Catalogue, council_id: int, versions: Sequence[WordingVersionRecord]
) -> StudioList:
    live = shipped.overlaid(
        [as_wording(v) for v in versions if v.status is WordingStatus.APPROVED]
    )
    # Only the languages Waypoint has: a version in any other (stored before the studio
    # refused them) never makes a column of its own.
    languages = shipped.languages()
    by_message: dict[str, list[WordingVersionRecord]] = {}
    for version in versions:
        by_message.setdefault(version.message_id, []).append(version)
    areas: dict[str, list[MessageRow]] = {}
    for message in shipped.messages():
        row = _row(message, live.message(message.id), languages, by_message.get(message.id, []))
        areas.setdefault(row.area, []).append(row)
    return StudioList(
        council_id=council_id,
        languages=tuple(languages),
        areas=tuple(Area(name, tuple(rows)) for name, rows in sorted(areas.items())),
        not_live=tuple(not_live(_strict(live))),
    )


def _strict(catalogue: Catalogue) -> Catalogue:
    """The catalogue as approval alone decides (no trial's drafts)."""
    if not catalogue.allow_drafts:
        return catalogue
    return Catalogue({m.id: m for m in catalogue.messages()}, allow_drafts=False)


def _lines(easy: str | None, standard: str | None, symbols: Sequence[str] = ()) -> list[str]:
    lines = [f"easy: {line}" for line in (easy or "").splitlines()]
    lines += [f"standard: {line}" for line in (standard or "").splitlines()]
    if symbols:
        lines.append("pictures: " + " ".join(symbols))
    return lines


def _shipped_texts(message: Message) -> tuple[ShippedText, ...]:
    return tuple(
        ShippedText(
            language,
            variant.texts.get(Level.EASY),
            variant.texts.get(Level.STANDARD),
            variant.symbols,
            all(approved(message, language, level) for level in variant.texts),
        )
        for language, variant in message.variants.items()
    )


async def open_message(uow: UnitOfWork, actor: KnownStaff, message_id: str) -> StudioMessage:
    """One message for the actor's council: notes, where used, the shipped wording, the
    wording live now, and every version (newest first) with a line diff from the one before."""
    async with uow.reading():
        shipped = uow.postbox.catalogue
        if message_id not in shipped:
            raise NoSuchWording
        _, council_id = await _studio_staff(uow, actor, may_use_studio)
        versions = list(await uow.wording_versions.of_message(council_id, message_id))
        names: dict[int, str] = {}
        for staff_id in {v.written_by for v in versions} | {v.approved_by for v in versions}:
            if staff_id is not None:
                staff = await uow.staff.get(staff_id)
                names[staff_id] = staff.name if staff is not None else ""
        council_versions = await uow.wording_versions.of_council(council_id)
        # Records are read while their unit of work is open.
        return _opened(shipped.message(message_id), shipped, versions, council_versions, names)


def _opened(
    message: Message,
    shipped: Catalogue,
    versions: Sequence[WordingVersionRecord],
    council_versions: Sequence[WordingVersionRecord],
    names: dict[int, str],
) -> StudioMessage:
    message_id = message.id
    live = shipped.overlaid(
        [as_wording(v) for v in council_versions if v.status is WordingStatus.APPROVED]
    ).message(message_id)
    languages = shipped.languages()
    english_id = live_english_id(versions, message_id)
    history = []
    for index, version in enumerate(versions):
        before = next((v for v in versions[index + 1 :] if v.language == version.language), None)
        if before is not None:
            old = _lines(before.easy, before.standard, before.symbols)
        else:
            variant = message.variants.get(version.language)
            old = _lines(
                variant.texts.get(Level.EASY) if variant else None,
                variant.texts.get(Level.STANDARD) if variant else None,
                variant.symbols if variant else (),
            )
        new = _lines(version.easy, version.standard, version.symbols)
        diff = tuple(line for line in difflib.ndiff(old, new) if not line.startswith("?"))
        history.append(
            VersionView(
                id=version.id,
                language=version.language,
                easy=version.easy,
                standard=version.standard,
                symbols=tuple(version.symbols),
                buttons=tuple(version.buttons),
                status=version.status,
                written_by=names.get(version.written_by) if version.written_by else None,
                written_at=version.written_at,
                approved_by=names.get(version.approved_by) if version.approved_by else None,
                approved_at=version.approved_at,
                english_version_id=version.english_version_id,
                out_of_date=version.language != DEFAULT_LANGUAGE
                and version.english_version_id != english_id,
                diff=diff,
            )
        )
    return StudioMessage(
        row=_row(message, live, languages, versions),
        buttons=live.buttons,
        shipped=_shipped_texts(message),
        live=_shipped_texts(live),
        history=tuple(history),
    )
