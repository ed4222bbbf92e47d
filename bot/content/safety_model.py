"""Reading content/safety/model.json, the learned layer `waypoint safety train` writes.

The file holds numbers only (features, their weights, the threshold to ask), never a labelled
line. A file that is missing, from another format or damaged is a `ModelError` that says what
to do: build it again with `waypoint safety train`.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from bot.domain.safety.learned import NONE, Model
from bot.domain.safety.worry import Category
from bot.paths import project_folder

FORMAT = 1
REBUILD = "build it again with: waypoint safety train"


class ModelError(Exception):
    """The learned layer's file cannot be used; the message says what to do."""


def model_path(folder: Path | None = None) -> Path:
    """The model file: in `folder` (the content folder), else the project's."""
    base = folder if folder is not None else project_folder("content")
    return base / "safety" / "model.json"


def model_from_data(data: dict[str, Any], where: str) -> Model:
    """A model from the file's JSON; a `ModelError` naming `where` if it is not one."""
    try:
        if data["format"] != FORMAT:
            raise ModelError(f"{where} is format {data['format']}, not {FORMAT}: {REBUILD}")
        classes = tuple(str(name) for name in data["classes"])
        if NONE not in classes:
            raise ModelError(f"{where} has no class {NONE!r}: {REBUILD}")
        for name in classes:
            if name != NONE:
                Category(name)  # an unknown category is a ValueError: damaged
        scale = float(data["scale"])
        weights = {
            str(feature): (idf / scale, tuple(w / scale for w in per_class))
            for feature, idf, *per_class in data["features"]
        }
        if any(len(per_class) != len(classes) for _, per_class in weights.values()):
            raise ModelError(f"{where} has weights that do not match its classes: {REBUILD}")
        return Model(
            classes=classes,
            weights=weights,
            intercepts=tuple(b / scale for b in data["intercepts"]),
            ask_at=float(data["ask_at"]),
            approved=data["status"] == "approved",
            data_sha256=str(data["data_sha256"]),
        )
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise ModelError(f"{where} is damaged ({type(error).__name__}): {REBUILD}") from None


def load_model(folder: Path | None = None) -> Model:
    """Read the learned layer; a `ModelError` with one line to act on if it cannot be used."""
    path = model_path(folder)
    try:
        seen = path.stat()
    except FileNotFoundError:
        raise ModelError(f"{path} is missing: {REBUILD}") from None
    except OSError as error:
        raise ModelError(f"{path} cannot be read ({type(error).__name__}): {REBUILD}") from None
    return _read(path, seen.st_mtime_ns, seen.st_size)


@functools.lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int, size: int) -> Model:
    """The file as a model, read once for as long as it is unchanged (every start-up in the
    test suite and each instance would otherwise parse the same megabyte again)."""
    del mtime_ns, size  # part of the cache key only
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{path} cannot be read ({type(error).__name__}): {REBUILD}") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path} is damaged: {REBUILD}")
    return model_from_data(data, str(path))
