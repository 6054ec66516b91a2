"""A filter argument whose values come from a closed set names one of them: any other value is
BAD_USER_INPUT `invalid_choice` at its path listing the set (it found nothing, silently: a
`storeEvents` subscription to `order.shipped` never heard a thing), and nothing changes.

Walks the schema: every text argument of every query and subscription field (and every text
field of a filter input), each classified here as a closed set or as free text; the closed
ones are tried with values outside the set and with values in it (as literals and variables
alike, both being read by the resolver)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLInputObjectType

from app.domain.consent import ConsentState
from app.domain.event_types import EventType, SubjectType
from app.domain.statuses import CartStatus, ShipmentStatus
from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql, subscribe
from tests.conftest import Api

ROOT = graphql_schema._schema
FIELDS = {**ROOT.query_type.fields, **ROOT.subscription_type.fields}


def _one_of(values: Any) -> str:
    return f"Must be one of: {', '.join(values)}."


EVENT_TYPE = f"Must be an event type, or a pattern matching some such as order.*: {', '.join(EventType)}."
# (field, argument path) -> (document with the value at $v, its declared type, message, refused, accepted);
# None: free text or a key to look up, which no closed set bounds
CLOSED: dict[tuple[str, tuple[str, ...]], tuple[str, str, str, list[str], list[str]] | None] = {
    ("shipments", ("status",)): (
        "shipments(storeId: 123, status: $v) { totalCount }", "String", _one_of(ShipmentStatus),
        ["IN_TRANSIT", "shipped", "in transit"], ["in_transit", "", " "],
    ),
    ("carts", ("status",)): (
        "carts(storeId: 123, status: $v) { totalCount }", "String", _one_of(CartStatus),
        ["lost", "Abandoned"], ["abandoned", ""],
    ),
    ("contacts", ("consent", "marketing")): (
        "contacts(storeId: 123, consent: {marketing: $v}) { totalCount }", "String", _one_of(ConsentState),
        ["opted_in", "SUBSCRIBED"], ["subscribed", "not_subscribed", "", " "],
    ),
    ("contacts", ("consent", "utility")): (
        "contacts(storeId: 123, consent: {utility: $v}) { totalCount }", "String", _one_of(ConsentState),
        ["yes"], ["unsubscribed", ""],
    ),
    ("events", ("filter", "type")): (
        "events(storeId: 123, filter: {type: $v}) { totalCount }", "String", EVENT_TYPE,
        ["order.shipped", "ORDER.CREATED", "orders.*", "order", "payment.*", "order.**", "o*", "order.[cs]*",
         "order.?reated", "*.*.*", "order.", ".created"],
        ["order.created", "order.*", "*", "*.created", "*.*", ""],
    ),
    ("events", ("filter", "subjectType")): (
        "events(storeId: 123, filter: {subjectType: $v}) { totalCount }", "String", _one_of(SubjectType),
        ["customer", "Order", "orders"], ["order", "contact", ""],
    ),
    ("storeEvents", ("types",)): (
        "storeEvents(storeId: 123, types: $v) { type }", "[String!]", EVENT_TYPE,
        ["order.shipped", "cart.*.x", "", "cart.**", "cart*"], ["order.created", "cart.*", "*"],
    ),
    ("store", ("storeId",)): None,
    ("store", ("id",)): None,
    ("order", ("externalId",)): None,
    ("orders", ("filter", "financialStatus")): None,  # free strings (SPEC §3.1)
    ("orders", ("filter", "fulfillmentStatus")): None,
    ("orders", ("filter", "tag")): None,
    ("orders", ("filter", "phone")): None,
    ("orders", ("filter", "search")): None,
    ("contact", ("phone",)): None,
    ("contact", ("externalId",)): None,
    ("contacts", ("phone",)): None,
    ("contacts", ("search",)): None,
}  # fmt: skip


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def _text_arguments() -> set[tuple[str, tuple[str, ...]]]:
    """Every String argument (or list of them) but storeId and cursors, and String fields of input arguments."""
    found = set()
    for name, field in FIELDS.items():
        for argument, definition in field.args.items():
            type_ = _named(definition.type)
            if isinstance(type_, GraphQLInputObjectType):
                found |= {(name, (argument, f)) for f, d in type_.fields.items() if _named(d.type).name == "String"}
            elif type_.name == "String" and argument != "after" or type_.name == "ID" and name == "store":
                found.add((name, (argument,)))
    return found


CASES = [
    (key, value, refused)
    for key, closed in CLOSED.items()
    if closed is not None
    for refused, values in ((True, closed[3]), (False, closed[4]))
    for value in values
]


def test_the_table_classifies_every_text_argument():
    assert _text_arguments() == set(CLOSED)


async def _subscribe(api: Api, document: str, value: object) -> dict[str, Any]:
    return await subscribe(api, document, {"v": value})


@pytest.mark.parametrize("form", ["variable", "literal"])
@pytest.mark.parametrize(
    ("key", "value", "refused"), CASES, ids=[f"{k[0]}.{'.'.join(k[1])}={v!r}" for k, v, _ in CASES]
)
async def test_a_closed_set_filter_names_a_known_value(api: Api, key, value, refused, form) -> None:
    assert (await api.post("/customers", {"external_id": "CUST-42", "phone": "+33612345678"})).status_code == 201
    before = await api.snapshot()
    document, declared, message, _, _ = CLOSED[key]  # type: ignore[misc]
    given = [value] if declared.startswith("[") else value
    operation = "subscription" if key[0] == "storeEvents" else "query"
    if form == "literal":
        document, variables = document.replace("$v", json.dumps(given)), {}
        query = f"{operation} {{ {document} }}"
    else:
        variables = {"v": given}
        query = f"{operation}($v: {declared}) {{ {document} }}"
    if operation == "subscription":
        body = await _subscribe(api, query, variables.get("v"))
    else:
        body = await gql(api, query, variables)
    if refused:
        assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
            (message, {"code": "BAD_USER_INPUT", "field": list(key[1])})
        ]
    else:
        assert not body.get("errors"), body
    assert await api.snapshot() == before


@pytest.mark.parametrize("form", ["variable", "literal"])
async def test_store_events_of_no_type_is_refused(api: Api, form) -> None:
    """`storeEvents(types: [])` matches no event: refused (BAD_USER_INPUT naming `types`), where
    the subscription was made and never heard a thing; leaving `types` out means every type."""
    if form == "literal":
        body = await _subscribe(api, "subscription { storeEvents(storeId: 123, types: []) { type } }", None)
    else:
        body = await _subscribe(
            api, "subscription($v: [String!]) { storeEvents(storeId: 123, types: $v) { type } }", []
        )
    message = "types must name at least one event type or pattern; leave it out for every type."
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (message, {"code": "BAD_USER_INPUT", "field": ["types"]})
    ]
