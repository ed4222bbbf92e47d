"""Reading a message the way the lexicon is written: one text, words in the forms they may be.

A message is read as one text (lines joined), casefolded, without accents or apostrophes,
with text-speak expanded ("wanna" is "want to", "im" is "i am") and numbers for letters
undone ("k1ll"). Emoji are words. Each word keeps every form it may be read as: letters typed
3 or more times cut to 1 or 2 ("diiiie"), doubled letters cut to 1 ("cutt"), and the words it
stands for when it is about someone else ("her" for "me"). Lexicon phrases are cleaned with
the same `clean`, `PHRASE_TOKENS` and `NO_APOSTROPHES`, so both sides spell words alike.

Arabic is read the way it is commonly typed: without harakat or tatweel, with one alef
(أ إ آ ٱ are ا), ة as ه, ى as ي, ؤ as و, ئ as ي, Arabic-Indic digits as 0-9 and ؟ ، ؛ as stops.
An Arabic word also keeps its forms without a leading و ف ب ل ال وال بال لل ("وبدي" is also
"بدي", "وبالانتحار" is also "انتحار"), when 3 letters or more are left.

Typo tolerance lives here too: `stems` (the -ing and -ed forms) and `is_typo_of`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# Words that phrases treat as the same word ("she is running away" / "i am running away").
_SAME = {
    "am": ("is", "are"),
    "is": ("am", "are"),
    "are": ("am", "is"),
    "was": ("were",),
    "were": ("was",),
    "has": ("have",),
    "have": ("has",),
    "us": ("me",),
    "ourselves": ("myself",),
}
# Someone else in the place of the young person: a match through these is other_child.
_SOMEONE_ELSE = {
    "herself": ("myself",),
    "himself": ("myself",),
    "themselves": ("myself",),
    "themself": ("myself",),
    "her": ("me", "my"),
    "him": ("me",),
    "them": ("me",),
    "his": ("my",),
    "their": ("my",),
    "she": ("i",),
    "he": ("i",),
    "they": ("i",),
}
# Arabic written the way it is commonly typed: one alef, ة as ه, ى as ي, hamza seats as their
# letter (ؤ و, ئ ي: NFKD splits the hamza off), Persian keheh and yeh as Arabic, digits as 0-9,
# Arabic punctuation as its Latin stop; tatweel and direction marks dropped.
_ARABIC_TO_TYPED: dict[int, str | None] = {
    0x0671: "\u0627",  # ٱ alef wasla -> ا
    0x0629: "\u0647",  # ة ta marbuta -> ه
    0x0649: "\u064a",  # ى alef maqsura -> ي
    0x06CC: "\u064a",  # ی Persian yeh -> ي
    0x06A9: "\u0643",  # ک keheh -> ك
    0x061F: "?",
    0x060C: ",",
    0x061B: ";",
    0x06D4: ".",
    0x066A: "%",
}
_ARABIC_TO_TYPED.update({0x0660 + n: str(n) for n in range(10)})  # Arabic-Indic digits
_ARABIC_TO_TYPED.update({0x06F0 + n: str(n) for n in range(10)})  # Persian digits
_ARABIC_TO_TYPED.update(dict.fromkeys((0x0640, 0x061C, 0x200C, 0x200E, 0x200F), None))
_ARABIC_TO_TYPED.update(dict.fromkeys((*range(0x202A, 0x202F), *range(0x2066, 0x206A)), None))
_ARABIC_SPELLING = str.maketrans(_ARABIC_TO_TYPED)
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# Clitics an Arabic word may start with: and, so, with/in, to, the, and combinations.
_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ولل", "عال", "ال", "و", "ف", "ب", "ل")
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_APOSTROPHES = "'\u2019"
_WORD = rf"(?:[^\W_]|[@$])+(?:[{_APOSTROPHES}/](?:[^\W_]|[@$])+)*"
_TEXT_TOKENS = re.compile(rf"(?P<word>{_WORD})|(?P<stop>[.!?;,:…]+)|(?P<other>\S)")
PHRASE_TOKENS = re.compile(rf"(?P<word>{_WORD}\*?)|(?P<stop>[.!?;,:…]+)|(?P<other>\S)")
_JOINERS = re.compile("[-_\u2010-\u2015+=~|\\\\]")  # hyphens and dashes join words
NO_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_SPLIT_SELF = re.compile(r"\b(my|her|him|your|them|our|it)\s+(?:self|selves|slef)\b")
_RUNS = re.compile(r"(.)\1{2,}")
_DOUBLES = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class Token:
    """One word of a message, as every form it may be read as."""

    forms: frozenset[str]
    proxies: frozenset[str]  # what it stands for when it is someone else: her -> me
    squeezed: frozenset[str]  # doubled letters cut to one ("cutt"): matched exactly, no typos


def clean(text: str) -> str:
    """`text` casefolded, without accents, with dashes as spaces and "my self" as one word.

    Arabic loses its harakat, tatweel and hamza seats the same way (see `_ARABIC_SPELLING`).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.translate(_ARABIC_SPELLING)
    return _SPLIT_SELF.sub(r"\1self", _JOINERS.sub(" ", bare.casefold()))


def stems(word: str) -> set[str]:
    """The plain verb a word may be ("cutting", "cuting": cut, cute; "dying": die), or none."""
    if len(word) < 5 or not word.isalpha():
        return set()
    if word.endswith("ying") and len(word) == 5:
        return {word[:-4] + "ie"}
    base = word[:-3] if word.endswith("ing") else word[:-2] if word.endswith("ed") else ""
    if len(base) < 3:
        return set()
    found = {base, base + "e"}
    if base[-1] == base[-2]:
        found.add(base[:-1])
    return found


def _squeezed(word: str) -> set[str]:
    """Letters typed 3 or more times cut to 1 or to 2 ("diiiie")."""
    return {_RUNS.sub(r"\1", word), _RUNS.sub(r"\1\1", word)}


def _unclitic(word: str) -> set[str]:
    """An Arabic word without a leading و ف ب ل ال (and the like), when 3 letters are left."""
    if not _ARABIC_LETTER.match(word):
        return set()
    found = {word[len(c) :] for c in _CLITICS if word.startswith(c) and len(word) - len(c) >= 3}
    return found | {shorter for form in found for shorter in _unclitic(form)}


def _unleet(word: str) -> set[str]:
    if _ARABIC_LETTER.search(word) or not (
        any(ch.isalpha() for ch in word) and any(ch in _LEET or ch == "1" for ch in word)
    ):
        return set()
    base = "".join(_LEET.get(ch, ch) for ch in word)
    return {base.replace("1", "i"), base.replace("1", "l")}


def _spellings(raw: str, textspeak: Mapping[str, tuple[str, ...]]) -> list[set[str]]:
    """The words `raw` stands for, each as the set of forms it may be read as."""
    word = raw.translate(NO_APOSTROPHES)
    for form in (word, *sorted(_squeezed(word)), *sorted(_unleet(word))):
        if form in textspeak:
            return [{part} for part in textspeak[form]]
    if "/" in word:
        return [forms for part in word.split("/") if part for forms in _spellings(part, textspeak)]
    forms = {word} | _unleet(word)
    for form in list(forms):
        forms |= _squeezed(form)
    for form in list(forms):
        forms |= _unclitic(form)
    return [forms]


def _token(forms: set[str]) -> Token:
    same = {alias for form in forms for alias in _SAME.get(form, ())}
    proxies = {alias for form in forms for alias in _SOMEONE_ELSE.get(form, ())}
    squeezed = {_DOUBLES.sub(r"\1", form) for form in forms} - forms
    return Token(
        forms=frozenset(forms | same), proxies=frozenset(proxies), squeezed=frozenset(squeezed)
    )


def read(
    text: str, textspeak: Mapping[str, tuple[str, ...]]
) -> tuple[list[Token], frozenset[int]]:
    """The words of `text`, and the positions that follow a full stop, comma and the like."""
    return read_cleaned(clean(text), textspeak)


def joins_across(before: str, after: str) -> bool:
    """Whether two cleaned texts, joined by a newline, read as more than one after the other:
    "my" at the end of one and "self" at the start of the next are read as "myself"."""
    return _SPLIT_SELF.search(f"{before.rstrip()[-8:]}\n{after.lstrip()[:8]}") is not None


def spell(word: str, textspeak: Mapping[str, tuple[str, ...]]) -> tuple[Token, ...]:
    """The tokens one word of a cleaned message is read as (text-speak may make it several)."""
    return tuple(_token(forms) for forms in _spellings(word, textspeak))


def read_cleaned(
    cleaned: str,
    textspeak: Mapping[str, tuple[str, ...]],
    spelt: Callable[[str], Sequence[Token]] | None = None,
) -> tuple[list[Token], frozenset[int]]:
    """`read` for a text that is `clean` already; `spelt` is `spell` with this `textspeak`,
    if the caller remembers words it has read before."""
    tokens: list[Token] = []
    stops: set[int] = set()
    for match in _TEXT_TOKENS.finditer(cleaned):
        if match["word"]:
            word = match["word"]
            tokens.extend(spell(word, textspeak) if spelt is None else spelt(word))
        elif match["stop"]:
            stops.add(len(tokens))
        elif unicodedata.category(match["other"]) == "So":
            tokens.append(_token({match["other"]}))
    return tokens, frozenset(stops)


# Typos ---------------------------------------------------------------------------------------


def is_typo_of(form: str, word: str) -> bool:
    """Whether typed `form` is a typo of lexicon `word` (same first letter, checked already).

    A missing, extra or swapped letter costs 1 and a wrong letter 2, because a wrong letter in
    a short word usually makes another real word (slaps/swaps, drugs/drums, abused/amused).
    Words of 5 to 7 letters may cost 1, words of 8 or more 2.
    """
    allowed = 2 if len(word) >= 8 else 1
    if len(form) < 4 or abs(len(form) - len(word)) > allowed:
        return False
    if len(set(form) ^ set(word)) > allowed:
        return False
    return _distance(form, word, allowed) <= allowed


def _distance(a: str, b: str, limit: int) -> int:
    """Cost of the edits from a to b (change 2; insert, delete, swap two letters 1), capped."""
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 2
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            swapped = i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]
            if swapped and before is not None:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[len(b)]
