"""A variable's value that its type refuses (graphql-core's input coercion) is a top-level
error with `extensions.code` `BAD_USER_INPUT` showing the value as JSON as it was sent
(graphql_schema/number_variables.py; README, "GraphQL and GraphiQL"): `true`, `{"a":[1,2]}`,
`null`, `"x"`, never as Python writes it (`True`, `{'a': [1, 2]}`, `None`, `'x'`). Every
built-in scalar and this schema's own, as a variable of its own, a field of an input object
and a list item, each value sent as the raw text of the variables: the one error it gets, and
nothing written."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Api

ORDER = '{externalId: "V-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33612345678"}}'
UPSERT = "userErrors { code } order { externalId }"

# name -> a document whose variable $v is read by that type
DOCUMENTS = {
    "ID": "query($v: ID!) { store(storeId: $v) { name } }",
    "String": "query($v: String!) { order(storeId: 123, externalId: $v) { externalId } }",
    "Int": "query($v: Int) { orders(storeId: 123, first: $v) { totalCount } }",
    "Boolean": f"mutation($v: Boolean!) {{ upsertOrder(storeId: 123, backfill: $v, input: {ORDER}) {{ {UPSERT} }} }}",
    # no argument is a Float: a variable a JSON literal names is coerced as declared
    "Float": "mutation($v: Float) { upsertOrder(storeId: 123, input: "
    + ORDER.replace("}}", "}, metadata: {f: $v}}")
    + f") {{ {UPSERT} }} }}",
    "DateTime": 'query($v: DateTime!) { storeStats(storeId: 123, from: $v, to: "2027-01-01T00:00:00Z") { orderCount } }',
    "Decimal": "mutation($v: Decimal!) { upsertOrder(storeId: 123, input: "
    + ORDER.replace("totalPrice: 1", "totalPrice: $v")
    + f") {{ {UPSERT} }} }}",
    "EventFilter": "query($v: EventFilter) { events(storeId: 123, filter: $v) { totalCount } }",
    "OrderInput": f"mutation($v: OrderInput!) {{ upsertOrder(storeId: 123, input: $v) {{ {UPSERT} }} }}",
    "[String!]": 'mutation($v: [String!]) { updateOrder(storeId: 123, externalId: "V-1", input: {tags: $v}) '
    f"{{ {UPSERT} }} }}",
}
INPUT = (
    '{"externalId": "V-1", "placedAt": "2026-05-18T10:00:00Z", "totalPrice": 1, "customer": {"phone": "+33612345678"}'
)

# (document, the variable's JSON text) -> the message, after "Variable '$v' has invalid value"
CASES = {
    ("ID", "true"): ": ID cannot represent value: true",
    ("ID", "false"): ": ID cannot represent value: false",
    ("ID", "null"): ": Expected value of non-null type 'ID!' not to be null.",
    ("ID", "1.5"): ": ID cannot represent value: 1.5",
    ("ID", '{"a": [1, 2]}'): ': ID cannot represent value: {"a":[1,2]}',
    ("ID", "[]"): ": ID cannot represent value: []",
    ("String", '{"a":[1,2]}'): ': String cannot represent a non string value: {"a":[1,2]}',
    ("String", "true"): ": String cannot represent a non string value: true",
    ("String", "7"): ": String cannot represent a non string value: 7",
    ("String", '["x", null]'): ': String cannot represent a non string value: ["x",null]',
    ("String", '{"a": 2.50}'): ': String cannot represent a non string value: {"a":2.50}',
    ("String", '{"é": "it\'s"}'): ': String cannot represent a non string value: {"é":"it\'s"}',
    ("String", "null"): ": Expected value of non-null type 'String!' not to be null.",
    ("Int", "false"): ": Int cannot represent non-integer value: false",
    ("Int", '"x"'): ': Int cannot represent non-integer value: "x"',
    ("Int", '"10"'): ': Int cannot represent non-integer value: "10"',
    ("Int", "[1]"): ": Int cannot represent non-integer value: [1]",
    ("Int", "1e20"): ": Int cannot represent non 32-bit signed integer value: 1E+20",
    ("Boolean", '"true"'): ': Boolean cannot represent a non boolean value: "true"',
    ("Boolean", "0"): ": Boolean cannot represent a non boolean value: 0",
    ("Boolean", "{}"): ": Boolean cannot represent a non boolean value: {}",
    ("Float", "true"): ": Float cannot represent non numeric value: true",
    ("Float", '"1.5"'): ': Float cannot represent non numeric value: "1.5"',
    ("Float", '{"a": null}'): ': Float cannot represent non numeric value: {"a":null}',
    ("DateTime", "null"): ": Expected value of non-null type 'DateTime!' not to be null.",
    ("Decimal", "null"): ": Expected value of non-null type 'Decimal!' not to be null.",
    ("EventFilter", '{"subjectId": true}'): " at .subjectId: ID cannot represent value: true",
    ("EventFilter", "true"): ": Expected value of type 'EventFilter' to be an object, found: true.",
    ("EventFilter", '"x"'): ": Expected value of type 'EventFilter' to be an object, found: \"x\".",
    (
        "OrderInput",
        INPUT + ', "externalId": false}',
    ): " at .externalId: String cannot represent a non string value: false",
    (
        "OrderInput",
        INPUT + ', "totalPrice": null}',
    ): " at .totalPrice: Expected value of non-null type 'Decimal!' not to be null.",
    ("[String!]", '["vip", true]'): " at [1]: String cannot represent a non string value: true",
    ("[String!]", '["vip", null]'): " at [1]: Expected value of non-null type 'String!' not to be null.",
    ("[String!]", "[[1]]"): " at [0]: String cannot represent a non string value: [1]",
    ("[String!]", "false"): ": String cannot represent a non string value: false",
}


@pytest.mark.parametrize(("name", "value"), CASES, ids=[f"{name} {value}" for name, value in CASES])
async def test_a_refused_variable_is_bad_user_input_showing_its_json(api: Api, name: str, value: str) -> None:
    before = await api.snapshot()
    content = f'{{"query": {json.dumps(DOCUMENTS[name])}, "variables": {{"v": {value}}}}}'.encode()
    response = await api.client.post(
        "/graphql", content=content, headers={**api.auth(), "Content-Type": "application/json"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None, body
    assert [(error["message"], error["extensions"]) for error in body["errors"]] == [
        (f"Variable '$v' has invalid value{CASES[name, value]}", {"code": "BAD_USER_INPUT"})
    ]
    assert await api.snapshot() == before


async def test_a_variable_not_sent_for_a_non_null_type_is_bad_user_input(api: Api) -> None:
    response = await api.client.post("/graphql", json={"query": DOCUMENTS["ID"]}, headers=api.auth())
    [error] = response.json()["errors"]
    assert (
        error["message"] == "Variable '$v' has invalid value: Expected a value of non-null type 'ID!' to be provided."
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_a_long_value_is_shown_cut(api: Api) -> None:
    """A refused value's JSON is cut after 240 characters, `…` marking the cut."""
    sent = {"v": {"a": "x" * 1000}}
    response = await api.client.post(
        "/graphql", json={"query": DOCUMENTS["String"], "variables": sent}, headers=api.auth()
    )
    [error] = response.json()["errors"]
    shown = json.dumps(sent["v"], separators=(",", ":"))[:240] + "…"
    assert error["message"] == f"Variable '$v' has invalid value: String cannot represent a non string value: {shown}"
