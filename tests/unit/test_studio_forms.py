"""The content studio's editor form read into a would-be version and a preview profile
(bot.adapters.web.studio_forms): what the check, the preview, saving and approving all read."""

from __future__ import annotations

from bot.adapters.web.studio_forms import read_draft, read_options, read_swaps
from bot.domain.profiles import DEFAULT_MAX_SENTENCES, Level


def test_an_english_draft_takes_its_pictures_a_line_each_and_its_buttons_in_order() -> None:
    form = {
        "easy": "Hi {name}.\r\nWhat now?\r\n",
        "standard": "  ",
        "symbols": "👋\r\n\r\n❓ ",
        "button_1": "worried",
        "button_2": "talk",
        "button_3": "",
    }
    draft = read_draft(form, "home", "en")
    assert draft.easy == "Hi {name}.\nWhat now?"
    assert draft.standard is None
    assert draft.symbols == ("👋", "❓")
    assert draft.buttons == ("worried", "talk")


def test_a_form_without_button_fields_leaves_the_buttons_as_they_are() -> None:
    assert read_draft({"easy": "Hi."}, "welcome", "en").buttons is None


def test_a_translation_carries_no_pictures_or_buttons_of_its_own() -> None:
    form = {"easy": "مرحبًا", "symbols": "👋", "button_1": "talk"}
    draft = read_draft(form, "welcome", "ar")
    assert (draft.easy, draft.symbols, draft.buttons) == ("مرحبًا", (), None)


def test_word_swaps_are_read_one_a_line_and_half_written_ones_are_left_out() -> None:
    assert read_swaps("goal = plan\nworker=Jo's job\n= nothing\nsession =\nno equals") == {
        "goal": "plan",
        "worker": "Jo's job",
    }


def test_preview_options_fall_back_to_defaults_for_anything_not_understood() -> None:
    options = read_options(
        {"preview_language": "xx", "preview_level": "hard", "preview_sentences": "99"},
        ["en", "ar"],
        "ar",
    )
    assert (options.language, options.level, options.sentences) == (
        "ar",
        Level.EASY,
        DEFAULT_MAX_SENTENCES,
    )
    # A form that never showed the options: pictures on, as the editor opens.
    assert options.pictures


def test_an_unticked_pictures_box_on_the_form_means_no_pictures() -> None:
    form = {"preview_shown": "yes", "preview_level": "standard", "preview_sentences": "1"}
    options = read_options(form, ["en"], "en")
    profile = options.profile()
    assert (profile.symbols, profile.level, profile.max_sentences) == (False, Level.STANDARD, 1)
    ticked = read_options(
        {**form, "preview_pictures": "on", "preview_swaps": "goal = plan"}, ["en"], "en"
    )
    assert ticked.profile().symbols
    assert ticked.profile().swaps == {"goal": "plan"}
