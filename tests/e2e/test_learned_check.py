"""Issue 14's done-when, through the real bot: words only the learned layer hears get one short
check ("Are you OK?"); "I'm worried" or no answer in Sam's processing time reaches Jo, and
"I'm OK" never alerts anyone: the concern is noted for Jo's next look.

The message is one the lexicon does not recognise and the model in content/safety/model.json
hears at or above its threshold to ask (both checked first, so a retrained model that no
longer hears it fails here loudly, not quietly).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.content.safety_lexicon import load_lexicon
from bot.content.safety_model import load_model
from bot.domain.ladder import ConcernState
from bot.domain.safety.detection import detect
from bot.services.ladder_steps import do_take_due_steps
from tests.e2e.conftest import JO, SAM, Running

# A flow through Telegram, run on the demo's database (SQLite): its storage is tested on
# both databases in tests/integration, and CI stays under 20 minutes.
pytestmark = pytest.mark.database("sqlite")

ONLY_LEARNED = "he makes me keep secrets"
CHECK = "c|concern_check|"


def test_only_the_learned_layer_hears_the_message() -> None:
    model = load_model()
    assert detect(ONLY_LEARNED, load_lexicon()) is None
    assert model.guess(ONLY_LEARNED).worry >= model.ask_at


async def _checked(running: Running) -> None:
    """Sam joins and writes words only the model hears: Sam is asked, nobody is told yet."""
    await running.join_sam()
    jo_before = running.count(JO)
    await running.hear(SAM, ONLY_LEARNED, running.words("concern_check", worker="Jo"))
    [concern] = await running.concerns()
    assert (concern.state, concern.urgency) == (ConcernState.ASKING, "low")
    assert running.count(JO) == jo_before


async def _alert_to_jo(running: Running, jo_before: int) -> str:
    """Jo's alert about Sam's concern, once it has come."""
    told = await running.fake.await_messages(JO.id, jo_before + 1, timeout=10)
    [alert] = [m.text or "" for m in told[jo_before:]]
    return alert


@pytest.mark.parametrize("answer", ["concern_worried", "concern_talk"])
async def test_im_worried_or_talk_to_jo_alerts_jo_now(running: Running, answer: str) -> None:
    await _checked(running)
    jo_before = running.count(JO)

    running.fake.press_button(SAM, CHECK + answer)

    alert = await _alert_to_jo(running, jo_before)
    said = (
        "concern_check_said_worried" if answer == "concern_worried" else "concern_check_asked_talk"
    )
    assert running.staff_text(said, worker="Jo") in alert
    [concern] = await running.concerns()
    assert (concern.state, concern.urgency) == (ConcernState.OPEN, "low")


async def test_talk_to_jo_tells_sam_jo_was_asked(running: Running) -> None:
    await _checked(running)
    sam_before = running.count(SAM)

    running.fake.press_button(SAM, CHECK + "concern_talk")

    sent = await running.fake.await_messages(SAM.id, sam_before + 1, timeout=10)
    assert sent[sam_before].text == running.words("concern_check_talk", worker="Jo")[0]


async def test_im_ok_is_noted_and_jo_is_never_alerted(running: Running) -> None:
    await _checked(running)
    jo_before = running.count(JO)

    await running.hear(SAM, "im ok", running.words("concern_check_ok", worker="Jo"))

    [concern] = await running.concerns()
    assert (concern.state, concern.next_step_at) == (ConcernState.NOTED, None)
    # Not even when Sam's processing time, or a whole day, has gone by.
    running.clock.advance(timedelta(days=1))
    assert await do_take_due_steps(running.uow(), now=running.clock()) == 0
    assert running.count(JO) == jo_before


async def test_no_answer_in_sams_processing_time_reaches_jo(running: Running) -> None:
    await _checked(running)
    jo_before = running.count(JO)

    running.clock.advance(timedelta(minutes=9))
    assert await do_take_due_steps(running.uow(), now=running.clock()) == 0
    running.clock.advance(timedelta(minutes=1))
    assert await do_take_due_steps(running.uow(), now=running.clock()) == 1

    alert = await _alert_to_jo(running, jo_before)
    assert running.staff_text("concern_check_no_answer") in alert
    [concern] = await running.concerns()
    assert (concern.state, concern.urgency) == (ConcernState.OPEN, "low")


async def test_sure_words_while_asked_alert_at_once(running: Running) -> None:
    await _checked(running)
    jo_before = running.count(JO)

    running.fake.send_text(SAM, "i want to kill myself tonight")

    await _alert_to_jo(running, jo_before)
    [concern] = await running.concerns()
    assert concern.state == ConcernState.OPEN
