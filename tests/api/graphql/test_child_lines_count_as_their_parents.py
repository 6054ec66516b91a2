"""README "Top products" (`rules/child_lines_are_their_parents`): a line whose `parent_item_id`
names the `item_id` of another line of its order is part of that line, not a product sold on
its own, as Magento shows and totals its orders' visible items alone. Before, a configurable
product (a parent row and its variant's row, price 0) counted twice and took its variant's
name; a bundle's price counted twice (the bundle's row and its parts' rows).

The class: Magento's shapes as relayed (`items`, `name`, `qty_ordered`), ids as numbers or as
text, a child naming no line of its order, on both ways `topProducts` counts (whole days from
the daily summary, edge hours from the orders' lines), sent as one POST, in a batch, or by
GraphQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

HOODIE = {"item_id": 11, "sku": "MH01-XS-Black", "name": "Chaz Kangeroo Hoodie", "qty_ordered": "1.0000"}
VARIANT = {"item_id": 12, "sku": "MH01-XS-Black", "name": "Chaz Kangeroo Hoodie-XS-Black", "qty_ordered": "1.0000"}

# what the order's items are -> what topProducts answers (sku, title, quantity, revenue)
ITEMS: dict[str, tuple[list[dict[str, Any]], list[tuple[str, str, float, str]]]] = {
    "a configurable product and its variant": (
        [
            {**HOODIE, "price": "52.0000", "product_type": "configurable", "parent_item_id": None},
            {**VARIANT, "price": "0.0000", "product_type": "simple", "parent_item_id": 11},
        ],
        [("MH01-XS-Black", "Chaz Kangeroo Hoodie", 1.0, "52.00")],
    ),
    "a variant of another sku, ids as text": (
        [
            {**HOODIE, "item_id": "11", "price": "52.0000", "product_type": "configurable"},
            {**VARIANT, "sku": "MH01-XS-Black-v", "price": "0.0000", "parent_item_id": "11"},
        ],
        [("MH01-XS-Black", "Chaz Kangeroo Hoodie", 1.0, "52.00")],
    ),
    "a bundle and its parts": (
        [
            {
                "item_id": 1,
                "sku": "kit",
                "name": "Computer kit",
                "qty_ordered": 2,
                "price": "450",
                "product_type": "bundle",
            },
            {"item_id": 2, "sku": "case", "name": "Case", "qty_ordered": 2, "price": "150", "parent_item_id": 1},
            {"item_id": 3, "sku": "disk", "name": "Disk", "qty_ordered": 2, "price": "300", "parent_item_id": 1},
        ],
        [("kit", "Computer kit", 2.0, "900.00")],
    ),
    "a child naming no line of the order": (
        [{**VARIANT, "price": "52.0000", "parent_item_id": 99}],
        [("MH01-XS-Black", "Chaz Kangeroo Hoodie-XS-Black", 1.0, "52.00")],
    ),
    "a line naming itself": (
        [{**VARIANT, "item_id": "40", "parent_item_id": "40", "price": "5"}],
        [("MH01-XS-Black", "Chaz Kangeroo Hoodie-XS-Black", 1.0, "5.00")],
    ),
    "two lines naming each other": (
        [
            {"item_id": 1, "sku": "A", "name": "Apron", "price": "5", "parent_item_id": 2},
            {"item_id": 2, "sku": "B", "name": "Bib", "price": "3", "parent_item_id": 1},
        ],
        [("A", "Apron", 1.0, "5.00"), ("B", "Bib", 1.0, "3.00")],
    ),
    "lines without ids": (
        [{"sku": "T1", "name": "Tee", "qty_ordered": 2, "price": "10"}, {"sku": "T2", "name": "Cap", "price": "5"}],
        [("T1", "Tee", 2.0, "20.00"), ("T2", "Cap", 1.0, "5.00")],
    ),
}
PERIODS = {
    "whole days": ("2026-05-17T00:00:00Z", "2026-05-18T00:00:00Z"),
    "edge hours": ("2026-05-17T09:00:00Z", "2026-05-17T11:00:00Z"),
}
TOP = """query($from: DateTime!, $to: DateTime!) {
  topProducts(storeId: 123, from: $from, to: $to) { sku title quantity revenue { amount } } }"""
UPSERT = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) { userErrors { code } } }"""


def _magento_order(items: list[dict[str, Any]]) -> dict[str, Any]:
    body = order_body(external_id="000000124", placed_at="2026-05-17T10:00:00Z", total_price="1000", currency="EUR")
    del body["line_items"]
    return {**body, "items": items}


async def _sent(api: Api, way: str, body: dict[str, Any]) -> None:
    if way == "POST":
        assert (await api.post("/orders", body)).status_code == 201
    elif way == "batch":
        answer = await api.post("/orders/batch", {"items": [body]})
        assert [item["status"] for item in answer.json()["results"]] == [201]
    else:
        given = {
            "externalId": body["external_id"],
            "placedAt": body["placed_at"],
            "totalPrice": body["total_price"],
            "currency": "EUR",
            "customer": {"phone": body["customer"]["phone"]},
            "lineItems": body["items"],
        }
        assert (await gql(api, UPSERT, {"input": given}))["data"]["upsertOrder"]["userErrors"] == []


@pytest.mark.parametrize("way", ["POST", "batch", "GraphQL"])
@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("items", ITEMS)
async def test_a_child_line_is_counted_as_part_of_its_parent(api: Api, items: str, period: str, way: str) -> None:
    lines, expected = ITEMS[items]
    await _sent(api, way, _magento_order(lines))
    first, last = PERIODS[period]
    answer = await gql(api, TOP, {"from": first, "to": last})
    got = [(p["sku"], p["title"], p["quantity"], p["revenue"][0]["amount"]) for p in answer["data"]["topProducts"]]
    assert got == expected, answer
    stored = (await api.get("/orders/000000124")).json()["line_items"]
    assert len(stored) == len(lines)  # every line stays stored as sent
