"""An argument that names a record or filters by text — an external id, an ID, a cursor, a
filter, a search — holding a NUL or a lone surrogate (text no engine stores, README "Strings")
is refused naming the argument, never answered as if nothing matched: `order(externalId:
"a\\u0000b")` answered `{"order": null}` with no error, where `contact(externalId:)` and the
filters said BAD_USER_INPUT.

Walks the schema: every String or ID argument (or list of them) of every field of every type,
and every String or ID field of a read's input argument (a filter). The mutations' `input` and
`inputs` are write commands, validated field by field as REST bodies are (`userErrors`
`INVALID_CHARACTERS`); a mutation's `externalId` names the record to change or erase as REST's
path does, so it answers as REST does (`NOT_FOUND`, as its 404; an erasure of nothing, as its
204). Each case is sent as a variable, and the NUL also as a literal (a lone surrogate is no
GraphQL string literal: a syntax error)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType

from app.policies.ids import MAX_ID
from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql, subscribe
from tests.conftest import Api

ROOT = graphql_schema._schema
OPERATIONS = {ROOT.query_type.name: "query", ROOT.mutation_type.name: "mutation", ROOT.subscription_type.name: "subscription"}  # fmt: skip
TEXT = "The argument contains a NUL character or a lone surrogate."
CURSOR = "after is not a cursor of this list: pass a cursor or endCursor the same list returned."
PERIOD = ['from: "2026-05-01T00:00:00Z"', 'to: "2026-06-01T00:00:00Z"']
ORDER = (
    'input: {externalId: "O-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {phone: "+33612345678"}}'
)
CART = 'input: {externalId: "C-1", abandonedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {phone: "+33612345678"}}'
PAYLOAD = "{ userErrors { field code message } }"

# field -> (the other arguments it is called with, as literals, its selection)
CALLS: dict[str, tuple[list[str], str]] = {
    "store": ([], "{ id }"),
    "storeStats": (PERIOD, "{ orderCount }"),
    "storeTimeseries": (PERIOD, "{ start }"),
    "topProducts": (PERIOD, "{ sku }"),
    "recoveryFunnel": (PERIOD, "{ cartsAbandoned }"),
    "carrierPerformance": (PERIOD, "{ carrier }"),
    "order": (['externalId: "O-1"'], "{ externalId }"),
    "orders": ([], "{ totalCount }"),
    "contact": (['externalId: "CUST-42"'], "{ id }"),
    "contacts": ([], "{ totalCount }"),
    "shipments": ([], "{ totalCount }"),
    "carts": ([], "{ totalCount }"),
    "events": ([], "{ totalCount }"),
    "storeEvents": ([], "{ type }"),
    "upsertOrder": ([ORDER], PAYLOAD),
    "upsertOrders": ([ORDER.replace("input: {", "inputs: [{") + "]"], "{ results { userErrors { field } } }"),
    "updateOrder": (['externalId: "O-1"', "input: {}"], PAYLOAD),
    "createShipment": (['input: {externalId: "S-1", orderExternalId: "O-1"}'], PAYLOAD),
    "createShipments": (['inputs: [{externalId: "S-1", orderExternalId: "O-1"}]'], "{ results { userErrors { field } } }"),
    "upsertCart": ([CART], PAYLOAD),
    "upsertCarts": ([CART.replace("input: {", "inputs: [{") + "]"], "{ results { userErrors { field } } }"),
    "updateCart": (['externalId: "C-1"', "input: {}"], PAYLOAD),
    "upsertCustomer": (['input: {phone: "+33612345678"}'], PAYLOAD),
    "upsertCustomers": (['inputs: [{phone: "+33612345678"}]'], "{ results { userErrors { field } } }"),
    "deleteCustomer": (['externalId: "CUST-42"'], "{ erasedContacts userErrors { field } }"),
}  # fmt: skip
# Arguments of which a field takes exactly one: the one tried stands alone.
ONE_OF = {"store": ("storeId", "id"), "contact": ("phone", "externalId"), "deleteCustomer": ("externalId", "phone")}


def _refused(message: str) -> dict[str, Any]:
    return {"refused": message}


def _id(name: str) -> dict[str, Any]:
    return _refused(f"{name} must be a whole number from 0 to {MAX_ID}.")


def _answer(field: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"answer": {"data": {field: body}}}


def _not_found(field: str, resource: str) -> dict[str, Any]:
    error = {"field": ["externalId"], "code": "NOT_FOUND", "message": f"{resource} not found"}
    return _answer(field, {"userErrors": [error]})


# (type, field, argument path) -> its outcome: {"refused": message} (BAD_USER_INPUT at the
# argument's path), or {"answer": body} (a mutation answering as REST does)
ARGUMENTS: dict[tuple[str, str, tuple[str, ...]], dict[str, Any]] = {
    **{
        (type_, field, ("storeId",)): _id("storeId")
        for type_, fields in (
            ("Query", ["store", "storeStats", "storeTimeseries", "topProducts", "recoveryFunnel", "carrierPerformance",
                       "order", "orders", "contact", "contacts", "shipments", "carts", "events"]),
            ("Mutation", ["upsertOrder", "upsertOrders", "updateOrder", "createShipment", "createShipments",
                          "upsertCart", "upsertCarts", "updateCart", "upsertCustomer", "upsertCustomers",
                          "deleteCustomer"]),
            ("Subscription", ["storeEvents"]),
        )
        for field in fields
    },
    ("Query", "store", ("id",)): _id("id"),
    ("Query", "order", ("externalId",)): _refused(TEXT),
    ("Query", "orders", ("filter", "financialStatus")): _refused(TEXT),
    ("Query", "orders", ("filter", "fulfillmentStatus")): _refused(TEXT),
    ("Query", "orders", ("filter", "tag")): _refused(TEXT),
    ("Query", "orders", ("filter", "phone")): _refused(TEXT),
    ("Query", "orders", ("filter", "search")): _refused(TEXT),
    ("Query", "orders", ("after",)): _refused(CURSOR),
    ("Query", "contact", ("phone",)): _refused(TEXT),
    ("Query", "contact", ("externalId",)): _refused(TEXT),
    ("Query", "contacts", ("phone",)): _refused(TEXT),
    ("Query", "contacts", ("search",)): _refused(TEXT),
    ("Query", "contacts", ("consent", "marketing")): _refused(TEXT),
    ("Query", "contacts", ("consent", "utility")): _refused(TEXT),
    ("Query", "contacts", ("after",)): _refused(CURSOR),
    ("Query", "shipments", ("status",)): _refused(TEXT),
    ("Query", "shipments", ("after",)): _refused(CURSOR),
    ("Query", "carts", ("status",)): _refused(TEXT),
    ("Query", "carts", ("after",)): _refused(CURSOR),
    ("Query", "events", ("filter", "type")): _refused(TEXT),
    ("Query", "events", ("filter", "subjectType")): _refused(TEXT),
    ("Query", "events", ("filter", "subjectId")): _id("subjectId"),
    ("Query", "events", ("after",)): _refused(CURSOR),
    ("Subscription", "storeEvents", ("types",)): _refused(TEXT),
    ("Mutation", "updateOrder", ("externalId",)): _not_found("updateOrder", "Order"),
    ("Mutation", "updateCart", ("externalId",)): _not_found("updateCart", "Cart"),
    ("Mutation", "deleteCustomer", ("externalId",)): _answer("deleteCustomer", {"erasedContacts": 0, "userErrors": []}),
    # the phone of a guest to erase: the command's field, refused as a userError as every input is
    ("Mutation", "deleteCustomer", ("phone",)): _answer(
        "deleteCustomer", {"erasedContacts": 0, "userErrors": [{"field": ["phone"]}]}
    ),
}  # fmt: skip


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def _is_text(type_: Any) -> bool:
    return _named(type_).name in ("String", "ID")


def _text_arguments() -> dict[tuple[str, str, tuple[str, ...]], str]:
    """Every String or ID argument of every field of every object type (and String or ID field
    of an input argument, but a mutation's write command), with its declared type."""
    found = {}
    for type_name, type_ in ROOT.type_map.items():
        if type_name.startswith("__") or not isinstance(type_, GraphQLObjectType):
            continue
        for field_name, field in type_.fields.items():
            for name, argument in field.args.items():
                named = _named(argument.type)
                if isinstance(named, GraphQLInputObjectType):
                    if type_ is not ROOT.mutation_type:
                        found |= {
                            (type_name, field_name, (name, inner)): str(definition.type)
                            for inner, definition in named.fields.items()
                            if _is_text(definition.type)
                        }
                elif _is_text(argument.type):
                    found[(type_name, field_name, (name,))] = str(argument.type)
    return found


DECLARED = _text_arguments()


def test_the_table_names_every_text_argument() -> None:
    assert set(DECLARED) == set(ARGUMENTS)


def _document(key: tuple[str, str, tuple[str, ...]], form: str, value: str) -> tuple[str, dict[str, Any]]:
    type_name, field, path = key
    declared = DECLARED[key]
    given: Any = [value] if declared.startswith("[") else value
    others, selection = CALLS[field]
    group = ONE_OF.get(field, ())
    arguments = [] if path[0] in ONE_OF["store"] else ["storeId: 123"]
    arguments += [
        a for a in others if a.split(":")[0] != path[0] and not (path[0] in group and a.split(":")[0] in group)
    ]
    placed = "$v" if form == "variable" else json.dumps(given)
    arguments.append(f"{path[0]}: {placed}" if len(path) == 1 else f"{path[0]}: {{{path[1]}: {placed}}}")
    operation = OPERATIONS[type_name]
    head = f"{operation}($v: {declared})" if form == "variable" else operation
    return f"{head} {{ {field}({', '.join(arguments)}) {selection} }}", {"v": given} if form == "variable" else {}


# (how it is sent, the text): a lone surrogate can only be a variable's (JSON allows its escape)
BAD = [("literal", "a\x00b"), ("variable", "a\x00b"), ("variable", "\ud800"), ("variable", "a\udc00b")]


@pytest.mark.parametrize(
    ("form", "value"), BAD, ids=["nul literal", "nul", "lone high surrogate", "lone low surrogate"]
)
@pytest.mark.parametrize("key", list(ARGUMENTS), ids=[f"{t}.{f}.{'.'.join(p)}" for t, f, p in ARGUMENTS])
async def test_text_no_engine_stores_is_refused_naming_the_argument(
    api: Api, key: tuple[str, str, tuple[str, ...]], form: str, value: str
) -> None:
    before = await api.snapshot()
    document, variables = _document(key, form, value)
    if key[0] == "Subscription":
        body = await subscribe(api, document, variables)
    else:
        body = await gql(api, document, variables)
    expected = ARGUMENTS[key]
    if "answer" in expected:
        assert body == expected["answer"]
    else:
        # at the field, a subscription's too (refused by its stream, before its first event)
        errors = [(error["message"], error["extensions"], error.get("path")) for error in body["errors"]]
        assert errors == [(expected["refused"], {"code": "BAD_USER_INPUT", "field": list(key[2])}, [key[1]])]
    assert await api.snapshot() == before


@pytest.mark.parametrize(("form", "external_id"), BAD[:3], ids=["nul literal", "nul", "lone surrogate"])
async def test_the_newcomers_order_query(api: Api, form: str, external_id: str) -> None:
    """The report: `{"order": null}` and no error."""
    if form == "literal":
        body = await gql(api, f"{{ order(storeId: 123, externalId: {json.dumps(external_id)}) {{ externalId }} }}")
    else:
        query = "query($e: String!) { order(storeId: 123, externalId: $e) { externalId } }"
        body = await gql(api, query, {"e": external_id})
    assert body["data"] == {"order": None}
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (TEXT, {"code": "BAD_USER_INPUT", "field": ["externalId"]})
    ]
