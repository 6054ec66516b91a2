"""A field that finds one record by one of several arguments — a contact by `phone` or
`externalId`, a store by `storeId` or its deprecated `id` — takes exactly one of them: none (a
contact answered null, as if no contact matched) or several is BAD_USER_INPUT with a message
naming them, at the first one's path, and nothing changes.

Walks the schema for those fields: root lookups (a nullable object, not a list) whose key
arguments are all optional."""

from __future__ import annotations

import itertools
import json

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql
from tests.conftest import Api

# field -> (the arguments always given, {argument: a value that finds the record}, selection, message)
ONE_OF = {
    "contact": (
        'storeId: "123"',
        {"phone": "+33612345678", "externalId": "CUST-42"},
        "externalId",
        "Give the contact as phone or externalId, exactly one of them.",
    ),
    "store": (
        "",
        {"storeId": "123", "id": "123"},
        "id",
        "Give the store as storeId (id is its deprecated spelling), exactly once.",
    ),
}
FOUND = {"contact": {"externalId": "CUST-42"}, "store": {"id": "123"}}


def _one_of_fields() -> dict[str, tuple[str, ...]]:
    """Root lookups with two or more optional arguments: field -> those arguments, in order."""
    found = {}
    for name, field in graphql_schema._schema.query_type.fields.items():
        if isinstance(field.type, GraphQLNonNull) or not isinstance(field.type, GraphQLObjectType):
            continue  # a list, a connection or an aggregate: its optional arguments filter
        optional = tuple(a for a, d in field.args.items() if not isinstance(d.type, (GraphQLNonNull, GraphQLList)))
        if len(optional) > 1:
            found[name] = optional
    return found


def test_the_table_covers_every_one_of_field():
    assert _one_of_fields() == {name: tuple(values) for name, (_, values, _, _) in ONE_OF.items()}


def _cases() -> list[tuple[str, tuple[str, ...]]]:
    return [
        (name, given)
        for name, (_, values, _, _) in ONE_OF.items()
        for size in range(len(values) + 1)
        for given in itertools.combinations(values, size)
    ]


CASES = _cases()


@pytest.mark.parametrize(("name", "given"), CASES, ids=[f"{n}({', '.join(g) or 'none'})" for n, g in CASES])
async def test_exactly_one_of_the_arguments(api: Api, name: str, given: tuple[str, ...]) -> None:
    assert (await api.post("/customers", {"external_id": "CUST-42", "phone": "+33612345678"})).status_code == 201
    before = await api.snapshot()
    always, values, selection, message = ONE_OF[name]
    arguments = ", ".join([always] * bool(always) + [f"{a}: {json.dumps(values[a])}" for a in given])
    body = await gql(api, f"{{ {name}{f'({arguments})' if arguments else ''} {{ {selection} }} }}")
    if len(given) == 1:
        assert body == {"data": {name: FOUND[name]}}
        return
    assert body["data"] == {name: None}
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (message, {"code": "BAD_USER_INPUT", "field": [next(iter(values))]})
    ]
    assert await api.snapshot() == before
