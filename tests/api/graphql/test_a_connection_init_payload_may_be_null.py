"""README "Live updates": a websocket's key is the `Authorization` of its `connection_init`
payload, an `Authorization` header the fallback. graphql-transport-ws has the payload as
`payload?: Record<string, unknown> | null`: absent, null and {} alike carry no key and are
acknowledged, where null closed the socket with 4400 `Invalid connection init payload`; a
payload that is no object (a string, a number, a list) is still refused so."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import GraphQLSocket
from tests.conftest import Api

ABSENT = object()  # no "payload" key in the message
KEY = "{key}"  # the fixture's key, `Bearer` and all
READ = '{ order(storeId: 123, externalId: "X") { id } }'
ANSWERED = ({"order": None}, [])  # the key opens store 123, which has no order X
NO_KEY = ({"order": None}, ["UNAUTHENTICATED"])
REFUSED = (4400, "Invalid connection init payload")

# (the connection_init payload, the handshake's Authorization header or None) -> what a read on
# the socket answers (data, error codes), or the close (code, reason)
PAYLOADS: dict[str, tuple[Any, str | None, tuple[Any, ...]]] = {
    "absent": (ABSENT, None, NO_KEY),
    "null": (None, None, NO_KEY),
    "{}": ({}, None, NO_KEY),
    "Authorization null": ({"Authorization": None}, None, NO_KEY),
    "Authorization": ({"Authorization": KEY}, None, ANSWERED),
    "authorization": ({"authorization": KEY}, None, ANSWERED),
    "absent, header": (ABSENT, KEY, ANSWERED),
    "null, header": (None, KEY, ANSWERED),
    "{}, header": ({}, KEY, ANSWERED),
    "a string": ("Bearer x", None, REFUSED),
    "a number": (7, None, REFUSED),
    "true": (True, None, REFUSED),
    "a list": ([{"Authorization": KEY}], None, REFUSED),
    "an empty list": ([], None, REFUSED),
}


def _with_key(value: Any, key: str) -> Any:
    """`value` with KEY spelt as the key's Authorization."""
    if value == KEY:
        return f"Bearer {key}"
    if isinstance(value, dict):
        return {name: _with_key(item, key) for name, item in value.items()}
    if isinstance(value, list):
        return [_with_key(item, key) for item in value]
    return value


@pytest.mark.parametrize("name", PAYLOADS)
async def test_connection_init_takes_an_object_null_or_nothing(api: Api, name):
    payload, header, outcome = PAYLOADS[name]
    headers = () if header is None else ((b"authorization", _with_key(header, api.key).encode()),)
    socket = GraphQLSocket(api.app, headers)
    await socket.connect()
    message: dict[str, Any] = {"type": "connection_init"}
    if payload is not ABSENT:
        message["payload"] = _with_key(payload, api.key)
    await socket.send(message)
    reply = await socket.reply()
    if outcome == REFUSED:
        assert reply == REFUSED
    else:
        assert reply == {"type": "connection_ack"}
        await socket.send({"id": "1", "type": "subscribe", "payload": {"query": READ}})
        answer = await socket.receive()
        assert answer["type"] == "next", answer
        data, errors = answer["payload"]["data"], answer["payload"].get("errors") or []
        assert (data, [error["extensions"]["code"] for error in errors]) == outcome
        assert await socket.receive() == {"id": "1", "type": "complete"}
    await socket.close()
