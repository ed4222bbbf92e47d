"""The content studio's changes: a council's therapists write, check, preview and approve the
wording young people see (issue 16), and a council may invite young people only once all of it
is live.

Every command names a typed actor (`KnownStaff`, as the console knows them), checks the rule
in bot.domain.access against the staff record as it is now, works on the actor's own council
only, and is audited (ids and action names, never the words). Reading the studio is in
bot.services.studio_views; refreshing other instances in bot.services.studio_refresh.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread

from bot.content.catalogue import Catalogue
from bot.content.findings import Located, Severity
from bot.content.messages import (
    BUTTON_PREFIX,
    DEFAULT_LANGUAGE,
    ContentError,
    Message,
    Wording,
    checked_text,
    placeholders,
)
from bot.content.render import Rendered, render
from bot.content.wordings import not_live
from bot.domain.access import may_approve_wording, may_use_studio, may_write_wording
from bot.domain.actors import OPERATOR, KnownStaff
from bot.domain.errors import (
    AlreadyApproved,
    BadWording,
    InviteWordingNotApproved,
    MayNotUseStudio,
    NoSuchWording,
    TranslationOutOfDate,
    WaypointError,
)
from bot.domain.organisations import slugify
from bot.domain.people import Role
from bot.domain.profiles import CommunicationProfile, Level
from bot.domain.wording import WordingStatus
from bot.services.identity import staff_record
from bot.services.ports import NewWordingVersion, UnitOfWork
from bot.services.records import WordingVersionRecord

if TYPE_CHECKING:
    from bot.content.lint import WordLists

# How many unapproved message ids a refused invite names before "and N more".
NAMED_IN_REFUSAL = 5
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# A level's text at most (longer is refused before the linter, which is slow on it): a
# message young people read is far shorter.
MAX_LEVEL_LINES = 30
MAX_LEVEL_CHARACTERS = 1500
# The studio's live checks and previews, one at a time in a worker thread.
_LINTING = anyio.CapacityLimiter(1)
# The concern path's messages start so; `talk_sent` is the other the safety lane sends a
# young person (bot.services.concern_joining).
CONCERN_PREFIX = "concern_"
SAFETY_LANE_OTHERS = frozenset({"talk_sent"})


@dataclass(frozen=True)
class DraftWording:
    """A would-be version of one message in one language, as a therapist typed it.

    A level left empty (None or blank) has no text in this version. `symbols` (one picture
    per line of the easy text) and `buttons` (the message's choices, in order) are English
    only; `buttons` None keeps the message's buttons as they are.
    """

    message_id: str
    language: str
    easy: str | None
    standard: str | None
    symbols: tuple[str, ...] = ()
    buttons: tuple[str, ...] | None = None

    @classmethod
    def of(cls, wording: Wording) -> DraftWording:
        """A content file's version as a draft: its buttons' order counts in English only."""
        english = wording.language == DEFAULT_LANGUAGE
        return cls(
            wording.message_id,
            wording.language,
            wording.easy,
            wording.standard,
            wording.symbols,
            wording.buttons if english else None,
        )


class WordingProblem(BadWording):
    """BadWording worded by a staff message of content/messages (`problem_id`), so the
    studio says what to change in the council's catalogue's words."""

    def __init__(self, catalogue: Catalogue, problem_id: str, **values: str) -> None:
        super().__init__(problem=catalogue.shipped.render(problem_id, values))
        self.problem_id = problem_id


class VersionRefused(BadWording):
    """`do_import_wording` refused one of the versions (nothing is stored): `position` is its
    place among those given, so the caller can name the file it came from."""

    def __init__(self, position: int, refused: BadWording) -> None:
        super().__init__(**refused.values)
        self.position = position


class ApprovalRefused(WaypointError):
    """The linter finds something to fix in the version: `findings` says what (each with its
    rule and hint); `count` is how many."""

    message_id = "studio_approval_refused"

    def __init__(self, findings: Sequence[Located]) -> None:
        super().__init__(count=str(len(findings)))
        self.findings = tuple(findings)


@dataclass(frozen=True)
class Saved:
    """A version just stored."""

    version_id: int
    message_id: str
    language: str
    status: WordingStatus


async def _studio_staff(
    uow: UnitOfWork, actor: KnownStaff, rule: Callable[[Role], bool]
) -> tuple[int, int]:
    """The actor's (hub id, council id) as stored now, if their role passes `rule`."""
    staff = await staff_record(uow, actor)
    if not rule(Role(staff.role)):
        raise MayNotUseStudio
    return staff.hub_id, staff.hub.council_id


def as_wording(version: WordingVersionRecord) -> Wording:
    """A stored version as the catalogue overlays it."""
    return Wording(
        id=version.id,
        message_id=version.message_id,
        language=version.language,
        easy=version.easy,
        standard=version.standard,
        symbols=tuple(version.symbols),
        buttons=tuple(version.buttons),
        english_version_id=version.english_version_id,
    )


async def council_catalogue(uow: UnitOfWork, council_id: int) -> Catalogue:
    """The council's wording as stored now: the shipped catalogue with its approved versions
    over it (one query; the studio and the invite gate read this, never a stale copy)."""
    approved = await uow.wording_versions.approved(council_id)
    shipped = uow.postbox.catalogue
    return shipped.overlaid([as_wording(v) for v in approved]) if approved else shipped


def live_english_id(versions: Sequence[WordingVersionRecord], message_id: str) -> int | None:
    """The id of the council's English version live for a message (None: the shipped English),
    from the council's versions newest first."""
    for version in versions:
        if (
            version.message_id == message_id
            and version.language == DEFAULT_LANGUAGE
            and version.status is WordingStatus.APPROVED
        ):
            return version.id
    return None


def _text(catalogue: Catalogue, level: Level, text: str | None) -> str | None:
    """The text, tidied (NFKC, Unix line ends), or None when empty; refused when too long
    or holding an invisible character (checked before the linter, which is slow on a long
    text)."""
    if text is None or not text.strip():
        return None
    text = text.replace("\r\n", "\n")
    lines = text.strip().count("\n") + 1
    if len(text) > MAX_LEVEL_CHARACTERS or lines > MAX_LEVEL_LINES:
        raise WordingProblem(
            catalogue,
            "studio_problem_too_long",
            level=level.value,
            lines=str(MAX_LEVEL_LINES),
            characters=f"{MAX_LEVEL_CHARACTERS:,}",
        )
    _check_visible(catalogue, level.value, text)
    try:
        return checked_text(level.value, unicodedata.normalize("NFKC", text))
    except ContentError as error:
        raise BadWording(problem=str(error)) from None


def _check_visible(catalogue: Catalogue, where: str, text: str) -> None:
    """Refuse Unicode format characters (zero-width spaces and joiners, word joiners,
    direction controls, soft hyphens): invisible in the editor, they hide words from the
    linter. Waypoint adds the right-to-left marks itself when it renders."""
    for character in text:
        if unicodedata.category(character) == "Cf":
            raise WordingProblem(
                catalogue,
                "studio_problem_invisible",
                where=where,
                code=f"U+{ord(character):04X}",
            )


def _check_language(catalogue: Catalogue, language: str) -> None:
    """Only the languages Waypoint has: a made-up code would make a column of its own."""
    if not _LANGUAGE.match(language):
        raise BadWording(problem=f"{language!r} is not a language code like en or ar")
    if language not in catalogue.shipped.languages():
        raise WordingProblem(
            catalogue,
            "studio_problem_language",
            language=language,
            languages=", ".join(catalogue.shipped.languages()),
        )


def checked_draft(catalogue: Catalogue, draft: DraftWording) -> DraftWording:
    """The draft, tidied, if it can be stored for this message (BadWording says what to
    change): a known message and language, some text, only the placeholders the code fills in
    (a translation: exactly the English's), pictures and buttons in English only, and the
    message's own buttons (in any order)."""
    if draft.message_id not in catalogue:
        raise NoSuchWording
    message = catalogue.message(draft.message_id)
    _check_language(catalogue, draft.language)
    english = draft.language == DEFAULT_LANGUAGE
    easy = _text(catalogue, Level.EASY, draft.easy)
    standard = _text(catalogue, Level.STANDARD, draft.standard)
    if easy is None and standard is None:
        raise BadWording(problem="write an easy or a standard text")
    if message.audience == "staff" and draft.language != DEFAULT_LANGUAGE:
        raise BadWording(problem="staff read plain English: staff messages are not translated")
    _check_placeholders(
        catalogue, message, draft.language, {Level.EASY: easy, Level.STANDARD: standard}
    )
    symbols = tuple(s.strip() for s in draft.symbols if s.strip())
    buttons = message.buttons if draft.buttons is None else tuple(draft.buttons)
    for symbol in symbols:
        _check_visible(catalogue, "pictures", symbol)
    for button in buttons:
        _check_visible(catalogue, "buttons", button)
    if not english and symbols:
        raise BadWording(problem="pictures go with the English: leave them out of a translation")
    if not english and draft.buttons is not None and buttons != message.buttons:
        raise BadWording(problem="buttons go with the English: leave them out of a translation")
    if sorted(buttons) != sorted(message.buttons):
        raise BadWording(
            problem=f"the buttons must stay {list(message.buttons)} (their order may change; "
            "change a label in its button_ message)"
        )
    checked = DraftWording(
        draft.message_id,
        draft.language,
        easy,
        standard,
        symbols if english else (),
        buttons if english else (),
    )
    _check_renders(catalogue, checked)
    return checked


def _check_placeholders(
    catalogue: Catalogue, message: Message, language: str, texts: Mapping[Level, str | None]
) -> None:
    """The code fills in only the names the message's English uses (at any level: a
    translation at a level the English lacks may not invent one); a translation keeps
    exactly the English's names at each level the English has; and the concern path keeps
    every name of the shipped English (the worker, the helpline numbers)."""
    english = catalogue.message(message.id).variants[DEFAULT_LANGUAGE].texts
    filled = set().union(*(placeholders(text) for text in english.values()))
    shipped = catalogue.shipped.message(message.id).variants[DEFAULT_LANGUAGE].texts
    for level, text in texts.items():
        if text is None:
            continue
        found = placeholders(text)
        unknown = found - filled
        if unknown:
            raise WordingProblem(
                catalogue,
                "studio_problem_unknown_name",
                level=level.value,
                filled=_names(filled),
                unknown=_names(unknown),
            )
        if language != DEFAULT_LANGUAGE and level in english:
            wanted = placeholders(english[level])
            if found != wanted:
                raise WordingProblem(
                    catalogue,
                    "studio_problem_copy_names",
                    level=level.value,
                    names=_names(wanted),
                )
        if message.id.startswith(CONCERN_PREFIX) or message.id in SAFETY_LANE_OTHERS:
            kept = placeholders(shipped.get(level) or "") or set().union(
                *(placeholders(t) for t in shipped.values())
            )
            dropped = kept - found
            if dropped:
                raise WordingProblem(
                    catalogue,
                    "studio_problem_concern_names",
                    level=level.value,
                    names=_names(dropped),
                )


def _names(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


def _check_renders(catalogue: Catalogue, draft: DraftWording) -> None:
    """Every level of the would-be message renders with the values the code fills in (the
    names of the shipped English), in the draft's language: a version that would stop the
    message being sent is refused before it is stored."""
    # Whether it can be filled in, not whether it is approved: drafts (of button labels, say)
    # count here.
    would_be = _would_be(catalogue, draft, None).for_safety()
    shipped = catalogue.shipped
    message = shipped.message(draft.message_id)
    # The values the code gives: the names of the shipped English, and of its button labels.
    keys = (*message.buttons, *message.ends_with)
    ids = [draft.message_id, *(BUTTON_PREFIX + key for key in keys)]
    values = {
        name: name
        for message_id in ids
        if message_id in shipped
        for text in shipped.message(message_id).variants[DEFAULT_LANGUAGE].texts.values()
        for name in placeholders(text)
    }
    for level in Level:
        profile = CommunicationProfile(language=draft.language, level=level, symbols=True)
        try:
            render(would_be, draft.message_id, values, profile)
        except (ContentError, KeyError, ValueError, IndexError, AttributeError):
            raise WordingProblem(
                catalogue, "studio_problem_does_not_render", level=level.value
            ) from None


def _would_be(catalogue: Catalogue, draft: DraftWording, english_id: int | None) -> Catalogue:
    """The catalogue with this draft live over it (for linting and previews only)."""
    wording = Wording(
        id=-1,
        message_id=draft.message_id,
        language=draft.language,
        easy=draft.easy,
        standard=draft.standard,
        symbols=draft.symbols,
        buttons=draft.buttons or (),
        english_version_id=english_id,
    )
    if draft.language == DEFAULT_LANGUAGE:
        return catalogue.overlaid([wording])
    # A translation is checked against the English now live for the council, whatever its id.
    english = catalogue.message(draft.message_id).variants[DEFAULT_LANGUAGE]
    live = Wording(
        id=-2,
        message_id=draft.message_id,
        language=DEFAULT_LANGUAGE,
        easy=english.texts.get(Level.EASY),
        standard=english.texts.get(Level.STANDARD),
        symbols=english.symbols,
        buttons=catalogue.message(draft.message_id).buttons,
    )
    return catalogue.overlaid([live, replace(wording, english_version_id=-2)])


@functools.cache
def _word_lists(language: str) -> WordLists | None:
    """content/lint/<language>.toml, read once per process."""
    # Imported here: the linter (and the word-frequency lists it loads) costs every
    # `waypoint` command a fifth of a second, and only the studio needs it.
    from bot.content.lint import WordLists  # noqa: PLC0415

    return WordLists.find(language)


def check_wording(catalogue: Catalogue, draft: DraftWording) -> list[Located]:
    """Pure: what the linter finds in this would-be version (its language only), as the
    studio shows it while a therapist types: each finding with its rule, severity and hint.
    A draft that cannot be stored at all raises BadWording or NoSuchWording."""
    draft = checked_draft(catalogue, draft)
    message = _would_be(catalogue, draft, None).message(draft.message_id)
    from bot.content.lint import lint_message  # noqa: PLC0415 (see _word_lists)

    lists = {language: _word_lists(language) for language in message.variants}
    return [
        found for found in lint_message(message, lists) if found.language in (draft.language, "")
    ]


def failures(findings: Sequence[Located]) -> list[Located]:
    """The findings that must be fixed before approval."""
    return [found for found in findings if found.finding.severity is Severity.FAIL]


def sample_values(message: Message, *, worker: str = "Jo", name: str = "Sam") -> dict[str, str]:
    """Values to fill a preview with: the young person's and the worker's names, and each
    other placeholder shown as its own name."""
    names = set().union(
        *(placeholders(t) for v in message.variants.values() for t in v.texts.values())
    )
    known = {"name": name, "worker": worker}
    return {key: known.get(key, f"[{key}]") for key in names}


def preview_wording(
    catalogue: Catalogue,
    draft: DraftWording,
    profile: CommunicationProfile,
    values: Mapping[str, str] | None = None,
) -> Rendered:
    """Pure: the would-be version as a young person with this profile would get it, by the
    same rendering the bot uses (bot.content.render.render), with the draft live over the
    council's catalogue. Without `values`, `sample_values` fills the placeholders."""
    draft = checked_draft(catalogue, draft)
    would_be = _would_be(catalogue, draft, None)
    message = would_be.message(draft.message_id)
    return render(would_be, draft.message_id, values or sample_values(message), profile)


async def check_draft(uow: UnitOfWork, actor: KnownStaff, draft: DraftWording) -> list[Located]:
    """`check_wording` for a studio user, against their council's wording as stored now."""
    async with uow.reading():
        _, council_id = await _studio_staff(uow, actor, may_use_studio)
        catalogue = await council_catalogue(uow, council_id)
    # The linter is slow on a long text: one check at a time, off the event loop, so the bot
    # and the console keep answering while a therapist types.
    return await anyio.to_thread.run_sync(check_wording, catalogue, draft, limiter=_LINTING)


async def preview_draft(
    uow: UnitOfWork,
    actor: KnownStaff,
    draft: DraftWording,
    profile: CommunicationProfile,
    values: Mapping[str, str] | None = None,
) -> Rendered:
    """`preview_wording` for a studio user, over their council's wording as stored now."""
    async with uow.reading():
        _, council_id = await _studio_staff(uow, actor, may_use_studio)
        catalogue = await council_catalogue(uow, council_id)
    return await anyio.to_thread.run_sync(
        preview_wording, catalogue, draft, profile, values, limiter=_LINTING
    )


async def _store_draft(
    uow: UnitOfWork,
    council_id: int,
    catalogue: Catalogue,
    draft: DraftWording,
    *,
    written_by: int | None,
    now: datetime,
) -> WordingVersionRecord:
    """Check a draft against the council's catalogue and store it: a translation records the
    English now live for the council as what it translates."""
    draft = checked_draft(catalogue, draft)
    english_id = None
    if draft.language != DEFAULT_LANGUAGE:
        versions = await uow.wording_versions.of_message(council_id, draft.message_id)
        english_id = live_english_id(versions, draft.message_id)
    return await uow.wording_versions.add(
        NewWordingVersion(
            council_id=council_id,
            message_id=draft.message_id,
            language=draft.language,
            easy=draft.easy,
            standard=draft.standard,
            symbols=draft.symbols,
            buttons=draft.buttons or (),
            status=WordingStatus.DRAFT,
            written_by=written_by,
            written_at=now,
            english_version_id=english_id,
        ),
        now=now,
    )


async def do_save_draft(
    uow: UnitOfWork, actor: KnownStaff, draft: DraftWording, *, now: datetime
) -> Saved:
    """Store a draft version for the therapist's council (written by them, now). A
    translation records the English now live for the council as what it translates."""
    async with uow:
        hub_id, council_id = await _studio_staff(uow, actor, may_write_wording)
        catalogue = await council_catalogue(uow, council_id)
        version = await _store_draft(
            uow, council_id, catalogue, draft, written_by=actor.staff_id, now=now
        )
        uow.audit.record(
            "wording.drafted",
            at=now,
            by=actor.actor,
            hub_id=hub_id,
            subject_type="wording_version",
            subject_id=version.id,
        )
        await uow.commit()
        return Saved(version.id, version.message_id, version.language, WordingStatus.DRAFT)


async def do_approve_wording(
    uow: UnitOfWork, actor: KnownStaff, version_id: int, *, now: datetime
) -> Saved:
    """Approve a draft of the therapist's council: refused (ApprovalRefused, with the
    findings) while the linter finds anything to fix in it. The name and date are the
    actor's and now. This instance's catalogue for the council is replaced at once; others
    follow at their next refresh tick."""
    async with uow:
        hub_id, council_id = await _studio_staff(uow, actor, may_approve_wording)
        version = await uow.wording_versions.get(version_id)
        if version is None or version.council_id != council_id:
            raise NoSuchWording
        if version.status is not WordingStatus.DRAFT:
            raise AlreadyApproved
        catalogue = await council_catalogue(uow, council_id)
        if version.language != DEFAULT_LANGUAGE:
            versions = await uow.wording_versions.of_message(council_id, version.message_id)
            if version.english_version_id != live_english_id(versions, version.message_id):
                problem = catalogue.shipped.render("studio_translation_out_of_date", {})
                raise TranslationOutOfDate(problem=problem)
        draft = DraftWording.of(as_wording(version))
        # Off the event loop, as a live check is: the linter is slow on a long text.
        found = failures(
            await anyio.to_thread.run_sync(check_wording, catalogue, draft, limiter=_LINTING)
        )
        if found:
            raise ApprovalRefused(found)
        await uow.wording_versions.approve(version, by=actor.staff_id, now=now)
        uow.audit.record(
            "wording.approved",
            at=now,
            by=actor.actor,
            hub_id=hub_id,
            subject_type="wording_version",
            subject_id=version.id,
        )
        await uow.flush()
        approved = [as_wording(v) for v in await uow.wording_versions.approved(council_id)]
        stamp = (await uow.wording_versions.stamps()).get(council_id)
        wordings = uow.postbox.wordings
        await uow.commit()
    wordings.put(council_id, approved, stamp)
    return Saved(version_id, draft.message_id, draft.language, WordingStatus.APPROVED)


async def unapproved_wording(uow: UnitOfWork, council_id: int) -> list[str]:
    """The young-person messages not live for this council (inside an open unit of work):
    neither level of their English approved, by the council or in the shipped file. Empty
    when drafts are allowed (the demo, trials), without asking the database."""
    if uow.postbox.catalogue.allow_drafts:
        return []
    return not_live(await council_catalogue(uow, council_id))


async def check_invite_wording(
    uow: UnitOfWork, council_id: int, *, console_url: str | None = None
) -> None:
    """Refuse an invite into a council whose young-person wording is not all live, naming
    the first few messages, how many, and where to approve them."""
    missing = await unapproved_wording(uow, council_id)
    if not missing:
        return
    first = ", ".join(missing[:NAMED_IN_REFUSAL])
    more = len(missing) - NAMED_IN_REFUSAL
    refusal = InviteWordingNotApproved(
        count=str(len(missing)), first=first + (f" and {more} more" if more > 0 else "")
    )
    if console_url:
        refusal.values["studio"] = f"{console_url.rstrip('/')}/studio"
    else:
        refusal.message_id = "invite_wording_not_approved_no_link"
    raise refusal


async def do_import_wording(
    uow: UnitOfWork, council_name: str, wordings: Sequence[Wording], *, now: datetime
) -> int:
    """Store content files' versions (`waypoint content import`) as drafts for a council,
    written by nobody and audited as the operator; returns how many. Each is checked as a
    therapist's draft is (VersionRefused names the first that cannot be stored)."""
    async with uow:
        council = await uow.organisations.council(slugify(council_name))
        if council is None:
            raise NoSuchCouncil(council=council_name)
        catalogue = await council_catalogue(uow, council.id)
        for position, wording in enumerate(wordings):
            try:
                version = await _store_draft(
                    uow, council.id, catalogue, DraftWording.of(wording), written_by=None, now=now
                )
            except BadWording as error:
                raise VersionRefused(position, error) from None
            uow.audit.record(
                "wording.imported",
                at=now,
                by=OPERATOR,
                subject_type="wording_version",
                subject_id=version.id,
            )
        await uow.commit()
    return len(wordings)


@dataclass(frozen=True)
class Exported:
    """A council's newest version of each message in each language, and its catalogue (the
    English each translation translates, and each message's area); `out_of_date` names the
    translations (message id, language) of English no longer live for the council."""

    wordings: tuple[Wording, ...]
    catalogue: Catalogue
    out_of_date: frozenset[tuple[str, str]] = frozenset()


async def export_wording(uow: UnitOfWork, council_name: str) -> Exported:
    """A council's newest version of each message in each language, whatever its status
    (`waypoint content export`), by message id."""
    async with uow.reading():
        council = await uow.organisations.council(slugify(council_name))
        if council is None:
            raise NoSuchCouncil(council=council_name)
        records = await uow.wording_versions.of_council(council.id)
        versions = [as_wording(v) for v in records]
        catalogue = await council_catalogue(uow, council.id)
        newest: dict[tuple[str, str], Wording] = {}
        for version in versions:
            newest.setdefault((version.message_id, version.language), version)
        stale = frozenset(
            key
            for key, version in newest.items()
            if version.language != DEFAULT_LANGUAGE
            and version.english_version_id != live_english_id(records, version.message_id)
        )
    return Exported(tuple(newest[key] for key in sorted(newest)), catalogue, stale)


class NoSuchCouncil(WaypointError):
    """No council with that name (`waypoint content export/import --council`)."""

    message_id = "studio_no_such_council"
