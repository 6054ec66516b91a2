"""README "Importing a shop's history": with `--url`, a batch answered `429 Too Many Requests`
is waited out and sent again, the wait said in one line on stderr as a 503's is, and held to
the same bounds (at least 1 s, at most a minute): it waited silently, and a `Retry-After: 0`
(or none readable) sent the batch again in a tight loop. Over the network: a local HTTP server
answers the import's first batch 429, as a rate limit in front of Kanal would, and passes the
rest to `kanal serve` on each engine; the batch is written once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.imports.files import kanal_import, order, records, write_jsonl
from tests.realserver import LiveServer, Prepared, read_tables


class RateLimit:
    """A local HTTP server in front of `upstream`: its first `limited` POSTs answered 429 with
    `retry_after` (None: no such header), the others passed on; `posts` counts them."""

    def __init__(self, upstream: str, limited: int, retry_after: str | None):
        self.upstream, self.limited, self.retry_after = upstream, limited, retry_after
        self.posts = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        limit = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                limit.posts += 1
                if limit.posts <= limit.limited:
                    self.send_response(429)
                    if limit.retry_after is not None:
                        self.send_header("Retry-After", limit.retry_after)
                    answer = b'{"error": "Rate limit exceeded"}'
                else:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                    passed = httpx.post(limit.upstream + self.path, content=body, headers=headers, timeout=60)
                    self.send_response(passed.status_code)
                    answer = passed.content
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: object) -> None:  # quiet
                pass

        return Handler


@contextmanager
def rate_limited(upstream: str, limited: int, retry_after: str | None) -> Iterator[RateLimit]:
    limit = RateLimit(upstream, limited, retry_after)
    thread = threading.Thread(target=limit.server.serve_forever, args=(0.01,), daemon=True)  # `shutdown` waits a poll
    thread.start()
    try:
        yield limit
    finally:
        limit.server.shutdown()
        limit.server.server_close()


# the 429's Retry-After (None: none) -> the wait said, in the line and as long at least
RETRY_AFTER: dict[str, tuple[str | None, str, float]] = {
    "seconds": ("2", "2 s", 2.0),
    "zero": ("0", "1 s", 1.0),  # not a tight loop: at least 1 s, as a 503's
    "none": (None, "1 s", 1.0),
    "garbled": ("soon", "1 s", 1.0),
}


@pytest.mark.parametrize("name", RETRY_AFTER, ids=list(RETRY_AFTER))
async def test_a_429_is_said_on_stderr_waited_and_the_batch_written_once(
    prepared: Prepared, tmp_path: Path, name: str
) -> None:
    retry_after, said, at_least = RETRY_AFTER[name]
    source = write_jsonl(tmp_path / "o.jsonl", [order(n) for n in range(3)])
    server = LiveServer(prepared.url)
    try:
        with rate_limited(server.base_url, 1, retry_after) as limit:
            started = time.monotonic()
            done = kanal_import(
                prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "3",
                "--url", limit.base_url, "--key", prepared.key,
            )  # fmt: skip
            took = time.monotonic() - started
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-2000:]
    endpoint = f"{limit.base_url}/api/v1/stores/123/orders/batch"
    assert [line for line in done.stderr.splitlines() if "429" in line] == [
        f"warning: {endpoint} answered 429 (over its rate limit): sending the batch from line 1 again in {said}"
    ]
    assert (limit.posts, took >= at_least) == (2, True)  # sent again once, after the wait
    assert "): 3 created, 0 replaced or replayed, 0 stale, 0 refused" in done.stdout, done.stdout
    assert f"{records(3)} in " in done.stdout
    rows = (await read_tables(prepared.url, "orders"))["orders"]
    assert [row["external_id"] for row in rows] == ["H-0", "H-1", "H-2"]  # each written once
