"""Validation of Bot API calls against the machine-readable description ``api.json``: each
method's parameters, and inside them every object the description defines (its fields, the
subtype a union such as BotCommandScope names by ``type``, and the limits the description
states in words: "1-32 characters", "At most 100 commands", "must be chat")."""

from __future__ import annotations

import json
import os
import re
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


_LENGTH = re.compile(r"\b(\d+)-(\d+) characters\b")
_AT_MOST = re.compile(r"\bAt most (\d+)\b")
_MUST_BE = re.compile(r"\bmust be ([a-z_]+)$")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One parameter of a Bot API method, or one field of an object."""

    name: str
    types: tuple[str, ...]
    required: bool
    # The limits the description states in words, where it states them.
    length: tuple[int, int] | None = None
    at_most: int | None = None
    must_be: str | None = None

    @classmethod
    def read(cls, raw: Mapping[str, Any]) -> FieldSpec:
        """One field as ``api.json`` describes it."""
        text = str(raw.get("description", ""))
        length, at_most, must_be = (
            _LENGTH.search(text),
            _AT_MOST.search(text),
            _MUST_BE.search(text),
        )
        return cls(
            name=raw["name"],
            types=tuple(raw["types"]),
            required=bool(raw["required"]),
            length=(int(length.group(1)), int(length.group(2))) if length else None,
            at_most=int(at_most.group(1)) if at_most else None,
            must_be=must_be.group(1) if must_be else None,
        )

    def limits(self, value: Any) -> str | None:
        """What breaks the limits stated in words, or None."""
        if self.must_be is not None and value != self.must_be:
            return f"must be {self.must_be!r}, got {_preview(value)}"
        if self.length is not None and isinstance(value, str):
            low, high = self.length
            if not low <= len(value) <= high:
                return f"must be {low}-{high} characters, got {len(value)}"
        if self.at_most is not None and isinstance(value, list) and len(value) > self.at_most:
            return f"at most {self.at_most} items, got {len(value)}"
        return None


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """One object type: its fields, or the subtypes it stands for (a union)."""

    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...] = ()


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

    def __init__(
        self,
        methods: Mapping[str, MethodSpec],
        *,
        version: str = "",
        types: Mapping[str, TypeSpec] | None = None,
    ) -> None:
        self.methods: Mapping[str, MethodSpec] = dict(methods)
        self.types: Mapping[str, TypeSpec] = dict(types or {})
        self.version = version
        self._by_lower_name = {name.lower(): name for name in self.methods}

    @classmethod
    def load(cls, path: Path) -> BotApiSpec:
        """Read an ``api.json`` file in the PaulSonOfLars/telegram-bot-api-spec format."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        methods = {
            name: MethodSpec(
                name=name,
                fields={field["name"]: FieldSpec.read(field) for field in body.get("fields", [])},
            )
            for name, body in raw["methods"].items()
        }
        types = {
            name: TypeSpec(
                name=name,
                fields={field["name"]: FieldSpec.read(field) for field in body.get("fields", [])},
                subtypes=tuple(body.get("subtypes", [])),
            )
            for name, body in raw.get("types", {}).items()
        }
        return cls(methods, version=str(raw.get("version", "")), types=types)

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
            else:
                problems += [f"{method}: {p}" for p in self._field_problems(name, field, value)]
        return problems

    def _field_problems(self, path: str, field: FieldSpec, value: Any) -> list[str]:
        """What is wrong with a value whose shape fits: its stated limits, and inside it any
        object the description defines (one of a field's types has to fit entirely)."""
        broken = field.limits(value)
        if broken is not None:
            return [f"field '{path}' {broken}"]
        best: list[str] | None = None
        for type_name in field.types:
            if not value_matches(value, type_name):
                continue
            found = self._value_problems(path, type_name, value)
            if not found:
                return []
            best = found if best is None else best
        return best or []

    def _value_problems(self, path: str, type_name: str, value: Any) -> list[str]:
        if type_name.startswith(_ARRAY_PREFIX):
            element = type_name.removeprefix(_ARRAY_PREFIX)
            return [
                problem
                for index, item in enumerate(value)
                for problem in self._value_problems(f"{path}[{index}]", element, item)
            ]
        spec = self.types.get(type_name)
        if spec is None or not isinstance(value, dict):
            return []
        if spec.subtypes:
            tried = [self._value_problems(path, subtype, value) for subtype in spec.subtypes]
            fits = [found for found in tried if not found]
            return [] if fits else [f"field '{path}' is no kind of {type_name}"]
        return self._object_problems(path, spec, value)

    def _object_problems(self, path: str, spec: TypeSpec, value: Mapping[str, Any]) -> list[str]:
        problems = [
            f"field '{path}.{name}' is missing ({spec.name})"
            for name, field in spec.fields.items()
            if field.required and name not in value
        ]
        for name, item in value.items():
            field = spec.fields.get(name)
            if field is None:
                problems.append(f"field '{path}.{name}' is not a field of {spec.name}")
            elif not any(value_matches(item, type_name) for type_name in field.types):
                problems.append(
                    f"field '{path}.{name}' should be {' or '.join(field.types)}, "
                    f"got {_preview(item)}"
                )
            else:
                problems += self._field_problems(f"{path}.{name}", field, item)
        return problems


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
