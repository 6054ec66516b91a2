"""A client that closes its connection before its body is all sent (a timeout, a restart) is
no bug: nothing is written, and the request is counted as 499 (nginx's "client closed
request") with no traceback; it was a 500 with one, in the log and in the metrics."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.conftest import Api

# every route that reads a body
ROUTES = [
    ("POST", "/api/v1/stores/123/orders"),
    ("POST", "/api/v1/stores/123/orders/batch"),
    ("PATCH", "/api/v1/stores/123/orders/ORDER-1001"),
    ("POST", "/api/v1/stores/123/customers"),
    ("POST", "/graphql"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_a_body_cut_short_by_the_client_is_499(api: Api, method: str, path: str, caplog) -> None:
    sent: list[dict[str, Any]] = []
    parts = [
        {"type": "http.request", "body": b'{"external', "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"kanal.test"),
            (b"authorization", f"Bearer {api.key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", b"1000"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("kanal.test", 80),
    }
    with caplog.at_level(logging.INFO):
        await api.app(scope, receive, send)
    starts = [message["status"] for message in sent if message["type"] == "http.response.start"]
    assert starts == [499]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert await api.count("orders") == 0 and await api.count("contacts") == 0
