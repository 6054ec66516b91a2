"""README "GraphQL and GraphiQL": every `tags` input is GraphQL's `[String!]`. A lone string is
a list of that one string, as GraphQL's input coercion reads it (`tags: "vip, web"` is the one
tag `vip, web`, as REST's `["vip, web"]` is), inline or as a variable; REST's comma-separated
string is for relayed platform payloads, which come through REST. Each tags input of the schema
is in the table, so a new one must be added here."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType

from graphql_schema.schema import schema
from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body

CUSTOMER = '{phone: "+33611111111", externalId: "CU-1", tags: TAGS}'
ORDER = 'externalId: "G-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, currency: "EUR"'
CART = 'externalId: "C-1", abandonedAt: "2026-05-18T09:00:00Z", totalPrice: 1, currency: "EUR"'

# input type -> (mutation with TAGS where the tags go, (table, column of the row's id, id))
MUTATIONS: dict[str, tuple[str, tuple[str, str, str]]] = {
    "OrderInput": (
        f'upsertOrder(storeId: 123, input: {{{ORDER}, customer: {{phone: "+33611111111"}}, tags: TAGS}}) {{ created }}',
        ("orders", "external_id", "G-1"),
    ),
    "OrderCustomerInput": (
        f"upsertOrder(storeId: 123, input: {{{ORDER}, customer: {CUSTOMER}}}) {{ created }}",
        ("contacts", "phone", "+33611111111"),
    ),
    "OrderUpdateInput": (
        'updateOrder(storeId: 123, externalId: "G-1", input: {tags: TAGS}) { order { externalId } }',
        ("orders", "external_id", "G-1"),
    ),
    "CartInput": (
        f'upsertCart(storeId: 123, input: {{{CART}, customer: {{phone: "+33611111111"}}, tags: TAGS}}) {{ created }}',
        ("carts", "external_id", "C-1"),
    ),
    "CartUpdateInput": (
        'updateCart(storeId: 123, externalId: "C-1", input: {tags: TAGS}) { cart { externalId } }',
        ("carts", "external_id", "C-1"),
    ),
    "CustomerInput": (
        f"upsertCustomer(storeId: 123, input: {CUSTOMER}) {{ created }}",
        ("contacts", "phone", "+33611111111"),
    ),
}

# tags as sent -> as stored
SENT = {
    '"vip, web"': ["vip, web"],
    '["vip", "web"]': ["vip", "web"],
    '"vip"': ["vip"],
    '""': [""],
}


def test_the_table_names_every_tags_input():
    inputs = {
        name
        for name, type_ in schema._schema.type_map.items()
        if isinstance(type_, GraphQLInputObjectType) and "tags" in type_.fields
    }
    assert inputs == set(MUTATIONS)
    for name in inputs:
        assert str(schema._schema.type_map[name].fields["tags"].type) == "[String!]"


async def _stored(api: Api, table: str, column: str, value: str) -> Any:
    (row,) = [row for row in await api.rows(table) if row[column] == value]
    return row["tags"]


async def _prepared(api: Api, input_type: str) -> None:
    """The record an update mutation changes, made first through REST."""
    if input_type == "OrderUpdateInput":
        assert (await api.post("/orders", order_body(external_id="G-1"))).status_code == 201
    if input_type == "CartUpdateInput":
        assert (await api.post("/carts", cart_body(external_id="C-1"))).status_code == 201


@pytest.mark.parametrize("input_type", sorted(MUTATIONS))
@pytest.mark.parametrize("sent", sorted(SENT))
async def test_a_lone_string_is_one_tag(api, input_type, sent):
    await _prepared(api, input_type)
    mutation, (table, column, value) = MUTATIONS[input_type]
    body = await gql(api, "mutation { " + mutation.replace("TAGS", sent) + " }")
    assert "errors" not in body, body
    assert await _stored(api, table, column, value) == SENT[sent]


@pytest.mark.parametrize("input_type", sorted(MUTATIONS))
async def test_a_variable_is_read_as_an_inline_value(api, input_type):
    await _prepared(api, input_type)
    mutation, (table, column, value) = MUTATIONS[input_type]
    body = await gql(
        api, "mutation($tags: [String!]) { " + mutation.replace("TAGS", "$tags") + " }", {"tags": "vip, web"}
    )
    assert "errors" not in body, body
    assert await _stored(api, table, column, value) == ["vip, web"]
