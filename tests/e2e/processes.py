"""Running the real `waypoint` command in a separate process, as a user's deployment does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def waypoint_command() -> list[str]:
    """The installed `waypoint` script, or the module when there is none."""
    script = Path(sys.executable).with_name("waypoint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.entrypoints.cli"]


def waypoint_env(**settings: str) -> dict[str, str]:
    """The environment without the developer's own settings, with these `WAYPOINT_*` ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYPOINT_")}
    # The project's wording is still a draft until its therapists approve it.
    env["WAYPOINT_ALLOW_DRAFT_CONTENT"] = "true"
    # `waypoint run` serves the staff console too: on a port of its own (0: any free one),
    # so instances started side by side never fight over the default 8081.
    env["WAYPOINT_CONSOLE_LISTEN"] = "127.0.0.1:0"
    env.update({f"WAYPOINT_{name.upper()}": value for name, value in settings.items()})
    return env


def run_waypoint(
    env: dict[str, str], cwd: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `waypoint ARGS` to completion."""
    return subprocess.run(
        [*waypoint_command(), *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def waypoint_output(env: dict[str, str], cwd: Path, *args: str) -> str:
    """Run `waypoint ARGS`, which must succeed; what it printed."""
    result = run_waypoint(env, cwd, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout
