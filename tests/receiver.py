"""A real HTTP receiver on loopback that records webhook deliveries (and can fail on purpose)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(
        self,
        failures: int = 0,
        status: int = 500,
        hold: threading.Event | None = None,
        set_cookie: str | None = None,
    ):
        """`failures`: so many first requests answer `status`; `hold`: each request waits until it
        is set (at most a minute) before it is recorded and answered: a slow endpoint;
        `set_cookie`: every answer carries this `Set-Cookie` value. `arrived` counts the POSTs
        that reached it, held or not."""
        self.received: list[dict[str, Any]] = []
        self.arrived = 0
        self.failures_left = failures
        self.failure_status = status
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a production receiver would

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.arrived += 1
                if hold is not None:
                    hold.wait(timeout=60)
                with receiver._lock:
                    failing = receiver.failures_left > 0
                    receiver.failures_left -= failing
                    if not failing:
                        receiver.received.append(
                            {"headers": dict(self.headers), "body": body, "event": json.loads(body)}
                        )
                self.send_response(receiver.failure_status if failing else 204)
                self.send_header("Content-Length", "0")
                if set_cookie is not None:
                    self.send_header("Set-Cookie", set_cookie)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        # polled every 10 ms, not the default 500: `shutdown` waits for the next poll, and the
        # suite closes a receiver in many hundreds of tests
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def types(self) -> list[str]:
        return [item["event"]["type"] for item in self.received]
