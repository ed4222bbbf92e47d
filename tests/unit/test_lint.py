"""The easy-read linter: each rule fires on a sentence that breaks it and stays quiet on one
that does not (rule ids from ../shared/research/domain.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.content.findings import Severity
from bot.content.lint import WordLists, lint_catalogue, lint_folder, lint_text, sentences
from bot.content.lint_rules import is_session_message, lint_session_text

LISTS = WordLists.load()
ARABIC = WordLists.load("ar")
PROJECT_CONTENT = Path(__file__).resolve().parents[2] / "content"
ARABIC_PO = "locale/ar/LC_MESSAGES/waypoint.po"

# rule, severity, a text that breaks it, a text that keeps it
CASES = [
    (
        "ER-1",
        "fail",
        "You can talk to Jo about anything that is on your mind at the hub on any day you like.",
        "You can talk to Jo.",
    ),
    (
        "ER-1",
        "warn",
        "You can talk to Jo about anything that is on your mind today.",
        "You can talk to Jo today.",
    ),
    (
        "ER-2",
        "warn",
        "Jo will come and you can talk but bring your bag.",
        "Jo will come. You can talk.",
    ),
    ("ER-3", "fail", "The meeting was cancelled.", "Jo cancelled the meeting."),
    ("ER-4", "fail", "Jo will call in three days.", "Jo will call in 3 days."),
    ("ER-4", "fail", "Most young people (80%) like it.", "Most young people like it."),
    ("ER-4", "fail", "Most young people (80 per cent) like it.", "Most young people like it."),
    ("ER-4", "fail", "Jo will come at 16:00.", "Jo will come at 4 o'clock."),
    ("ER-5", "fail", "Your PEP is on Monday.", "Your school plan is on Monday."),
    ("ER-5", "fail", "Bring things, e.g. a coat.", "Bring a coat."),
    ("ER-6", "fail", "Your placement is safe.", "Your home is safe."),
    ("ER-7", "warn", "Do not worry. Jo will not be late.", "Jo will be on time."),
    ("ER-8", "fail", "Your key worker will call.", "Your worker will call."),
    ("SL-1", "fail", "Is it Tuesday? Is Jo coming?", "Is Jo coming on Tuesday?"),
    ("SL-3", "fail", "Jo comes on Tuesday. Do you understand?", "Which day is Jo coming?"),
    ("SL-4", "fail", "It will be a piece of cake.", "It will be easy."),
    ("SL-5", "fail", "Jo will see you soon.", "Jo will see you on Tuesday 3 March at 4 o'clock."),
    ("SL-5", "fail", "We will meet next week.", "We will meet on Friday."),
    ("SL-6", "warn", "Why did you leave?", "Where are you now?"),
    ("SG-2", "fail", "I will keep it secret.", "I will tell Jo."),
    ("SG-2", "fail", "This is just between us.", "Jo will read this."),
]

# The same, in Arabic, with content/lint/ar.toml.
ARABIC_CASES = [
    (
        "ER-1",
        "fail",
        "يمكنك أن تتحدث مع جو عن أي شيء يدور في ذهنك في المركز في أي يوم تحب أن تأتي فيه.",
        "يمكنك أن تتحدث مع جو.",
    ),
    ("ER-4", "fail", "سيتصل بك جو بعد ثلاثة أيام.", "سيتصل بك جو بعد 3 أيام."),
    ("ER-4", "fail", "سيتصل بك جو بعد اثنا عشر يوما.", "سيتصل بك جو بعد 12 يوما."),
    ("ER-4", "fail", "أغلب الشباب (٨٠٪) يحبونه.", "أغلب الشباب يحبونه."),
    ("ER-4", "fail", "أغلب الشباب (80%) يحبونه.", "أغلب الشباب يحبونه."),
    # 16:00 in Arabic-Indic digits
    ("ER-4", "fail", "سيأتي جو الساعة \u0661\u0666:\u0660\u0660.", "سيأتي جو الساعة 4."),
    ("ER-4", "fail", "سيأتي جو الساعة 16:00.", "سيأتي جو الساعة 4."),
    ("SL-1", "fail", "هل هو الثلاثاء؟ هل سيأتي جو؟", "هل سيأتي جو يوم الثلاثاء؟"),
    ("SL-1", "fail", "هل سيأتي جو؟ Is it Tuesday?", "هل سيأتي جو يوم الثلاثاء؟"),
    ("SL-3", "fail", "سيأتي جو يوم الثلاثاء. هل تفهم؟", "في أي يوم سيأتي جو؟"),
    ("SL-5", "fail", "سأراك قريبًا.", "سأراك يوم الثلاثاء الساعة 4."),
    ("SL-5", "fail", "سأراك لاحقاً.", "سأراك يوم الجمعة."),
    ("SL-5", "fail", "سيتصل جو بعد قليل.", "سيتصل جو يوم الجمعة."),
    ("SL-6", "warn", "لماذا غادرت؟", "أين أنت الآن؟"),
    ("SG-2", "fail", "هذا سر بيننا.", "سأخبر جو."),
    ("SG-2", "fail", "لن أخبر أحداً.", "سيقرأ جو هذا."),
]


def _rules(text: str, lists: WordLists | None = LISTS) -> set[tuple[str, str]]:
    return {(finding.rule, finding.severity.value) for finding in lint_text(text, lists)}


@pytest.mark.parametrize(("rule", "severity", "bad", "good"), CASES)
def test_the_rule_fires_on_a_bad_text_and_not_on_a_good_one(
    rule: str, severity: str, bad: str, good: str
) -> None:
    assert (rule, severity) in _rules(bad)
    assert not {found for found in _rules(good) if found[0] == rule}


@pytest.mark.parametrize(("rule", "severity", "bad", "good"), ARABIC_CASES)
def test_the_rule_fires_on_a_bad_arabic_text_and_not_on_a_good_one(
    rule: str, severity: str, bad: str, good: str
) -> None:
    assert (rule, severity) in _rules(bad, ARABIC)
    assert not {found for found in _rules(good, ARABIC) if found[0] == rule}


def test_placeholders_count_as_one_word_and_are_not_acronyms() -> None:
    assert lint_text("{worker} will see you.", LISTS) == []


def test_allowed_acronyms_pass() -> None:
    assert lint_text("Call the NHS on 111.", LISTS) == []


def test_arabic_sentences_end_at_the_arabic_question_mark() -> None:
    assert sentences("مرحبا. هل أنت بخير؟ أنا وايبوينت") == [
        "مرحبا.",
        "هل أنت بخير؟",
        "أنا وايبوينت",
    ]


def test_arabic_short_vowels_do_not_split_a_word() -> None:
    # 16 words, one with tanween (قريبًا): counted as 16, not 17.
    text = "أنا هنا لأساعدك كل يوم وسأكتب لك رسالة قصيرة عن موعدك القادم مع جو قريبًا جدا."
    assert any("16 words" in finding.hint for finding in lint_text(text, ARABIC))


def test_without_word_lists_only_the_language_neutral_rules_run() -> None:
    found = _rules("Jo will call in three days at 16:00. Is it OK? Why?", None)
    assert found == {("ER-4", "fail"), ("SL-1", "fail")}


def test_the_projects_content_has_nothing_to_fix() -> None:
    failing = [
        str(item)
        for item in lint_catalogue(Catalogue.load(PROJECT_CONTENT, allow_drafts=True))
        if item.finding.severity == Severity.FAIL
    ]
    assert failing == []


def test_the_projects_choices_are_short_and_ask_a_question() -> None:
    found = lint_catalogue(Catalogue.load(PROJECT_CONTENT, allow_drafts=True), PROJECT_CONTENT)
    assert [str(item) for item in found if item.finding.rule == "SL-7"] == []


APPROVED = 'status = "approved"\nreviewed_by = "A. Therapist"\nreviewed_on = 2026-11-20\n'
# Every catalogue needs the two buttons that end every choice.
LABELS = f"""
[button_something_else]
{APPROVED}
[button_something_else.en]
easy = "Something else"
symbols = ["💬"]

[button_help]
{APPROVED}
[button_help.en]
easy = "Help"
symbols = ["🙋"]
"""


def _entry(context: str, english: str, translated: str, *, fuzzy: bool = False) -> str:
    flag = "#, fuzzy\n" if fuzzy else ""
    english, translated = (text.replace("\n", "\\n") for text in (english, translated))
    return f'{flag}msgctxt "{context}"\nmsgid "{english}"\nmsgstr "{translated}"\n\n'


def _content(tmp_path: Path, body: str, *, po: dict[str, str] | None = None) -> Path:
    """A content folder with `body` in messages/m.toml and these .po entries per language."""
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "m.toml").write_text(body, encoding="utf-8")
    (tmp_path / "messages" / "labels.toml").write_text(LABELS, encoding="utf-8")
    shutil.copytree(PROJECT_CONTENT / "lint", tmp_path / "lint")
    shutil.copy(PROJECT_CONTENT / "helplines.toml", tmp_path / "helplines.toml")
    shutil.copy(PROJECT_CONTENT / "bank_holidays.toml", tmp_path / "bank_holidays.toml")
    shutil.copytree(PROJECT_CONTENT / "safety", tmp_path / "safety")
    lexicon = tmp_path / "safety" / "lexicon.toml"
    signed = 'status = "approved"\nreviewed_by = "A. Clinician"\nreviewed_on = 2026-11-20'
    draft = 'status = "draft"\nreviewed_by = ""'
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8").replace(draft, signed), encoding="utf-8"
    )
    for examples in (tmp_path / "safety" / "examples").glob("*.tsv"):
        text = examples.read_text(encoding="utf-8")
        examples.write_text(text.replace("\tdraft\t", "\tapproved\t"), encoding="utf-8")
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    for language, entries in (po or {}).items():
        path = tmp_path / "locale" / language / "LC_MESSAGES" / "waypoint.po"
        path.parent.mkdir(parents=True)
        path.write_text(header + entries, encoding="utf-8")
    return tmp_path


def _found(folder: Path, rule: str) -> list[str]:
    return [str(item) for item in lint_folder(folder) if item.finding.rule == rule]


def test_staff_messages_are_not_held_to_easy_read(tmp_path: Path) -> None:
    body = (
        '[a]\naudience = "staff"\n[a.en]\nstandard = "Your placement review is at 16:00."\n'
        '[b]\n[b.en]\neasy = "Your placement review is at 16:00."\nsymbols = ["📅"]\n'
    )
    found = [item for item in lint_folder(_content(tmp_path, body)) if item.finding.rule != "GAP"]
    assert {item.message_id for item in found} == {"b"}
    assert str(found[0]).startswith("m.toml [b] en/easy: ")


class TestPictures:
    """ER-9: one picture per line of the easy text."""

    def test_a_young_persons_message_without_pictures_fails(self, tmp_path: Path) -> None:
        body = '[a]\n[a.en]\neasy = "Hi.\\nJo is your worker."\n'
        assert _found(_content(tmp_path, body), "ER-9") == [
            "m.toml [a] en/easy: ER-9 fail: no pictures: add symbols, one for each of the 2 lines"
            " of the easy text"
        ]

    def test_one_picture_per_line_passes(self, tmp_path: Path) -> None:
        body = '[a]\n[a.en]\neasy = "Hi.\\nJo is your worker."\nsymbols = ["👋", "🧑"]\n'
        assert _found(_content(tmp_path, body), "ER-9") == []

    def test_a_different_count_of_pictures_fails(self, tmp_path: Path) -> None:
        body = '[a]\n[a.en]\neasy = "Hi.\\nJo is your worker."\nsymbols = ["👋"]\n'
        assert _found(_content(tmp_path, body), "ER-9") == [
            "m.toml [a] en/easy: ER-9 fail: 1 pictures for 2 lines: one picture per line of the"
            " easy text"
        ]

    def test_button_labels_and_date_phrases_need_no_pictures(self, tmp_path: Path) -> None:
        body = (
            '[button_yes]\n[button_yes.en]\neasy = "Yes"\n'
            '[when_day]\n[when_day.en]\neasy = "{day} at {time}"\n'
        )
        assert _found(_content(tmp_path, body), "ER-9") == []

    def test_a_button_label_with_pictures_still_needs_one_per_line(self, tmp_path: Path) -> None:
        body = '[button_yes]\n[button_yes.en]\neasy = "Yes"\nsymbols = ["👍", "✅"]\n'
        assert len(_found(_content(tmp_path, body), "ER-9")) == 1

    def test_staff_messages_need_no_pictures(self, tmp_path: Path) -> None:
        body = '[a]\naudience = "staff"\n[a.en]\neasy = "Hi.\\nSam joined."\n'
        assert _found(_content(tmp_path, body), "ER-9") == []

    BODY = '[a]\n[a.en]\neasy = "Hi.\\nJo is your worker."\nsymbols = ["👋", "🧑"]\n'

    def test_a_translation_with_other_lines_fails_naming_the_po_file(self, tmp_path: Path) -> None:
        po = {"ar": _entry("a|easy", "Hi.\nJo is your worker.", "مرحبا. عاملك هو جو.")}
        assert _found(_content(tmp_path, self.BODY, po=po), "ER-9") == [
            f"{ARABIC_PO} [a] ar/easy: ER-9 fail: 1 lines but 2 pictures (👋 🧑): keep one line"
            " per picture, in the same order as the English"
        ]

    def test_a_translation_with_one_line_per_picture_passes(self, tmp_path: Path) -> None:
        po = {
            "ar": _entry(
                "a|easy", "Hi.\nJo is your worker.", "\n".join(["مرحبا.", "عاملك هو جو."])
            )
        }
        assert _found(_content(tmp_path, self.BODY, po=po), "ER-9") == []


class TestChoices:
    """SL-7: one question, then 2 short choices (Something else and Help are added)."""

    LABELS = (
        '[button_yes]\n[button_yes.en]\neasy = "Yes"\n[button_no]\n[button_no.en]\neasy = "No"\n'
    )

    def _ask(self, buttons: str, text: str = "Do you want pictures?") -> str:
        return f'[ask]\nbuttons = [{buttons}]\n[ask.en]\neasy = "{text}"\nsymbols = ["🖼️"]\n'

    def test_one_button_is_a_warning(self, tmp_path: Path) -> None:
        body = self._ask('"yes"') + self.LABELS
        assert _found(_content(tmp_path, body), "SL-7") == [
            "m.toml [ask] en: SL-7 warn: 1 button: 2 choices is the default (Something else and"
            " Help are added anyway)"
        ]

    def test_two_short_buttons_after_a_question_pass(self, tmp_path: Path) -> None:
        body = self._ask('"yes", "no"') + self.LABELS
        assert _found(_content(tmp_path, body), "SL-7") == []

    def test_a_label_over_4_words_fails(self, tmp_path: Path) -> None:
        body = self._ask('"yes", "no"') + self.LABELS.replace(
            'easy = "Yes"', 'easy = "Yes please, I want them"'
        )
        assert _found(_content(tmp_path, body), "SL-7") == [
            "m.toml [button_yes] en/easy: SL-7 fail: 5 words: keep a button label to 4 words or"
            " fewer"
        ]

    def test_a_label_of_4_words_passes(self, tmp_path: Path) -> None:
        body = self._ask('"yes", "no"') + self.LABELS.replace(
            'easy = "Yes"', 'easy = "Yes, I want them"'
        )
        assert _found(_content(tmp_path, body), "SL-7") == []

    def test_a_choice_without_a_question_fails(self, tmp_path: Path) -> None:
        body = self._ask('"yes", "no"', "Pictures go next to each line.") + self.LABELS
        assert _found(_content(tmp_path, body), "SL-7") == [
            "m.toml [ask] en/easy: SL-7 fail: a choice needs a question: ask it in this text,"
            " before the buttons"
        ]

    def test_an_arabic_question_mark_is_a_question(self, tmp_path: Path) -> None:
        body = self._ask('"yes", "no"') + self.LABELS
        po = {"ar": _entry("ask|easy", "Do you want pictures?", "هل تريد صورًا؟")}
        assert _found(_content(tmp_path, body, po=po), "SL-7") == []

    def test_more_than_3_buttons_is_one_failing_line(self, tmp_path: Path) -> None:
        labels = "".join(f'[button_{n}]\n[button_{n}.en]\neasy = "{n}"\n' for n in "abcd")
        found = lint_folder(_content(tmp_path, self._ask('"a", "b", "c", "d"') + labels))
        assert [str(item) for item in found] == [
            'CONTENT fail: m.toml [ask]: 4 buttons; at most 3 (SL-7), "Something else" and'
            ' "Help" are added for you'
        ]


class TestGaps:
    """GAP: what is not ready yet, as warnings for a speech and language therapist."""

    BODY = (
        f'[a]\n{APPROVED}[a.en]\neasy = "Hi."\nsymbols = ["👋"]\n'
        f'[b]\n{APPROVED}[b.en]\neasy = "Bye."\nsymbols = ["👋"]\n'
    )

    def test_drafts_are_counted_per_file(self, tmp_path: Path) -> None:
        body = self.BODY + '[c]\n[c.en]\neasy = "Later."\nsymbols = ["📅"]\n'
        assert _found(_content(tmp_path, body), "GAP") == [
            "m.toml: GAP warn: 1 of 3 messages are drafts, not live yet: a speech and language"
            " therapist approves each one (status, reviewed_by, reviewed_on): c"
        ]

    def test_approved_english_only_content_has_no_gaps(self, tmp_path: Path) -> None:
        assert _found(_content(tmp_path, self.BODY), "GAP") == []

    def test_a_missing_translation_says_english_will_be_used(self, tmp_path: Path) -> None:
        body = self.BODY + '[s]\naudience = "staff"\n' + APPROVED + '[s.en]\nstandard = "Hi."\n'
        po = {"ar": _entry("a|easy", "Hi.", "مرحبا.")}
        assert _found(_content(tmp_path, body, po=po), "GAP") == [
            f"{ARABIC_PO} [b] ar/easy: GAP warn: no Arabic translation: English will be used",
            f"{ARABIC_PO} [button_help] ar/easy: GAP warn: no Arabic translation: English will be"
            " used",
            f"{ARABIC_PO} [button_something_else] ar/easy: GAP warn: no Arabic translation:"
            " English will be used",
        ]

    def test_a_fuzzy_translation_is_a_draft(self, tmp_path: Path) -> None:
        po = {
            "ar": _entry("a|easy", "Hi.", "مرحبا.", fuzzy=True)
            + _entry("b|easy", "Bye.", "مع السلامة.")
        }
        found = _found(_content(tmp_path, self.BODY, po=po), "GAP")
        assert (
            f"{ARABIC_PO} [a] ar/easy: GAP warn: draft translation: an SLT who reads Arabic must"
            " check it, then remove the fuzzy flag"
        ) in found
        assert not [line for line in found if "[b]" in line]

    def test_a_stale_translation_asks_for_extract(self, tmp_path: Path) -> None:
        po = {"ar": _entry("a|easy", "Hello.", "مرحبا.") + _entry("b|easy", "Bye.", "وداعا.")}
        found = _found(_content(tmp_path, self.BODY, po=po), "GAP")
        assert [line for line in found if "[a]" in line] == [
            f"{ARABIC_PO} [a] ar/easy: GAP warn: English changed since this was translated: run"
            " `waypoint content extract`"
        ]
        assert not [line for line in found if "[b]" in line]

    def test_standard_text_without_easy_text_is_a_gap(self, tmp_path: Path) -> None:
        body = self.BODY + f'[c]\n{APPROVED}[c.en]\nstandard = "Hello there."\n'
        assert _found(_content(tmp_path, body), "GAP") == [
            "m.toml [c] en/easy: GAP warn: no easy-read text: young people who read easy read get"
            " the standard text"
        ]

    def test_a_language_without_word_lists_gets_the_neutral_rules(self, tmp_path: Path) -> None:
        po = {"cy": _entry("a|easy", "Hi.", "Helo, 16:00.") + _entry("b|easy", "Bye.", "Hwyl.")}
        found = lint_folder(_content(tmp_path, self.BODY, po=po))
        assert [
            str(item) for item in found if item.language == "cy" and item.message_id < "b"
        ] == [
            "lint/cy.toml cy: GAP warn: no word lists for Welsh: the word-list rules (ER-2..8,"
            " SL-3..6, SG-2) were skipped; add this file with the keys of en.toml",
            "locale/cy/LC_MESSAGES/waypoint.po [a] cy/easy: ER-4 fail: '16:00': use the 12-hour"
            " clock (4 o'clock)",
        ]


def test_findings_on_a_translation_name_the_po_file(tmp_path: Path) -> None:
    body = '[a]\n[a.en]\neasy = "See you on Tuesday."\nsymbols = ["📅"]\n'
    po = {"ar": _entry("a|easy", "See you on Tuesday.", "سأراك قريبًا.")}
    found = lint_folder(_content(tmp_path, body, po=po))
    assert [
        (item.file, item.message_id, item.language, item.level)
        for item in found
        if item.finding.rule == "SL-5"
    ] == [(ARABIC_PO, "a", "ar", "easy")]


class TestCommandLine:
    def _lint(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.entrypoints.cli", "content", "lint", *args],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    def test_a_bad_text_exits_non_zero_and_names_the_rule(self) -> None:
        result = self._lint("--text", "I will keep it secret. See you later.")
        assert result.returncode == 1
        assert "SG-2 fail" in result.stdout
        assert "SL-5 fail" in result.stdout

    def test_the_projects_content_passes(self) -> None:
        result = self._lint()
        assert result.returncode == 0, result.stdout
        assert result.stdout.splitlines()[-1].startswith("0 to fix")

    def test_content_that_will_not_load_is_one_failing_line(self, tmp_path: Path) -> None:
        body = '[ask]\nbuttons = ["a", "b", "c", "d"]\n[ask.en]\neasy = "Which?"\n'
        result = self._lint(str(_content(tmp_path, body)))
        assert result.returncode == 1
        assert result.stdout.splitlines()[0].startswith("CONTENT fail: m.toml [ask]: 4 buttons")
        assert result.stdout.splitlines()[-1].startswith("1 to fix")


def test_draft_or_broken_labelled_examples_are_reported(tmp_path: Path) -> None:
    folder = _content(tmp_path, "")
    examples = folder / "safety" / "examples" / "extra.tsv"
    examples.write_text("none\t-\tdraft\tstaff took us to nandos\n", encoding="utf-8")
    assert "safety/examples: GAP warn: 1 of" in "\n".join(map(str, lint_folder(folder)))
    examples.write_text("worry\tsuicide\tdraft\ti want to die\n", encoding="utf-8")
    [broken] = _found(folder, "CONTENT")
    assert broken.startswith("safety/examples: CONTENT fail: extra.tsv:1: a worry's category")


def test_a_draft_or_broken_safety_lexicon_is_reported(tmp_path: Path) -> None:
    folder = _content(tmp_path, '[b]\n[b.en]\neasy = "Hi."\nsymbols = ["👋"]\n')
    lexicon = folder / "safety" / "lexicon.toml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace('status = "approved"', 'status = "draft"'), encoding="utf-8")
    assert "safety/lexicon.toml: GAP warn: a draft" in "\n".join(map(str, lint_folder(folder)))
    lexicon.write_text(
        text.replace('[suicide]\nurgency = "high"', '[suicide]\nurgency = "soon"'),
        encoding="utf-8",
    )
    [broken] = [item for item in lint_folder(folder) if item.finding.rule == "CONTENT"]
    assert "urgency must be" in str(broken)


# message id, rule, a text that breaks it, a text that keeps it (SE-13, SE-8).
SESSION_CASES = [
    ("session_missed", "SE-13", "We did not see you. Missed appointments cost money.",
     "We did not see you. That is OK."),
    ("session_missed", "SE-13", "You were a no-show today.", "We did not see you today."),
    ("session_missed", "SE-13", "This is recorded as missed.", "{worker} will be in touch."),
    ("session_cancelled", "SE-13", "It is not fair to others when you do not come.",
     "{worker} will talk to you about it."),
    ("sessions_next", "SE-13", "Please do not waste Jo's time.", "You will see Jo {when}."),
    ("session_reminder", "SE-13", "Message from Waypoint.\nYou will be marked DNA.",
     "Message from Waypoint.\nYou will see Jo {when}."),
    ("reminders_paused", "SE-13", "It is your fault if you forget.",
     "No reminders until {until}."),
    ("session_reminder", "SE-8", "Your court date is tomorrow.\nCan you come?",
     "Message from Waypoint.\nYour court date is tomorrow."),
    ("session_reminder_soon", "SE-8", "Therapy reminder.\n{what} {when}.",
     "Message from Waypoint.\nYou see your therapist {when}."),
    ("session_reminder", "SE-8", "Message from your social worker.\nSee you {when}.",
     "Message from Waypoint.\nSee you {when}."),
    # A placeholder could say "court" or "therapist": it waits for the second line.
    ("session_reminder", "SE-8", "{what} {when}.\nCan you come?",
     "Message from Waypoint.\n{what} {when}."),
]  # fmt: skip


def _session_rules(message_id: str, text: str, lists: WordLists = LISTS) -> set[str]:
    return {finding.rule for finding in lint_session_text(message_id, text, lists)}


class TestSessionWording:
    """SE-13 no pressure words; SE-8 a reminder's first line says nothing revealing."""

    @pytest.mark.parametrize(("message_id", "rule", "bad", "good"), SESSION_CASES)
    def test_the_rule_fires_on_a_bad_draft_and_not_on_a_good_one(
        self, message_id: str, rule: str, bad: str, good: str
    ) -> None:
        assert rule in _session_rules(message_id, bad)
        assert rule not in _session_rules(message_id, good)

    def test_revealing_words_are_fine_after_the_first_line_of_a_reminder(self) -> None:
        text = "Message from Waypoint.\nYou go to court with Jo.\nCan you come?"
        assert _session_rules("session_reminder", text) == set()

    def test_the_first_line_rule_is_for_reminders_only(self) -> None:
        assert _session_rules("session_booked", "You go to court {when}.") == set()

    def test_an_arabic_reminder_is_held_to_its_own_lists(self) -> None:
        assert _session_rules("session_reminder", "موعد المحكمة غدا.", ARABIC) == {"SE-8"}
        assert _session_rules("session_missed", "هذا مضيعة للوقت.", ARABIC) == {"SE-13"}

    def test_session_messages_are_found_by_file_or_by_id(self) -> None:
        assert is_session_message("session_reminder_soon")
        assert is_session_message("reminders_pause")
        assert is_session_message("anything", Path("content/messages/sessions.toml"))
        assert not is_session_message("welcome", Path("content/messages/onboarding.toml"))

    def test_a_bad_reminder_draft_fails_the_content_lint(self, tmp_path: Path) -> None:
        body = (
            "[session_reminder]\n[session_reminder.en]\n"
            'easy = "Your therapy is tomorrow.\\nMissing it costs money."\n'
            'symbols = ["📅", "💷"]\n'
            # Pressure words outside session messages are other rules' business.
            '[a]\n[a.en]\neasy = "The bus will cost 1 pound."\nsymbols = ["🚌"]\n'
        )
        folder = _content(tmp_path, body)
        assert _found(folder, "SE-8") == [
            "m.toml [session_reminder] en/easy: SE-8 fail: 'therapy' in the first line: others"
            " may see the phone; say only who it is from"
        ]
        assert [line.split(":")[0] for line in _found(folder, "SE-13")] == [
            "m.toml [session_reminder] en/easy"
        ]

    def test_the_projects_session_messages_pass_both_rules(self) -> None:
        catalogue = Catalogue.load(PROJECT_CONTENT, allow_drafts=True)
        reminders = [m.id for m in catalogue.messages() if m.id.startswith("session_reminder")]
        assert {"session_reminder", "session_reminder_soon"} <= set(reminders)
        found = lint_catalogue(catalogue, PROJECT_CONTENT)
        assert [str(item) for item in found if item.finding.rule in {"SE-8", "SE-13"}] == []


def test_a_phrase_listed_to_reword_is_a_warning_there_and_a_fail_elsewhere(
    tmp_path: Path,
) -> None:
    body = (
        '[goal_not_now_reply]\n[goal_not_now_reply.en]\neasy = "OK. I will ask you another time."'
        '\nsymbols = ["👍"]\n'
        '[other]\n[other.en]\neasy = "OK. I will ask you another time."\nsymbols = ["👍"]\n'
    )
    folder = _content(tmp_path, body)
    lists = folder / "lint" / "en.toml"
    listed = '[to_reword]\ngoal_not_now_reply = ["another time"]\n'
    lists.write_text(
        lists.read_text(encoding="utf-8").replace("[to_reword]\n", listed), encoding="utf-8"
    )
    found = {
        (item.message_id, item.finding.severity)
        for item in lint_folder(folder)
        if item.finding.rule == "SL-5"
    }
    assert found == {("goal_not_now_reply", Severity.WARN), ("other", Severity.FAIL)}
