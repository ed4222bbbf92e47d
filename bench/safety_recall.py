"""How well the worrying-words detector hears worries in messages it was never trained on.

For each held-out batch in bench/heldout/ (or the files given), and beside it the lexicon alone
measured in the same run, it prints:
- recall of alert-or-ask: worries the detector acts on (an alert, or the "Are you OK?" check)
  out of the worries labelled; overall and per category;
- the alert rate and the ask rate on the negatives (messages labelled none);
- the time per message (p50 and p99, the hybrid detector, one process).

It refuses to run while a batch line is a near-duplicate of a training line in
content/safety/examples/ (the same words, or most of them): a copy would flatter recall.

Misses and false alarms are listed by line, without their words unless --show-text (test data
written for the project, so stdout is fine; never put a real young person's message in a batch).

Run from the project root:
    .venv/bin/python bench/safety_recall.py [--show-text] [FILE ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.content.safety_examples import (
    Example,
    ExamplesError,
    load_examples,
    near_duplicates,
    read_examples,
)
from bot.content.safety_lexicon import load_lexicon
from bot.content.safety_model import ModelError, load_model
from bot.domain.safety.detection import detect
from bot.domain.safety.hearing import Action, hear
from bot.domain.safety.lexicon import LexiconError

HELD_OUT = Path(__file__).resolve().parent / "heldout"


@dataclass(frozen=True)
class Result:
    example: Example
    action: Action
    lexicon_only: Action
    found: str


def share(count: int, total: int) -> str:
    return f"{count}/{total} = {count / total:.3f}" if total else "-"


def report(name: str, results: list[Result], *, show_text: bool) -> None:
    worries = [r for r in results if r.example.worry]
    nones = [r for r in results if not r.example.worry]
    heard = sum(1 for r in worries if r.action is not Action.NONE)
    heard_lexicon = sum(1 for r in worries if r.lexicon_only is not Action.NONE)
    alerts = sum(1 for r in nones if r.action is Action.ALERT)
    asks = sum(1 for r in nones if r.action is Action.ASK)
    lexicon_alarms = sum(1 for r in nones if r.lexicon_only is not Action.NONE)
    print(f"\n{name}: {len(worries)} worries, {len(nones)} none")
    print(f"  hybrid        recall (alert or ask) {share(heard, len(worries))}")
    print(f"                alerts on negatives   {share(alerts, len(nones))}")
    print(f"                asks on negatives     {share(asks, len(nones))}")
    print(f"  lexicon alone recall                {share(heard_lexicon, len(worries))}")
    print(f"                alarms on negatives   {share(lexicon_alarms, len(nones))}")
    print("  recall per category (hybrid; lexicon alone):")
    for category in sorted(Counter(r.example.category for r in worries)):
        rows = [r for r in worries if r.example.category == category]
        hit = sum(1 for r in rows if r.action is not Action.NONE)
        alone = sum(1 for r in rows if r.lexicon_only is not Action.NONE)
        print(f"    {category:<22} {share(hit, len(rows))}   {alone}/{len(rows)}")
    for title, rows in (
        ("misses", [r for r in worries if r.action is Action.NONE]),
        ("false alarms", [r for r in nones if r.action is not Action.NONE]),
    ):
        print(f"  {title} ({len(rows)}):")
        for row in rows:
            words = f"  {row.example.text!r}" if show_text else ""
            print(f"    {row.example.where}: {row.example.category}, {row.found}{words}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="held-out batches (default: all)")
    parser.add_argument("--show-text", action="store_true", help="print the words of each miss")
    args = parser.parse_args()
    files = args.files or sorted(HELD_OUT.glob("*.tsv"))
    try:
        lexicon, model = load_lexicon(), load_model()
        training = load_examples()
        batches = {path.name: read_examples(path, with_review=False) for path in files}
    except (LexiconError, ModelError, ExamplesError) as error:
        print(f"safety_recall: {error}", file=sys.stderr)
        return 2

    copies = [pair for batch in batches.values() for pair in near_duplicates(batch, training)]
    if copies:
        for held, trained in copies:
            print(f"{held} is a near-duplicate of the training line {trained}")
        print(f"refused: {len(copies)} near-duplicates; take them out of the training lines")
        return 2

    timings = []
    for name, batch in batches.items():
        results = []
        for example in batch:
            started = time.perf_counter()
            verdict = hear(example.text, lexicon, model)
            timings.append(time.perf_counter() - started)
            alone = detect(example.text, lexicon)
            lexicon_only = Action.NONE if alone is None else Action.ALERT
            found = (
                f"{verdict.action} {verdict.detection.category}"
                if verdict.detection is not None
                else "nothing"
            )
            results.append(Result(example, verdict.action, lexicon_only, found))
        report(name, results, show_text=args.show_text)
    if timings:
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        print(
            f"\ntime per message: p50 {statistics.median(timings) * 1000:.2f} ms, "
            f"p99 {p99 * 1000:.2f} ms ({len(timings)} messages, one process)"
        )
    print(f"model: {model.data_sha256[:12]}, asks at {model.ask_at:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
