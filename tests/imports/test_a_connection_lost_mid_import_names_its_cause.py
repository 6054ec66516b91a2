"""README "Importing a shop's history": when a request over `--url` fails, its `error:` line
names the cause, never an empty one: the httpx error's text, or, when it has none (a
connection reset reads `ReadError('')` under asyncio), what happened and the error's class.
The server here answers the first batch as Kanal does, then resets the connection (SO_LINGER
0) on the second, as a server stopped mid-import does."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from app.imports.sinks import http_cause
from tests.imports.files import first_batch_then, kanal_import, order, write_jsonl


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close the connection with an RST, not a FIN (SO_LINGER 0), as a killed server's is."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


@pytest.fixture
def resetting_second_batch() -> Iterator[str]:
    """A server that answers its first batch with a 201 per item, then resets the connection of
    each later one, its body read, without an answer."""
    with first_batch_then(_reset) as url:
        yield url


def test_a_connection_reset_mid_import_says_the_server_closed_it(resetting_second_batch: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(5)])
    args = ("--store", "123", "--resource", "orders", "--batch-size", "2", "--url", resetting_second_batch)
    done = kanal_import("sqlite+aiosqlite:///unused.db", source, *args, "--key", "kanal_sk_live_x")
    endpoint = f"{resetting_second_batch}/api/v1/stores/123/orders/batch"
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        1,
        f"error: {endpoint}: the server closed the connection (ReadError)",
    )
    assert done.stdout == (
        "Stopped after line 2. Once that is put right, run the same command with --resume to go on from there.\n"
    )


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (httpx.ReadError(""), "the server closed the connection (ReadError)"),
        (httpx.RemoteProtocolError(""), "the server closed the connection (RemoteProtocolError)"),
        (httpx.WriteError(""), "the server closed the connection while the batch was sent (WriteError)"),
        (httpx.CloseError(""), "the connection could not be closed (CloseError)"),
        (httpx.ConnectError(""), "the server could not be reached (ConnectError)"),
        (httpx.ConnectTimeout(""), "no connection within 10 s (ConnectTimeout)"),
        (httpx.ReadTimeout(""), "no answer within 120 s (ReadTimeout)"),
        (httpx.WriteTimeout(""), "the batch could not be sent within 120 s (WriteTimeout)"),
        (httpx.PoolTimeout(""), "no connection free within 120 s (PoolTimeout)"),
        (httpx.TimeoutException(""), "the request timed out (TimeoutException)"),
        (httpx.LocalProtocolError(""), "the request could not be sent as HTTP (LocalProtocolError)"),
        (httpx.ProxyError(""), "the proxy refused the connection (ProxyError)"),
        (httpx.UnsupportedProtocol(""), "the URL is neither http:// nor https:// (UnsupportedProtocol)"),
        (httpx.DecodingError(""), "the answer could not be decoded (DecodingError)"),
        (httpx.TooManyRedirects(""), "too many redirects (TooManyRedirects)"),
        (httpx.NetworkError(""), "the request failed (NetworkError)"),
        (httpx.TransportError(""), "the request failed (TransportError)"),
        (httpx.HTTPError(""), "the request failed (HTTPError)"),
        (httpx.ReadError("  "), "the server closed the connection (ReadError)"),
        # a text is the cause as it was
        (httpx.ReadError("[Errno 104] Connection reset by peer"), "[Errno 104] Connection reset by peer"),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            "Server disconnected without sending a response.",
        ),
        (httpx.ConnectError("All connection attempts failed"), "All connection attempts failed"),
    ],
)
def test_every_http_error_names_a_cause(error: httpx.HTTPError, cause: str) -> None:
    assert http_cause(error) == cause
