"""Every Int argument of the schema (found by walking it) given a variable whose JSON number is a
whole number past 32 bits, however written, is refused as graphql-core refuses 2147483648 ("non
32-bit signed integer value"), the number shown briefly by its JSON text: `1e5000` was called
"non-integer", and `1e400` was spelt out in 401 digits. A whole number within 32 bits is taken
however written (`1e3` is 1000, as graphql-core takes the float 1000.0; then the argument's own
range refuses it), a fraction is "non-integer". Nothing is ever a 500, nothing is written.
(graphql_schema/number_variables.py; README "GraphQL and GraphiQL".)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type

from graphql_schema.schema import schema
from tests.conftest import Api, cart_body, order_body

PERIOD = 'from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z"'
CONTACT = 'contact(storeId: 123, phone: "+33612345678")'
# Type.field(argument) -> (the document, its variable `$n` given to that argument; the data of
# the accepted `1e2`, where the seed holds one order and one cart of the contact)
ARGUMENTS: dict[str, tuple[str, Any]] = {
    "Query.orders(first)": (
        "query($n: Int!) { orders(storeId: 123, first: $n) { __typename } }",
        {"orders": {"__typename": "OrderConnection"}},
    ),
    "Query.contacts(first)": (
        "query($n: Int!) { contacts(storeId: 123, first: $n) { __typename } }",
        {"contacts": {"__typename": "ContactConnection"}},
    ),
    "Query.shipments(first)": (
        "query($n: Int!) { shipments(storeId: 123, first: $n) { __typename } }",
        {"shipments": {"__typename": "ShipmentConnection"}},
    ),
    "Query.carts(first)": (
        "query($n: Int!) { carts(storeId: 123, first: $n) { __typename } }",
        {"carts": {"__typename": "CartConnection"}},
    ),
    "Query.events(first)": (
        "query($n: Int!) { events(storeId: 123, first: $n) { __typename } }",
        {"events": {"__typename": "EventConnection"}},
    ),
    "Query.topProducts(first)": (
        f"query($n: Int!) {{ topProducts(storeId: 123, {PERIOD}, first: $n) {{ sku }} }}",
        {"topProducts": [{"sku": None}]},
    ),
    "Contact.orders(first)": (
        f"query($n: Int!) {{ {CONTACT} {{ orders(first: $n) {{ externalId }} }} }}",
        {"contact": {"orders": [{"externalId": "ORDER-1001"}]}},
    ),
    "Contact.carts(first)": (
        f"query($n: Int!) {{ {CONTACT} {{ carts(first: $n) {{ externalId }} }} }}",
        {"contact": {"carts": [{"externalId": "CART-7700"}]}},
    ),
}


def _int_arguments() -> set[str]:
    """Every argument and input field of the schema whose type is Int (lists and non-null
    included)."""
    found = set()
    for name, type_ in schema._schema.type_map.items():
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__"):
            for field_name, field in type_.fields.items():
                found |= {
                    f"{name}.{field_name}({arg})"
                    for arg, argument in field.args.items()
                    if get_named_type(argument.type).name == "Int"
                }
        if isinstance(type_, GraphQLInputObjectType):
            found |= {
                f"{name}.{field}" for field, value in type_.fields.items() if get_named_type(value.type).name == "Int"
            }
    return found


def test_the_table_has_every_int_argument() -> None:
    assert _int_arguments() == set(ARGUMENTS)


PAST = "Int cannot represent non 32-bit signed integer value: "
FRACTION = "Int cannot represent non-integer value: "
# the variable's JSON text -> ("refused", what follows "Variable '$n' has invalid value: "),
# ("range", None): the argument's own range refuses it, or ("taken", None): the data above
NUMBERS: dict[str, tuple[str, str | None]] = {
    "1e5000": ("refused", PAST + "1E+5000"),
    "1e400": ("refused", PAST + "1E+400"),
    "-1e400": ("refused", PAST + "-1E+400"),
    "1E+400": ("refused", PAST + "1E+400"),
    "2147483648": ("refused", PAST + "2147483648"),
    "-2147483649": ("refused", PAST + "-2147483649"),
    "2147483648.0": ("refused", PAST + "2147483648.0"),
    "2.147483648e9": ("refused", PAST + "2147483648"),
    "1e20": ("refused", PAST + "1E+20"),
    "9" * 4000: ("refused", PAST + "99999999999999999999… (4,000 digits)"),
    "9" * 5000: ("refused", PAST + "99999999999999999999… (5,000 digits)"),
    "-" + "9" * 5000: ("refused", PAST + "-9999999999999999999… (5,000 digits)"),
    "1e1000000000000000000": ("refused", PAST + "1E+999999999999999999"),
    "1.5": ("refused", FRACTION + "1.5"),
    "-1.5e0": ("refused", FRACTION + "-1.5"),
    "1e-400": ("refused", FRACTION + "1E-400"),
    "1e3": ("range", None),
    "1000.0": ("range", None),
    "2147483647": ("range", None),
    "-2147483648": ("range", None),
    "-1e0": ("range", None),
    "1e2": ("taken", None),
    "100.000": ("taken", None),
}


def _expected(argument: str, number: str) -> dict[str, Any]:
    kind, message = NUMBERS[number]
    if kind == "refused":
        located = [{"line": 1, "column": 7}]
        return {
            "data": None,
            "errors": [
                {
                    "message": f"Variable '$n' has invalid value: {message}",
                    "locations": located,
                    "extensions": {"code": "BAD_USER_INPUT"},
                }
            ],
        }
    if kind == "taken":
        return {"data": ARGUMENTS[argument][1]}
    field = argument.split("(")[0].split(".")[1]
    nested = argument.startswith("Contact.")
    error = {
        "message": "first must be between 0 and 100.",
        "path": ["contact", field] if nested else [field],
        "extensions": {"code": "BAD_USER_INPUT", "field": ["first"]},
    }
    return {"data": {"contact": None} if nested else None, "errors": [error]}


async def _answer(api: Api, document: str, number: str) -> dict[str, Any]:
    content = f'{{"query": {json.dumps(document)}, "variables": {{"n": {number}}}}}'.encode()
    headers = {**api.auth(), "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=content, headers=headers)
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    for error in body.get("errors", ()):
        if "path" in error:  # an argument's refusal: where it stands in the document aside
            del error["locations"]
    return body


@pytest.mark.parametrize("argument", ARGUMENTS)
async def test_each_number_gets_its_one_answer(api: Api, argument: str) -> None:
    assert (await api.post("/orders", order_body(line_items=[{"title": "T", "quantity": 1}]))).status_code == 201
    assert (await api.post("/carts", cart_body())).status_code == 201
    before = await api.snapshot()
    document = ARGUMENTS[argument][0]
    answers = {number[:30]: await _answer(api, document, number) for number in NUMBERS}
    assert answers == {number[:30]: _expected(argument, number) for number in NUMBERS}
    assert await api.snapshot() == before
