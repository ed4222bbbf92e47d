"""What the linter and the gap report find: a rule, how serious it is, and where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Whether a finding blocks the change or asks for a look."""

    FAIL = "fail"
    WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """One problem in one text, with a hint that says what to do instead."""

    rule: str
    severity: Severity
    hint: str


@dataclass(frozen=True)
class Located:
    """A finding in a content file: which message, language and reading level."""

    file: str
    message_id: str
    language: str
    level: str
    finding: Finding

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.message_id:
            where.append(f"[{self.message_id}]")
        if self.language:
            where.append("/".join(part for part in (self.language, self.level) if part))
        what = f"{self.finding.rule} {self.finding.severity}: {self.finding.hint}"
        return f"{' '.join(where)}: {what}" if where else what


class LintFailed(Exception):
    """At least one finding must be fixed before the wording can go live."""
