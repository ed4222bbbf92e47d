"""HTTP plumbing of the fake Telegram server: routing, body reading, keep-alive connections."""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from bot.devtools.fake_telegram_control import handle_control
from bot.devtools.fake_telegram_models import Reply
from bot.devtools.wire import MalformedRequestError, parse_body, read_chunked

if TYPE_CHECKING:
    from bot.devtools.fake_telegram import FakeTelegram

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_NOT_FOUND = Reply.error(404, "Not Found")


class FakeTelegramServer(ThreadingHTTPServer):
    """A threading HTTP server that can also cut its idle keep-alive connections on stop."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeTelegram) -> None:
        super().__init__(address, FakeTelegramHandler)
        self.fake = fake
        self.stopping = False
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._in_flight = 0
        self._connections_lock = threading.Condition()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve each connection in its own thread, remembering it so stop can close it."""
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="fake-telegram-connection",
            daemon=True,
        )
        with self._connections_lock:
            self._connections[request] = thread
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        """Forget a connection once it is finished."""
        with self._connections_lock:
            self._connections.pop(request, None)
        super().shutdown_request(request)

    def request_started(self) -> None:
        """Count a request that is being answered, so stop lets it finish."""
        with self._connections_lock:
            self._in_flight += 1

    def request_finished(self) -> None:
        """Uncount a request once its answer is written."""
        with self._connections_lock:
            self._in_flight -= 1
            self._connections_lock.notify_all()

    def close_connections(self, timeout: float) -> None:
        """Let answers in progress finish, then cut idle keep-alive sockets and join threads."""
        with self._connections_lock:
            self.stopping = True
            self._connections_lock.wait_for(lambda: self._in_flight == 0, timeout=timeout)
            connections = list(self._connections.items())
        for sock, _ in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                continue
        for _, thread in connections:
            if thread is not threading.current_thread():
                thread.join(timeout)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that hang up; report real bugs as usual."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class FakeTelegramHandler(BaseHTTPRequestHandler):
    """Routes ``/bot<token>/<method>``, ``/file/bot<token>/<path>`` and ``/_control/...``."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "FakeTelegram/1.0"
    server: FakeTelegramServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean: no per-request stderr line."""

    def do_POST(self) -> None:
        """Handle Bot API calls and control commands."""
        self._dispatch()

    def do_GET(self) -> None:
        """Handle file downloads, control queries and (as Telegram allows) Bot API calls."""
        self._dispatch()

    def do_HEAD(self) -> None:
        """Handle file probes."""
        self._dispatch()

    def do_DELETE(self) -> None:
        """Handle control commands."""
        self._dispatch()

    def _dispatch(self) -> None:
        self.server.request_started()
        try:
            self._route()
        finally:
            if self.server.stopping:
                self.close_connection = True
            self.server.request_finished()

    def _route(self) -> None:
        try:
            body = self._read_body()
        except MalformedRequestError as exc:
            self._send_reply(Reply.error(400, f"Bad Request: {exc}"))
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith("/_control/"):
            query = dict(parse_qsl(parts.query))
            status, payload = handle_control(
                self.server.fake, self.command, path.removeprefix("/_control/"), query, body
            )
            self._send_json(status, payload)
        elif path.startswith("/file/bot"):
            self._serve_file(path.removeprefix("/file/bot"))
        elif path.startswith("/bot"):
            self._serve_api(path.removeprefix("/bot"), parts.query, body)
        else:
            self._send_reply(_NOT_FOUND)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return read_chunked(lambda: self.rfile.readline(65537), self.rfile.read)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            return self.rfile.read(int(length))
        except ValueError as exc:
            raise MalformedRequestError("bad Content-Length") from exc

    def _serve_api(self, rest: str, query: str, body: bytes) -> None:
        token, _, method = rest.partition("/")
        if not _TOKEN.match(token) or not method or "/" in method:
            self._send_reply(_NOT_FOUND)
            return
        try:
            fields = parse_body(self.headers.get("Content-Type", ""), body, query)
        except MalformedRequestError as exc:
            self._send_reply(Reply.error(400, f"Bad Request: {exc}"))
            return
        self._send_reply(self.server.fake.api_request(token, method, fields))

    def _serve_file(self, rest: str) -> None:
        token, _, file_path = rest.partition("/")
        data = self.server.fake.file_content(file_path) if _TOKEN.match(token) else None
        if data is None:
            self._send_reply(_NOT_FOUND)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send_reply(self, reply: Reply) -> None:
        if reply.delay > 0:
            self.server.fake.hold(reply.delay)
        if reply.body is None:
            # A "timeout" fault: the client must see the connection drop with no answer.
            self.close_connection = True
            return
        self._send_json(reply.status, reply.body)

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
