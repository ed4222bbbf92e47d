"""`waypoint content extract` keeps a changed message's own old translation as a guess for
review, and never hands a new message another message's translation (bot.content.extract)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.content.extract import update_translations

OLD = {
    "a": ("See you on Tuesday at 4 o'clock.", "أراك يوم الثلاثاء الساعة 4."),
    "b": ("Jo will call you on Friday.", "سيتصل بك جو يوم الجمعة."),
}


def _messages(folder: Path, english: dict[str, str]) -> None:
    body = "".join(
        f'[{key}]\n[{key}.en]\neasy = "{text}"\nsymbols = ["📅"]\n'
        for key, text in english.items()
    )
    (folder / "messages").mkdir(exist_ok=True)
    (folder / "messages" / "m.toml").write_text(body, encoding="utf-8")


def _content(tmp_path: Path) -> Path:
    """A content folder whose Arabic .po translates a and b, both checked (not fuzzy)."""
    _messages(tmp_path, {key: english for key, (english, _) in OLD.items()})
    catalog = Catalog(locale="ar", domain="waypoint")
    for key, (english, arabic) in OLD.items():
        catalog.add(english, arabic, context=f"{key}|easy")
    po = tmp_path / "locale" / "ar" / "LC_MESSAGES" / "waypoint.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return tmp_path


def _arabic(folder: Path) -> dict[str, tuple[str, bool]]:
    """(translation, fuzzy) by message id, as the updated .po holds them."""
    po = folder / "locale" / "ar" / "LC_MESSAGES" / "waypoint.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="ar")
    return {
        str(m.context).split("|")[0]: (str(m.string), m.fuzzy)
        for m in catalog
        if m.id and m.context
    }


def test_changed_english_keeps_its_own_old_translation_as_a_guess_to_check(
    tmp_path: Path,
) -> None:
    folder = _content(tmp_path)
    _messages(folder, {"a": "See you on Tuesday at 5 o'clock.", "b": OLD["b"][0]})
    update_translations(folder)
    found = _arabic(folder)
    assert found["a"] == (OLD["a"][1], True)
    assert found["b"] == (OLD["b"][1], False)


def test_a_new_message_never_takes_another_messages_translation(tmp_path: Path) -> None:
    folder = _content(tmp_path)
    english = {key: text for key, (text, _) in OLD.items()}
    _messages(folder, {**english, "c": "Jo will call you on Friday!"})
    update_translations(folder)
    found = _arabic(folder)
    assert found["c"] == ("", False)
    assert found["b"] == (OLD["b"][1], False)
