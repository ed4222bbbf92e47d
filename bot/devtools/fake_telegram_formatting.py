"""Telegram-style HTML parse mode: plain text plus entities, or the error Telegram would give.

Only ``HTML`` is parsed; other parse modes pass the text through without entities.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

from bot.devtools.fake_telegram_world import utf16_length

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _entity_for(tag: str, attrs: dict[str, str | None]) -> dict[str, Any] | None:
    if tag in _SIMPLE_TAGS:
        return {"type": _SIMPLE_TAGS[tag]}
    if tag == "a":
        return {"type": "text_link", "url": attrs.get("href") or ""}
    if tag == "span" and attrs.get("class") == "tg-spoiler":
        return {"type": "spoiler"}
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id") or ""}
    return None


class _TelegramHtml(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self._line_starts.append(index + 1)
        self.text_parts: list[str] = []
        self.entities: list[dict[str, Any]] = []
        self._open: list[tuple[str, dict[str, Any] | None, int]] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self._source[:index].encode("utf-8"))

    def _position(self) -> int:
        return utf16_length("".join(self.text_parts))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        entity = _entity_for(tag, dict(attrs))
        if entity is None:
            raise ValueError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        if tag == "code" and self._open and self._open[-1][0] == "pre":
            language = dict(attrs).get("class") or ""
            pre_entity = self._open[-1][1]
            if pre_entity is not None and language.startswith("language-"):
                pre_entity["language"] = language.removeprefix("language-")
            entity = None
        self._open.append((tag, entity, self._position()))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            expected = f'"</{self._open[-1][0]}>"' if self._open else "no end tag"
            raise ValueError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected {expected}, found "</{tag}>"'
            )
        _, entity, start = self._open.pop()
        length = self._position() - start
        if entity is not None and length > 0:
            self.entities.append({**entity, "offset": start, "length": length})

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise ValueError(f"Unexpected end of name token at byte offset {self._byte_offset()}")
        self.text_parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.text_parts.append(_NAMED_REFERENCES.get(name, f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text_parts.append(html.unescape(f"&#{name};"))

    def finish(self) -> tuple[str, list[dict[str, Any]]]:
        self.close()
        if self._open:
            tag = self._open[-1][0]
            raise ValueError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.text_parts), self.entities


def render(text: str, parse_mode: str) -> tuple[str, list[dict[str, Any]]]:
    """Apply a parse mode; raises ValueError with Telegram's wording on malformed HTML."""
    if parse_mode.lower() != "html":
        return text, []
    parser = _TelegramHtml(text)
    parser.feed(text)
    return parser.finish()
