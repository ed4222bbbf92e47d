"""The staff console as `waypoint run` and `waypoint web` serve it: its settings, the GOV.UK
files it needs, and a uvicorn server for it inside Waypoint's own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from bot.adapters.db.migrate import upgrade
from bot.adapters.web.app import ConsoleSettings, console_app
from bot.config import ConfigurationError, Settings
from bot.entrypoints.bootstrap import bootstrap

# Where `npm ci` puts the GOV.UK Design System's built files (package.json pins its version).
GOVUK = Path("govuk-frontend") / "dist" / "govuk"


def asset_roots() -> list[Path]:
    """Where `npm ci` may have been run: the source checkout, then the working folder (an
    installed Waypoint, as in the Docker image, finds them in /app)."""
    return [Path(__file__).resolve().parents[2], Path.cwd()]


def govuk_folder() -> Path:
    """The GOV.UK files, or one line saying how to get them."""
    for root in asset_roots():
        folder = root / "node_modules" / GOVUK
        if (folder / "govuk-frontend.min.css").is_file():
            return folder
    raise ConfigurationError(
        "the staff console's GOV.UK files are missing (node_modules/govuk-frontend):"
        " run npm ci in the Waypoint folder"
    )


def console_settings(settings: Settings) -> ConsoleSettings:
    """The console's settings, checked now (its files are there) rather than at a request."""
    return ConsoleSettings(
        public_url=settings.console_url, govuk=govuk_folder(), bot_username=settings.bot_username
    )


class WebServer(uvicorn.Server):
    """uvicorn inside Waypoint's own loop: SIGTERM and Ctrl-C stop Waypoint as a whole (which
    then stops this server), so uvicorn does not take the signals for itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leave the signals to Waypoint."""
        yield


def web_server(app: ASGIApp, host: str, port: int) -> WebServer:
    """A quiet uvicorn server for one ASGI app (no access log: paths hold link tokens)."""
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="off", access_log=False
    )
    return WebServer(config)


def listening(host: str, port: int, *, variable: str) -> socket.socket:
    """A socket bound to host:port, or one line naming the setting to change (uvicorn, left
    to bind it, would end the whole process when the port is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        reason = error.strerror or type(error).__name__
        raise ConfigurationError(
            f"cannot listen on {host}:{port} ({reason}): stop what uses it, or set {variable}"
        ) from None
    return sock


@contextlib.asynccontextmanager
async def serving_web(
    app: ASGIApp, host: str, port: int, *, variable: str = "WAYPOINT_CONSOLE_LISTEN"
) -> AsyncIterator[asyncio.Task[None]]:
    """Serve `app` until the block ends; the task ends early if the server stops."""
    sock = listening(host, port, variable=variable)
    server = web_server(app, host, port)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="waypoint-web")
    try:
        yield task
    finally:
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
        sock.close()


def web(settings: Settings) -> None:
    """`waypoint web`: migrate, then serve only the staff console until stopped."""
    console = console_settings(settings)
    upgrade(settings.database_url)
    asyncio.run(_web(settings, console))


async def _web(settings: Settings, console: ConsoleSettings) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopping.set)
    running = bootstrap(settings)
    try:
        app = console_app(running.waypoint.uow, running.waypoint.clock, console)
        host, port = settings.console_address
        async with serving_web(app, host, port) as task:
            sys.stderr.write(f"The staff console is at {settings.console_url}/\n")
            stop = asyncio.ensure_future(stopping.wait())
            await asyncio.wait([stop, task], return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            broken = task.done() and not stopping.is_set()
    finally:
        await running.close()
    if broken:
        # The server stopped by itself: exit non-zero so systemd or Docker starts it again.
        raise SystemExit(1)
