"""`waypoint safety train`: build the learned layer from the labelled examples, reproducibly.

What it learns from:
- the labelled examples in `content/safety/examples/` (approved lines only, unless `--drafts`:
  a model built from drafts is marked draft, and a draft is used only where draft content is
  allowed, as with the lexicon);
- openly licensed everyday text as negatives (GoEmotions, Apache-2.0, from
  `../shared/data/safety/`), after dropping every line the lexicon or a list of risk words
  finds: Reddit comments mention harm in passing, and a worry labelled "none" would teach the
  model to miss it. None of that text is kept: the model file holds numbers only.

How: TF-IDF features (`bot.domain.safety.learned.features`) and a multinomial logistic
regression, fixed seed. The threshold to ask is chosen by 5-fold cross-validation on the
training data, never on a held-out batch: the lowest at which, out of fold, at most
`TOTAL_ASKS` of the labelled negatives would be asked about (by the model or the lexicon's
unsure matches). Multinomial over the categories did better than worry-or-not there (when
chosen, on 4,000 lines at 8% asks: recall 0.903 against 0.886), so it stays. The file records
the SHA-256 of
everything it was built from; `--check` rebuilds in memory and says whether the committed file
is what this command builds.

scikit-learn is needed here only (`pip install -e '.[train]'`); Waypoint itself reads the file
in plain Python.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.safety_examples import Example, load_examples
from bot.content.safety_lexicon import load_lexicon
from bot.content.safety_model import FORMAT, model_path
from bot.domain.safety.detection import detect
from bot.domain.safety.learned import LEARNED_CATEGORIES, NONE, features
from bot.domain.safety.lexicon import Lexicon
from bot.paths import project_folder

SEED = 14
# Everyday lines taken as negatives, after filtering; and their weight beside a labelled line.
EVERYDAY_LINES = 6000
EVERYDAY_WEIGHT = 0.5
C = 10.0
MIN_DF = 2
# The most frequent features only: the file stays about a megabyte, and reads fast.
MAX_FEATURES = 20000
FOLDS = 5
# Out of fold, the young person may be asked "Are you OK?" about this share of the labelled
# negatives, the lexicon's questions included. The labelled negatives are everyday talk chosen
# to share words with worries: at 9% here, held-out batches A to D (bench/heldout/README.md)
# were asked about 2% to 4% of their negatives, against an aim of at most 10%.
TOTAL_ASKS = 0.12
# Weights are kept as whole thousandths: the same file on every machine, and a small one.
SCALE = 1000
# How far the threshold to ask may be from the committed one and still be the same model.
ASK_AT_TOLERANCE = 0.01
# Bump when `features` changes: the file must be rebuilt.
FEATURES_VERSION = 1
_RISK = re.compile(
    r"kill|die\b|dying|dead|death|suicid|cut|hurt|harm|abus|rape|drug|drunk|alcohol|weed|"
    r"cocaine|overdos|pill|tablet|starv|anorex|bulim|eat|fat\b|weight|bully|harass|run away|"
    r"ran away|missing|gang|knife|stab|shoot|gun|sex|nude|porn|molest|beat|hit\b|hitting|"
    r"punch|depress|anxi|hate myself|worthless|hopeless|lonely|alone|cry|scared|afraid|"
    r"police|cops|jail|prison|abuse|groom|hang|bleed|blood|wrist|bridge|jump|pain|sick|"
    r"help|not ok|unsafe|danger|threat|violen|drink|smok|vape|high\b|stoned|lsd|mdma",
    re.IGNORECASE,
)


class TrainingError(Exception):
    """The model cannot be built as asked; the message says what to do."""


@dataclass(frozen=True)
class Built:
    """A model built: the file's data, and what cross-validation said about it."""

    data: dict[str, Any]
    cv_recall: float
    cv_asks: float
    examples: tuple[Example, ...] = ()
    heard: tuple[bool, ...] = ()  # out of fold, by the lexicon or the model at `ask_at`

    def per_category(self) -> dict[str, float]:
        """Out-of-fold recall for each category of worry."""
        totals: dict[str, list[int]] = {}
        for example, heard in zip(self.examples, self.heard, strict=True):
            if example.worry:
                counts = totals.setdefault(example.category, [0, 0])
                counts[0] += heard
                counts[1] += 1
        return {name: found / total for name, (found, total) in sorted(totals.items())}


def default_everyday() -> Path:
    """The openly licensed everyday text, in ../shared beside the project."""
    return project_folder("content").parent.parent / "shared/data/safety/goemotions_train.tsv"


def everyday_negatives(path: Path, lexicon: Lexicon) -> list[str]:
    """A fixed sample of everyday lines that neither the lexicon nor the risk words touch."""
    try:
        rows = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise TrainingError(
            f"cannot read the everyday text {path} ({type(error).__name__}): "
            "put ../shared beside the project, or pass --everyday FILE"
        ) from None
    kept = sorted(
        {
            text
            for row in rows
            if (text := row.split("\t", 1)[0].strip())
            and len(text) <= 200
            and not _RISK.search(text)
            and detect(text, lexicon) is None
        }
    )
    random.Random(SEED).shuffle(kept)  # noqa: S311 (a fixed sample, not a secret)
    return kept[:EVERYDAY_LINES]


def _fingerprint(examples: Sequence[Example], everyday: Sequence[str], drafts: bool) -> str:
    settings = [FEATURES_VERSION, SEED, EVERYDAY_WEIGHT, C, MIN_DF, MAX_FEATURES, FOLDS]
    settings += [TOTAL_ASKS, SCALE, drafts]
    lines = sorted(f"{e.label}\t{e.category}\t{e.text}" for e in examples)
    blob = json.dumps([settings, lines, list(everyday)], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def build(
    *, content: Path | None = None, everyday: Path | None = None, drafts: bool = False
) -> Built:
    """Train the model; the data for content/safety/model.json."""
    lexicon = load_lexicon(content)
    examples = [e for e in load_examples(content) if e.approved or drafts]
    if not examples:
        raise TrainingError(
            "no approved examples in content/safety/examples/: have them reviewed, or pass "
            "--drafts to build a draft model for the demo and trials"
        )
    negatives = everyday_negatives(everyday or default_everyday(), lexicon)
    texts = [e.text for e in examples] + negatives
    labels = [e.category for e in examples] + [NONE] * len(negatives)
    weights = [1.0] * len(examples) + [EVERYDAY_WEIGHT] * len(negatives)
    classes = [NONE, *(c.value for c in LEARNED_CATEGORIES)]
    missing = sorted(set(classes) - set(labels))
    if missing:
        raise TrainingError(f"no labelled examples of {', '.join(missing)}: write some first")
    fit = _fitter(texts, labels, weights)
    chances = _out_of_fold(fit, texts, labels, len(examples))
    ask_at, recall, asks, heard = _threshold(examples, chances, lexicon)
    rows, intercepts = exported(*fit(range(len(texts))), classes)
    data = {
        "about": "Built by `waypoint safety train` from content/safety/examples/ and everyday "
        "text; numbers only. Do not edit: change the examples and build it again.",
        "format": FORMAT,
        # Without --drafts only approved lines were read: the model is as approved as they are.
        "status": "draft" if drafts else "approved",
        "data_sha256": _fingerprint(examples, negatives, drafts),
        "built_with": {"drafts": drafts},
        "trained_on": {"examples": len(examples), "everyday": len(negatives)},
        "cross_validation": {"recall": round(recall, 3), "asks_on_negatives": round(asks, 3)},
        "ask_at": round(ask_at, 4),
        "classes": classes,
        "scale": SCALE,
        "intercepts": intercepts,
        "features": rows,
    }
    return Built(data, recall, asks, tuple(examples), heard)


_Fit = Callable[[Sequence[int]], tuple[Any, Any]]


def _fitter(texts: Sequence[str], labels: Sequence[str], weights: Sequence[float]) -> _Fit:
    """Fit the vectorizer and the model on some rows; scikit-learn is imported only here."""
    try:
        import numpy  # noqa: PLC0415
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    except ImportError:
        raise TrainingError(
            "training needs scikit-learn: pip install -e '.[train]' (Waypoint itself does not)"
        ) from None

    # Each line's features once: every fold's vectorizer is given line numbers, not lines.
    found = [features(text) for text in texts]

    def fit(rows: Sequence[int]) -> tuple[Any, Any]:
        vectorizer = TfidfVectorizer(
            analyzer=found.__getitem__,
            sublinear_tf=True,
            vocabulary=_vocabulary(found[i] for i in rows),
            dtype=numpy.float64,
        )
        matrix = vectorizer.fit_transform(list(rows))
        model = LogisticRegression(C=C, max_iter=3000, random_state=SEED)
        model.fit(matrix, [labels[i] for i in rows], sample_weight=[weights[i] for i in rows])
        return vectorizer, model

    return fit


def _vocabulary(lines: Iterable[list[str]]) -> dict[str, int]:
    """The features kept: in at least `MIN_DF` lines, the `MAX_FEATURES` most frequent, ties
    broken by name. scikit-learn's own `max_features` breaks ties in the order its sort
    leaves them, which differs between processors (NumPy sorts with AVX-512 where it can),
    and so did the committed file."""
    total: Counter[str] = Counter()
    lines_with: Counter[str] = Counter()
    for line in lines:
        total.update(line)
        lines_with.update(set(line))
    kept = sorted(
        (feature for feature, count in lines_with.items() if count >= MIN_DF),
        key=lambda feature: (-total[feature], feature),
    )[:MAX_FEATURES]
    return {feature: column for column, feature in enumerate(sorted(kept))}


def _out_of_fold(
    fit: _Fit, texts: Sequence[str], labels: Sequence[str], labelled: int
) -> list[float]:
    """Each labelled line's chance of a worry from a model that never saw it (the everyday
    lines, after the first `labelled`, train only)."""
    from sklearn.model_selection import StratifiedKFold  # noqa: PLC0415

    chances = [0.0] * labelled
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train_rows, test_rows in folds.split(texts, labels):
        vectorizer, model = fit(train_rows)
        tested = [i for i in test_rows if i < labelled]
        if not tested:
            continue
        found = model.predict_proba(vectorizer.transform(tested))
        none_at = list(model.classes_).index(NONE)
        for i, row in zip(tested, found, strict=True):
            chances[i] = 1.0 - float(row[none_at])
    return chances


def exported(vectorizer: Any, model: Any, classes: Sequence[str]) -> tuple[list[Any], list[int]]:
    """A fitted vectorizer and model as the file keeps them: per feature (sorted) its IDF and
    a weight per class, and an intercept per class, all in whole thousandths."""
    order = [list(model.classes_).index(name) for name in classes]
    rows: list[Any] = []
    for feature, column in sorted(vectorizer.vocabulary_.items()):
        per_class = [round(float(model.coef_[at][column]) * SCALE) for at in order]
        rows.append([feature, round(float(vectorizer.idf_[column]) * SCALE), *per_class])
    return rows, [round(float(model.intercept_[at]) * SCALE) for at in order]


def _threshold(
    examples: Sequence[Example], chances: Sequence[float], lexicon: Lexicon
) -> tuple[float, float, float, tuple[bool, ...]]:
    """The ask threshold; out-of-fold recall (lexicon or model) and asks on negatives there;
    and, per example, whether it was heard (alert or ask).

    The lowest threshold at which, out of fold, the labelled negatives the young person would
    be asked about (the lexicon unsure, or the model alone) stay within `TOTAL_ASKS`.
    """
    verdicts = [detect(example.text, lexicon) for example in examples]
    negatives = [
        (chance, found)
        for example, chance, found in zip(examples, chances, verdicts, strict=True)
        if not example.worry
    ]
    lexicon_asks = sum(1 for _, found in negatives if found is not None and not found.sure)
    quiet = sorted((chance for chance, found in negatives if found is None), reverse=True)
    room = max(0, math.floor(TOTAL_ASKS * len(negatives)) - lexicon_asks)
    # Just above the (room + 1)th highest chance among negatives the lexicon leaves alone.
    ask_at = quiet[room] + 1e-6 if room < len(quiet) else 0.05
    ask_at = min(max(ask_at, 0.05), 0.95)
    heard = tuple(
        chance >= ask_at or found is not None
        for chance, found in zip(chances, verdicts, strict=True)
    )
    worries = [was for example, was in zip(examples, heard, strict=True) if example.worry]
    asks = lexicon_asks + sum(1 for chance in quiet if chance >= ask_at)
    recall = sum(worries) / max(len(worries), 1)
    return ask_at, recall, asks / max(len(negatives), 1), heard


def write(data: dict[str, Any], path: Path) -> None:
    """The model file: one feature a line, so a rebuild's changes read as a diff."""
    head = {key: value for key, value in data.items() if key != "features"}
    body = ",\n".join(json.dumps(row, ensure_ascii=False) for row in data["features"])
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    path.write_text(f'{text},\n "features": [\n{body}\n]}}\n', encoding="utf-8")


def same_model(built: dict[str, Any], committed: dict[str, Any]) -> str | None:
    """None when the committed file is what the command builds; else what differs."""
    for key in ("format", "status", "data_sha256", "classes"):
        if built.get(key) != committed.get(key):
            return f"its {key} differs"
    # The threshold sits on one out-of-fold chance, which another processor's arithmetic
    # (OpenBLAS picks its kernels per CPU) moves by a few thousandths; a hundredth is a change.
    if abs(built["ask_at"] - committed.get("ask_at", -1)) > ASK_AT_TOLERANCE:
        return "its threshold to ask differs"
    ours = {row[0]: row[1:] for row in built["features"]}
    theirs = {row[0]: row[1:] for row in committed.get("features", [])}
    if ours.keys() != theirs.keys():
        return "its features differ"
    # Rounded to thousandths; a difference of one is floating point, not another model.
    for name, values in ours.items():
        if any(abs(a - b) > 1 for a, b in zip(values, theirs[name], strict=True)):
            return f"the weights of {name!r} differ"
    return None


def train(*, drafts: bool, check: bool, everyday: Path | None) -> int:
    """The command: build and write (or check) content/safety/model.json; the exit code."""
    path = model_path()
    if check:
        try:
            committed = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            sys.stdout.write(f"{path} cannot be read ({type(error).__name__})\n")
            return 1
        if not isinstance(committed, dict):
            sys.stdout.write(f"{path} is damaged: build it again with: waypoint safety train\n")
            return 1
        drafts = bool(committed.get("built_with", {}).get("drafts", False))
    built = build(everyday=everyday, drafts=drafts)
    if check:
        differs = same_model(built.data, committed)
        if differs:
            sys.stdout.write(
                f"{path} is not what `waypoint safety train` builds ({differs}): "
                f"run it{' with --drafts' if drafts else ''} and commit the file\n"
            )
            return 1
        sys.stdout.write(f"{path} is what `waypoint safety train` builds\n")
        return 0
    write(built.data, path)
    size = path.stat().st_size // 1024
    by_category = ", ".join(f"{name} {share:.2f}" for name, share in built.per_category().items())
    sys.stdout.write(
        f"wrote {path} ({size} KB, {built.data['status']}): trained on "
        f"{built.data['trained_on']['examples']} examples and "
        f"{built.data['trained_on']['everyday']} everyday lines; cross-validated recall "
        f"{built.cv_recall:.3f} with the lexicon, asks on negatives {built.cv_asks:.3f}; "
        f"asks at {built.data['ask_at']:.3f}\ncross-validated recall by category: {by_category}\n"
    )
    return 0
