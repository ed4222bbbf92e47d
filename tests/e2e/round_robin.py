"""A round-robin load balancer for tests: POSTs go to each backend in turn, and one that does
not answer makes the call fail with 502 (Telegram then sends the update again)."""

from __future__ import annotations

import http.client
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class RoundRobin:
    """`with RoundRobin([port_a, port_b]) as balancer:` then point callers at `balancer.url`."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.forwarded = dict.fromkeys(ports, 0)
        turns = itertools.cycle(ports)
        lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    port = next(turns)
                status = owner.forward(port, self.path, dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Where the balancer listens."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def forward(self, port: int, path: str, headers: dict[str, str], body: bytes) -> int:
        """Pass one call on; the backend's status, or 502 if it does not answer."""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        kept = {k: v for k, v in headers.items() if k.lower() not in {"host", "connection"}}
        try:
            connection.request("POST", path, body, kept)
            status = connection.getresponse().status
        except OSError:
            return 502
        finally:
            connection.close()
        self.forwarded[port] += 1
        return status

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
