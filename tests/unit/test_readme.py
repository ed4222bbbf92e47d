"""The README's two commands stay true: CI runs the very same test command."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def _commands() -> list[str]:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", readme)


def test_the_readme_has_a_start_command_and_a_test_command() -> None:
    start, test = _commands()[:2]
    assert start.endswith("waypoint run")
    assert test.endswith("pytest")


def test_ci_runs_the_readmes_test_command_exactly() -> None:
    test = _commands()[1]
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
