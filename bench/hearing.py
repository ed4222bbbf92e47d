"""How long hearing one message takes with the messages before it, beside hearing every joined
text afresh (how it was done before each message was read once).

Usage, from the project root:

    .venv/bin/python bench/hearing.py [--calls N]

A young person's message is heard alone, then joined with the one, two and three before it
(bot.services.hearing.worry_in, with the shipped lexicon and learned model). For a short
message ("hello") and an ordinary sentence, each with 0 to 3 other messages before it, the script
prints the median of 5 runs of N calls (default 500) in microseconds: Waypoint's
`Detector.hear_with_earlier` and, in the same run, the baseline that hears each joined text
in full (`Detector.hear_each_joined`: `Detector.hear` on every window, the strongest kept).
Both give the same verdicts (tests/unit/test_hearing_windows.py). Words are read once per
lexicon and remembered, as in a running Waypoint, so after the first call every word here
has been seen before, by both.
It asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

from bot.entrypoints.bootstrap import safety_detector

MESSAGES = {
    "hello": "hello",
    "sentence": "i had a rubbish day at school and nobody talked to me at lunch",
}
# What came before it, newest last (the last one, two or three of these).
EARLIER = ["hey", "are you there", "it has been a long day and i am tired"]
RUNS = 5


def median_us(work: Callable[[], object], calls: int) -> float:
    """The median over RUNS runs of the time per call, in microseconds."""
    work()
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(calls):
            work()
        runs.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per run")
    args = parser.parse_args()
    detector = safety_detector(allow_drafts=True, serving=False)
    print(f"hearing: median of {RUNS} runs of {args.calls} calls, microseconds per message")
    print(f"  {'message':<10} {'before it':>9} {'Waypoint':>9} {'afresh':>9} {'ratio':>6}")
    for name, text in MESSAGES.items():
        for before in range(4):
            earlier = EARLIER[len(EARLIER) - before :]
            ours = median_us(partial(detector.hear_with_earlier, text, earlier), args.calls)
            theirs = median_us(partial(detector.hear_each_joined, text, earlier), args.calls)
            print(f"  {name:<10} {before:>9} {ours:>9.0f} {theirs:>9.0f} {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()
