"""Reading content/safety/lexicon.toml, the worrying words therapists and clinicians own."""

from __future__ import annotations

from pathlib import Path

from bot.content.messages import ContentError, read_toml
from bot.domain.safety.lexicon import Lexicon, LexiconError
from bot.paths import project_folder


def lexicon_path(folder: Path | None = None) -> Path:
    """`folder` may be the content folder, the folder holding lexicon.toml, or the file."""
    if folder is None:
        return project_folder("content") / "safety" / "lexicon.toml"
    if folder.is_file() or folder.suffix == ".toml":
        return folder
    if (folder / "lexicon.toml").is_file():
        return folder / "lexicon.toml"
    return folder / "safety" / "lexicon.toml"


def load_lexicon(folder: Path | None = None) -> Lexicon:
    """Read and check the lexicon; a mistake stops start-up with a message naming it."""
    path = lexicon_path(folder)
    try:
        data = read_toml(path, "the lexicon")
    except ContentError as error:
        raise LexiconError(str(error)) from None
    return Lexicon.from_toml(data, path)
