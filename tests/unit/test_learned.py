"""The learned layer: its features, its plain-Python reading (the same numbers scikit-learn
gives), its file, the hybrid verdict, and the labelled examples' rules."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.content.safety_examples import (
    Example,
    ExamplesError,
    load_examples,
    near_duplicates,
    parse_line,
    read_examples,
)
from bot.content.safety_lexicon import load_lexicon
from bot.content.safety_model import ModelError, load_model, model_from_data
from bot.domain.safety.detection import detect
from bot.domain.safety.hearing import Action, hear
from bot.domain.safety.learned import NONE, Model, features, words_of
from bot.domain.safety.lexicon import Lexicon
from bot.domain.safety.worry import Category, Urgency
from bot.entrypoints import safety_training
from bot.entrypoints.safety_training import SCALE, exported

PROJECT = Path(__file__).resolve().parents[2]
HELD_OUT = PROJECT / "bench" / "heldout"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(PROJECT / "content")


# Features --------------------------------------------------------------------------------------


def test_a_message_is_read_casefolded_without_apostrophes_or_long_runs() -> None:
    assert words_of("I'M sooooo DONE 😭😭") == ["im", "soo", "done", "😭", "😭"]
    assert words_of("don\u2019t") == ["dont"]


def test_features_are_words_word_pairs_and_pieces_of_words() -> None:
    found = features("took pills")
    assert "w took" in found
    assert "b took pills" in found
    assert "c  pi" in found  # a word's start, with its boundary
    assert "c ills " in found
    # A misspelling still shares most of its pieces with the word.
    shared = set(features("paracetamol")) & set(features("paracetomol"))
    assert len(shared) > len(set(features("paracetamol"))) / 3


# The model reads as scikit-learn does ----------------------------------------------------------

_TRAIN = [
    ("i took a load of tablets", "self_harm"),
    ("i want to end it tonight", "self_harm"),
    ("i swallowed all my pills", "self_harm"),
    ("im on a train to leeds dont tell staff", "missing"),
    ("im not going back to the home", "missing"),
    ("i ran off last night and im at a mates", "missing"),
    ("whats for tea", NONE),
    ("staff took us to nandos", NONE),
    ("can i have my pocket money", NONE),
    ("took my tablets for my headache", NONE),
    ("the train to leeds was late", NONE),
    ("going back to college tomorrow", NONE),
]


def _trained() -> tuple[TfidfVectorizer, LogisticRegression, list[str]]:
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, dtype=numpy.float64)
    matrix = vectorizer.fit_transform([text for text, _ in _TRAIN])
    model = LogisticRegression(C=10.0, max_iter=1000, random_state=0)
    model.fit(matrix, [label for _, label in _TRAIN])
    return vectorizer, model, [NONE, "self_harm", "missing"]


def _model(ask_at: float = 0.5) -> Model:
    vectorizer, model, classes = _trained()
    rows, intercepts = exported(vectorizer, model, classes)
    data = {
        "format": 1,
        "status": "draft",
        "data_sha256": "test",
        "ask_at": ask_at,
        "classes": classes,
        "scale": SCALE,
        "intercepts": intercepts,
        "features": rows,
    }
    return model_from_data(data, "a test model")


@pytest.mark.parametrize(
    "text", ["took a load of pills tonight", "im on a coach dont tell staff", "whats for tea"]
)
def test_the_plain_python_reading_gives_scikit_learns_chances(text: str) -> None:
    vectorizer, model, _ = _trained()
    theirs = model.predict_proba(vectorizer.transform([text]))[0]
    none_at = list(model.classes_).index(NONE)
    ours = _model().guess(text)
    # The file keeps weights in thousandths; that is all the difference there may be.
    assert ours.worry == pytest.approx(1 - theirs[none_at], abs=0.01)
    chance = dict(zip(model.classes_, theirs, strict=True))
    best = max((c for c in model.classes_ if c != NONE), key=lambda c: chance[c])
    assert ours.category.value == best


# The hybrid verdict ----------------------------------------------------------------------------


def test_the_lexicon_sure_is_an_alert_and_unsure_is_a_question(lexicon: Lexicon) -> None:
    sure = hear("i want to kill myself", lexicon, _model())
    assert sure.action is Action.ALERT
    assert sure.detection is not None
    assert sure.detection.category is Category.SUICIDE
    joking = hear("kms lol", lexicon, _model())
    assert joking.action is Action.ASK


def test_words_only_the_model_hears_are_a_low_urgency_question(lexicon: Lexicon) -> None:
    text = "i swallowed the lot"
    assert detect(text, lexicon) is None
    heard = hear(text, lexicon, _model(ask_at=0.3))
    assert heard.action is Action.ASK
    assert heard.detection is not None
    assert (heard.detection.urgency, heard.detection.sure) == (Urgency.LOW, False)
    assert heard.detection.category in {Category.SELF_HARM, Category.HELP}
    assert heard.only_learned
    assert not hear("i want to kill myself", lexicon, _model()).only_learned
    # Above the model's threshold only: the same words under a stricter one are nothing.
    assert hear(text, lexicon, _model(ask_at=0.999)).action is Action.NONE
    assert hear(text, lexicon, None).action is Action.NONE


def test_everyday_words_are_nothing(lexicon: Lexicon) -> None:
    assert hear("staff took us to nandos", lexicon, _model()).action is Action.NONE


# The file --------------------------------------------------------------------------------------


def test_the_committed_model_loads_and_hears_the_issues_examples(lexicon: Lexicon) -> None:
    model = load_model(PROJECT / "content")
    assert 0.05 <= model.ask_at <= 0.95
    assert hear("im on a coach to birmingham dont tell staff", lexicon, model).action in {
        Action.ASK,
        Action.ALERT,
    }
    assert hear("staff took us to nandos", lexicon, model).action is Action.NONE


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "is missing"),
        ("{not json", "cannot be read"),
        ('{"format": 99}', "format 99"),
        ('{"format": 1, "classes": ["none"]}', "is damaged"),
        ("[]", "is damaged"),
    ],
)
def test_a_missing_or_damaged_model_file_says_to_build_it_again(
    tmp_path: Path, content: str | None, says: str
) -> None:
    (tmp_path / "safety").mkdir()
    if content is not None:
        (tmp_path / "safety" / "model.json").write_text(content)
    with pytest.raises(ModelError) as raised:
        load_model(tmp_path)
    assert says in str(raised.value)
    assert "waypoint safety train" in str(raised.value)
    assert "\n" not in str(raised.value)


# The labelled examples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("worry\tself_harm\tdraft", "4 tab-separated columns"),
        ("maybe\tself_harm\tdraft\ttext", "label must be"),
        ("worry\tsuicide\tdraft\ttext", "category must be one of"),
        ("none\tabuse\tdraft\ttext", "has the category -"),
        ("none\t-\tchecked\ttext", "review must be approved or draft"),
        ("none\t-\tdraft\t   ", "empty"),
    ],
)
def test_a_wrongly_written_example_names_its_line(line: str, says: str) -> None:
    with pytest.raises(ExamplesError) as raised:
        parse_line(line, "some.tsv:7")
    assert str(raised.value).startswith("some.tsv:7: ")
    assert says in str(raised.value)


def test_an_example_reads_its_line_breaks_and_review() -> None:
    example = parse_line("worry\thelp\tapproved\tim not ok\\nat all", "x.tsv:1")
    assert example == Example("im not ok\nat all", "worry", "help", True, "x.tsv:1")
    assert parse_line("# a note", "x.tsv:2") is None


def test_no_held_out_line_nearly_repeats_a_training_line() -> None:
    training = load_examples(PROJECT / "content")
    batches = sorted(HELD_OUT.glob("*.tsv"))
    assert len(batches) >= 2
    for batch in batches:
        lines = read_examples(batch, with_review=False)
        assert len(lines) == 200
        assert sum(1 for line in lines if line.worry) == 100
        assert near_duplicates(lines, training) == []


def test_the_near_duplicate_check_finds_a_copy_with_other_spelling() -> None:
    trained = [Example("i took a load of tablets last night", "worry", "self_harm", False, "t:1")]
    copied = [Example("I took a load of tablets last night!!", "worry", "self_harm", False, "b:1")]
    other = [Example("the tablets are in the kitchen", "none", NONE, False, "b:2")]
    assert near_duplicates(copied, trained) == [("b:1", "t:1")]
    assert near_duplicates(other, trained) == []


def test_the_committed_model_file_is_features_and_numbers_only() -> None:
    data = json.loads((PROJECT / "content" / "safety" / "model.json").read_text())
    assert set(data) == {
        "about", "format", "status", "data_sha256", "built_with", "trained_on",
        "cross_validation", "ask_at", "classes", "scale", "intercepts", "features",
    }  # fmt: skip
    for feature, *numbers in data["features"]:
        kind, _, piece = feature.partition(" ")
        # A word, two words, or a piece of 3 to 5 letters: never a whole message.
        assert kind in {"w", "b", "c"}, feature
        assert len(piece.split()) <= (2 if kind == "b" else 1), feature
        assert all(isinstance(number, int) for number in numbers), feature


# Training --------------------------------------------------------------------------------------


def test_training_keeps_the_most_frequent_features_and_breaks_ties_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(safety_training, "MAX_FEATURES", 3)
    lines = [["w b", "w a", "w c", "w d"], ["w d", "w c", "w b", "w a"], ["w e", "w c", "w e"]]
    # "w c" is in every line; "w a", "w b" and "w d" tie on two, and "w e" is in one only.
    assert safety_training._vocabulary(lines) == {"w a": 0, "w b": 1, "w c": 2}
    assert safety_training._vocabulary(reversed(lines)) == {"w a": 0, "w b": 1, "w c": 2}
