"""Running one operator command (`waypoint sessions ...`, `waypoint goals ...`) against
Waypoint: bootstrapped and closed again, and every refusal turned into one line saying what
to fix (SetupError), in staff's words from content/."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.config import Settings
from bot.content.catalogue import Catalogue
from bot.domain.errors import SetupError, WaypointError, YoungPersonNotFound
from bot.entrypoints.bootstrap import Running, bootstrap
from bot.services.staff_words import staff_text


def operator_line(catalogue: Catalogue, message_id: str, **values: str) -> str:
    """Staff wording as one line for an operator's terminal (staff wording may run over
    lines)."""
    return " ".join(staff_text(catalogue, message_id, **values).split())


async def run_as_operator(
    settings: Settings,
    act: Callable[[Running], Awaitable[str]],
    *,
    missing: type[WaypointError],
    missing_says: str,
) -> str:
    """Run `act`; a `missing` record is `missing_says`, any other refusal its staff wording."""
    running = bootstrap(settings)
    try:
        await running.load_wordings()
        return await act(running)
    except YoungPersonNotFound as error:
        raise SetupError(
            f"there is no young person with id {error.values['name'].lstrip('#')}"
        ) from None
    except missing:
        raise SetupError(missing_says) from None
    except WaypointError as error:
        line = operator_line(running.waypoint.catalogue, error.message_id, **error.values)
        raise SetupError(line) from None
    finally:
        await running.close()
