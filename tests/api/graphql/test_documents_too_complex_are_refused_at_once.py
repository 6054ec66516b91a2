"""README, "Limits": a document is held to its bounds however it is written, and refused at once
with a message naming the bound, code QUERY_TOO_COMPLEX (graphql_schema/limits.py,
node_limit.py, errors.py).

- Fragments spread in fragments: 25 fragments each spreading the next twice (300 tokens) held
  the event loop, `/healthz` included, for two and a half minutes, the depth and alias limits
  walking every spread again. More than 10,000 fields once expanded is refused.
- A valid document past graphql-core's validation budgets (a thousand `name` fields side by
  side) was refused with a bare "Validation aborted.".
- A list without `first` (an order's shipments) multiplies the lists nested in it by a length no
  document bounds: an answer past 20,000 list items is refused in the list's place."""

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import order_body, shipment_body


def doubling(levels: int, last: str = "a: __typename", spreads: str = "...F{n} ...F{n}") -> str:
    """`levels` fragments, each spreading the next (twice by default), the last selecting `last`."""
    chain = " ".join(f"fragment F{i} on Query {{ {spreads.format(n=i + 1)} }}" for i in range(levels))
    return f"query {{ ...F0 }} {chain} fragment F{levels} on Query {{ {last} }}"


def expanded(fields: int) -> str:
    return (
        f"This document selects {fields:,} fields once its fragments are expanded (each spread counting the "
        "fields of its fragment); at most 10,000 are allowed. Spread fewer fragments in fragments."
    )


# document -> the error it gets
REFUSED = {
    "16 levels of two spreads": (doubling(16), expanded(2**16)),
    "25 levels of two spreads": (doubling(25), expanded(2**25)),
    "60 levels of two spreads": (doubling(60), expanded(2**60)),
    "10 levels of three spreads, two fields each": (
        doubling(10, "a: __typename b: __typename", "...F{n} ...F{n} ...F{n}"),
        expanded(2 * 3**10),
    ),
    "spreads inside inline fragments": (
        doubling(20, spreads="... on Query {{ ...F{n} }} ... {{ ...F{n} }}"),
        expanded(2**20),
    ),
    "spreads under a field": (
        "{ store(storeId: 123) { ...S0 } } "
        + " ".join(f"fragment S{i} on Store {{ ...S{i + 1} ...S{i + 1} }}" for i in range(30))
        + " fragment S30 on Store { name }",
        expanded(1 + 2**30),
    ),
}


@pytest.mark.parametrize(("document", "message"), REFUSED.values(), ids=REFUSED.keys())
async def test_fragments_expanding_past_10000_fields_are_refused_at_once(api, document, message):
    body = await gql(api, document)
    assert body == {"data": None, "errors": [{"message": message, "extensions": {"code": "QUERY_TOO_COMPLEX"}}]}
    assert (await api.client.get("/healthz")).status_code == 200


async def test_fragments_within_the_bound_are_held_to_the_alias_limit(api):
    body = await gql(api, doubling(13))  # 8,192 fields, each an alias
    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == ["8192 aliases found. Allowed: 30"]


async def test_fragments_within_the_bound_run(api):
    body = await gql(api, doubling(13, "__typename"))
    assert body == {"data": {"__typename": "Query"}}


TOO_COMPLEX_TO_VALIDATE = (
    "This document is too complex to validate: its fields to compare with each other, fragment spreads or "
    "nesting pass the validator's budget. Select each field once, and spread fewer fragments."
)
# documents graphql-core gives up validating
ABORTED = {
    "1,000 name fields side by side": "{ store(storeId: 123) { " + " ".join(["name"] * 1000) + " } }",
    "1,500 __typename": "{ " + " ".join(["__typename"] * 1500) + " }",
}


@pytest.mark.parametrize("document", ABORTED.values(), ids=ABORTED.keys())
async def test_a_document_past_the_validators_budget_is_told_so(api, document):
    body = await gql(api, document)
    assert body == {
        "data": None,
        "errors": [{"message": TOO_COMPLEX_TO_VALIDATE, "extensions": {"code": "QUERY_TOO_COMPLEX"}}],
    }


async def test_the_same_field_a_few_times_is_answered(api):
    body = await gql(api, "{ " + " ".join(["__typename"] * 50) + " }")
    assert body == {"data": {"__typename": "Query"}}


NESTED = (
    '{ contact(storeId: 123, phone: "+33612345678") { orders(first: 100) { externalId shipments { '
    "externalId order { contact { orders(first: 100) { externalId } } } } } } }"
)
ANSWER_TOO_LARGE = (
    "This answer would hold more than 20,000 list items, counted as it is made (a list without `first`, such as an "
    "order's line items or shipments, holds all its record has, times the lists nested in it). Ask for fewer items "
    "in nested lists."
)
REFUSED_WHOLE = {"data": None, "errors": [{"message": ANSWER_TOO_LARGE, "extensions": {"code": "QUERY_TOO_COMPLEX"}}]}


async def _orders_and_shipments(api, shipments: int) -> None:
    """100 orders of one customer, the first with `shipments` shipments."""
    orders = [order_body(external_id=f"O-{n:03d}") for n in range(100)]
    assert (await api.post("/orders/batch", {"items": orders})).status_code == 200
    items = [shipment_body(external_id=f"S-{n:04d}", order_external_id="O-000") for n in range(shipments)]
    for start in range(0, shipments, 1000):
        assert (await api.post("/shipments/batch", {"items": items[start : start + 1000]})).status_code == 200


# shipments of one order -> the list items the answer holds (the nested query counts 10,100 before it runs)
@pytest.mark.parametrize("shipments", [50, 197, 198, 1000])
async def test_an_answer_past_20000_list_items_is_refused_in_the_lists_place(api, shipments):
    await _orders_and_shipments(api, shipments)
    body = await gql(api, NESTED)
    answered = 100 + shipments + shipments * 100  # orders, shipments, each shipment's contact's orders
    if answered <= 20_000:
        assert "errors" not in body, body["errors"][:1]
        orders = body["data"]["contact"]["orders"]
        assert len(orders) == 100
        first = next(order for order in orders if order["externalId"] == "O-000")
        assert len(first["shipments"]) == shipments
        assert all(len(shipment["order"]["contact"]["orders"]) == 100 for shipment in first["shipments"])
        return
    assert body == REFUSED_WHOLE  # a partial answer was no answer: most lists are under non-null types


async def test_an_answer_past_20000_items_under_a_field_that_may_be_null_is_refused_whole(api):
    await _orders_and_shipments(api, 300)
    document = (
        '{ store(storeId: 123) { name } order(storeId: 123, externalId: "O-000") { shipments { order { contact { '
        "orders(first: 100) { externalId } } } } } }"
    )
    assert await gql(api, document) == REFUSED_WHOLE


UPSERT_ORDERS = (
    "mutation($inputs: [OrderInput!]!) { upsertOrders(storeId: 123, inputs: $inputs) { results { created "
    "userErrors { message } order { externalId lineItems { title } } } } }"
)


async def test_a_mutations_results_are_kept_past_20000_items(api):
    """Its writes are done: refusing its answer told the client they were not. Its records'
    own line items, read back, count as any list: past the bound each list is an error in its
    place (the order null), the results kept."""
    lines = [{"title": "t", "quantity": 1, "price": 1}] * 850
    inputs = [
        {
            "externalId": f"GQ-{n}",
            "placedAt": "2026-05-18T10:00:00Z",
            "totalPrice": 850,
            "currency": "EUR",
            "customer": {"phone": f"+336123456{n:02d}"},
            "lineItems": lines,
        }
        for n in range(25)
    ]
    body = await gql(api, UPSERT_ORDERS, {"inputs": inputs})
    assert body["data"] is not None, body["errors"][:2]
    results = body["data"]["upsertOrders"]["results"]
    assert [(r["created"], r["userErrors"]) for r in results] == [(True, [])] * 25
    # 23 orders' lines fit in 20,000 (23 x 850 = 19,550; the results are the outcome, not counted)
    assert [len(r["order"]["lineItems"]) if r["order"] else None for r in results] == [850] * 23 + [None] * 2
    assert {(error["message"], error["extensions"]["code"]) for error in body["errors"]} == {
        (ANSWER_TOO_LARGE, "QUERY_TOO_COMPLEX")
    }
    assert [error["path"] for error in body["errors"]] == [
        ["upsertOrders", "results", n, "order", "lineItems"] for n in (23, 24)
    ]
    assert len(await api.rows("orders")) == 25


async def test_a_mutations_nested_reads_are_bounded_as_a_querys(api):
    """A cheap mutation read 200,000 stored orders past the bound through its record."""
    await _orders_and_shipments(api, 300)
    document = (
        'mutation { createShipment(storeId: 123, input: {externalId: "S-0000", orderExternalId: "O-000", '
        'status: "in_transit"}) { userErrors { message } shipment { order { shipments { order { contact { '
        "orders(first: 100) { externalId } } } } } } } }"
    )
    body = await gql(api, document)
    assert body["data"]["createShipment"]["userErrors"] == []
    shipments = body["data"]["createShipment"]["shipment"]["order"]["shipments"]
    answered = [shipment["order"]["contact"] for shipment in shipments]
    # 300 shipments, then 100 orders under each while they fit: the rest an error each, contact null
    assert sum(len(contact["orders"]) for contact in answered if contact) == 19_700
    assert sum(contact is None for contact in answered) == 103
    assert {(error["message"], error["extensions"]["code"]) for error in body["errors"]} == {
        (ANSWER_TOO_LARGE, "QUERY_TOO_COMPLEX")
    }
