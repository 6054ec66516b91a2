"""storeEvents (issue 16; README, "Live updates"): a GraphQL subscription over graphql-transport-ws
on a real `kanal serve`, authorised by the key in the connection payload, scoped like queries:
a write's events reach the subscriber within a second of its commit, from any worker process,
filtered by type; a revoked key ends the subscription with the REST refusal."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests import postgres
from tests.conftest import order_body, shipment_body
from tests.realserver import API, LiveServer, Prepared, prepared_database, serving
from tests.server import kanal

SUBSCRIBE = "subscription($types: [String!]) { storeEvents(storeId: 123, types: $types) { type subjectType data } }"


@pytest.fixture(params=postgres.engines_under_test())
def prepared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Prepared]:
    with prepared_database(request.param, tmp_path) as database:
        yield database


async def _open(
    server: LiveServer, payload: dict[str, Any], headers: list[tuple[str, str]] | None = None
) -> ClientConnection:
    url = server.base_url.replace("http://", "ws://") + "/graphql"
    socket = await connect(url, subprotocols=["graphql-transport-ws"], additional_headers=headers)  # type: ignore[list-item]
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert await socket.recv() == '{"type":"connection_ack"}'  # a text frame: browsers' clients refuse binary ones
    return socket


async def _subscribe(socket: ClientConnection, types: list[str] | None = None) -> None:
    await socket.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"types": types}}})
    )
    await asyncio.sleep(0.5)  # the subscription is made once its first check has run


async def _next(socket: ClientConnection, within: float = 2.0) -> dict[str, Any]:
    frame = await asyncio.wait_for(socket.recv(), within)
    assert isinstance(frame, str), frame  # each message a text frame, as graphql-transport-ws has them
    return json.loads(frame)


async def _refused(
    socket: ClientConnection, message: str, code: str, within: float = 2.0, description: str | None = None
) -> None:
    """The subscription ends with the REST refusal as its one error, at the field (README,
    "Live updates"), then completes; `description`: REST's `error_description` of it."""
    answer = await _next(socket, within)
    assert answer["type"] == "next" and answer["payload"]["data"] is None
    at = {"path": ["storeEvents"], "locations": [{"line": 1, "column": SUBSCRIBE.index("storeEvents") + 1}]}
    extensions = {"code": code, **({"description": description} if description else {})}
    assert answer["payload"]["errors"] == [{"message": message, "extensions": extensions, **at}]
    assert await _next(socket) == {"id": "1", "type": "complete"}


async def test_a_write_reaches_the_subscriber_within_a_second(prepared: Prepared) -> None:
    with serving(prepared.url, workers=2) as server:
        socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
        await _subscribe(socket)
        async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
            started = time.monotonic()
            assert (await client.post(f"{API}/orders", json=order_body())).status_code == 201
            message = await _next(socket)
            waited = time.monotonic() - started
        assert message["type"] == "next" and message["id"] == "1"
        event = message["payload"]["data"]["storeEvents"]
        assert (event["type"], event["subjectType"], event["data"]["subject"]["external_id"]) == (
            "order.created",
            "order",
            "ORDER-1001",
        )
        assert waited < 2.0, waited  # a bound on the test, not a benchmark: the goal is 1 s
        await socket.close()


async def test_types_filter_the_events(prepared: Prepared) -> None:
    with serving(prepared.url) as server:
        socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
        await _subscribe(socket, ["shipment.*"])
        async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
            await client.post(f"{API}/orders", json=order_body())
            await client.post(f"{API}/shipments", json=shipment_body())
        message = await _next(socket)
        assert message["payload"]["data"]["storeEvents"]["type"] == "shipment.created"
        with pytest.raises(TimeoutError):
            await _next(socket, within=1.0)  # order.created was filtered out
        await socket.close()


async def test_another_stores_key_is_refused(prepared: Prepared) -> None:
    kanal(prepared.url, "stores", "create", "--id", "124", "--name", "Other", "--region", "FR")
    other_key = kanal(prepared.url, "keys", "create", "--store", "124").stdout.strip().splitlines()[-1]
    with serving(prepared.url) as server:
        socket = await _open(server, {"Authorization": f"Bearer {other_key}"})
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        await _refused(socket, "API key does not authorize this store", "FORBIDDEN")
        await socket.close()


async def test_without_a_key_it_is_unauthenticated(prepared: Prepared) -> None:
    with serving(prepared.url) as server:
        socket = await _open(server, {})
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        await _refused(socket, "API key is missing", "UNAUTHENTICATED")
        await socket.close()


SEVERAL = "The Authorization header must be sent once, with one key: Bearer <API key>"
UNKNOWN = "The API key is unknown or revoked"
# connection_init payload, Authorization header lines ("{key}": a key that works alone): each
# names two keys, and is refused as ambiguous, as REST refuses two Authorization lines
SEVERAL_KEYS: dict[str, tuple[dict[str, str], list[str]]] = {
    "two header lines": ({}, ["Bearer {key}", "Bearer kanal_sk_live_nope"]),
    "Authorization and authorization": (
        {"Authorization": "Bearer {key}", "authorization": "Bearer kanal_sk_live_nope"},
        [],
    ),
    "two keys in Authorization": ({"Authorization": "Bearer {key}, Bearer kanal_sk_live_nope"}, []),
}


async def test_two_keys_are_refused_as_ambiguous(prepared: Prepared) -> None:
    with serving(prepared.url) as server:
        for payload, lines in SEVERAL_KEYS.values():  # one server for the table
            given = {name: value.format(key=prepared.key) for name, value in payload.items()}
            headers = [("Authorization", line.format(key=prepared.key)) for line in lines]
            socket = await _open(server, given, headers)
            await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            await _refused(socket, "API key is missing", "UNAUTHENTICATED", description=SEVERAL)
            await socket.close()


async def test_revoking_the_key_ends_the_subscription(prepared: Prepared) -> None:
    with serving(prepared.url) as server:
        socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
        await _subscribe(socket)
        kanal(prepared.url, "keys", "revoke", prepared.key)
        # checked every 5 s idle
        await _refused(socket, "Invalid API key", "UNAUTHENTICATED", within=8.0, description=UNKNOWN)
        await socket.close()


async def test_a_test_key_hears_only_test_events_and_a_live_key_only_live_ones(prepared: Prepared) -> None:
    """Issue 15, item 4: the test space's events stay in it, on the subscription as elsewhere."""
    test_key = kanal(prepared.url, "keys", "create", "--store", "123", "--test").stdout.strip().splitlines()[-1]
    with serving(prepared.url) as server:
        live = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
        await _subscribe(live)
        test = await _open(server, {"Authorization": f"Bearer {test_key}"})
        await _subscribe(test)
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            for external_id, key in (("TEST-1", test_key), ("LIVE-1", prepared.key)):
                response = await client.post(
                    f"{API}/orders",
                    json=order_body(external_id=external_id),
                    headers={"Authorization": f"Bearer {key}"},
                )
                assert response.status_code == 201
        for socket, heard in ((test, "TEST-1"), (live, "LIVE-1")):
            event = (await _next(socket))["payload"]["data"]["storeEvents"]
            assert (event["type"], event["data"]["subject"]["external_id"]) == ("order.created", heard)
            with pytest.raises(TimeoutError):
                await _next(socket, within=1.0)  # the other space's order.created never comes
            await socket.close()


# a frame that is not a JSON object -> the protocol's close (code, reason)
BAD_FRAMES: list[tuple[str | bytes, tuple[int, str]]] = [
    ("not json", (4400, "WebSocket message must be valid JSON")),
    ('{"type": "connection_init"', (4400, "WebSocket message must be valid JSON")),
    ('"connection_init"', (4400, "WebSocket message must be valid JSON")),
    ("12", (4400, "WebSocket message must be valid JSON")),
    ('[{"type": "connection_init"}]', (4400, "WebSocket message must be valid JSON")),
    (b'{"type": "connection_init"}', (4400, "WebSocket message type must be text")),
]


async def test_a_frame_that_is_not_a_json_object_closes_the_socket_as_the_protocol_says(prepared: Prepared) -> None:
    with serving(prepared.url) as server:
        url = server.base_url.replace("http://", "ws://") + "/graphql"
        for frame, closed in BAD_FRAMES:  # one server for the table: each frame on a socket of its own
            socket = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
            await socket.send(frame)
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(socket.recv(), 5)
            assert (socket.close_code, socket.close_reason) == closed, frame
        assert "Traceback" not in server.tracebacks(), server.tracebacks()


WATCH = "subscription {name} {{ storeEvents(storeId: 123) {{ type }} }}"
# a subscribe whose document chooses no operation (GraphQL spec §6.1): document, operationName, close reason
NO_SINGLE_OPERATION = [
    (
        WATCH.format(name="A") + WATCH.format(name="B"),
        None,
        "Must provide operation name if query contains multiple operations.",
    ),
    (WATCH.format(name="A"), "Missing", 'Unknown operation named "Missing".'),
    ("fragment F on Subscription { storeEvents(storeId: 123) { type } }", None, "Must provide an operation."),
]


async def test_a_document_choosing_no_operation_closes_the_socket_with_the_refusal(prepared: Prepared) -> None:
    """As graphql-transport-ws's reference server does ("Unable to identify operation"): the
    socket closes with 4400 and the refusal as its reason; the server logs no traceback, where
    it logged one for each."""
    with serving(prepared.url) as server:
        for document, name, reason in NO_SINGLE_OPERATION:  # one server for the table
            socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
            payload = {"query": document, **({"operationName": name} if name is not None else {})}
            await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(socket.recv(), 5)
            assert (socket.close_code, socket.close_reason) == (4400, reason)
        assert "Traceback" not in server.tracebacks(), server.tracebacks()


LONG_NAME = "n" * 200
# a subscribe whose document does not parse: document -> the close reason, its syntax error
# (GraphQL spec §2), cut to the 123 bytes a close frame holds (RFC 6455 §5.5)
UNPARSED = {
    "subscription { storeEvents(storeId: 123 { type } }": "Syntax Error: Expected Name, found '{'.",
    "{ orders(": "Syntax Error: Expected Name, found <EOF>.",
    "subscription { storeEvents(storeId: 123) { } }": "Syntax Error: Expected Name, found '}'.",
    "subscription { }": "Syntax Error: Expected Name, found '}'.",
    "subscription { storeEvents(storeId: " + "1" * 4301 + ") { type } }": (
        "Syntax Error: A whole number literal has more than 4,300 digits."
    ),
    "subscription { storeEvents(storeId: 123) { " + "type " * 2001 + "} }": (
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    ),
    "subscription { storeEvents(storeId: 123) { type } } " + LONG_NAME: (
        "Syntax Error: Unexpected Name '" + "n" * 89 + "…"
    ),
}


async def test_a_document_that_does_not_parse_closes_the_socket_with_its_syntax_error(prepared: Prepared) -> None:
    """As strawberry closes for a syntax error (graphql-transport-ws: 4400, the error as the
    reason), where the socket answered a bare `complete` and logged a traceback: the schema's
    own checks of a document's length (its whole number literals, its tokens) included."""
    with serving(prepared.url) as server:
        for document, reason in UNPARSED.items():  # one server for the table
            socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
            await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": document}}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(socket.recv(), 5)
            assert (socket.close_code, socket.close_reason) == (4400, reason), document[:80]
        assert "Traceback" not in server.tracebacks(), server.tracebacks()


# a subscribe whose document parses but spreads a fragment it does not define (GraphQL spec
# §5.5.2.1) -> graphql-core's validation errors (a subscription selects one field, §5.2.3.1)
UNKNOWN_FRAGMENTS = {
    "subscription { ...Nope }": [
        "Anonymous Subscription must select one top level field.",
        "Unknown fragment 'Nope'.",
    ],
    "subscription { storeEvents(storeId: 123) { ...Nope } }": ["Unknown fragment 'Nope'."],
}


async def test_an_unknown_fragment_is_a_validation_error(prepared: Prepared) -> None:
    """The protocol's `error` message with graphql-core's error, code GRAPHQL_VALIDATION_FAILED,
    where the depth limit failed on the spread with a bare KeyError: a `complete` and a
    traceback logged."""
    with serving(prepared.url) as server:
        socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
        for n, (document, messages) in enumerate(UNKNOWN_FRAGMENTS.items()):  # one socket for the table
            await socket.send(json.dumps({"id": str(n), "type": "subscribe", "payload": {"query": document}}))
            answer = await _next(socket, within=5.0)
            assert (answer["id"], answer["type"]) == (str(n), "error"), answer
            told = [(e["message"], e.get("extensions")) for e in answer["payload"]]
            assert told == [(message, {"code": "GRAPHQL_VALIDATION_FAILED"}) for message in messages], document
        await socket.close()
        assert "Traceback" not in server.tracebacks(), server.tracebacks()


READ_CONTACT = '{ order(storeId: 123, externalId: "ORDER-1001") { contact { firstName } } }'
WRITE_CUSTOMER = 'mutation { upsertCustomer(storeId: 123, input: {phone: "+33612345678"}) { created } }'


async def _revoke_the_key(prepared: Prepared, client: httpx.AsyncClient) -> None:
    kanal(prepared.url, "keys", "revoke", prepared.key)


async def _nothing(prepared: Prepared, client: httpx.AsyncClient) -> None:
    """The order's write and the first operation spent the budget of 2."""


async def _rename_the_contact(prepared: Prepared, client: httpx.AsyncClient) -> None:
    customer = {"phone": "+33612345678", "first_name": "Zoé"}
    assert (await client.post(f"{API}/customers", json=customer)).status_code == 200


Between = Callable[[Prepared, httpx.AsyncClient], Awaitable[None]]
Answer = tuple[object, list[tuple[str, str]]]
# Each operation on a socket is admitted and read as an HTTP request is (README, "Live updates"):
# the store's budget per minute, what happens between two operations on one socket, the second
# operation -> its data and errors
BETWEEN_TWO_OPERATIONS: list[tuple[int, Between, str, Answer]] = [
    (100, _revoke_the_key, WRITE_CUSTOMER, ({"upsertCustomer": None}, [("Invalid API key", "UNAUTHENTICATED")])),
    (2, _nothing, WRITE_CUSTOMER, ({"upsertCustomer": None}, [("Too Many Attempts.", "THROTTLED")])),
    (100, _rename_the_contact, READ_CONTACT, ({"order": {"contact": {"firstName": "Zoé"}}}, [])),
]


async def _operation(socket: ClientConnection, operation_id: str, document: str) -> Answer:
    """A query or mutation over the socket: its data and its errors (message, code)."""
    await socket.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": {"query": document}}))
    answer = await _next(socket, within=5.0)
    assert await _next(socket) == {"id": operation_id, "type": "complete"}
    errors = answer["payload"].get("errors") or []
    return answer["payload"]["data"], [(e["message"], e["extensions"]["code"]) for e in errors]


@pytest.mark.parametrize(("per_minute", "between", "document", "answer"), BETWEEN_TWO_OPERATIONS)
async def test_each_operation_on_a_socket_is_admitted_and_read_afresh(
    prepared: Prepared, per_minute: int, between: Between, document: str, answer: Answer
) -> None:
    """The socket's first operation was admitted for all that followed: a revoked key still
    wrote, the budget was spent once per socket, and DataLoaders answered what the first read."""
    kanal(prepared.url, "stores", "set-rate-limit", "123", str(per_minute))
    with serving(prepared.url) as server:
        async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
            assert (await client.post(f"{API}/orders", json=order_body())).status_code == 201
            socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
            first = await _operation(socket, "1", document)
            assert first[1] == [], first
            await between(prepared, client)
            assert await _operation(socket, "2", document) == answer
            await socket.close()
        assert "Traceback" not in server.tracebacks(), server.tracebacks()


QUERY = {"query": "{ __typename }"}
# a message after connection_ack that is a JSON object but not one the protocol has
# (graphql-transport-ws, "Subscribe" and "Complete") -> the close reason, with 4400
NOT_THE_PROTOCOLS: list[tuple[dict[str, Any], str]] = [
    (
        {"id": "1", "type": "subscribe", "payload": "{ __typename }"},
        'The subscribe message\'s "payload" must be an object.',
    ),
    ({"id": "1", "type": "subscribe", "payload": [QUERY]}, 'The subscribe message\'s "payload" must be an object.'),
    (
        {"id": "1", "type": "subscribe", "payload": {"query": None}},
        'The subscribe message\'s "payload.query" must be a string.',
    ),
    (
        {"id": "1", "type": "subscribe", "payload": {"query": 5}},
        'The subscribe message\'s "payload.query" must be a string.',
    ),
    (
        {"id": "1", "type": "subscribe", "payload": {**QUERY, "variables": [1]}},
        'The subscribe message\'s "payload.variables" must be an object or null.',
    ),
    (
        {"id": "1", "type": "subscribe", "payload": {**QUERY, "operationName": 5}},
        'The subscribe message\'s "payload.operationName" must be a string or null.',
    ),
    (
        {"id": "1", "type": "subscribe", "payload": {**QUERY, "extensions": "x"}},
        'The subscribe message\'s "payload.extensions" must be an object or null.',
    ),
    ({"id": 1, "type": "subscribe", "payload": QUERY}, 'The subscribe message\'s "id" must be a non-empty string.'),
    ({"id": "", "type": "subscribe", "payload": QUERY}, 'The subscribe message\'s "id" must be a non-empty string.'),
    ({"id": None, "type": "subscribe", "payload": QUERY}, 'The subscribe message\'s "id" must be a non-empty string.'),
    ({"id": ["1"], "type": "complete"}, 'The complete message\'s "id" must be a non-empty string.'),
]


async def test_a_message_not_in_the_protocols_shape_closes_the_socket_saying_why(prepared: Prepared) -> None:
    """Where a payload that was not an object, or an id that was a list, dropped the connection
    (1006) with a traceback in the log, a query that was null answered "Internal server error",
    one that was a number only `complete`, and variables that were not an object or an id that
    was a number or null were let through."""
    with serving(prepared.url) as server:
        for message, reason in NOT_THE_PROTOCOLS:  # one server for the table: each on a socket of its own
            socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
            await socket.send(json.dumps(message))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(socket.recv(), 5)
            assert (socket.close_code, socket.close_reason) == (4400, reason), message
        assert "Traceback" not in server.tracebacks(), server.tracebacks()


SUBSCRIBE_WITH = (
    "subscription($storeId: ID!, $types: [String!]) { storeEvents(storeId: $storeId, types: $types) { type } }"
)
# The same variables read over HTTP, where no subscription runs (`OVER_THE_WEBSOCKET`): nothing
# is written, graphql-core refusing the variables before the mutation runs.
OVER_HTTP_WITH = (
    "mutation($storeId: ID!, $types: [String!]) "
    '{ updateOrder(storeId: $storeId, externalId: "ORDER-1001", input: {tags: $types}) { userErrors { code } } }'
)
# the variables' JSON text (None: none sent) -> the one error's message, code BAD_USER_INPUT
REFUSED_VARIABLES: dict[str | None, str] = {
    '{"storeId": {"a": 1}}': "Variable '$storeId' has invalid value: ID cannot represent value: {\"a\":1}",
    '{"storeId": [1, 2]}': "Variable '$storeId' has invalid value: ID cannot represent value: [1,2]",
    '{"storeId": true}': "Variable '$storeId' has invalid value: ID cannot represent value: true",
    '{"storeId": 2.50}': "Variable '$storeId' has invalid value: ID cannot represent value: 2.50",
    '{"storeId": null}': "Variable '$storeId' has invalid value: Expected value of non-null type 'ID!' not to be null.",
    "{}": "Variable '$storeId' has invalid value: Expected a value of non-null type 'ID!' to be provided.",
    None: "Variable '$storeId' has invalid value: Expected a value of non-null type 'ID!' to be provided.",
    '{"storeId": 123, "types": [true]}': (
        "Variable '$types' has invalid value at [0]: String cannot represent a non string value: true"
    ),
    '{"storeId": 123, "types": ["order.*", null]}': (
        "Variable '$types' has invalid value at [1]: Expected value of non-null type 'String!' not to be null."
    ),
    '{"storeId": 123, "types": {"é": "it\'s"}}': (
        'Variable \'$types\' has invalid value: String cannot represent a non string value: {"é":"it\'s"}'
    ),
}


def _operation_text(operation_id: str | None, document: str, variables: str | None) -> str:
    """A subscribe message (`operation_id` given) or an HTTP body, the variables as their text."""
    given = "" if variables is None else f', "variables": {variables}'
    payload = f'{{"query": {json.dumps(document)}{given}}}'
    return payload if operation_id is None else f'{{"id": "{operation_id}", "type": "subscribe", "payload": {payload}}}'


async def test_refused_variables_are_told_as_over_http(prepared: Prepared) -> None:
    """A subscription whose variables its declared types refuse is refused with the protocol's
    `error` message holding the error an HTTP request with the same variables gets: the value
    shown as JSON as sent, code BAD_USER_INPUT (README, "GraphQL and GraphiQL"), where it showed
    Python's `{'a': 1}`, `True`, `None` and no code."""
    with serving(prepared.url) as server:
        socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
        async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
            for n, (variables, message) in enumerate(REFUSED_VARIABLES.items()):  # one socket for the table
                await socket.send(_operation_text(str(n), SUBSCRIBE_WITH, variables))
                answer = await _next(socket, within=5.0)
                assert (answer["id"], answer["type"]) == (str(n), "error"), answer
                told = [(e["message"], e.get("extensions")) for e in answer["payload"]]
                assert told == [(message, {"code": "BAD_USER_INPUT"})], variables
                response = await client.post(
                    "/graphql",
                    content=_operation_text(None, OVER_HTTP_WITH, variables).encode(),
                    headers={"Content-Type": "application/json"},
                )
                assert response.status_code == 200
                assert [(e["message"], e["extensions"]) for e in response.json()["errors"]] == told, variables
        await socket.close()
        assert "Traceback" not in server.tracebacks(), server.tracebacks()


# variables that are no object -> the HTTP request error (400); over the websocket such a
# subscribe message is not in the protocol's shape, and closes the socket with 4400 and the
# reason `NOT_THE_PROTOCOLS` gives (graphql-transport-ws, "Subscribe")
NOT_AN_OBJECT = ["[1]", '"x"', "7", "true"]


async def test_variables_that_are_no_object_are_refused_on_both_transports(prepared: Prepared) -> None:
    with serving(prepared.url) as server:
        async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
            for variables in NOT_AN_OBJECT:
                response = await client.post(
                    "/graphql",
                    content=_operation_text(None, OVER_HTTP_WITH, variables).encode(),
                    headers={"Content-Type": "application/json"},
                )
                assert (response.status_code, response.json()["errors"]) == (
                    400,
                    [
                        {
                            "message": "The GraphQL operation's `variables` must be an object or null, if provided.",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ],
                ), variables
                socket = await _open(server, {"Authorization": f"Bearer {prepared.key}"})
                await socket.send(_operation_text("1", SUBSCRIBE_WITH, variables))
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(socket.recv(), 5)
                assert (socket.close_code, socket.close_reason) == (
                    4400,
                    'The subscribe message\'s "payload.variables" must be an object or null.',
                ), variables
        assert "Traceback" not in server.tracebacks(), server.tracebacks()
