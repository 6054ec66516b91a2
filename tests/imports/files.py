"""Import files as shops bring them."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.server import KANAL


def order(n: int, **overrides: Any) -> dict[str, Any]:
    """Order H-n of a phone among 500 (a shop's returning customers)."""
    body: dict[str, Any] = {
        "external_id": f"H-{n}",
        "placed_at": "2024-05-18T10:00:00Z",
        "total_price": "19.90",
        "currency": "EUR",
        "financial_status": "paid",
        "customer": {"phone": f"+336{10000000 + n % 500:08d}", "first_name": "Ana"},
        "line_items": [{"title": "Tee", "quantity": 1, "price": "19.90"}],
    }
    body.update(overrides)
    return body


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    """One line per item: a dict as JSON, a str as it is (a broken line)."""
    with path.open("w", encoding="utf-8") as file:
        for line in lines:
            file.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def kanal_import(database_url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([KANAL, "import", *map(str, args)], env=env, capture_output=True, text=True, timeout=300)


def start_import(database_url: str, *args: str | Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen(
        [KANAL, "import", *map(str, args)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def report(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def records(count: int) -> str:
    """How the import's summary counts records: "1 record", "2 records", "1,000 records"."""
    return f"{count:,} record" if count == 1 else f"{count:,} records"


@contextmanager
def first_batch_then(later: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """A local HTTP server, its base URL yielded, that answers its first batch as Kanal does (a
    201 per item) and hands each later one, its body read, to `later` (which answers it, or not)."""
    answered = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            items = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["items"]
            if answered:
                later(self)
                return
            answered.append(len(items))
            results = [{"index": n, "external_id": item["external_id"], "status": 201} for n, item in enumerate(items)]
            answer(self, 200, json.dumps({"results": results}).encode())

        def log_message(self, *_args: object) -> None:  # quiet
            pass

    with serving(Handler) as url:
        yield url


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local HTTP server of `handler`, its base URL yielded, stopped on the way out."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()  # `shutdown` waits a poll
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def answer(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    """Answer `handler`'s request `status` with the JSON `body`."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
