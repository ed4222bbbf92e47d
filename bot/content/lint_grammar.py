"""Small English grammar for the easy-read linter: contractions read out in full, verb forms,
and the patterns that need more than a list of phrases (passive voice, double negatives, blame
questions, number words, vague time).

Each function takes one sentence (already through `lint_rules.prepared`: placeholders read as
the name "Jo") and yields Findings. They are English only: bot.content.lint runs them when the
word lists are English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.content.findings import Finding, Severity

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
# Read out in full, so "won't" and "will not" are one pattern.
_CONTRACTIONS = (
    # Written without the apostrophe, and text-speak: "i wont tell any1".
    (r"\bwont\b", "won't"),
    (r"\b(do|does|did|can|is|are|was|were|would|could|should|have|has|had)nt\b", r"\1n't"),
    (r"\bim\b", "i am"),
    (r"\b(you|they)re\b", r"\1 are"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\b(any|no|some|every)1\b", r"\1one"),
    (r"\bwon't\b", "will not"),
    (r"\bshan't\b", "shall not"),
    (r"\bcan't\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bain't\b", "is not"),
    (r"\b(\w+)n't\b", r"\1 not"),
    (r"\bi'm\b", "i am"),
    (r"\b(\w+)'re\b", r"\1 are"),
    (r"\b(\w+)'ll\b", r"\1 will"),
    (r"\b(\w+)'ve\b", r"\1 have"),
    (r"\b(i|you|we|they|he|she)'d\b", r"\1 would"),
    (r"\b(it|that|what|there|here|who|he|she|this|everything|nothing|where)'s\b", r"\1 is"),
    # "the ball's in your court", "Jo's not here": 's before these words is "is", not "of".
    (
        r"\b(\w+)'s(?=\s+(?:in|on|at|a|an|the|not|never|very|so|too|here|there|coming|going"
        r"|ready|safe|ok|okay|fine|late|over|all|just|still|now|always)\b)",
        r"\1 is",
    ),
)
_COMPILED = tuple((re.compile(pattern), full) for pattern, full in _CONTRACTIONS)


def words(text: str) -> tuple[str, ...]:
    """The words of a list written as one string (long word lists read better so)."""
    return tuple(text.split())


def normal(sentence: str) -> str:
    """A sentence in lower case with straight apostrophes and contractions written out."""
    text = sentence.translate(_APOSTROPHES).lower()
    for pattern, full in _COMPILED:
        text = pattern.sub(full, text)
    return " ".join(text.split())


# Past participles that do not end in -ed (and the common -ed ones that are not regular).
IRREGULAR_PARTICIPLES = frozenset(
    words(
        """arisen awoken beaten become begun bent bet bitten bled blown broken brought built
        burnt bought caught chosen come cost crept cut dealt done drawn dreamt
        driven drunk dug eaten fallen fed felt fought found fled flown forbidden
        forgotten forgiven frozen given gone ground grown hung heard hidden hit held
        hurt kept knelt known laid led lent let lain lit lost made meant met paid
        put quit read rid ridden rung risen run said seen sought sold sent set
        shaken shed shot shown shut sung sunk sat slept slid spoken spent spun split
        spread stood stolen stuck stung struck sworn swept swum swung taken taught
        torn told thought thrown understood woken worn woven won wound written"""
    )
)
# After "be" or "get" these describe how someone is, not what someone did to them ("I am
# worried", "you are allowed"), or are everyday set phrases: they are not the passive that
# hides who acts.
_STATES = frozenset(
    words("""allowed amazed annoyed ashamed based bored born called closed concerned confused
    convinced depressed determined disappointed done dressed embarrassed engaged excited
    exhausted finished frightened gone hurt interested involved located lost married
    pleased prepared qualified relaxed related satisfied scared shocked sorted stressed stuck
    supposed surprised tired upset used worried delighted started ready opened set invited
    relieved thrilled overwhelmed bothered terrified petrified horrified amused puzzled injured
    isolated motivated inspired impressed organised organized frustrated tempted obsessed
    attached blessed naked wicked sacred beloved fed broken locked complicated crowded talented
    gifted skilled experienced balanced detailed advanced mixed limited focused dedicated
    committed connected packed aged armed""")
)
# ... except after "been" or "being", where these are things someone did: "the hub is closed"
# is how it is; "your case has been closed" hides who closed it.
# Verbs ending in "ee" make participles in "-eed" ("it was agreed that"), unlike "need",
# "feed" or "proceed".
_EE_PARTICIPLES = frozenset(
    words("agreed disagreed guaranteed decreed freed refereed foreseen overseen")
)
_DONE_TO = frozenset(
    words("""closed opened finished started set done sorted lost called used dressed engaged
    invited involved prepared allowed stopped broken locked connected limited""")
)
_BE = r"(?:am|is|are|was|were|be|been|being|get|gets|got|getting|gotten)"
_BETWEEN = (
    r"(?:(?:being|not|never|also|just|already|always|often|usually|sometimes|then|still|now|all|"
)
_BETWEEN += r"really|only|soon|automatically|safely)\s+){0,2}"
_PASSIVE = re.compile(rf"\b(?P<be>{_BE})\s+{_BETWEEN}(?P<verb>[a-z]+)\b")
_TIME_AFTER_BY = re.compile(
    r"by\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|"
    r"then|now|noon|midnight|the end|next|this|\d)"
)


def _participle(word: str) -> bool:
    if word in _STATES:
        return False
    if word.startswith("un"):
        return False  # "unwanted", "unsupported": adjectives
    if word in IRREGULAR_PARTICIPLES:
        return True
    if word in _EE_PARTICIPLES:
        return True
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


def _actor_named(rest: str) -> bool:
    """Whether "by someone" follows in the same clause (not "by Friday")."""
    clause = re.split(r"[,;:.!?]|\b(?:and|but|because|so)\b", rest, maxsplit=1)[0]
    return any(
        not _TIME_AFTER_BY.match(clause[match.start() :])
        for match in re.finditer(r"\bby\b", clause)
    )


def passive(sentence: str) -> Iterator[Finding]:
    """ER-3: "be" or "get" with a past participle and no "by ..." hides who does it."""
    text = normal(sentence)
    for match in _PASSIVE.finditer(text):
        verb = match.group("verb")
        done_to = "been" in match.group().split() or "being" in match.group().split()
        hidden = _participle(verb) or (done_to and verb in _DONE_TO)
        if hidden and not _actor_named(text[match.end() :]):
            hint = f"'{match.group()}' hides who does it: say who, as in 'Jo {verb} ...'"
            yield Finding("ER-3", Severity.FAIL, hint)


_NEGATIVE = r"(?:not|never|no|nobody|nothing|none|nowhere|neither|nor)"
_DOUBLE_NEGATIVES = (
    # "not impossible", "not unlike", "never unkind": a negative before a negative word.
    re.compile(
        rf"\b{_NEGATIVE}\s+(?:(?:be|very|so|too|at all|totally|completely|entirely|really)\s+)?"
        r"(?:un|im|in|il|ir|dis|non-?)(?:[a-z]{3,})\b"
    ),
    # "can't not go", "don't not come", "I'm not saying you can't" (not "if you don't come Jo
    # won't know": two clauses).
    re.compile(r"\bnot\s+(?:\w+\s+)?not\b|\bnot\s+(?:saying|that)\s+(?:\w+\s+){0,2}not\b"),
    # "nobody didn't like it", "there's nothing you can't tell me".
    re.compile(
        r"\b(?:nobody|no one|nothing|none)\s+(?:(?:you|i|we|they|he|she|can|could|will|would|did"
        r"|does|do|is|are|was|were)\s+){0,2}not\b"
    ),
    # "never nobody", "don't have no", "not ... nothing" in one clause.
    # A lone "no" after a negative is an answer ("you do not have to say no"), not a negative.
    re.compile(
        r"\b(?:not|never|nobody|no one|nothing)\b(?:\s+[a-z']+){0,3}?\s+(?:nobody|nothing|none|"
        r"nowhere|no one|never|no(?=\s+[a-z]))\b"
    ),
)
# Words that start like "un-", "in-" or "dis-" but are not negatives (matched as stems).
_NOT_NEGATIVE = tuple(
    words("""under understand unit unite univers uniform unique union unless until unlock uncle
    insid instead into interest internet intern inform invit involv insur instal instant
    individual indeed index indoor input insect inch ink injur inner invest income includ
    increas industr import impress improv imagin image impact immediat iron irish island issu
    ill discuss dish disco display distanc district dinner direct differ nonetheless""")
)


_NEW_CLAUSE = re.compile(r"\b(?:that|if|when|whether|because|unless|so)\b")


def double_negatives(sentence: str) -> Iterator[Finding]:
    """ER-7: two negatives that cancel out ("not impossible", "don't have no") are hard."""
    text = normal(sentence)
    for pattern in _DOUBLE_NEGATIVES:
        for match in pattern.finditer(text):
            last = match.group().split()[-1]
            if pattern is _DOUBLE_NEGATIVES[0] and last.startswith(_NOT_NEGATIVE):
                continue
            if _exempt_pair(match.group()):
                continue
            # "I can't promise that nobody will know": the second negative starts a new clause.
            if pattern is _DOUBLE_NEGATIVES[3] and _NEW_CLAUSE.search(match.group()):
                continue
            hint = f"'{match.group()}' is a double negative: {_positive(match.group())}"
            yield Finding("ER-7", Severity.FAIL, hint)
            return


_PREFIX = re.compile(r"^(?:un|im|in|il|ir|dis|non-?)")
_ANY = {"no": "any", "nothing": "anything", "nobody": "anybody", "none": "any", "never": "ever"}


def _positive(found: str) -> str:
    """What to write instead: "not impossible" is "possible"; "don't have no" is "have no"."""
    words_found = found.split()
    if words_found[0] in {"not", "no", "never"} and _PREFIX.match(words_found[-1]):
        return f"say '{_PREFIX.sub('', words_found[-1])}'"
    if words_found[-1] in _ANY:
        return (
            f"say it with one negative ('{' '.join([*words_found[:-1], _ANY[words_found[-1]]])}')"
        )
    return "say it the positive way, with one negative at most"


def _exempt_pair(found: str) -> bool:
    """ "not ... or no" lists and "no, not" answers are fine; so is "not ... not" across "or"."""
    if re.search(r"\b(?:say|says|said|saying|answer|tap|press|choose|pick)\s+no$", found):
        return True
    return bool(re.search(r"\b(?:or|either)\b", found)) or found.startswith(("no no", "no not"))


_WHY_BLAME = re.compile(
    r"^(?:so\s+|but\s+|and\s+|jo,?\s+)?(?:why|how come)\b(?P<rest>[^?]*)\?", re.IGNORECASE
)
# "Can you tell me why you did it?", "Tell me why you left."
_WHY_INSIDE = re.compile(
    r"^(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:tell|explain|say)\b.*\bwhy\b"
)
_BLAME = re.compile(
    r"\b(?:what\s+were\s+you\s+thinking|what\s+is\s+wrong\s+with\s+you|how\s+could\s+you"
    r"|what\s+did\s+you\s+do\s+that\s+for|what\s+made\s+you\s+(?:do|say|think|go|leave)"
    r"|why\s+not\s*\?$)"
)
_PERSON = re.compile(r"\b(?:you|your|yourself|u)\b")


def why_blame(sentence: str) -> Iterator[Finding]:
    """SL-6: "why did you ...?" sounds like blame to a young person: ask what happened."""
    text = normal(sentence)
    match = _WHY_BLAME.match(text)
    asked = match is not None and (
        _PERSON.search(match.group("rest")) is not None or not match.group("rest").strip()
    )
    inside = _WHY_INSIDE.match(text)
    if inside and _PERSON.search(text[text.index("why") :]):
        asked = True
    if asked or _BLAME.search(text):
        hint = "questions about why a young person did something sound like blame: ask"
        hint += " 'What happened?'"
        yield Finding("SL-6", Severity.FAIL, hint)


_UNITS = r"(?:seconds?|secs?|minutes?|mins?|hours?|days?|weeks?|months?|years?|moments?)"
_HOW_MANY = (
    r"(?:a|the\s+next|the\s+next\s+few|the\s+coming|the\s+coming\s+few|a\s+few|a\s+couple\s+of"
    r"|some|several|a\s+number\s+of)"
)
_VAGUE = re.compile(
    rf"\b(?:(?:in|within|for|after|over)\s+{_HOW_MANY}\s+{_UNITS}"
    rf"|(?:a\s+few|a\s+couple\s+of|several)\s+{_UNITS}"
    r"|any\s+(?:minute|moment|second)(?:\s+now)?|any\s+(?:day|time)\s+now|one\s+of\s+these\s+days"
    r"|(?<!as )soon(?:ish)?(?!\s+as)|sooner\s+or\s+later|later(?:\s+on|\s+today|\s+this\s+week)?"
    r"|laters|l8r|shortly|eventually|sometime|some\s+time|someday|some\s+day"
    r"|at\s+some\s+(?:point|stage)|at\s+a\s+later\s+(?:date|time|stage)|in\s+due\s+course"
    r"|in\s+good\s+time|in\s+the\s+(?:near\s+)?future|in\s+a\s+(?:little\s+)?(?:bit|while|jiffy"
    r"|sec|tick)|a\s+while|before\s+(?:too\s+)?long|next\s+month|by\s+the\s+end\s+of\s+"
    r"(?:the|this|next)\s+(?:week|month)|when\s+(?:jo|she|he|they|we|i)\s+(?:is|are|am)\s+free"
    r"|as\s+soon\s+as\s+(?:possible|we\s+can|i\s+can|jo\s+can|they\s+can)|asap"
    r"|when\s+(?:we|i|jo|they|he|she|your\s+worker)\s+(?:can|gets?\s+(?:a\s+)?(?:chance|moment"
    r"|minute)|ha(?:ve|s)\s+(?:the\s+|a\s+)?(?:time|chance|moment|minute))|when\s+possible"
    r"|(?:another|some\s+other)\s+time|some\s+other\s+day"
    r"|until\s+further\s+notice|for\s+the\s+time\s+being|in\s+the\s+meantime"
    r"|from\s+time\s+to\s+time|every\s+so\s+often|now\s+and\s+then|the\s+other\s+day"
    r"|recently|lately|next\s+week|(?:will\s+not|not)\s+be\s+long|not\s+long\s+now)\b"
)


_ANOTHER_TIME = re.compile(r"(?:another|some\s+other)\s+(?:time|day)")
_YOUR_CHOICE = re.compile(r"\byou\s+(?:can|could|may)\b")
_PERIODS = frozenset({"next week", "next month", "later today", "later this week"})
_CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:o'clock|am|pm)\b|\b(?:midday|noon|midnight)\b")
_DAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow)\b"
)
_COUNTED = re.compile(r"\d+\s+[a-z]+\s+$")
_LATER_THAN = re.compile(r"\blater than\b|\b\d+\s+[a-z]+\s+later\b")
_AS_SOON_AS = re.compile(r"\bas soon as\b(?!\s+(?:possible|we can|i can|jo can|they can))")


def vague_time(sentence: str, extra: tuple[str, ...] = ()) -> Iterator[Finding]:
    """SL-5: vague time ("soon", "in a few days"): say the day, date and clock time."""
    text = normal(sentence)
    seen: set[str] = set()
    exempt: set[str] = set()
    for match in _VAGUE.finditer(text):
        # "no later than 4 o'clock" and "2 days later" say when.
        if match.group() == "later" and (
            text[match.end() :].startswith(" than") or _COUNTED.search(text[: match.start()])
        ):
            continue
        # "You can do it another time": the young person chooses when, nobody promises it.
        if _ANOTHER_TIME.fullmatch(match.group()) and _YOUR_CHOICE.search(text[: match.start()]):
            continue
        # "next week on Tuesday at 4 o'clock" says when.
        if match.group() in _PERIODS and _CLOCK.search(text) and _DAY.search(text):
            exempt.add(match.group())
            continue
        seen.add(match.group())
    text = _LATER_THAN.sub("before", text)
    # "as soon as you arrive" says when; "as soon as possible" does not (matched above).
    text = _AS_SOON_AS.sub("when", text)
    for phrase in extra:
        plain = normal(phrase)
        if any(plain in said for said in exempt):
            continue
        if re.search(rf"(?<![\w']){re.escape(plain)}(?![\w'])", text):
            seen.add(plain)
    for phrase in sorted(seen):
        if any(phrase != other and phrase in other for other in seen):
            continue
        yield Finding("SL-5", Severity.FAIL, f"'{phrase}': say the day, date and clock time")


_NUMBER_WORDS = words(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million dozen twice zero"
)
_DIGITS = {word: str(number) for number, word in enumerate(_NUMBER_WORDS[:19], start=2)}
_DIGITS |= {
    word: str(number)
    for number, word in zip(range(30, 100, 10), _NUMBER_WORDS[19:26], strict=True)
}
_DIGITS |= {
    "twice": "2 times",
    "zero": "0",
    "dozen": "12",
    "hundred": "100",
    "thousand": "1,000",
    "million": "1,000,000",
}
_NUMBER = re.compile(rf"\b(?:{'|'.join(_NUMBER_WORDS)})\b")
# "one" is a number before a noun ("one day"); a pronoun at the end of a phrase ("pick one",
# "the red one"), before "of" ("one of them") or after a determiner ("no one", "the one").
_ONE = re.compile(r"\bone\b(?!-)(?:\s+(?P<next>[a-z']+))?")
_AFTER_ONE = frozenset(
    words("""of or and to is was are were will would can could that which who whom you i we they he
    she it for in on at with from by but so if as than your my his her their our me him them
    us has have had does did do should must may might another together now too again here there
    today tomorrow first please instead yet then back each either like""")
)
_BEFORE_ONE = frozenset(
    words("""no any every some each the this that which a another other one no-one everyone
    whichever a-one""")
)


# After "one", a word in -s is a verb ("the blue one means yes"): a number goes before a
# plural noun ("one days" is not said). These end in -s and are not verbs.
_NOT_VERBS_IN_S = frozenset(words("bus gas yes plus its this thus us lens news maths"))


def _pronoun(after: str) -> bool:
    """Whether "one" is a pronoun, followed by its verb: "the blue one means yes"."""
    verb = after.endswith("s") and not after.endswith(("ss", "us", "is", "'s"))
    return verb and after not in _NOT_VERBS_IN_S


def number_words(sentence: str) -> Iterator[Finding]:
    """ER-4: numbers as digits ("3 days"), but not "one" as a pronoun."""
    text = normal(sentence)
    for match in _NUMBER.finditer(text):
        digits = _DIGITS.get(match.group())
        hint = f"'{match.group()}': write numbers as digits" + (f" ({digits})" if digits else "")
        yield Finding("ER-4", Severity.FAIL, hint)
    for match in _ONE.finditer(text):
        before = text[: match.start()].split()
        after = match.group("next")
        if (before and before[-1] in _BEFORE_ONE) or after is None or after in _AFTER_ONE:
            continue
        if _pronoun(after):
            continue
        yield Finding("ER-4", Severity.FAIL, f"'one {after}': write numbers as digits (1 {after})")
