"""Worrying words: a table of what young people write and what Waypoint must make of it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.content.safety_examples import load_examples
from bot.content.safety_lexicon import load_lexicon
from bot.domain.safety.detection import TIE_ORDER, Detection, detect
from bot.domain.safety.learned import LEARNED_CATEGORIES
from bot.domain.safety.lexicon import CUES, Lexicon, LexiconError
from bot.domain.safety.worry import Category, Urgency
from bot.entrypoints.safety_scan import scan

PROJECT = Path(__file__).resolve().parents[2]
H, M, L = Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW
C = Category


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(PROJECT / "content")


def _verdict(found: Detection | None) -> tuple[Category, Urgency, bool] | None:
    return None if found is None else (found.category, found.urgency, found.sure)


# (message, category, urgency, sure): sure=False means "ask the young person first".
CONCERNS = [
    # Every category, said plainly.
    ("i want to kill myself", C.SUICIDE, H, True),
    ("ive been self harming", C.SELF_HARM, H, True),
    ("my dad hits me", C.ABUSE, H, True),
    ("I don't feel safe at home", C.UNSAFE, H, True),
    ("im going to run away from home", C.MISSING, H, True),
    ("they want me to do county lines", C.CRIMINAL_EXPLOITATION, H, True),
    ("I'm being bullied at school", C.BULLYING, M, True),
    ("i smoke weed every day", C.SUBSTANCES, M, True),
    ("im worried about my friend", C.OTHER_CHILD, M, True),
    # Slang and text-speak.
    ("kms", C.SUICIDE, H, True),
    ("thinking about unaliving myself", C.SUICIDE, H, True),
    ("sewerslide is all i think about", C.SUICIDE, H, True),
    ("i wanna die", C.SUICIDE, H, True),
    ("i just want to end it all", C.SUICIDE, H, True),
    ("going cunch next week", C.CRIMINAL_EXPLOITATION, H, True),
    ("im staying in a trap house", C.CRIMINAL_EXPLOITATION, H, True),
    ("got it on tick and now i owe them", C.CRIMINAL_EXPLOITATION, H, True),
    ("they made me plug it", C.CRIMINAL_EXPLOITATION, H, True),
    ("ppl at school keep telling me to kys", C.BULLYING, M, True),
    ("i relapsed on sh", C.SELF_HARM, H, True),
    ("he hert me", C.ABUSE, H, True),
    # Misspellings, repeated letters, numbers for letters, split reflexives.
    ("im going to kill myslef", C.SUICIDE, H, True),
    ("sucidal thoughts again", C.SUICIDE, H, True),
    ("i wanna kiiiiill myself", C.SUICIDE, H, True),
    ("i want 2 d13", C.SUICIDE, H, True),
    ("i feel like killing my self", C.SUICIDE, H, True),
    ("i got bulied again", C.BULLYING, M, True),
    ("i keep cuting my legs", C.SELF_HARM, H, True),
    ("i cutt myself", C.SELF_HARM, H, True),
    ("SELF-HARM AGAIN", C.SELF_HARM, H, True),
    ("i dont feel saaafe", C.UNSAFE, H, True),
    # Emoji: with words they are sure; alone they are a question.
    ("🔪🩸", C.SELF_HARM, H, True),
    ("🔪", C.UNSAFE, L, False),
    ("⚰️", C.SUICIDE, L, False),
    ("💊💊💊", C.SUBSTANCES, L, False),
    ("🪢 tonight", C.SUICIDE, H, False),
    # Negation lowers the urgency and makes it a question, never nothing.
    ("i'm not going to kill myself", C.SUICIDE, L, False),
    ("i would never self harm", C.SELF_HARM, L, False),
    ("he never hit me", C.ABUSE, L, False),
    ("im not being bullied anymore", C.BULLYING, L, False),
    # ... but not every "not" is a negation.
    ("he won't stop hitting me", C.ABUSE, H, True),
    ("im not ok i want to die", C.SUICIDE, H, True),
    ("I'm not safe", C.UNSAFE, H, True),
    ("i dont want to live", C.SUICIDE, H, True),
    ("im not ok, he hit me", C.ABUSE, H, True),
    # Hyperbole too.
    ("i want to die lol", C.SUICIDE, L, False),
    ("kms 😂", C.SUICIDE, L, False),
    ("i could kill him for eating my chips", C.UNSAFE, L, False),
    ("id rather die than go to PE", C.SUICIDE, L, False),
    # Someone else: other_child, as urgent as the harm.
    ("my friend wants to kill herself", C.OTHER_CHILD, H, True),
    ("my mate is being made to sell", C.OTHER_CHILD, H, True),
    ("a girl in my class said her uncle touches her", C.OTHER_CHILD, H, True),
    ("my little brother isnt safe at home", C.OTHER_CHILD, H, True),
    ("my friend is being bullied really bad", C.OTHER_CHILD, M, True),
    ("she self harms", C.OTHER_CHILD, H, True),
    # ... but "he" before a threat is the person doing the harm.
    ("hes got a knife", C.UNSAFE, H, True),
    ("he touched me", C.ABUSE, H, True),
    # Past tense: still a concern, one step lower unless it is still happening.
    ("i used to self harm", C.SELF_HARM, M, True),
    ("he hit me last year", C.ABUSE, M, True),
    ("i used to get bullied", C.BULLYING, L, True),
    ("i used to self harm and now ive started again", C.SELF_HARM, H, True),
    # A message over several lines is one message.
    ("i want to\ndie", C.SUICIDE, H, True),
    ("i\ndont\nwant\nto\nlive", C.SUICIDE, H, True),
    ("my mate\nis being made\nto sell", C.OTHER_CHILD, H, True),
    # Urgent words make it high, even when the rest is unsure.
    ("im being bullied right now", C.BULLYING, H, True),
    ("i have the pills and a plan for tonight", C.SUICIDE, H, False),
    ("im not going to kill myself tonight", C.SUICIDE, H, False),
    # Several categories: the most urgent wins, then TIE_ORDER.
    ("im bullied and i want to die", C.SUICIDE, H, True),
    ("my dad hits me and i want to kill myself", C.SUICIDE, H, True),
    ("i smoke weed and get bullied", C.SUBSTANCES, M, True),
    ("i want to die lol but he hits me", C.SUICIDE, L, False),
]

ORDINARY = [
    "my phone is dead",
    "dead battery again",
    "my battery is about to die",
    "i shot a goal in football today",
    "im starving whats for tea",
    "i need pills for my hayfever",
    "this homework is killing me",
    "this game is killing me lol",
    "omg im dying of laughter",
    "im dead 😂😂",
    "i killed it in my exam",
    "i cut the cake",
    "i want to dye my hair",
    "i love rap",
    "i ran to catch the bus",
    "i need to plug my phone in",
    "i got a tick on my homework",
    "can i have a coke",
    "im trapped in this lesson lol",
    "i hit the gym today",
    "lets end it here for today",
    "im safe got home fine",
    "my friend got a puppy",
    "i got my hair cut",
    "can you swap them in for me",
    "i changed the setting on my phone",
    "i was amused",
    "i play the drums",
    "",
    "   ",
    "👍",
]


@pytest.mark.parametrize(("text", "category", "urgency", "sure"), CONCERNS)
def test_each_worrying_message_gets_its_category_urgency_and_sureness(
    lexicon: Lexicon, text: str, category: Category, urgency: Urgency, sure: bool
) -> None:
    assert _verdict(detect(text, lexicon)) == (category, urgency, sure)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_messages_do_not_raise_a_concern(lexicon: Lexicon, text: str) -> None:
    assert detect(text, lexicon) is None


def test_matched_names_the_lexicon_entries_and_cues_that_were_found(lexicon: Lexicon) -> None:
    found = detect("kms lol", lexicon)
    assert found is not None
    assert "suicide: kms" in found.matched
    assert "hyperbole: lol" in found.matched


def test_detection_is_deterministic(lexicon: Lexicon) -> None:
    text = "my friend said she wants to die tonight and he hits her"
    assert detect(text, lexicon) == detect(text, lexicon) == detect(text, load_lexicon())


def test_the_tie_order_names_every_category_once() -> None:
    assert sorted(TIE_ORDER) == sorted(Category)


def test_the_projects_lexicon_loads_from_its_default_place() -> None:
    lexicon = load_lexicon()
    assert set(lexicon.urgency) == set(Category)
    assert lexicon.urgency[Category.SUICIDE] is Urgency.HIGH


# Lexicon errors -------------------------------------------------------------------------------


def _minimal(**replace: str) -> str:
    """A small valid lexicon; `replace` swaps a table's body by name."""
    tables = {c.value: f'urgency = "medium"\nphrases = ["{c.value} words"]' for c in Category}
    tables["cues"] = "\n".join(f"{name} = []" for name in CUES)
    tables.update(replace)
    return "\n".join(f"[{name}]\n{body}\n" for name, body in tables.items())


def _load(tmp_path: Path, text: str) -> Lexicon:
    path = tmp_path / "safety" / "lexicon.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_lexicon(tmp_path)


def test_a_minimal_lexicon_loads_and_detects(tmp_path: Path) -> None:
    lexicon = _load(tmp_path, _minimal())
    found = detect("lots of bullying words here", lexicon)
    assert _verdict(found) == (Category.BULLYING, Urgency.MEDIUM, True)


def test_a_bad_urgency_names_the_file_the_category_and_the_choices(tmp_path: Path) -> None:
    text = _minimal(suicide='urgency = "urgent"\nphrases = ["kms"]')
    with pytest.raises(LexiconError, match=r"lexicon\.toml \[suicide\]: urgency must be") as err:
        _load(tmp_path, text)
    assert '"high", "medium" or "low"' in str(err.value)


def test_an_unknown_category_is_named(tmp_path: Path) -> None:
    text = _minimal() + '[selfharm]\nurgency = "high"\nphrases = ["cut"]\n'
    with pytest.raises(LexiconError, match=r"\[selfharm\]: unknown category; use one of"):
        _load(tmp_path, text)


@pytest.mark.parametrize("phrase", ["", "   ", "!!!"])
def test_an_empty_phrase_is_named_with_its_place(tmp_path: Path, phrase: str) -> None:
    text = _minimal(abuse=f'urgency = "high"\nphrases = ["hits me", "{phrase}"]')
    with pytest.raises(LexiconError, match=r"\[abuse\] phrases: entry 2 .* is empty"):
        _load(tmp_path, text)


def test_a_phrase_cannot_start_with_a_gap(tmp_path: Path) -> None:
    text = _minimal(abuse='urgency = "high"\nphrases = ["... hits me"]')
    with pytest.raises(LexiconError, match=r"\[abuse\] phrases: entry 1 .* cannot start or end"):
        _load(tmp_path, text)


def test_a_missing_category_is_named(tmp_path: Path) -> None:
    text = _minimal().replace('[bullying]\nurgency = "medium"\nphrases = ["bullying words"]', "")
    with pytest.raises(LexiconError, match=r"\[bullying\]: missing"):
        _load(tmp_path, text)


def test_phrases_that_are_not_a_list_of_text_are_refused(tmp_path: Path) -> None:
    text = _minimal(missing='urgency = "high"\nphrases = "run away"')
    with pytest.raises(LexiconError, match=r"\[missing\] phrases: must be a list"):
        _load(tmp_path, text)


def test_a_misspelt_setting_in_a_category_is_named(tmp_path: Path) -> None:
    text = _minimal(missing='urgency = "high"\nphrase = ["run away"]')
    with pytest.raises(LexiconError, match=r"\[missing\]: unknown phrase; use only"):
        _load(tmp_path, text)


def test_a_missing_cue_list_is_named(tmp_path: Path) -> None:
    text = _minimal().replace("hyperbole = []\n", "")
    with pytest.raises(LexiconError, match=r"\[cues\]: hyperbole is missing"):
        _load(tmp_path, text)


def test_a_file_that_is_not_toml_or_not_there_is_named(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not valid TOML"):
        _load(tmp_path, '[suicide\nurgency = "high"')
    with pytest.raises(LexiconError, match="cannot read the lexicon"):
        load_lexicon(tmp_path / "elsewhere")


# The bulk check ------------------------------------------------------------------------------


def test_scan_writes_one_compact_json_verdict_per_line(lexicon: Lexicon) -> None:
    # The lexicon alone (no learned layer): sure is an alert, unsure a question.
    out = io.StringIO()
    lines = ["i want to kill myself\n", "\n", "my phone is dead\n", "kms lol"]
    assert scan(lines, out, lexicon, None) == 2
    assert out.getvalue().splitlines() == [
        '{"action":"alert","concern":true,"category":"suicide","urgency":"high"}',
        '{"action":"none","concern":false,"category":null,"urgency":null}',
        '{"action":"none","concern":false,"category":null,"urgency":null}',
        '{"action":"ask","concern":true,"category":"suicide","urgency":"low"}',
    ]
    assert all(isinstance(json.loads(line), dict) for line in out.getvalue().splitlines())


# The labelled set ----------------------------------------------------------------------------


def test_the_labelled_examples_are_well_formed_and_cover_every_learned_category() -> None:
    examples = load_examples()
    assert len(examples) >= 3000
    assert {e.category for e in examples if e.worry} == {c.value for c in LEARNED_CATEGORIES}
    assert all(e.category == "none" for e in examples if not e.worry)
    worries = sum(1 for e in examples if e.worry)
    assert 0.35 < worries / len(examples) < 0.65


def test_the_lexicon_alone_still_hears_most_of_the_lines_it_was_tuned_on(
    lexicon: Lexicon,
) -> None:
    # A guard against a lexicon change that loses ground on the project's first labelled set
    # (issues 5 and 9), which the lexicon was tuned on. Never relabel a line to pass it.
    examples = [e for e in load_examples() if e.where.startswith("project.tsv")]
    flagged = [(e.worry, detect(e.text, lexicon) is not None) for e in examples]
    worries = [found for worry, found in flagged if worry]
    nones = [found for worry, found in flagged if not worry]
    assert sum(worries) / len(worries) >= 0.95
    assert sum(nones) / len(nones) <= 0.10


@pytest.mark.parametrize(
    ("text", "harm"),
    [
        ("my mate is being made to sell", C.CRIMINAL_EXPLOITATION),
        ("my friend ran away from home", C.MISSING),
        ("i want to die", C.SUICIDE),
    ],
)
def test_a_worry_for_a_friend_still_says_what_the_worry_is(
    lexicon: Lexicon, text: str, harm: Category
) -> None:
    found = detect(text, lexicon)
    assert found is not None
    assert found.harm is harm


def test_a_lexicon_is_a_draft_until_someone_signs_it_off(tmp_path: Path) -> None:
    assert not _load(tmp_path, _minimal()).approved
    signed = (
        '[review]\nstatus = "approved"\nreviewed_by = "A. Clinician"\nreviewed_on = 2026-11-20\n'
    )
    assert _load(tmp_path, signed + _minimal()).approved


def test_approval_needs_a_reviewer_and_a_date(tmp_path: Path) -> None:
    unsigned = '[review]\nstatus = "approved"\n'
    with pytest.raises(LexiconError, match=r"\[review\]: status must be draft, or approved with"):
        _load(tmp_path, unsigned + _minimal())
