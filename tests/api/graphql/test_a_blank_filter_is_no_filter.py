"""README "GraphQL and GraphiQL" (SPEC §10 "Blank strings"): a blank value — empty, or only
whitespace (`str.isspace`) — of an optional text filter of a list is no filter: the answer is
the one the argument left out gives, where it was a refusal (`contacts(consent: {marketing:
""})`, `orders(filter: {phone: ""})`, `filter: {placedAfter: ""}`) or matched nothing
(`orders(filter: {tag: ""})`).

Walks the schema: every optional String or DateTime argument of every list (connection) field
and of its input arguments, as a literal and as a variable. Arguments that name a record or a
position are not filters and keep their own rules: `contact(phone:)` and `contact(externalId:)`
look one contact up, `after` is a cursor, IDs are ids."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLObjectType

from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body, shipment_body

ROOT = graphql_schema._schema
TEXT = {"String", "DateTime"}
# Optional text arguments of fields that are not lists: each names the record looked up.
NAMES_A_RECORD = {("contact", ("phone",)), ("contact", ("externalId",))}
BLANKS = ["", " ", "\t\n", "\u00a0", "\u3000"]


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def _is_list(field: Any) -> bool:
    type_ = _named(field.type)
    return isinstance(type_, GraphQLObjectType) and type_.name.endswith("Connection")


def _optional_text(arguments: dict[str, Any]) -> list[tuple[str, ...]]:
    """Paths of the optional text arguments, input objects' fields included (a cursor is not a filter)."""
    found: list[tuple[str, ...]] = []
    for name, argument in arguments.items():
        type_ = _named(argument.type)
        if isinstance(type_, GraphQLInputObjectType):
            found += [(name, *path) for path in _optional_text(type_.fields)]
        elif type_.name in TEXT and not isinstance(argument.type, GraphQLNonNull) and name != "after":
            found.append((name,))
    return found


def _declared(field: str, path: tuple[str, ...]) -> str:
    """The GraphQL type of the argument at `path` of the query field `field`."""
    holder: Any = ROOT.query_type.fields[field].args[path[0]]
    for name in path[1:]:
        holder = _named(holder.type).fields[name]
    return str(holder.type)


FILTERS = sorted(
    (name, path)
    for name, field in ROOT.query_type.fields.items()
    if _is_list(field)
    for path in _optional_text(field.args)
)
OTHERS = {
    (name, path)
    for name, field in ROOT.query_type.fields.items()
    if not _is_list(field)
    for path in _optional_text(field.args)
}


def test_the_walk_finds_the_filters_and_every_other_text_argument_names_a_record() -> None:
    assert {
        ("orders", ("filter", "tag")),
        ("orders", ("filter", "phone")),
        ("orders", ("filter", "placedAfter")),
        ("contacts", ("phone",)),
        ("contacts", ("consent", "marketing")),
        ("shipments", ("status",)),
        ("events", ("filter", "subjectType")),
    } <= set(FILTERS)
    assert OTHERS == NAMES_A_RECORD


def _argument(path: tuple[str, ...], value: str) -> str:
    """`path` given `value` as GraphQL argument syntax: `filter: {tag: <value>}`."""
    text = value
    for name in reversed(path[1:]):
        text = f"{{{name}: {text}}}"
    return f"{path[0]}: {text}"


async def _answer(api: Api, field: str, path: tuple[str, ...] | None, value: str | None, form: str) -> Any:
    selection = "{ totalCount edges { cursor } }"
    if path is None:
        body = await gql(api, f"{{ {field}(storeId: 123) {selection} }}")
    elif form == "literal":
        body = await gql(api, f"{{ {field}(storeId: 123, {_argument(path, json.dumps(value))}) {selection} }}")
    else:
        query = f"query($v: {_declared(field, path)}) {{ {field}(storeId: 123, {_argument(path, '$v')}) {selection} }}"
        body = await gql(api, query, {"v": value})
    assert not body.get("errors"), body
    return body["data"][field]


async def _seed(api: Api) -> None:
    """A store with a row in every list: orders, a contact with consent, a shipment, carts, events."""
    customer = {
        "external_id": "CUST-42",
        "phone": "+33612345678",
        "whatsapp_consent": {"marketing": "subscribed", "utility": "unsubscribed", "source": "checkout"},
    }
    assert (await api.post("/orders", order_body(customer=customer, tags=["web"]))).status_code == 201
    assert (await api.post("/orders", order_body(external_id="ORDER-1002", tags=[]))).status_code == 201
    assert (await api.post("/shipments", shipment_body())).status_code == 201
    other = {"phone": "+33612345679"}
    assert (await api.post("/carts", cart_body(external_id="CART-1", customer=other))).status_code == 201


@pytest.mark.parametrize("form", ["literal", "variable"])
@pytest.mark.parametrize("blank", BLANKS, ids=repr)
@pytest.mark.parametrize(("field", "path"), FILTERS, ids=[f"{f}.{'.'.join(p)}" for f, p in FILTERS])
async def test_a_blank_filter_answers_as_the_filter_left_out(
    api: Api, field: str, path: tuple[str, ...], blank: str, form: str
) -> None:
    await _seed(api)
    before = await api.snapshot()
    left_out = await _answer(api, field, None, None, form)
    assert left_out["totalCount"] > 0
    assert await _answer(api, field, path, blank, form) == left_out
    assert await api.snapshot() == before


@pytest.mark.parametrize(("field", "path"), sorted(NAMES_A_RECORD))
async def test_a_blank_record_name_is_still_read_as_one(api: Api, field: str, path: tuple[str, ...]) -> None:
    """`contact(phone: "")` finds no contact by a blank phone (never the store's first contact)."""
    await _seed(api)
    body = await gql(api, f"{{ {field}(storeId: 123, {_argument(path, json.dumps(''))}) {{ id }} }}")
    expected = {
        ("contact", ("phone",)): ({"contact": None}, ["BAD_USER_INPUT"]),
        ("contact", ("externalId",)): ({"contact": None}, []),
    }[(field, path)]
    assert (body.get("data"), [e["extensions"]["code"] for e in body.get("errors", [])]) == expected
