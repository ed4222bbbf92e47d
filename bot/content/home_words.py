"""Words that ask for the young person's home (content/home_words.toml), and the names a
written answer may use for a language ("arabic" for العربية)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.core import Locale, UnknownLocaleError

from bot.content.messages import ContentError, read_toml
from bot.paths import project_folder

_NOT_A_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile("['\u2019]")


def words_of(text: str) -> list[str]:
    """The words of a text: no capitals, punctuation or emoji; "i'm" is "im"."""
    return _NOT_A_WORD.sub(" ", _APOSTROPHES.sub("", text.casefold())).split()


@dataclass(frozen=True)
class HomeWords:
    """Greetings (which may take one more word: "hi jo") and whole phrases, every language."""

    greetings: frozenset[str]
    phrases: frozenset[tuple[str, ...]]
    not_ok: frozenset[tuple[str, ...]] = frozenset()

    def ask_for_home(self, text: str) -> bool:
        """Whether these words mean "what can I do here?" (a greeting, "menu", "who are you")."""
        words = words_of(text)
        if tuple(words) in self.phrases:
            return True
        return 0 < len(words) <= 2 and words[0] in self.greetings

    def says_not_ok(self, text: str) -> bool:
        """Whether the whole message means "no, I am not OK" (to "Are you OK?")."""
        return tuple(words_of(text)) in self.not_ok


def _strings(where: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: must be a list of words or phrases")
    return value


def load_home_words(folder: Path | None = None) -> HomeWords:
    """Every language's list; a bad file stops start-up with what to fix."""
    path = (folder or project_folder("content")) / "home_words.toml"
    greetings: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    not_ok: set[tuple[str, ...]] = set()
    for language, table in read_toml(path, "the home words").items():
        where = f"home_words.toml [{language}]"
        if not isinstance(table, dict):
            raise ContentError(f"{where}: expected greetings = [...] and phrases = [...]")
        greetings |= {" ".join(words_of(w)) for w in _strings(where, table.get("greetings"))}
        phrases |= {tuple(words_of(p)) for p in _strings(where, table.get("phrases"))}
        if "not_ok" in table:
            not_ok |= {tuple(words_of(p)) for p in _strings(where, table["not_ok"])}
    return HomeWords(frozenset(greetings), frozenset(phrases), frozenset(not_ok))


@cache
def home_words() -> HomeWords:
    """The project's home words, read once."""
    return load_home_words()


@cache
def language_names(language: str) -> frozenset[str]:
    """A language's names as a young person may write them: in itself, and in English
    (so "arabic" answers a question whose button says العربية)."""
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return frozenset()
    names = {locale.get_display_name(language), locale.get_display_name("en")}
    return frozenset(" ".join(words_of(name)) for name in names if name)
