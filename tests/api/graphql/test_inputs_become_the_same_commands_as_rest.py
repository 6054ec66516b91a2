"""SPEC §5 and the README's "Strings" decision: a GraphQL input becomes the same command as the
REST body (one validate call at the edge), so text no engine can store is refused at its path in
every mutation, nested inputs and free-form JSON included, and nothing is stored."""

from __future__ import annotations

import pytest

from tests.api.calls import gql
from tests.api.graphql.documents import order_input

NUL, SURROGATE = "a\x00b", "a\ud800b"


MUTATIONS = {
    "upsertOrder": "mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) { created userErrors { field code } } }",
    "upsertCart": "mutation($input: CartInput!) { upsertCart(storeId: 123, input: $input) { created userErrors { field code } } }",
    "upsertCustomer": "mutation($input: CustomerInput!) { upsertCustomer(storeId: 123, input: $input) { created userErrors { field code } } }",
}


def _cart(**overrides):
    base = {
        "externalId": "CART-1",
        "abandonedAt": "2026-05-18T09:40:00Z",
        "totalPrice": "49.9",
        "customer": {"phone": "+33612345678"},
    }
    return {**base, **overrides}


def _customer(**overrides):
    return {"phone": "+33612345678", **overrides}


# (mutation, input, the field path the error names)
CASES = [
    ("upsertOrder", order_input(externalId=NUL), ["input", "externalId"]),
    ("upsertOrder", order_input(financialStatus=SURROGATE), ["input", "financialStatus"]),
    (
        "upsertOrder",
        order_input(customer={"phone": "+33612345678", "firstName": NUL}),
        ["input", "customer", "firstName"],
    ),
    ("upsertOrder", order_input(tags=["ok", SURROGATE]), ["input", "tags", "1"]),
    ("upsertOrder", order_input(metadata={"note": NUL}), ["input", "metadata", "note"]),
    ("upsertOrder", order_input(lineItems=[{"title": SURROGATE}]), ["input", "lineItems", "0", "title"]),
    ("upsertCart", _cart(recoveryUrl="https://shop.example.com/" + NUL), ["input", "recoveryUrl"]),
    ("upsertCart", _cart(customer={"phone": "+33612345678", "lastName": SURROGATE}), ["input", "customer", "lastName"]),
    ("upsertCustomer", _customer(externalId=NUL), ["input", "externalId"]),
    ("upsertCustomer", _customer(email=SURROGATE + "@example.com"), ["input", "email"]),
]


@pytest.mark.parametrize(("mutation", "value", "path"), CASES, ids=[f"{m}:{'.'.join(p[1:])}" for m, _, p in CASES])
async def test_text_no_engine_can_store_is_refused_at_its_path(api, mutation, value, path):
    before = await api.snapshot()
    body = await gql(api, MUTATIONS[mutation], {"input": value})
    payload = body["data"][mutation]
    assert payload["created"] is None
    assert {"field": path, "code": "INVALID_CHARACTERS"} in payload["userErrors"]
    assert await api.snapshot() == before


async def test_an_embedded_customer_without_a_name_keeps_the_name_an_order_gave(api):
    """SPEC §4.2 through GraphQL: an embedded customer without a name keeps the name an order
    gave; the view of the input leaves absent fields out, as a REST body does."""
    await gql(api, MUTATIONS["upsertOrder"], {"input": order_input()})
    cart = _cart(customer={"phone": "+33612345678"})
    assert (await gql(api, MUTATIONS["upsertCart"], {"input": cart}))["data"]["upsertCart"]["userErrors"] == []
    contact = (await api.rows("contacts"))[0]
    assert (contact["first_name"], contact["phone"]) == ("Marie", "+33612345678")
