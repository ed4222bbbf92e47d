"""The content studio's editor form (issue 16), read into what the studio's services take: the
would-be version a therapist typed (bot.services.studio.DraftWording) and the profile its
preview is rendered for. The form is the same for the live check, the preview, saving and
approving, so each reads exactly what the therapist sees.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.content.findings import Finding, Severity
from bot.content.messages import DEFAULT_LANGUAGE, MAX_BUTTONS, right_to_left
from bot.content.render import Rendered
from bot.domain.numbers import whole_number
from bot.domain.profiles import DEFAULT_MAX_SENTENCES, CommunicationProfile, Level
from bot.services.studio import DraftWording

BUTTON_FIELDS = tuple(f"button_{n}" for n in range(1, MAX_BUTTONS + 1))
MOST_SENTENCES = 10
# Why a draft cannot be a version at all (no text, a renamed {name}): shown as a finding like
# the linter's, so the therapist reads every reason in one list.
FORM_RULE = "FORM"
_SWAP = re.compile(r"^\s*(?P<avoid>[^=]+?)\s*=\s*(?P<use>.*?)\s*$")


def _text(form: Mapping[str, str], name: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; content keeps LF.
    return form.get(name, "").replace("\r\n", "\n").replace("\r", "\n").strip()


def read_draft(form: Mapping[str, str], message_id: str, language: str) -> DraftWording:
    """The editor's fields as a would-be version of `language`: pictures one a line, buttons
    in the order chosen (English only; a translation keeps the English's)."""
    easy, standard = _text(form, "easy") or None, _text(form, "standard") or None
    if language != DEFAULT_LANGUAGE:
        return DraftWording(message_id, language, easy, standard)
    symbols = tuple(line.strip() for line in _text(form, "symbols").splitlines() if line.strip())
    chosen = [form[name] for name in BUTTON_FIELDS if form.get(name, "").strip()]
    # No button fields: the message has no buttons, or the form left them alone.
    buttons = tuple(chosen) if any(name in form for name in BUTTON_FIELDS) else None
    return DraftWording(message_id, language, easy, standard, symbols, buttons)


def form_values(draft: DraftWording) -> dict[str, object]:
    """What the editor's fields show for a draft."""
    return {
        "easy": draft.easy or "",
        "standard": draft.standard or "",
        "symbols": "\n".join(draft.symbols),
        "buttons": list(draft.buttons or ()),
    }


def read_swaps(text: str) -> dict[str, str]:
    """Word swaps written one a line as `goal = plan`; a line without both sides is left out."""
    swaps = {}
    for line in text.splitlines():
        found = _SWAP.match(line)
        if found and found["avoid"] and found["use"]:
            swaps[found["avoid"]] = found["use"]
    return swaps


@dataclass(frozen=True)
class PreviewOptions:
    """The profile a preview is rendered for, and the swaps as the therapist wrote them."""

    language: str = DEFAULT_LANGUAGE
    level: Level = Level.EASY
    pictures: bool = True
    sentences: int = DEFAULT_MAX_SENTENCES
    swaps: Mapping[str, str] = field(default_factory=dict)
    swaps_text: str = ""

    def profile(self) -> CommunicationProfile:
        """The communication profile these options describe."""
        return CommunicationProfile(
            language=self.language,
            level=self.level,
            symbols=self.pictures,
            swaps=dict(self.swaps),
            max_sentences=self.sentences,
        )


def read_options(
    form: Mapping[str, str], languages: Sequence[str], default: str
) -> PreviewOptions:
    """The preview's profile from the form; anything not understood takes its default."""
    language = form.get("preview_language", default)
    level = form.get("preview_level", Level.EASY.value)
    sentences = whole_number(form.get("preview_sentences"), low=1, high=MOST_SENTENCES)
    swaps_text = form.get("preview_swaps", "")
    return PreviewOptions(
        language=language if language in languages else default,
        level=Level(level) if level in set(Level) else Level.EASY,
        # An unticked checkbox sends nothing: the form marks that it had the options on it.
        pictures=form.get("preview_pictures") == "on" or "preview_shown" not in form,
        sentences=sentences or DEFAULT_MAX_SENTENCES,
        swaps=read_swaps(swaps_text),
        swaps_text=swaps_text,
    )


def form_finding(problem: str) -> Finding:
    """Why the form is no version yet, as a finding to fix."""
    return Finding(FORM_RULE, Severity.FAIL, problem)


def shown_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Each finding once, those to fix first."""
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda finding: finding.severity is not Severity.FAIL)


@dataclass(frozen=True)
class Preview:
    """A rendered message as a phone shows it, or why it cannot be shown."""

    rendered: Rendered | None
    problem: str | None = None

    @property
    def right_to_left(self) -> bool:
        """Whether the language it came out in is written right to left."""
        return self.rendered is not None and right_to_left(self.rendered.language)
