"""How well the worrying-words detector does on the project's labelled messages.

Prints recall (concerns found / concerns labelled), the false-alarm rate (messages labelled
none that were flagged / messages labelled none), both for each section of the file, recall
per category, how often the category agreed with the label, and the time per message. Misses
and false alarms are listed by line number; add --show-text to print their words too (test
data, so stdout is fine; never put real young people's messages in the file).

Run from the project root:
    .venv/bin/python bench/safety_recall.py [--show-text] [--file other.tsv]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.content.safety_lexicon import load_lexicon
from bot.domain.safety.detection import Detection, detect
from bot.domain.safety.lexicon import Lexicon

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "safety_labelled.tsv"
SECTION = "# section:"


@dataclass(frozen=True)
class Example:
    line: int
    section: str
    concern: bool
    category: str
    text: str


@dataclass(frozen=True)
class Result:
    example: Example
    found: Detection | None


def read_labelled(path: Path) -> list[Example]:
    examples = []
    section = "all"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.startswith(SECTION):
            section = raw.removeprefix(SECTION).split(":")[0].strip()
        if not raw.strip() or raw.startswith("#"):
            continue
        label, category, text = raw.split("\t", 2)
        if label not in ("concern", "none"):
            raise SystemExit(f"{path}:{number}: label must be concern or none, not {label!r}")
        text = text.replace("\\n", "\n")
        examples.append(Example(number, section, label == "concern", category, text))
    return examples


def describe(found: Detection | None) -> str:
    if found is None:
        return "nothing"
    return f"{found.category} {found.urgency}{'' if found.sure else ' (ask)'}"


def rates(results: list[Result]) -> str:
    concerns = [r for r in results if r.example.concern]
    nones = [r for r in results if not r.example.concern]
    found = sum(1 for r in concerns if r.found is not None)
    alarms = sum(1 for r in nones if r.found is not None)
    recall = f"{found}/{len(concerns)} = {found / len(concerns):.3f}" if concerns else "-"
    false = f"{alarms}/{len(nones)} = {alarms / len(nones):.3f}" if nones else "-"
    return f"recall {recall}   false alarms {false}"


def timing(examples: list[Example], lexicon: Lexicon) -> str:
    started = time.perf_counter()
    for _ in range(5):
        for example in examples:
            detect(example.text, lexicon)
    per_message = (time.perf_counter() - started) / (5 * len(examples)) * 1e6
    return f"{per_message:.0f} us per message (mean of 5 passes)"


def print_lists(results: list[Result], name: str, *, show_text: bool) -> None:
    misses = [r for r in results if r.example.concern and r.found is None]
    alarms = [r for r in results if not r.example.concern and r.found is not None]
    other = [
        r
        for r in results
        if r.example.concern and r.found is not None and r.found.category != r.example.category
    ]
    for title, rows in (
        ("misses", misses),
        ("false alarms", alarms),
        ("found with another category", other),
    ):
        print(f"\n{title} ({len(rows)}), by line of {name}:")
        for row in rows:
            words = f"  {row.example.text!r}" if show_text else ""
            print(
                f"  line {row.example.line}: labelled {row.example.category or 'none'}, "
                f"found {describe(row.found)}{words}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--show-text", action="store_true", help="print the words of each miss")
    parser.add_argument("--file", type=Path, default=LABELLED, help="another labelled .tsv")
    args = parser.parse_args()

    started = time.perf_counter()
    lexicon = load_lexicon()
    load_ms = (time.perf_counter() - started) * 1000
    examples = read_labelled(args.file)
    results = [Result(example, detect(example.text, lexicon)) for example in examples]

    concerns = [r for r in results if r.example.concern]
    print(f"{args.file.name}: {len(concerns)} concerns, {len(results) - len(concerns)} none")
    print(f"  all           {rates(results)}")
    for section in dict.fromkeys(e.section for e in examples if e.section != "all"):
        print(f"  {section:<13} {rates([r for r in results if r.example.section == section])}")
    found = [r for r in concerns if r.found is not None]
    same = sum(1 for r in found if r.found and r.found.category == r.example.category)
    asked = sum(1 for r in found if r.found and not r.found.sure)
    print(f"category agrees with the label: {same}/{len(found)} of the concerns found")
    print(f"found but not sure (ask the young person first): {asked}/{len(found)}")
    print(f"time: {timing(examples, lexicon)}; lexicon load {load_ms:.0f} ms")

    print("\nrecall per category (found as any concern; found with this category):")
    for category in sorted(Counter(r.example.category for r in concerns)):
        rows = [r for r in concerns if r.example.category == category]
        hit = sum(1 for r in rows if r.found is not None)
        agree = sum(1 for r in rows if r.found and r.found.category == category)
        print(f"  {category:<13} {hit:>3}/{len(rows):<3} = {hit / len(rows):.2f}   agree {agree}")

    print_lists(results, args.file.name, show_text=args.show_text)


if __name__ == "__main__":
    main()
