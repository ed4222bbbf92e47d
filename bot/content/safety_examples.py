"""Reading the labelled examples in content/safety/examples/, which the learned layer learns from.

Each `.tsv` file holds one short message per line, owned like the lexicon (clinicians and
therapists write and review them):

    label<TAB>category<TAB>review<TAB>text

- label: `worry` or `none`;
- category: for a worry, one of `bot.domain.safety.learned.LEARNED_CATEGORIES`; for none, `-`;
- review: `approved` once clinical staff have checked the line, else `draft`;
- text: the message as a young person would write it; a literal `\\n` is a line break.

Lines starting with `#` and blank lines are notes. A mistake is an `ExamplesError` naming the
file, the line and what to fix.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from bot.domain.safety.learned import LEARNED_CATEGORIES, NONE, words_of
from bot.paths import project_folder

WORRY = "worry"
REVIEWS = ("approved", "draft")
_CATEGORY_NAMES = tuple(category.value for category in LEARNED_CATEGORIES)
# Two messages are near-duplicates when this share of their words and word pairs is shared.
NEAR = 0.8


class ExamplesError(Exception):
    """A labelled example is written wrongly; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    label: str  # WORRY or NONE
    category: str  # a learned category, or NONE
    approved: bool
    where: str  # file:line, for messages about it

    @property
    def worry(self) -> bool:
        """Whether the line is labelled a worry."""
        return self.label == WORRY


def examples_folder(folder: Path | None = None) -> Path:
    """The examples folder: in `folder` (the content folder), else the project's."""
    base = folder if folder is not None else project_folder("content")
    return base / "safety" / "examples"


def parse_line(raw: str, where: str, *, with_review: bool = True) -> Example | None:
    """One line of an examples file (or, without the review column, of a held-out batch)."""
    if not raw.strip() or raw.startswith("#"):
        return None
    fields = raw.split("\t")
    wanted = 4 if with_review else 3
    if len(fields) != wanted:
        columns = "label, category, review, text" if with_review else "label, category, text"
        raise ExamplesError(f"{where}: write {wanted} tab-separated columns ({columns})")
    label, category, *rest = fields
    review = rest[0] if with_review else "draft"
    text = rest[-1].replace("\\n", "\n").strip()
    if label not in (WORRY, NONE):
        raise ExamplesError(f"{where}: the label must be {WORRY} or {NONE}, not {label!r}")
    if label == WORRY and category not in _CATEGORY_NAMES:
        names = ", ".join(_CATEGORY_NAMES)
        raise ExamplesError(f"{where}: a worry's category must be one of {names}")
    if label == NONE and category != "-":
        raise ExamplesError(f"{where}: a line labelled none has the category -")
    if review not in REVIEWS:
        raise ExamplesError(f"{where}: the review must be approved or draft, not {review!r}")
    if not text:
        raise ExamplesError(f"{where}: the message is empty")
    return Example(text, label, category if label == WORRY else NONE, review == "approved", where)


def example_line(label: str, category: str, text: str) -> str:
    """One approved example as a line of an examples file (what `parse_line` reads back)."""
    flat = text.replace("\r\n", "\n").replace("\t", " ").replace("\n", "\\n")
    return f"{label}\t{category}\tapproved\t{flat}"


def read_examples(path: Path, *, with_review: bool = True) -> list[Example]:
    """Every example in one file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ExamplesError(f"{path} cannot be read ({type(error).__name__})") from None
    found = []
    for number, raw in enumerate(lines, start=1):
        example = parse_line(raw, f"{path.name}:{number}", with_review=with_review)
        if example is not None:
            found.append(example)
    return found


def load_examples(folder: Path | None = None) -> list[Example]:
    """Every labelled example, file by file in name order."""
    where = examples_folder(folder)
    files = sorted(where.glob("*.tsv"))
    if not files:
        raise ExamplesError(f"{where} has no .tsv files of labelled examples")
    return [example for path in files for example in read_examples(path)]


def _shingles(text: str) -> frozenset[str]:
    words = words_of(text)
    return frozenset(words) | frozenset(f"{a} {b}" for a, b in itertools.pairwise(words))


def near_duplicates(batch: list[Example], training: list[Example]) -> list[tuple[str, str]]:
    """(batch line, training line) for each batch line that is a training line's message, or
    nearly (the same words read the same way, or `NEAR` of its words and word pairs)."""
    exact = {" ".join(words_of(example.text)): example.where for example in training}
    seen = [(example.where, _shingles(example.text)) for example in training]
    pairs = []
    for example in batch:
        key = " ".join(words_of(example.text))
        if key in exact:
            pairs.append((example.where, exact[key]))
            continue
        mine = _shingles(example.text)
        for where, theirs in seen:
            union = len(mine | theirs)
            if union and len(mine & theirs) / union >= NEAR:
                pairs.append((example.where, where))
                break
    return pairs
