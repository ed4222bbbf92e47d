"""The greeting, against the fake: whoever writes is answered in the words meant for them."""

from __future__ import annotations

import pytest

from bot.services.replies import do_greet
from tests.unit.conftest import DEE, JO, PAT, World


@pytest.mark.parametrize("staff", [JO, DEE, PAT])
async def test_staff_greeted_are_given_their_roles_commands(world: World, staff: int) -> None:
    # Not the old "send /invite" line: most roles never invite anyone.
    await do_greet(world.uow(), staff, now=world.now())
    assert world.keys(staff) == ["staff_help"]
    assert "staff_home" not in world.store.catalogue
