"""README, "GraphQL and GraphiQL": a nullable variable sent `null` where the argument is
non-null with a default (`orders(first: $n)` with `$n: Int`, `first: Int! = 20`) is refused,
a top-level error with code BAD_USER_INPUT at the field, `extensions.field` the argument as
every bad argument's, the message writing `null` where graphql-core wrote Python's `None`
(`… provided to non-null type 'Int!' not to be null.`); the variable left out gives the
argument its default. The schema keeps its non-null types. So is every such refusal
graphql-core makes as a field runs: a variable with a default sent `null` where a non-null
argument, input field or list item stands, its path in `extensions.field`. Over the websocket
alike: a query's `next`, a subscription's `error` message. Nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, Undefined

from graphql_schema.schema import schema
from tests.api.calls import GraphQLSocket
from tests.conftest import Api

PERIOD = 'from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z"'
ORDER = '{externalId: "N-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1}'
CART = '{externalId: "N-1", abandonedAt: "2026-05-18T10:00:00Z", totalPrice: 1}'
SHIPMENT = '{externalId: "N-1", orderExternalId: "N-1"}'
CUSTOMER = '{phone: "+33612345678"}'
PHONE = "+33612345678"


def _list(field: str) -> str:
    return f"query($v: Int) {{ {field}(storeId: 123, first: $v) {{ totalCount }} }}"


def _mutation(field: str, arguments: str) -> str:
    return f"mutation($v: Boolean) {{ {field}(storeId: 123, {arguments}, backfill: $v) {{ __typename }} }}"


# (type, field, argument) -> (a document giving the argument the nullable variable $v, the
# error's path); every argument of the schema that is non-null with a default
ARGUMENTS: dict[tuple[str, str, str], tuple[str, list[str]]] = {
    **{("Query", field, "first"): (_list(field), [field]) for field in ("orders", "contacts", "shipments", "carts")},
    ("Query", "events", "first"): (_list("events"), ["events"]),
    ("Query", "topProducts", "first"): (
        f"query($v: Int) {{ topProducts(storeId: 123, {PERIOD}, first: $v) {{ sku }} }}",
        ["topProducts"],
    ),
    ("Query", "topProducts", "by"): (
        f"query($v: ProductMetric) {{ topProducts(storeId: 123, {PERIOD}, by: $v) {{ sku }} }}",
        ["topProducts"],
    ),
    ("Query", "storeTimeseries", "interval"): (
        f"query($v: StatsInterval) {{ storeTimeseries(storeId: 123, {PERIOD}, interval: $v) {{ start }} }}",
        ["storeTimeseries"],
    ),
    **{
        ("Contact", field, "first"): (
            f'query($v: Int) {{ contact(storeId: 123, phone: "{PHONE}") {{ {field}(first: $v) {{ externalId }} }} }}',
            ["contact", field],
        )
        for field in ("orders", "carts")
    },
    **{
        ("Mutation", field, "backfill"): (_mutation(field, arguments), [field])
        for field, arguments in {
            "upsertOrder": f"input: {ORDER}",
            "upsertOrders": f"inputs: [{ORDER}]",
            "updateOrder": 'externalId: "N-1", input: {tags: ["a"]}',
            "createShipment": f"input: {SHIPMENT}",
            "createShipments": f"inputs: [{SHIPMENT}]",
            "upsertCart": f"input: {CART}",
            "upsertCarts": f"inputs: [{CART}]",
            "updateCart": 'externalId: "N-1", input: {tags: ["a"]}',
            "upsertCustomer": f"input: {CUSTOMER}",
            "upsertCustomers": f"inputs: [{CUSTOMER}]",
            "deleteCustomer": 'externalId: "N-1"',
        }.items()
    },
}

# a variable with a default ($v: T = …) sent null where a non-null type stands ->
# (the document, the error's path, extensions.field, the message's start and its type)
DEFAULTED: dict[str, tuple[str, list[str], list[str], str]] = {
    "an argument": (
        'query($v: ID = "123") { orders(storeId: $v) { totalCount } }',
        ["orders"],
        ["storeId"],
        "Argument 'storeId' has invalid value: Expected variable '$v' provided to non-null type 'ID!'",
    ),
    "an input field": (
        'mutation($v: String = "N-1") { upsertOrder(storeId: 123, input: '
        '{externalId: $v, placedAt: "2026-05-18T10:00:00Z", totalPrice: 1}) { __typename } }',
        ["upsertOrder"],
        ["input", "externalId"],
        "Argument 'input' has invalid value at .externalId: Expected variable '$v' provided to non-null type 'String!'",
    ),
    "a list item of an input field": (
        'mutation($v: String = "vip") { updateOrder(storeId: 123, externalId: "N-1", input: {tags: ["a", $v]}) '
        "{ __typename } }",
        ["updateOrder"],
        ["input", "tags", "1"],
        "Argument 'input' has invalid value at .tags[1]: Expected variable '$v' provided to non-null type 'String!'",
    ),
}
# a variable with a default sent null where a nullable type stands: no refusal
NULLABLE = 'query($v: String = "x") { orders(storeId: 123, filter: {tag: $v}) { totalCount } }'


def _non_null_with_default() -> set[tuple[str, str, str]]:
    """Every (type, field, argument) of the schema whose argument is non-null with a default."""
    found = set()
    for type_ in schema._schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            for name, field in type_.fields.items():
                for argument, definition in field.args.items():
                    if isinstance(definition.type, GraphQLNonNull) and definition.default_value is not Undefined:
                        found.add((type_.name, name, argument))
    return found


def test_the_table_holds_every_non_null_argument_with_a_default():
    assert set(ARGUMENTS) == _non_null_with_default()


def _argument_type(type_name: str, field: str, argument: str) -> str:
    return str(schema._schema.type_map[type_name].fields[field].args[argument].type)  # type: ignore[attr-defined]


async def _post(api: Api, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await api.client.post("/graphql", json={"query": document, "variables": variables}, headers=api.auth())
    assert response.status_code == 200, response.text
    return response.json()


def _refusal(message: str, path: list[str], field: list[str]) -> dict[str, Any]:
    return {"message": message, "path": path, "extensions": {"code": "BAD_USER_INPUT", "field": field}}


def _without_locations(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in error.items() if key != "locations"} for error in errors]


def _null_data(document: str, path: list[str]) -> dict[str, Any] | None:
    """The data of a refused field: null up to the nullable `contact` or mutation payload, else
    the whole data."""
    return {path[0]: None} if path[0] == "contact" or document.startswith("mutation") else None


@pytest.mark.parametrize("key", ARGUMENTS, ids=[".".join(key) for key in ARGUMENTS])
async def test_null_for_a_non_null_argument_with_a_default_is_refused(api: Api, key):
    type_name, _, argument = key
    document, path = ARGUMENTS[key]
    assert (await api.post("/customers", {"external_id": "C-1", "phone": PHONE})).status_code == 201
    before = await api.snapshot()
    body = await _post(api, document, {"v": None})
    message = (
        f"Argument '{argument}' has invalid value: Expected variable '$v' provided to non-null type "
        f"'{_argument_type(*key)}' not to be null."
    )
    assert body["data"] == _null_data(document, path)
    assert _without_locations(body["errors"]) == [_refusal(message, path, [argument])]
    assert await api.snapshot() == before


@pytest.mark.parametrize("key", ARGUMENTS, ids=[".".join(key) for key in ARGUMENTS])
async def test_the_variable_left_out_gives_the_default(api: Api, key):
    document, _ = ARGUMENTS[key]
    assert (await api.post("/customers", {"external_id": "C-1", "phone": PHONE})).status_code == 201
    body = await _post(api, document, {})
    assert "errors" not in body, body


@pytest.mark.parametrize("name", DEFAULTED)
async def test_null_for_a_variable_with_a_default_where_a_non_null_type_stands(api: Api, name):
    document, path, field, message = DEFAULTED[name]
    before = await api.snapshot()
    body = await _post(api, document, {"v": None})
    assert body["data"] == _null_data(document, path)
    assert _without_locations(body["errors"]) == [_refusal(message + " not to be null.", path, field)]
    assert await api.snapshot() == before


async def test_null_for_a_nullable_input_field_is_no_refusal(api: Api):
    body = await _post(api, NULLABLE, {"v": None})
    assert "errors" not in body, body


async def test_the_error_is_at_the_variable(api: Api):
    body = await _post(api, "query($n: Int) {\n  orders(storeId: 123, first: $n) { totalCount }\n}", {"n": None})
    [error] = body["errors"]
    assert error["locations"] == [{"line": 2, "column": 31}]  # `$n`


async def _over_the_socket(api: Api, document: str) -> list[dict[str, Any]]:
    """What the socket answers a subscribe of `document` with `$v` null, until it completes or
    refuses it."""
    socket = GraphQLSocket(api.app)
    await socket.open(f"Bearer {api.key}")
    await socket.send({"id": "1", "type": "subscribe", "payload": {"query": document, "variables": {"v": None}}})
    answers = [await socket.receive()]
    while answers[-1]["type"] == "next":
        answers.append(await socket.receive())
    await socket.close()
    return answers


async def test_a_query_over_the_websocket(api: Api):
    document, path = ARGUMENTS["Query", "orders", "first"]
    [answer, done] = await _over_the_socket(api, document)
    message = (
        "Argument 'first' has invalid value: Expected variable '$v' provided to non-null type 'Int!' not to be null."
    )
    assert answer["payload"]["data"] is None
    assert _without_locations(answer["payload"]["errors"]) == [_refusal(message, path, ["first"])]
    assert done == {"id": "1", "type": "complete"}


# a subscription given a variable with a default -> (the document, extensions.field, the message)
SUBSCRIPTIONS = {
    "an argument": (
        'subscription($v: ID = "123") { storeEvents(storeId: $v) { type } }',
        ["storeId"],
        "Argument 'storeId' has invalid value: Expected variable '$v' provided to non-null type 'ID!' not to be null.",
    ),
    "a list item": (
        'subscription($v: String = "order.*") { storeEvents(storeId: 123, types: [$v]) { type } }',
        ["types", "0"],
        "Argument 'types' has invalid value at [0]: Expected variable '$v' provided to non-null type 'String!' "
        "not to be null.",
    ),
}


@pytest.mark.parametrize("name", SUBSCRIPTIONS)
async def test_a_subscription_is_refused_with_the_protocols_error(api: Api, name):
    document, field, message = SUBSCRIPTIONS[name]
    [answer] = await _over_the_socket(api, document)
    assert answer["type"] == "error"
    assert _without_locations(answer["payload"]) == [_refusal(message, ["storeEvents"], field)]
