"""The easy-read linter: checks wording against the rules in research/domain.md (ER-, SL-, SG-)
and, for sessions, reminders and goals, the rules in bot.content.lint_rules (SE-13, SE-8, GL-6).
English is also read for its grammar (bot.content.lint_grammar, lint_secrecy), idioms from a
broad list and hard words by frequency (bot.content.lint_words), not only for listed phrases.

Rules that fail block a change; rules that warn ask a speech and language therapist to look.
Word lists live in content/lint/<language>.toml so therapists can extend them; a language
without one is checked with the language-neutral rules only. The gap report (rule GAP, always
a warning) lists what is not ready yet: drafts, missing, draft and stale translations.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content import lint_grammar as grammar
from bot.content.catalogue import Catalogue
from bot.content.findings import Finding, Located, Severity
from bot.content.gaps import at, gaps, po_files, skipped_word_lists
from bot.content.lint_rules import PERCENT as _PERCENT
from bot.content.lint_rules import feature_wording, texts
from bot.content.lint_rules import fold as _fold
from bot.content.lint_rules import has_phrase as _has_phrase
from bot.content.lint_rules import prepared as _prepared
from bot.content.lint_secrecy import negated_before, secrecy
from bot.content.lint_words import RareWords, idioms, rare_words, read_idiom_list
from bot.content.messages import BUTTON_PREFIX, DEFAULT_LANGUAGE, ContentError, Message, read_toml
from bot.content.safety_examples import ExamplesError, load_examples
from bot.content.safety_lexicon import load_lexicon
from bot.domain.profiles import Level
from bot.domain.safety.lexicon import LexiconError
from bot.paths import project_folder

# Sentences end at . ! ? and the Arabic question mark and full stop, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?\u061f\u06d4])\s+|\n+")
_QUESTION_MARKS = ("?", "\u061f")
_WORD = re.compile(r"[\w'\u2019&]+")
# "16:30" and "16.30" (not a price, "£16.30", nor a longer number, "16.305").
_TWENTY_FOUR_HOUR = re.compile(r"(?<![£$€\d.,])\b(1[3-9]|2[0-3]|00)[:.][0-5]\d\b(?![.,]?\d)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{1,}\b")
_ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|approx|asap)\b\.?", re.IGNORECASE)
# Short days and months are hard to read: "Wed", "Thurs", "3 Feb". "Sat" and "Sun" are words
# too ("I sat", "the sun"), so only where a day goes: after "on", or before a date or time.
_SHORT_DATE = re.compile(
    r"\b(?:Mon|Tues?|Wed|Weds|Thu|Thur|Thurs|Fri)\b\.?"
    r"|(?:(?<=\bon )|(?<=\bnext )|(?<=\bthis ))(?:Sat|Sun)\b\.?"
    r"|\b(?:Sat|Sun)\b\.?(?=,?\s*\d)"
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?(?=\s*\d)"
    r"|(?<=\d )(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
    r"|(?<=\dst |\dnd |\drd |\dth )(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
)

# Button labels, date phrases and other parts ("Jo and Amy") go inside other messages, so
# pictures are optional (ER-9).
_FRAGMENTS = (BUTTON_PREFIX, "when_", "part_")
MAX_LABEL_WORDS = 4


def _folded(words: list[str]) -> frozenset[str]:
    return frozenset(_fold(word).lower() for word in words)


@dataclass(frozen=True)
class WordLists:
    """The linter's word lists for one language."""

    allowed_acronyms: frozenset[str]
    number_words: tuple[str, ...]
    percent_words: tuple[str, ...]
    linking_words: frozenset[str]
    negative_words: frozenset[str]
    open_questions: frozenset[str]
    never_ask: tuple[str, ...]
    secrecy: tuple[str, ...]
    vague_time: tuple[str, ...]
    idioms: tuple[str, ...]
    passive_markers: frozenset[str]
    jargon: dict[str, str]
    glossary: dict[str, list[str]]
    pressure: tuple[str, ...]
    revealing: tuple[str, ...]
    scoring: tuple[str, ...]
    # Optional keys (a language without them skips the rules that need them):
    # `grammar = "english"` runs the English grammar rules (SG-2 in any wording, ER-3 passive,
    # ER-7 double negatives, SL-6 blame, SL-5, ER-4 "one"); `idiom_list` names a file of idioms
    # beside this one; `rare_word_zipf` turns on ER-6 hard words below that word frequency.
    grammar: str = ""
    idiom_list: tuple[str, ...] = ()
    idiom_meanings: dict[str, str] = field(default_factory=dict)
    idioms_allowed: frozenset[str] = frozenset()
    allowed_words: frozenset[str] = frozenset()
    rare_word_zipf: float = 0.0
    frequency_language: str = ""
    # `[to_reword]`: message id -> phrases a rule finds there that wait for a therapist to
    # reword them; until then they are warnings, shown but not blocking.
    to_reword: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def english(self) -> bool:
        """Whether the English grammar rules run on this language's texts."""
        return self.grammar == "english"

    @classmethod
    def load(cls, language: str = DEFAULT_LANGUAGE, folder: Path | None = None) -> WordLists:
        """Read content/lint/<language>.toml; a missing or broken file is a content error."""
        found = cls.find(language, folder)
        if found is None:
            raise ContentError(f"lint/{language}.toml: no word lists for {language!r}")
        return found

    @classmethod
    def find(cls, language: str, folder: Path | None = None) -> WordLists | None:
        """Read content/lint/<language>.toml, or None when the language has no word lists."""
        path = (folder or project_folder("content")) / "lint" / f"{language}.toml"
        if not path.is_file():
            return None
        data = read_toml(path)
        try:
            return cls._parse(data, path.parent)
        except KeyError as exc:
            raise ContentError(
                f"{path}: no {exc.args[0]} list (use the keys of en.toml)"
            ) from None

    @classmethod
    def _parse(cls, data: dict[str, Any], folder: Path) -> WordLists:
        idiom_file = data.get("idiom_list")
        meanings = read_idiom_list(folder / idiom_file) if idiom_file else {}
        return cls(
            allowed_acronyms=frozenset(data["allowed_acronyms"]),
            number_words=tuple(data["number_words"]),
            percent_words=tuple(data["percent_words"]),
            linking_words=_folded(data["linking_words"]),
            negative_words=_folded(data["negative_words"]),
            open_questions=_folded(data["open_questions"]),
            never_ask=tuple(data["never_ask"]),
            secrecy=tuple(data["secrecy"]),
            vague_time=tuple(data["vague_time"]),
            idioms=tuple(data["idioms"]),
            passive_markers=_folded(data["passive_markers"]),
            jargon=dict(data["jargon"]),
            glossary={k: list(v) for k, v in data["glossary"].items()},
            pressure=tuple(data["pressure"]),
            revealing=tuple(data["revealing"]),
            scoring=tuple(data["scoring"]),
            grammar=str(data.get("grammar", "")),
            idiom_list=tuple(meanings),
            idiom_meanings={k: v for k, v in meanings.items() if v},
            idioms_allowed=frozenset(grammar.normal(p) for p in data.get("idioms_allowed", [])),
            allowed_words=_folded(data.get("allowed_words", [])),
            rare_word_zipf=float(data.get("rare_word_zipf", 0.0)),
            frequency_language=str(data.get("frequency_language", "")),
            to_reword={k: tuple(v) for k, v in data.get("to_reword", {}).items()},
        )


def sentences(text: str) -> list[str]:
    """The sentences of a text, split at . ! ? ؟ and line breaks."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _neutral_rules(text: str) -> Iterator[Finding]:
    if _PERCENT.search(text):
        yield Finding("ER-4", Severity.FAIL, "percentages are hard: say '1 in 4' or 'most'")
    for match in _TWENTY_FOUR_HOUR.finditer(text):
        hint = f"'{match.group()}': use the 12-hour clock (4 o'clock)"
        yield Finding("ER-4", Severity.FAIL, hint)
    if sum(text.count(mark) for mark in _QUESTION_MARKS) > 1:
        yield Finding("SL-1", Severity.FAIL, "more than one question: ask one at a time")
    # Longer texts are not flagged: each young person's profile says how many sentences go in
    # one Telegram message, and the renderer splits the text there (SL-1).
    for sentence in sentences(text):
        count = len(_WORD.findall(sentence))
        if count > 15:
            yield Finding("ER-1", Severity.FAIL, f"{count} words: keep sentences to 15 or fewer")
        elif count > 10:
            yield Finding("ER-1", Severity.WARN, f"{count} words: 10 or fewer is easier")


def _sentence_rules(sentence: str, lists: WordLists) -> Iterator[Finding]:
    words = [word.lower() for word in _WORD.findall(sentence)]
    links = [w for w in words if w in lists.linking_words]
    if len(links) > 1:
        yield Finding("ER-2", Severity.WARN, f"linking words {links}: one idea per sentence")
    for before, after in itertools.pairwise(words):
        if lists.english:
            break  # lint_grammar.passive reads the grammar instead
        if before in lists.passive_markers and after.endswith("ed") and len(after) > 4:
            hint = f"'{before} {after}' may be passive: say who does it"
            yield Finding("ER-3", Severity.WARN, hint)
    if sentence.endswith(_QUESTION_MARKS) and words and words[0] in lists.open_questions:
        hint = f"'{words[0]}' questions need example answers as buttons"
        yield Finding("SL-6", Severity.WARN, hint)


def _word_rules(text: str, lists: WordLists) -> Iterator[Finding]:
    for phrase in () if lists.english else lists.number_words:
        if _has_phrase(text, phrase):
            yield Finding("ER-4", Severity.FAIL, f"'{phrase}': write numbers as digits")
    if any(_has_phrase(text, phrase) for phrase in lists.percent_words):
        yield Finding("ER-4", Severity.FAIL, "percentages are hard: say '1 in 4' or 'most'")
    for match in _ACRONYM.finditer(text):
        if match.group() not in lists.allowed_acronyms:
            yield Finding("ER-5", Severity.FAIL, f"'{match.group()}': spell it out in plain words")
    for match in _ABBREVIATION.finditer(text):
        yield Finding("ER-5", Severity.FAIL, f"'{match.group()}': write it out in words")
    for match in _SHORT_DATE.finditer(text) if lists.english else ():
        hint = f"'{match.group()}': write the day or month in full (Wednesday, February)"
        yield Finding("ER-5", Severity.FAIL, hint)
    negatives = [w for w in _WORD.findall(text) if w.lower() in lists.negative_words]
    if len(negatives) > 1:
        yield Finding("ER-7", Severity.WARN, f"{len(negatives)} negatives: say what to do instead")


def _phrase_rules(text: str, lists: WordLists) -> Iterator[Finding]:
    checks = (
        ("SL-3", lists.never_ask, "check understanding with a choice of buttons instead"),
        ("SG-2", lists.secrecy, "never promise secrecy: say who will know"),
        ("SL-5", lists.vague_time, "say the day, date and clock time"),
        ("SL-4", lists.idioms, "say what you mean in plain words"),
    )
    for rule, phrases, hint in checks:
        if lists.english and rule != "SL-3":
            continue  # _english_rules reads these with grammar, the lists included
        for phrase in phrases:
            if _has_phrase(text, phrase):
                yield Finding(rule, Severity.FAIL, f"'{phrase}': {hint}")
    for word, plain in lists.jargon.items():
        if _has_phrase(text, word) and not _explained(text, word):
            yield Finding("ER-6", Severity.FAIL, f"'{word}' is service jargon: try '{plain}'")
    for canonical, avoid in lists.glossary.items():
        for other in avoid:
            if _has_phrase(text, other):
                yield Finding("ER-8", Severity.FAIL, f"'{other}': always say '{canonical}'")


def _explained(text: str, word: str) -> bool:
    """ER-6: a hard word is fine when a later sentence says what it means ("Respite means")."""
    return any(_has_phrase(s.split(" means ")[0], word) for s in sentences(text) if " means " in s)


def lint_text(text: str, lists: WordLists | None) -> list[Finding]:
    """Every finding for one young-person text; without word lists, the language-neutral ones.

    The English SG-2 grammar reads every text, whatever its language: a promise of secrecy
    written in English is one, even when it is saved as another language's version."""
    prepared = _prepared(text)
    found = list(_neutral_rules(prepared))
    if lists is None or not lists.english:
        found += [finding for sentence in sentences(prepared) for finding in secrecy(sentence)]
    if lists is not None:
        found += _word_rules(prepared, lists)
        found += _phrase_rules(prepared, lists)
        parts = sentences(prepared)
        for sentence in parts:
            found += _sentence_rules(sentence, lists)
        if lists.english:
            found += _english_rules(parts, lists)
    return found


def _idiom_hint(phrase: str, meanings: dict[str, str]) -> str:
    meaning = meanings.get(phrase, "")
    if not meaning:
        return f"'{phrase}' is an idiom: say what you mean in plain words"
    meaning = meaning[:1].lower() + meaning[1:]
    return f"'{phrase}' is an idiom: say what you mean in plain words (it means '{meaning}')"


def _listed_promises(parts: list[str], lists: WordLists) -> Iterator[Finding]:
    """SG-2 phrases a therapist listed, unless negated ("I can not promise to keep it secret")."""
    for phrase in lists.secrecy:
        for sentence in parts:
            plain = grammar.normal(sentence)
            at = re.search(rf"(?<![\w']){re.escape(grammar.normal(phrase))}(?![\w'])", plain)
            if at and not negated_before(plain, at.start()):
                yield Finding("SG-2", Severity.FAIL, f"'{phrase}': never promise secrecy")
                return


def _english_rules(parts: list[str], lists: WordLists) -> Iterator[Finding]:
    promises = [finding for sentence in parts for finding in secrecy(sentence)]
    yield from promises
    if not promises:
        yield from _listed_promises(parts, lists)
    known = idioms((*lists.idioms, *lists.idiom_list), lists.idioms_allowed)
    for sentence in parts:
        yield from grammar.passive(sentence)
        yield from grammar.double_negatives(sentence)
        yield from grammar.why_blame(sentence)
        yield from grammar.vague_time(sentence, lists.vague_time)
        yield from grammar.number_words(sentence)
        for phrase in known.find(sentence):
            yield Finding("SL-4", Severity.FAIL, _idiom_hint(phrase, lists.idiom_meanings))
    if lists.rare_word_zipf > 0:
        rules = RareWords(
            lists.frequency_language or DEFAULT_LANGUAGE,
            lists.rare_word_zipf,
            lists.allowed_words,
            lists.jargon,
        )
        yield from rare_words(parts, rules)


def _wording(message: Message, lists: dict[str, WordLists | None]) -> Iterator[Located]:
    for language, level, text in texts(message):
        found = lists.get(language)
        waiting = found.to_reword.get(message.id, ()) if found is not None else ()
        for finding in lint_text(text, found):
            yield at(message, language, level, _waiting(finding, waiting))


def _waiting(finding: Finding, phrases: tuple[str, ...]) -> Finding:
    """A FAIL on a phrase listed in `[to_reword]` is a warning until a therapist rewords it."""
    if finding.severity is Severity.FAIL and any(f"'{p}'" in finding.hint for p in phrases):
        hint = f"{finding.hint} (listed in [to_reword]: a therapist rewords it)"
        return Finding(finding.rule, Severity.WARN, hint)
    return finding


def _pictures(message: Message) -> Iterator[Located]:
    """ER-9: one picture per line of the easy text, in English and in every translation."""
    english = message.variants[DEFAULT_LANGUAGE]
    easy, symbols = english.texts.get(Level.EASY), english.symbols
    if easy is None:
        return
    lines = len(easy.splitlines())
    if not symbols:
        if not message.id.startswith(_FRAGMENTS):
            hint = f"no pictures: add symbols, one for each of the {lines} lines of the easy text"
            yield at(message, DEFAULT_LANGUAGE, Level.EASY, Finding("ER-9", Severity.FAIL, hint))
        return
    if len(symbols) != lines:
        hint = f"{len(symbols)} pictures for {lines} lines: one picture per line of the easy text"
        yield at(message, DEFAULT_LANGUAGE, Level.EASY, Finding("ER-9", Severity.FAIL, hint))
    for language, level, text in texts(message):
        translated = len(text.splitlines())
        if language != DEFAULT_LANGUAGE and level is Level.EASY and translated != len(symbols):
            hint = (
                f"{translated} lines but {len(symbols)} pictures ({' '.join(symbols)}): "
                "keep one line per picture, in the same order as the English"
            )
            yield at(message, language, level, Finding("ER-9", Severity.FAIL, hint))


def _choices(message: Message) -> Iterator[Located]:
    """SL-7: two short choices after one question."""
    if message.id.startswith(BUTTON_PREFIX):
        for language, level, text in texts(message):
            count = len(_WORD.findall(_prepared(text)))
            if count > MAX_LABEL_WORDS:
                hint = f"{count} words: keep a button label to {MAX_LABEL_WORDS} words or fewer"
                yield at(message, language, level, Finding("SL-7", Severity.FAIL, hint))
    if not message.buttons:
        return
    if len(message.buttons) == 1:
        hint = "1 button: 2 choices is the default (Something else and Help are added anyway)"
        yield at(message, DEFAULT_LANGUAGE, None, Finding("SL-7", Severity.WARN, hint))
    for language, level, text in texts(message):
        if not any(mark in text for mark in _QUESTION_MARKS):
            hint = "a choice needs a question: ask it in this text, before the buttons"
            yield at(message, language, level, Finding("SL-7", Severity.FAIL, hint))


def lint_message(message: Message, lists: dict[str, WordLists | None]) -> list[Located]:
    """Every finding for one message's wording, as `lint_catalogue` finds them (no gaps):
    what the studio shows while a therapist types, and what approval must pass."""
    if message.audience != "young_person":
        return []
    return [
        *_wording(message, lists),
        *_pictures(message),
        *_choices(message),
        *feature_wording(message, lists),
    ]


def lint_catalogue(catalogue: Catalogue, folder: Path | None = None) -> list[Located]:
    """Lint every text young people can see, then report the gaps (staff read plain English).

    `folder` is the content folder the catalogue came from (default: the project's).
    """
    root = folder or project_folder("content")
    on_disk = {path.parent.parent.name for path in po_files(root)}
    languages = [
        DEFAULT_LANGUAGE,
        *sorted((set(catalogue.languages()) | on_disk) - {DEFAULT_LANGUAGE}),
    ]
    lists = {language: WordLists.find(language, root) for language in languages}
    missing = [language for language, found in lists.items() if found is None]
    found: list[Located] = list(skipped_word_lists(missing))
    for message in catalogue.messages():
        found += lint_message(message, lists)
    found += gaps(catalogue, languages, root)
    # Everything about one file and message together; message files (no folder) come first.
    return sorted(found, key=lambda item: ("/" in item.file, item.file, item.message_id))


def lint_folder(folder: Path | None = None) -> list[Located]:
    """Load a content folder, drafts too, and lint it; content that will not load is a FAIL."""
    try:
        found = lint_catalogue(Catalogue.load(folder, allow_drafts=True), folder)
    except ContentError as error:
        hint = " ".join(str(error).split())
        return [Located("", "", "", "", Finding("CONTENT", Severity.FAIL, hint))]
    return found + list(_lexicon_findings(folder or project_folder("content")))


def _lexicon_findings(folder: Path) -> Iterator[Located]:
    """The safety lexicon must load, and is reported while it is a draft."""
    where = "safety/lexicon.toml"
    try:
        lexicon = load_lexicon(folder)
    except LexiconError as error:
        yield Located(where, "", "", "", Finding("CONTENT", Severity.FAIL, str(error)))
        return
    if not lexicon.approved:
        hint = "a draft, not live yet: clinical staff and therapists approve it in [review]"
        yield Located(where, "", "", "", Finding("GAP", Severity.WARN, hint))
    yield from _examples_findings(folder)


def _examples_findings(folder: Path) -> Iterator[Located]:
    """The labelled examples must read; draft lines are counted (they train only a draft)."""
    where = "safety/examples"
    try:
        examples = load_examples(folder)
    except ExamplesError as error:
        yield Located(where, "", "", "", Finding("CONTENT", Severity.FAIL, str(error)))
        return
    drafts = sum(1 for example in examples if not example.approved)
    if drafts:
        hint = (
            f"{drafts} of {len(examples)} lines are drafts: a model learned from them is a "
            "draft, used only where draft content is allowed; once clinical staff approve the "
            "lines, rebuild it with `waypoint safety train` (no --drafts)"
        )
        yield Located(where, "", "", "", Finding("GAP", Severity.WARN, hint))
