"""A document asking for more than 20,000 list items is refused before it runs (code
QUERY_TOO_COMPLEX, the count in the message), however the items are asked for: nested lists,
fragments spread again and again, inline fragments, `first` as a variable (counted as 100) or
left to its default; one within the limit runs (graphql_schema/node_limit.py). A nested list of
contacts' orders' contacts' orders stayed within depth 10 and held every request of the server
for 30 seconds."""

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import order_body

NESTED = "{ contacts(storeId: 123, first: 100) { edges { node { orders(first: 100) { contact { orders(first: 100) { contact { orders(first: 100) { contact { events { type } } } } } } } } } } }"
ORDER_FRAGMENT = "fragment O on Order { contact { orders(first: 100) { externalId } } }"

# document, variables -> the list items it asks for (refused when over 20,000)
CASES = {
    "contacts' orders' contacts' orders, nested": (NESTED, None, 100 + 10_000 + 1_000_000 + 100_000_000),
    "one page of 100 with 100 each": (
        "{ contacts(storeId: 123, first: 100) { edges { node { orders(first: 100) { externalId } } } } }",
        None,
        10_100,
    ),
    "one more level of 2": (
        "{ contacts(storeId: 123, first: 100) { edges { node { orders(first: 100) "
        "{ contact { carts(first: 2) { externalId } } } } } } }",
        None,
        30_100,
    ),
    "first left to its defaults (20, then 10)": (
        "{ orders(storeId: 123) { edges { node { contact { orders { externalId } } } } } }",
        None,
        220,
    ),
    "first as variables, counted as 100 each": (
        "query($a: Int!, $b: Int!) { orders(storeId: 123, first: $a) { edges { node { contact "
        "{ orders(first: $b) { contact { carts(first: 3) { externalId } } } } } } } }",
        {"a": 1, "b": 1},
        100 + 10_000 + 30_000,
    ),
    "a fragment spread in each of 100 orders' contacts": (
        "{ orders(storeId: 123, first: 100) { edges { node { ...O } } } } " + ORDER_FRAGMENT,
        None,
        10_100,
    ),
    "the fragment spread three times": (
        "{ orders(storeId: 123, first: 100) { edges { node { ...O a: contact { orders(first: 50) { externalId } } "
        "... on Order { b: contact { orders(first: 50) { externalId } } } } } } } " + ORDER_FRAGMENT,
        None,
        100 + 10_000 + 5_000 + 5_000,
    ),
    "an inline fragment nesting another 100": (
        "{ orders(storeId: 123, first: 100) { edges { node { ... on Order { contact { orders(first: 100) "
        "{ contact { orders(first: 2) { externalId } } } } } } } } }",
        None,
        100 + 10_000 + 20_000,
    ),
    "first past its range counts as 100 (the field refuses it)": (
        "{ contacts(storeId: 123, first: 500) { edges { node { orders(first: 500) { contact "
        "{ carts(first: 2) { externalId } } } } } } }",
        None,
        100 + 10_000 + 20_000,
    ),
    "topProducts, a list with first": (
        '{ topProducts(storeId: 123, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", first: 100) { title } }',
        None,
        100,
    ),
}


@pytest.mark.parametrize(("document", "variables", "items"), CASES.values(), ids=CASES.keys())
async def test_a_document_is_refused_past_20000_list_items_and_runs_within(api, document, variables, items):
    assert (await api.post("/orders", order_body())).status_code == 201
    body = await gql(api, document, variables)
    if items <= 20_000:
        assert "errors" not in body, body
        assert body["data"]
        return
    assert body.get("data") is None
    assert body["errors"] == [
        {
            "message": (
                f"This document asks for up to {items:,} list items (each list's `first`, times the items of the "
                "lists it is nested in); at most 20,000 are allowed. Ask for fewer items in nested lists."
            ),
            "locations": [{"line": 1, "column": 1}],
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]
