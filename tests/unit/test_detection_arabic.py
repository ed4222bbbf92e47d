"""Arabic worries (issue 14): what Arabic-profile young people write and what Waypoint hears.

The messages are written the way young people type them: MSA and dialect (Levantine, Egyptian,
Gulf, Iraqi, Sudanese, Yemeni, Libyan), with and without harakat, hamza and ta marbuta, with a
leading و ف ال, with Arabic-Indic digits, and a little Arabizi.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.content.safety_examples import load_examples
from bot.content.safety_lexicon import lexicon_path, load_lexicon
from bot.domain.safety.detection import Detection, detect
from bot.domain.safety.lexicon import Lexicon
from bot.domain.safety.reading import clean, read
from bot.domain.safety.worry import Category, Urgency
from tests.unit.test_detection import CONCERNS, ORDINARY

PROJECT = Path(__file__).resolve().parents[2]
H, M, L = Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW
C = Category
_ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(PROJECT / "content")


def _verdict(found: Detection | None) -> tuple[Category, Urgency, bool] | None:
    return None if found is None else (found.category, found.urgency, found.sure)


# (message, category, urgency, sure): sure=False means "ask the young person first".
ARABIC_CONCERNS = [
    # Suicide, MSA and dialects.
    ("أريد أن أقتل نفسي", C.SUICIDE, H, True),
    ("أُرِيدُ أَنْ أَقْتُلَ نَفْسِي", C.SUICIDE, H, True),  # with harakat
    ("اريد ان اقتل نفسي", C.SUICIDE, H, True),  # bare alef
    ("بدي موت", C.SUICIDE, H, True),  # Levantine
    ("والله بدي انتحر", C.SUICIDE, H, True),
    ("وبدي انتحر", C.SUICIDE, H, True),  # leading و
    ("ابي اموت", C.SUICIDE, H, True),  # Gulf
    ("ابغى اموت خلاص", C.SUICIDE, H, True),
    ("عايز اموت", C.SUICIDE, H, True),  # Egyptian
    ("نفسي اموت", C.SUICIDE, H, True),
    ("داير اموت", C.SUICIDE, H, True),  # Sudanese
    ("اشتي اموت", C.SUICIDE, H, True),  # Yemeni
    ("نبي نموت", C.SUICIDE, H, True),  # Libyan
    ("اريد اموت", C.SUICIDE, H, True),  # Iraqi
    ("ما بدي عيش بعد", C.SUICIDE, H, True),  # the ما is part of the phrase
    ("مش عايز اعيش", C.SUICIDE, H, True),
    ("تعبت من الحياة", C.SUICIDE, H, True),
    ("تعبت من الحياه", C.SUICIDE, H, True),  # ta marbuta typed as ه
    ("تـعـبـت مـن الـحـيـاة", C.SUICIDE, H, True),  # tatweel
    ("بفكر بالانتحار كل يوم", C.SUICIDE, H, True),
    ("فالانتحار هو الحل", C.SUICIDE, H, True),  # leading ف and ال
    ("رح أنهي حياتي", C.SUICIDE, H, True),
    ("ما حدا بيفهمني، بدي انتحر", C.SUICIDE, H, True),
    ("ما حدا بيفهمني بدي انتحر", C.SUICIDE, H, True),  # "nobody" is not "not"
    ("ana bde mot", C.SUICIDE, H, True),  # Arabizi
    ("a2tol nafsi", C.SUICIDE, H, True),
    # Self-harm.
    ("أجرح نفسي كل ليلة", C.SELF_HARM, H, True),
    ("اجرح نفسي", C.SELF_HARM, H, True),
    ("أأذي نفسي", C.SELF_HARM, H, True),
    ("اذي نفسي لما اتضايق", C.SELF_HARM, H, True),
    ("شطبت ايدي", C.SELF_HARM, H, True),
    ("بلعت كل الحبوب", C.SELF_HARM, H, True),
    ("جرحت ايدي بالشفرة", C.SELF_HARM, H, True),
    # Abuse.
    ("ابوي يضربني", C.ABUSE, H, True),
    ("زوج امي بيضربني كل يوم", C.ABUSE, H, True),
    ("اخوي ضربني", C.ABUSE, H, True),  # my brother hit ME: the ending says so
    ("عمي تحرش فيني", C.ABUSE, H, True),
    ("لمسني", C.ABUSE, H, True),
    ("خايف ارجع البيت", C.ABUSE, H, True),
    ("خايفة ارجع البيت", C.ABUSE, H, True),
    ("خائفة أرجع البيت", C.ABUSE, H, True),  # hamza on its seat
    ("baba yedrabni", C.ABUSE, H, True),
    # Unsafe.
    ("مش حاسس بالأمان بالبيت", C.UNSAFE, H, True),
    ("في واحد يلاحقني", C.UNSAFE, H, True),
    ("عنده سكين", C.UNSAFE, H, True),
    ("المهرب يهددني", C.UNSAFE, H, True),  # a threat wins the tie over exploitation
    # Missing.
    ("بهرب من البيت", C.MISSING, H, True),
    ("رح اهرب", C.MISSING, H, True),
    ("هربت من البيت", C.MISSING, H, True),
    ("ما راح ارجع", C.MISSING, H, True),
    # Sexual exploitation.
    ("طلب مني صور عارية", C.SEXUAL_EXPLOITATION, H, True),
    ("بدو ينشر صوري", C.SEXUAL_EXPLOITATION, H, True),
    ("يبتزني بصوري", C.SEXUAL_EXPLOITATION, H, True),
    # Criminal exploitation.
    ("لازم ابيع حشيش عشان الديون للمهرب", C.CRIMINAL_EXPLOITATION, H, True),
    ("بيخليني ابيع حشيش", C.CRIMINAL_EXPLOITATION, H, True),
    ("اشتغل لهم غصب عني", C.CRIMINAL_EXPLOITATION, H, True),
    # Bullying.
    ("يتنمروا علي بالمدرسة", C.BULLYING, M, True),
    ("بيضحكوا علي كل يوم", C.BULLYING, M, True),
    ("قالولي ارجع لبلدك", C.BULLYING, M, True),
    # Substances.
    ("ادخن حشيش كل يوم", C.SUBSTANCES, M, True),
    ("صرت مدمن على الليريكا", C.SUBSTANCES, M, True),
    # Eating.
    ("ما اكلت من ايام", C.EATING, M, True),
    ("بستفرغ بعد الاكل", C.EATING, M, True),
    # Help (vague distress), and the unclear words that only ask.
    ("صار شي كتير سيء", C.HELP, M, True),
    ("انا في ورطة", C.HELP, M, True),
    ("تعبان", C.HELP, L, False),
    # Someone else.
    ("قلقان على صاحبي", C.OTHER_CHILD, M, True),
    ("خايفة على اختي", C.OTHER_CHILD, M, True),
    ("صاحبتي بدها تنتحر", C.OTHER_CHILD, H, True),
    ("صاحبي بده يقتل نفسه", C.OTHER_CHILD, H, True),
    ("اختي بتدخن حشيش", C.OTHER_CHILD, M, True),
    ("اخوي بدو يهرب", C.OTHER_CHILD, H, True),
    ("صاحبي ضربني بالكورة", C.ABUSE, H, True),  # "hit me": about the young person
    # Negation and hyperbole: low, and ask; never nothing.
    ("ما عدت اجرح نفسي", C.SELF_HARM, L, False),
    ("ما بدي موت", C.SUICIDE, L, False),
    ("بدي موت 😂", C.SUICIDE, L, False),
    ("بدي موت ههههههه", C.SUICIDE, L, False),
    ("بمزح بدي انتحر", C.SUICIDE, L, False),
    # Past: one step lower, unless it is still happening.
    ("كان يضربني زمان", C.ABUSE, M, True),
    ("فكرت انتحر قبل سنة", C.SUICIDE, M, True),
    ("كان يضربني زمان وهلق رجع يضربني", C.ABUSE, H, True),
    # Urgent words.
    ("بدي انتحر الليلة", C.SUICIDE, H, True),
    ("بيتنمروا علي حالا", C.BULLYING, H, True),
    # Arabic-Indic digits and Arabic punctuation.
    ("قبل ٣ ايام بدي انتحر؟", C.SUICIDE, H, True),
    ("بدي انتحر ٣ مرات", C.SUICIDE, H, True),
]

ARABIC_ORDINARY = [
    "مرحبا كيفك",
    "السلام عليكم",
    "صباح الخير",
    "شو في اكل اليوم",
    "بدي اكل شاورما",
    "جوعان كتير",
    "بموت من الضحك",
    "بموت من الجوع",
    "الواجب قاتلني",
    "ميسي احسن لاعب",
    "ريال مدريد فاز امبارح",
    "بدي روح عالمدرسة بكرا",
    "عندي امتحان رياضيات",
    "الأستاذ طيب",
    "اشتقت لأمي",
    "لعبنا كورة بالحديقة",
    "الجو برد كتير",
    "تلفوني مات",
    "البطارية ماتت",
    "رمضان كريم",
    "صايم اليوم",
    "عيد مبارك",
    "بدي اتعلم انجليزي",
    "انا مبسوط اليوم",
    "قطعت البصل",
    "ضربة جزاء",
    "نفسي اكل بيتزا",
    "بدي نام",
    "تعبت من المشي",
    "اخوي جاب لي هدية",
    "صاحبي عنده بسكليت",
    "اختي بتحب القطط",
    "لازم ادرس",
    "تأخرت عالباص",
    "والله ما بعرف",
    "هههههه",
    "بمزح معك",
    "انا بخير الحمد لله",
    "٣ ساعات رياضيات اليوم",
    "yalla bye",
]

# Hyperbole and everyday words that sound like harm: at most a question, never a sure alert.
ARABIC_NEVER_SURE = [
    "بموت من الضحك",
    "الواجب قاتلني",
    "الامتحان قتلني",
    "ابوي رح يقتلني اذا شاف العلامات",
    "جرحت ايدي وانا بطبخ",
    "ساعدني بالواجب",
    "تعبان اليوم",
    "خايف من الامتحان",
    "بدي موت من الضحك 😂",
]


@pytest.mark.parametrize(("text", "category", "urgency", "sure"), ARABIC_CONCERNS)
def test_each_arabic_worry_gets_its_category_urgency_and_sureness(
    lexicon: Lexicon, text: str, category: Category, urgency: Urgency, sure: bool
) -> None:
    assert _verdict(detect(text, lexicon)) == (category, urgency, sure)


@pytest.mark.parametrize("text", ARABIC_ORDINARY)
def test_everyday_arabic_raises_no_concern(lexicon: Lexicon, text: str) -> None:
    assert detect(text, lexicon) is None


@pytest.mark.parametrize("text", ARABIC_NEVER_SURE)
def test_arabic_hyperbole_is_at_most_a_question(lexicon: Lexicon, text: str) -> None:
    found = detect(text, lexicon)
    assert found is None or (not found.sure and found.urgency is Urgency.LOW)


def test_the_tables_are_big_enough() -> None:
    assert len(ARABIC_CONCERNS) >= 60
    assert len(ARABIC_ORDINARY) >= 30
    covered = {category for _, category, _, _ in ARABIC_CONCERNS}
    assert covered == set(Category)


def test_every_category_has_arabic_phrases(lexicon: Lexicon) -> None:
    arabic = {p.kind for p in lexicon.phrases if p.sure and _ARABIC.search(p.text)}
    assert {c.value for c in Category} <= arabic


# Reading Arabic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("أَقْتُلُ", "اقتل"),  # harakat
        ("إنهاء", "انهاء"),
        ("آخر", "اخر"),
        ("ٱلله", "الله"),
        ("حياة", "حياه"),
        ("على", "علي"),
        ("مؤلم", "مولم"),
        ("خائف", "خايف"),
        ("الحيـــاة", "الحياه"),  # tatweel
        ("٣ ٤٥", "3 45"),
        ("لماذا؟ لا، لا؛", "لماذا? لا, لا;"),
    ],
)
def test_arabic_is_cleaned_the_way_it_is_commonly_typed(typed: str, read_as: str) -> None:
    assert clean(typed) == read_as


def test_an_arabic_word_is_also_read_without_its_leading_clitics() -> None:
    tokens, _ = read("وبالانتحار ولل لمسني", {})
    assert {"وبالانتحار", "بالانتحار", "الانتحار", "انتحار"} <= tokens[0].forms
    assert tokens[1].forms == {"ولل"}  # fewer than 3 letters would be left
    assert "مسني" in tokens[2].forms


def test_arabic_punctuation_breaks_a_clause() -> None:
    _, stops = read("لا، بدي؟ موت؛ هلق", {})
    assert stops == {1, 2, 3}


# English is read as before -------------------------------------------------------------------


def _without_arabic(value: Any) -> Any:
    """The parsed lexicon with every Arabic entry taken out."""
    if isinstance(value, dict):
        return {
            k: _without_arabic(v)
            for k, v in value.items()
            if not (isinstance(v, str) and (_ARABIC.search(k) or _ARABIC.search(v)))
        }
    if isinstance(value, list):
        return [v for v in value if not (isinstance(v, str) and _ARABIC.search(v))]
    return value


def test_english_verdicts_are_the_same_with_and_without_the_arabic_entries(
    lexicon: Lexicon,
) -> None:
    data = tomllib.loads(lexicon_path(PROJECT / "content").read_text(encoding="utf-8"))
    english_only = Lexicon.from_toml(_without_arabic(data), "lexicon.toml")
    assert not any(_ARABIC.search(p.text) for p in english_only.phrases)
    texts = [text for text, *_ in CONCERNS] + ORDINARY
    texts += [e.text for e in load_examples() if not _ARABIC.search(e.text)]
    changed = [text for text in texts if detect(text, lexicon) != detect(text, english_only)]
    assert changed == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i want to kill myself", (C.SUICIDE, H, True)),
        ("i wanna kiiiiill myself", (C.SUICIDE, H, True)),
        ("i want 2 d13", (C.SUICIDE, H, True)),
        ("my friend wants to kill herself", (C.OTHER_CHILD, H, True)),
        ("he hit me last year", (C.ABUSE, M, True)),
        ("kms 😂", (C.SUICIDE, L, False)),
        ("my score was 999", None),
        ("this homework is killing me", None),
    ],
)
def test_english_messages_read_as_before(
    lexicon: Lexicon, text: str, expected: tuple[Category, Urgency, bool] | None
) -> None:
    assert _verdict(detect(text, lexicon)) == expected
