"""Calls the `Api` fixture (tests/conftest.py) does not make itself: GraphQL (and its
subscriptions), and external ids as path segments."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

from starlette.types import ASGIApp, Message

from app.policies.rate_limit import WEBSOCKET
from app.read.feed import EventFeed, Start
from graphql_schema.context import new_context
from graphql_schema.schema import schema as graphql_schema
from tests.conftest import Api


async def gql(api: Api, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> dict[str, Any]:
    """POST /graphql with the fixture's key (or `key`); asserts HTTP 200 and returns the body.
    Sent as ASCII-escaped JSON, so that a lone surrogate (a valid JSON escape, not valid UTF-8)
    reaches the server as a shop's client would send it."""
    content = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {**api.auth(key), "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=content, headers=headers)
    assert response.status_code == 200, response.text[:500]
    return response.json()


class _WatchedFeed(EventFeed):
    """An event feed that says when a subscription to it is made."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.made = asyncio.Event()

    @contextlib.asynccontextmanager
    async def subscription(
        self, store_id: int, types: list[str] | None = None, since: Start | None = None
    ) -> AsyncIterator[Any]:
        async with super().subscription(store_id, types, since) as subscription:
            self.made.set()
            yield subscription


async def subscribe(api: Api, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """A subscription made in-process with the fixture's key, as the websocket makes it: its
    first answer (`data` and formatted `errors`) when it was refused, or {} once it is made
    (subscribed to the feed, waiting for events), however slow the machine."""
    feed = _WatchedFeed(api.db)
    context = new_context(
        api.db, api.app.state.limiter, feed, f"Bearer {api.key}", None, method=WEBSOCKET, path="/graphql"
    )
    try:
        result = await graphql_schema.subscribe(document, variables, context_value=context)
        if not hasattr(result, "__aiter__"):  # refused before it was made
            return {"data": result.data, "errors": [e.formatted for e in result.errors or []]}
        stream = aiter(result)
        first = asyncio.ensure_future(anext(stream))
        made = asyncio.ensure_future(feed.made.wait())
        try:
            await asyncio.wait({first, made}, return_when=asyncio.FIRST_COMPLETED)
            if not first.done():
                return {}
            answer = first.result()
            return {"data": answer.data, "errors": [e.formatted for e in answer.errors or []]}
        finally:
            for task in (first, made):
                task.cancel()
            await asyncio.gather(first, made, return_exceptions=True)
            await stream.aclose()  # type: ignore[attr-defined]
    finally:
        await feed.aclose()


class GraphQLSocket:
    """A websocket on `app`'s /graphql speaking graphql-transport-ws, driven in-process as an
    ASGI server would (no server needed): `open` it (connection_init, its payload's
    `Authorization` if given, and the ack), `send` and `receive` messages (JSON objects), `close`.
    `headers`: more handshake headers, (name, value) in bytes."""

    def __init__(self, app: ASGIApp, headers: tuple[tuple[bytes, bytes], ...] = ()):
        self.incoming: asyncio.Queue[Message] = asyncio.Queue()
        self.outgoing: asyncio.Queue[Message] = asyncio.Queue()
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"t"), (b"sec-websocket-protocol", b"graphql-transport-ws"), *headers],
            "subprotocols": ["graphql-transport-ws"],
            "client": ("127.0.0.1", 50000),
            "server": ("t", 80),
        }
        self.served = asyncio.ensure_future(app(scope, self.incoming.get, self.outgoing.put))

    async def send(self, message: dict[str, Any]) -> None:
        await self.incoming.put({"type": "websocket.receive", "text": json.dumps(message)})

    async def reply(self, within: float = 10.0) -> dict[str, Any] | tuple[int, str]:
        """The server's next message, or the socket's close: (code, reason)."""
        sent = await asyncio.wait_for(self.outgoing.get(), within)
        if sent["type"] == "websocket.close":
            return sent["code"], sent.get("reason") or ""
        assert sent["type"] == "websocket.send", sent
        return json.loads(sent["text"])

    async def receive(self, within: float = 10.0) -> dict[str, Any]:
        message = await self.reply(within)
        assert isinstance(message, dict), message
        return message

    async def connect(self) -> None:
        """The websocket handshake, accepted."""
        await self.incoming.put({"type": "websocket.connect"})
        assert (await self.outgoing.get())["type"] == "websocket.accept"

    async def open(self, authorization: str | dict[str, Any] | None) -> None:
        """connection_init with `Authorization` (a dict: the whole payload), acknowledged."""
        await self.connect()
        payload = authorization if isinstance(authorization, dict) else {"Authorization": authorization}
        await self.send({"type": "connection_init", "payload": payload if authorization else {}})
        assert await self.receive() == {"type": "connection_ack"}

    async def close(self) -> None:
        await self.incoming.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.served, 10)


def quoted(external_id: str) -> str:
    """An external id as one path segment (every reserved character percent-encoded)."""
    return urllib.parse.quote(external_id, safe="")


def refusal(field: str, message: str, code: str) -> dict[str, Any]:
    """What a write refused on one field answers: the 422 body, and a batch item's fields besides
    its index, external id and status (`routes.batch_result`)."""
    return {"message": message, "errors": {field: [message]}, "codes": {field: [code]}}


def refused_item(index: int, external_id: str, field: str, message: str, code: str) -> dict[str, Any]:
    """A batch's result for its item `index` refused on one field (`routes.batch_result`)."""
    return {"index": index, "external_id": external_id, "status": 422, **refusal(field, message, code)}
