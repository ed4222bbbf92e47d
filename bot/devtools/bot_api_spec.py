"""Coarse validation of Bot API calls against the machine-readable description ``api.json``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_ENV_VAR = "WAYPOINT_BOT_API_SPEC"
_ARRAY_PREFIX = "Array of "


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a ``multipart/form-data`` request (what the API calls an InputFile)."""

    filename: str
    content_type: str
    data: bytes


_SCALAR_TYPES: dict[str, type | tuple[type, ...]] = {
    "Integer": int,
    "Float": (int, float),
    "Boolean": bool,
    "String": str,
    "InputFile": (UploadedFile, str),
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One parameter of a Bot API method."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One Bot API method and its parameters, keyed by name."""

    name: str
    fields: Mapping[str, FieldSpec]


def value_matches(value: Any, type_name: str) -> bool:
    """Tell whether an already decoded value fits one type name from ``api.json``."""
    if type_name.startswith(_ARRAY_PREFIX):
        element_type = type_name.removeprefix(_ARRAY_PREFIX)
        return isinstance(value, list) and all(value_matches(item, element_type) for item in value)
    if isinstance(value, bool):
        return type_name == "Boolean"
    # Object types (and unions of them) are checked only for shape, not field by field.
    return isinstance(value, _SCALAR_TYPES.get(type_name, dict))


def _strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)


def _attached_names(params: Mapping[str, Any]) -> set[str]:
    # Media inside JSON refers to extra multipart parts as attach://<part name>.
    return {
        text.removeprefix("attach://")
        for text in _strings_in(list(params.values()))
        if text.startswith("attach://")
    }


class BotApiSpec:
    """The Bot API methods and their parameters, as described by ``api.json``."""

    def __init__(self, methods: Mapping[str, MethodSpec], *, version: str = "") -> None:
        self.methods: Mapping[str, MethodSpec] = dict(methods)
        self.version = version
        self._by_lower_name = {name.lower(): name for name in self.methods}

    @classmethod
    def load(cls, path: Path) -> BotApiSpec:
        """Read an ``api.json`` file in the PaulSonOfLars/telegram-bot-api-spec format."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        methods = {
            name: MethodSpec(
                name=name,
                fields={
                    field["name"]: FieldSpec(
                        name=field["name"],
                        types=tuple(field["types"]),
                        required=bool(field["required"]),
                    )
                    for field in body.get("fields", [])
                },
            )
            for name, body in raw["methods"].items()
        }
        return cls(methods, version=str(raw.get("version", "")))

    @classmethod
    def default_path(cls) -> Path:
        """Where the spec is looked for: ``$WAYPOINT_BOT_API_SPEC`` or the shared folder."""
        configured = os.environ.get(SPEC_ENV_VAR)
        if configured:
            return Path(configured)
        project_root = Path(__file__).resolve().parents[2]
        return project_root.parent / "shared" / "telegram-bot-api" / "api.json"

    @classmethod
    def find_default(cls) -> BotApiSpec | None:
        """Load the spec from :meth:`default_path`, or return None when there is none."""
        path = cls.default_path()
        return cls.load(path) if path.is_file() else None

    def canonical_name(self, method: str) -> str | None:
        """Return the spelling used by the spec, since the Bot API ignores the case of methods."""
        return self._by_lower_name.get(method.lower())

    def field_types(self, method: str, field: str) -> tuple[str, ...] | None:
        """Return the declared types of one parameter, or None when the spec does not know it."""
        method_spec = self.methods.get(method)
        if method_spec is None or field not in method_spec.fields:
            return None
        return method_spec.fields[field].types

    def check(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """List what is wrong with a call whose parameters are already decoded."""
        method_spec = self.methods.get(method)
        if method_spec is None:
            return [f"{method}: unknown method"]
        problems = [
            f"{method}: missing required field '{field.name}'"
            for field in method_spec.fields.values()
            if field.required and field.name not in params
        ]
        attached = _attached_names(params)
        for name, value in params.items():
            field = method_spec.fields.get(name)
            if field is None:
                if not (isinstance(value, UploadedFile) and name in attached):
                    problems.append(f"{method}: unknown field '{name}'")
            elif not any(value_matches(value, type_name) for type_name in field.types):
                problems.append(
                    f"{method}: field '{name}' should be {' or '.join(field.types)}, "
                    f"got {type(value).__name__} {_preview(value)}"
                )
        return problems


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
