"""Decoding Bot API requests exactly as python-telegram-bot encodes them.

Every parameter travels as one form field: strings raw, everything else JSON-encoded. Which is
which can only be told from the declared types of the field, so decoding takes a type lookup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from bot.devtools.bot_api_spec import UploadedFile, value_matches

TypeLookup = Callable[[str], tuple[str, ...] | None]
RawValue = str | UploadedFile

# Without a spec these fields must never be guessed into numbers or booleans ("42", "true").
KNOWN_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_data",
        "callback_query_id",
        "data",
        "query",
        "title",
        "description",
        "parse_mode",
        "url",
        "first_name",
        "last_name",
        "username",
        "question",
        "emoji",
        "action",
        "language_code",
        "secret_token",
        "inline_message_id",
        "file_id",
        "business_connection_id",
    }
)


class MalformedRequestError(ValueError):
    """The request body could not be decoded at all."""


def parse_body(content_type: str, body: bytes, query: str = "") -> dict[str, Any]:
    """Split a request into raw fields (``str`` or :class:`UploadedFile`; JSON bodies: values)."""
    fields: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return fields
    if media_type == "application/json":
        fields.update(_parse_json_object(body))
    elif media_type == "multipart/form-data":
        fields.update(_parse_multipart(content_type, body))
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedRequestError("request body is not UTF-8") from exc
        fields.update(parse_qsl(text, keep_blank_values=True))
    return fields


def _parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError as exc:
        raise MalformedRequestError("can't parse JSON body") from exc
    if not isinstance(parsed, dict):
        raise MalformedRequestError("JSON body must be an object")
    return parsed


def _parse_multipart(content_type: str, body: bytes) -> dict[str, RawValue]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise MalformedRequestError("can't parse multipart body")
    fields: dict[str, RawValue] = {}
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode(part.get_content_charset() or "utf-8")
        else:
            fields[name] = UploadedFile(filename, part.get_content_type(), data)
    return fields


def decode_value(raw: str, types: tuple[str, ...] | None, *, name: str = "") -> Any:
    """Turn one form value back into the Python value the client JSON-encoded (or kept raw)."""
    if types is None:
        return _guess_value(raw, name)
    other_types = [type_name for type_name in types if type_name != "String"]
    if not other_types:
        return raw
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    if "String" in types and not any(value_matches(parsed, t) for t in other_types):
        return raw
    return parsed


def _guess_value(raw: str, name: str) -> Any:
    if name in KNOWN_STRING_FIELDS or not _looks_like_json(raw):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _looks_like_json(raw: str) -> bool:
    stripped = raw.strip()
    if stripped in {"true", "false", "null"}:
        return True
    return bool(stripped) and (stripped[0] in "{[-" or stripped[0].isdigit())


def decode_params(fields: Mapping[str, Any], types_of: TypeLookup | None) -> dict[str, Any]:
    """Decode every string field of a form; uploaded files and JSON-body values pass through."""
    decoded: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            decoded[name] = decode_value(value, types_of(name) if types_of else None, name=name)
        else:
            decoded[name] = value
    return decoded


def read_chunked(read_line: Callable[[], bytes], read: Callable[[int], bytes]) -> bytes:
    """Read a ``Transfer-Encoding: chunked`` body (httpx streams file handles that way)."""
    chunks: list[bytes] = []
    while True:
        size_line = read_line().split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError as exc:
            raise MalformedRequestError("bad chunk size") from exc
        if size == 0:
            while read_line().strip():
                pass
            return b"".join(chunks)
        chunks.append(read(size))
        read_line()


def to_jsonable(value: Any) -> Any:
    """Make recorded parameters JSON-serialisable (uploaded files become a short summary)."""
    if isinstance(value, UploadedFile):
        return {
            "filename": value.filename,
            "content_type": value.content_type,
            "size": len(value.data),
        }
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value
