"""SPEC §10: a bad query argument is BAD_USER_INPUT naming its path in `extensions.field`, and
that path is an argument the field really has (issue 13: `contact(phone:)` once answered at
`["filter", "phone"]`, which `contact` does not take).

Walks the schema: every ID and String argument of every root field (and every ID / String field
of a filter input), each given a value no field accepts (an ID that is no id; text holding NUL),
pins the one answer (the argument's own path), and checks the path against the schema."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull

from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql

ROOT = graphql_schema._schema
FIELDS = {**ROOT.query_type.fields, **ROOT.mutation_type.fields}

# Values for the required arguments that are not under test (a well-formed call).
REQUIRED = {
    "storeId": '"123"',
    "externalId": '"O-1"',
    "from": '"2026-01-01T00:00:00Z"',
    "to": '"2027-01-01T00:00:00Z"',
}
INPUTS = {
    "upsertOrder": '{externalId: "O-9", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}',
    "updateOrder": '{tags: ["x"]}',
    "createShipment": '{externalId: "S-9", orderExternalId: "O-1"}',
    "upsertCart": '{externalId: "C-9", abandonedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}',
    "updateCart": '{tags: ["x"]}',
    "upsertCustomer": '{phone: "+33611111111"}',
}
# A batch mutation takes a list of its single mutation's input.
BATCHES = {"upsertOrders": "upsertOrder", "createShipments": "createShipment", "upsertCarts": "upsertCart"}
INPUTS.update({batch: f"[{INPUTS[single]}]" for batch, single in BATCHES.items()})
INPUTS["upsertCustomers"] = f"[{INPUTS['upsertCustomer']}]"
NO_ID = "abc"
NUL = "a\x00b"

# (root field, argument path) -> what a bad value answers: the argument's path (BAD_USER_INPUT),
# or None for a mutation's key to look up, answered as REST's path is (not found, nothing erased).
EXPECTED: dict[tuple[str, tuple[str, ...]], tuple[str, ...] | None] = {
    **{(name, ("storeId",)): ("storeId",) for name in FIELDS},
    ("store", ("id",)): ("id",),
    ("order", ("externalId",)): ("externalId",),  # text no engine stores, as in every read argument
    ("orders", ("filter", "financialStatus")): ("filter", "financialStatus"),
    ("orders", ("filter", "fulfillmentStatus")): ("filter", "fulfillmentStatus"),
    ("orders", ("filter", "tag")): ("filter", "tag"),
    ("orders", ("filter", "phone")): ("filter", "phone"),
    ("orders", ("filter", "search")): ("filter", "search"),
    ("orders", ("after",)): ("after",),
    ("contact", ("phone",)): ("phone",),
    ("contact", ("externalId",)): ("externalId",),
    ("contacts", ("phone",)): ("phone",),
    ("contacts", ("search",)): ("search",),
    ("contacts", ("after",)): ("after",),
    ("contacts", ("consent", "marketing")): ("consent", "marketing"),
    ("contacts", ("consent", "utility")): ("consent", "utility"),
    ("shipments", ("status",)): ("status",),
    ("shipments", ("after",)): ("after",),
    ("carts", ("status",)): ("status",),
    ("carts", ("after",)): ("after",),
    ("events", ("filter", "type")): ("filter", "type"),
    ("events", ("filter", "subjectType")): ("filter", "subjectType"),
    ("events", ("filter", "subjectId")): ("filter", "subjectId"),
    ("events", ("after",)): ("after",),
    ("updateOrder", ("externalId",)): None,
    ("updateCart", ("externalId",)): None,
    ("deleteCustomer", ("externalId",)): None,
    ("deleteCustomer", ("phone",)): None,  # a mutation's refusal of its input is a userError
}


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def _text_arguments(field: Any) -> list[tuple[tuple[str, ...], str]]:
    """(path, its GraphQL type as a variable declares it) of every ID / String argument, and of those in filter inputs (not in
    a mutation's `input` or `inputs`, whose refusals are userErrors)."""
    found = []
    for name, argument in field.args.items():
        type_ = _named(argument.type)
        if isinstance(type_, GraphQLInputObjectType):
            if name not in ("input", "inputs"):
                found += [
                    ((name, inner), str(f.type))
                    for inner, f in type_.fields.items()
                    if _named(f.type).name in ("ID", "String")
                ]
        elif type_.name in ("ID", "String"):
            found.append(((name,), str(argument.type)))
    return found


CASES = [(name, path, kind) for name, field in FIELDS.items() for path, kind in _text_arguments(field)]


def _document(name: str, path: tuple[str, ...], kind: str) -> str:
    field = FIELDS[name]
    arguments = []
    for argument, definition in field.args.items():
        if argument == path[0]:
            value = "$v" if len(path) == 1 else f"{{{path[1]}: $v}}"
        elif name == "store" and argument == "storeId" and path == ("id",):
            continue  # the deprecated spelling alone
        elif argument in REQUIRED and (isinstance(definition.type, GraphQLNonNull) or argument == "storeId"):
            value = REQUIRED[argument]
        elif argument in ("input", "inputs"):
            value = INPUTS[name]
        else:
            continue
        arguments.append(f"{argument}: {value}")
    selection = {
        "store": "id",
        "storeStats": "orderCount",
        "storeTimeseries": "orderCount",
        "recoveryFunnel": "cartsAbandoned",
        "carrierPerformance": "shipments",
        "order": "id",
        "contact": "id",
    }.get(name)
    if selection is None:
        selection = "totalCount" if name in ("orders", "contacts", "shipments", "carts", "events") else "__typename"
    operation = "mutation" if name in ROOT.mutation_type.fields else "query"
    return f"{operation}($v: {kind}) {{ {name}({', '.join(arguments)}) {{ {selection} }} }}"


def test_the_table_covers_every_id_and_text_argument():
    assert {(name, path) for name, path, _ in CASES} == set(EXPECTED)


@pytest.mark.parametrize(("name", "path", "kind"), CASES, ids=[f"{name}({'.'.join(path)})" for name, path, _ in CASES])
async def test_a_bad_argument_is_refused_at_its_own_path(api, name, path, kind):
    value = NO_ID if kind.startswith("ID") or path == ("after",) or path[-1] == "phone" else NUL
    body = await gql(api, _document(name, path, kind), {"v": value})
    expected = EXPECTED[(name, path)]
    if expected is None:
        assert "errors" not in body, body
        return
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert tuple(error["extensions"]["field"]) == expected
    # the path names an argument the field has (and, two long, a field of that input)
    argument = FIELDS[name].args[expected[0]]
    if len(expected) == 2:
        assert expected[1] in _named(argument.type).fields
