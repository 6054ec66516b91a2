"""In GraphQL an external id is a `String` (README "Platform payloads"): every argument and
input field naming a record by its external id (found by walking the schema) refuses a number
of any form, `1e3`, `1.0`, `1.5` and `-1` alike, and any other value but text, as GraphQL's
String refuses it, showing the value; nothing is written. In a single and a batch mutation's
input, and as an argument. (REST's id fields, which also take a JSON integer:
tests/api/test_id_fields_refuse_numbers_written_as_floats.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType

from graphql_schema.schema import schema
from tests.api.command_fields import with_raw
from tests.conftest import Api, order_body

ORDER = {
    "externalId": "X-1",
    "placedAt": "2026-05-18T10:00:00Z",
    "totalPrice": 1,
    "customer": {"externalId": "C-1", "phone": "+33612345678"},
}
CART = {
    "externalId": "K-1",
    "abandonedAt": "2026-05-18T10:00:00Z",
    "totalPrice": 1,
    "customer": {"externalId": "C-1", "phone": "+33612345678"},
}
CUSTOMER = {"externalId": "C-1", "phone": "+33612345678"}
SHIPMENT = {"externalId": "S-1", "orderExternalId": "ORDER-1001"}
ERRORS = "userErrors { code }"
# mutation -> (its input type, an input it takes)
MUTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "upsertOrder": ("OrderInput", ORDER),
    "upsertCart": ("CartInput", CART),
    "upsertCustomer": ("CustomerInput", CUSTOMER),
    "createShipment": ("ShipmentInput", SHIPMENT),
}
# batch mutation -> its single mutation
BATCHES = {
    "upsertOrders": "upsertOrder",
    "upsertCarts": "upsertCart",
    "upsertCustomers": "upsertCustomer",
    "createShipments": "createShipment",
}
# an id field of an input -> (the type holding it, its path in the input)
INPUT_FIELDS = {
    "upsertOrder": [("OrderInput", "externalId"), ("OrderCustomerInput", "customer.externalId")],
    "upsertCart": [("CartInput", "externalId"), ("OrderCustomerInput", "customer.externalId")],
    "upsertCustomer": [("CustomerInput", "externalId")],
    "createShipment": [("ShipmentInput", "externalId"), ("ShipmentInput", "orderExternalId")],
}
# Type.field(argument) -> the document, its variable `$v` given to that argument
ARGUMENTS = {
    "Query.order(externalId)": "query($v: String!) { order(storeId: 123, externalId: $v) { externalId } }",
    "Query.contact(externalId)": "query($v: String) { contact(storeId: 123, externalId: $v) { phone } }",
    "Mutation.updateOrder(externalId)": (
        f"mutation($v: String!) {{ updateOrder(storeId: 123, externalId: $v, input: {{tags: []}}) {{ {ERRORS} }} }}"
    ),
    "Mutation.updateCart(externalId)": (
        f"mutation($v: String!) {{ updateCart(storeId: 123, externalId: $v, input: {{tags: []}}) {{ {ERRORS} }} }}"
    ),
    "Mutation.deleteCustomer(externalId)": (
        f"mutation($v: String!) {{ deleteCustomer(storeId: 123, externalId: $v) {{ {ERRORS} }} }}"
    ),
}
# the value's JSON text -> how GraphQL's String shows it in its refusal
SHOWN = {"1e3": "1E+3", "1.0": "1.0", "1.5": "1.5", "-1": "-1", "1000": "1000", "true": "true", "[]": "[]", "{}": "{}"}


def _id_fields() -> set[str]:
    """Every argument and input field of the schema whose name says it is an external id."""
    found = set()
    for name, type_ in schema._schema.type_map.items():
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__"):
            for field_name, field in type_.fields.items():
                found |= {f"{name}.{field_name}({arg})" for arg in field.args if arg.lower().endswith("externalid")}
        if isinstance(type_, GraphQLInputObjectType):
            found |= {f"{name}.{field}" for field in type_.fields if field.lower().endswith("externalid")}
    return found


def test_the_tables_have_every_id_field_and_each_is_a_string() -> None:
    inputs = {f"{type_}.{path.split('.')[-1]}" for fields in INPUT_FIELDS.values() for type_, path in fields}
    assert _id_fields() == inputs | set(ARGUMENTS)
    for name in inputs:
        type_, field = name.split(".")
        assert str(schema._schema.type_map[type_].fields[field].type) in ("String", "String!")
    assert {BATCHES[batch] for batch in BATCHES} == set(MUTATIONS)


async def _answer(api: Api, document: str, variables: str) -> dict[str, Any]:
    content = f'{{"query": {json.dumps(document)}, "variables": {variables}}}'.encode()
    headers = {**api.auth(), "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=content, headers=headers)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def _refused(variable: str, at: str, text: str) -> dict[str, Any]:
    message = f"Variable '${variable}' has invalid value{at}: String cannot represent a non string value: {SHOWN[text]}"
    located = {"locations": [{"line": 1, "column": 10}], "extensions": {"code": "BAD_USER_INPUT"}}
    return {"data": None, "errors": [{"message": message, **located}]}


PLACES = [(mutation, path) for mutation, fields in INPUT_FIELDS.items() for _type, path in fields]
PLACES += [(batch, path) for batch, single in BATCHES.items() for _type, path in INPUT_FIELDS[single]]


@pytest.mark.parametrize(("mutation", "path"), PLACES, ids=[f"{mutation} {path}" for mutation, path in PLACES])
async def test_an_input_field_refuses_every_number(api: Api, mutation: str, path: str) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    batch = mutation in BATCHES
    type_, value = MUTATIONS[BATCHES.get(mutation, mutation)]
    declared, argument = (f"[{type_}!]!", "inputs") if batch else (f"{type_}!", "input")
    document = f"mutation($i: {declared}) {{ {mutation}(storeId: 123, {argument}: $i) {{ __typename }} }}"
    before = await api.snapshot()
    answers = {}
    for text in SHOWN:
        sent = with_raw(value, path, text)
        answers[text] = await _answer(api, document, f'{{"i": {f"[{sent}]" if batch else sent}}}')
    at = f" at {'[0].' if batch else '.'}{path}"
    assert answers == {text: _refused("i", at, text) for text in SHOWN}
    assert await api.snapshot() == before


@pytest.mark.parametrize("argument", ARGUMENTS)
async def test_an_argument_refuses_every_number(api: Api, argument: str) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    before = await api.snapshot()
    document = ARGUMENTS[argument]
    answers = {text: await _answer(api, document, f'{{"v": {text}}}') for text in SHOWN}
    column = 7 if document.startswith("query") else 10
    expected = {}
    for text in SHOWN:
        refused = _refused("v", "", text)
        refused["errors"][0]["locations"] = [{"line": 1, "column": column}]
        expected[text] = refused
    assert answers == expected
    assert await api.snapshot() == before
