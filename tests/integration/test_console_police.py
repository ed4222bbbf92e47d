"""Police liaison in the console (issue 15), on SQLite and PostgreSQL: Pat signs in by the
link `/console` sends and lands on the concerns shared with them; the caseload refuses them
cleanly; the navigation offers only what they may open; and on every page they can reach by
following links from there, a summary shows, never the young person's words."""

from __future__ import annotations

import re

from bot.domain.safety.worry import Urgency, Worry
from tests.integration.concern_world import PAT, Hub, hub
from tests.integration.test_console_web import _browser, _link

__all__ = ["hub"]

WORDS = "they make me sell for them at the station"
HREF = re.compile(r'href="(/[^"#?]*)')


async def test_police_liaison_see_summaries_on_every_page_and_never_the_words(hub: Hub) -> None:
    await hub.council(police_liaison=True)
    concern_id = await hub.raise_concern(
        Worry("words", Urgency.HIGH, WORDS, "criminal_exploitation")
    )
    async with _browser(hub) as pat:
        answer = await pat.post(await _link(hub, PAT))
        assert answer.status_code == 303
        assert answer.headers["location"] == "/concerns"
        assert (await pat.get("/")).headers["location"] == "/concerns"

        refused = await pat.get("/caseload")
        assert refused.status_code == 403
        assert "Traceback" not in refused.text

        home = await pat.get("/concerns")
        assert home.status_code == 200
        navigation = home.text.split('id="navigation"', 1)[1].split("</nav>", 1)[0]
        assert HREF.findall(navigation) == ["/concerns"]
        assert f"/concerns/{concern_id}" in home.text

        seen: dict[str, int] = {}
        waiting = ["/concerns"]
        while waiting:
            path = waiting.pop()
            if path in seen or path.startswith(("/assets/", "/login/", "/sign-out")):
                continue
            page = await pat.get(path)
            seen[path] = page.status_code
            if page.status_code != 200:
                continue
            for word in ("sell", "station"):
                assert word not in page.text.lower(), (path, word)
            waiting.extend(HREF.findall(page.text))
        assert seen[f"/concerns/{concern_id}"] == 200, seen


async def test_pages_not_in_their_navigation_refuse_them(hub: Hub) -> None:
    async with _browser(hub) as pat:
        await pat.post(await _link(hub, PAT))
        for path in ("/caseload", "/sessions", "/admin/staff", "/admin/invites/new"):
            answer = await pat.get(path)
            assert answer.status_code in {403, 404}, (path, answer.status_code)
