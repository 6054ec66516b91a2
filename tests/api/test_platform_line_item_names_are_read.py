"""README "Platform payloads": a line item's `name` (WooCommerce's and Magento's) is its title
and Magento's `qty_ordered` (an order item's), else `qty` (a quote item's, a cart's), its
quantity, where ours are absent; the line item is kept as sent,
ours added. On orders and carts, by the single POST and in a batch alike; topProducts and the
order's lineItems answer the title (they answered null: the dashboard's Product column was
blank)."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.platform_names import LINE_ITEM_NAMES
from tests.api.graphql.documents import gql
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

# case -> (the line item sent, the line item stored and answered by GET)
READ: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "WooCommerce's name": (
        {"name": "T-shirt", "sku": "TS-1", "quantity": 2, "price": "24.95"},
        {"name": "T-shirt", "sku": "TS-1", "quantity": 2, "price": 24.95, "title": "T-shirt"},
    ),
    "Magento's name and qty_ordered": (
        {"name": "T-shirt", "sku": "TS-1", "qty_ordered": "2.0000", "price": "24.9500"},
        {"name": "T-shirt", "sku": "TS-1", "qty_ordered": "2.0000", "price": 24.95, "title": "T-shirt", "quantity": 2},
    ),
    "a null title": ({"title": None, "name": "T-shirt"}, {"title": "T-shirt", "name": "T-shirt"}),
    "title beside name": ({"title": "Tee", "name": "T-shirt"}, {"title": "Tee", "name": "T-shirt"}),
    "a blank title beside name, kept as sent": ({"title": "", "name": "T-shirt"}, {"title": "", "name": "T-shirt"}),
    "quantity beside qty_ordered": ({"quantity": 1, "qty_ordered": 3}, {"quantity": 1, "qty_ordered": 3}),
    "a blank quantity beside qty_ordered": ({"quantity": " ", "qty_ordered": 3}, {"quantity": 3, "qty_ordered": 3}),
    "a null qty_ordered": ({"title": "Tee", "qty_ordered": None}, {"title": "Tee", "qty_ordered": None}),
    # Magento's quote item (a cart's): `qty`
    "Magento's qty, a number": ({"name": "Mug", "qty": 2}, {"name": "Mug", "qty": 2, "title": "Mug", "quantity": 2}),
    "Magento's qty, text": ({"name": "Mug", "qty": "2.0000"}, {"name": "Mug", "qty": "2.0000", "title": "Mug", "quantity": 2}),
    "quantity beside qty": ({"quantity": 1, "qty": 3}, {"quantity": 1, "qty": 3}),
    "a null quantity beside qty": ({"quantity": None, "qty": 3}, {"quantity": 3, "qty": 3}),
    "a blank quantity beside qty": ({"quantity": "", "qty": 3}, {"quantity": 3, "qty": 3}),
    "qty_ordered beside qty": ({"qty_ordered": 2, "qty": 3}, {"quantity": 2, "qty_ordered": 2, "qty": 3}),
    "a null qty_ordered beside qty": ({"qty_ordered": None, "qty": 3}, {"quantity": 3, "qty_ordered": None, "qty": 3}),
    "a null qty": ({"title": "Tee", "qty": None}, {"title": "Tee", "qty": None}),
    "a null name": ({"name": None, "sku": "TS-1"}, {"name": None, "sku": "TS-1"}),
}  # fmt: skip

# case -> (the line item sent, the field refused, its code, its message)
REFUSED: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "qty_ordered, text": ({"qty_ordered": "two"}, "quantity", "invalid_type", "Must be a number."),
    "qty_ordered, negative": ({"qty_ordered": "-1"}, "quantity", "out_of_range", "Must be greater than or equal to 0."),
    "qty_ordered, too precise": (
        {"qty_ordered": "1.00001"},
        "quantity",
        "too_precise",
        "At most 4 decimals are accepted.",
    ),
    "qty, text": ({"qty": "two"}, "quantity", "invalid_type", "Must be a number."),
    "qty, negative": ({"qty": -2}, "quantity", "out_of_range", "Must be greater than or equal to 0."),
    "qty, an object": ({"qty": {"value": 2}}, "quantity", "invalid_type", "Must be a number."),
}

RESOURCES = {"order": ("/orders", order_body, "ORDER-1001"), "cart": ("/carts", cart_body, "CART-7700")}


def test_every_other_name_has_a_case() -> None:
    assert set(LINE_ITEM_NAMES) <= {name for item, _ in READ.values() for name in item}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", READ)
async def test_a_line_item_in_other_names_is_read_in_ours(api, case, resource, way) -> None:
    path, body, external_id = RESOURCES[resource]
    sent, stored = READ[case]
    assert await write(api, path, body(line_items=[sent]), way) == (201, None)
    assert (await api.get(f"{path}/{external_id}")).json()["line_items"] == [stored]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", REFUSED)
async def test_a_quantity_under_another_name_is_refused_as_the_quantity(api, case, resource, way) -> None:
    path, body, _ = RESOURCES[resource]
    sent, field, code, message = REFUSED[case]
    dotted = f"line_items.0.{field}"
    assert await write(api, path, body(line_items=[sent]), way) == (
        422,
        {"codes": {dotted: [code]}, "errors": {dotted: [f"The {dotted} field is invalid: {message}"]}},
    )
    assert await api.count("orders") + await api.count("carts") == 0


_READS = """{
  topProducts(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { sku title quantity orders }
  order(storeId: 123, externalId: "ORDER-1001") { lineItems { sku title quantity } } }"""


@pytest.mark.parametrize("way", WAYS)
async def test_top_products_and_line_items_answer_the_name_as_title(api, way) -> None:
    woocommerce = {"name": "T-shirt", "sku": "TS-1", "quantity": 2, "price": "24.95"}
    magento = {"name": "Mug", "qty_ordered": "3.0000", "price": "12.5000"}  # no sku: grouped by title
    assert await write(api, "/orders", order_body(line_items=[woocommerce, magento]), way) == (201, None)
    answer = await gql(api, _READS)
    assert "errors" not in answer, answer
    assert answer["data"] == {
        "topProducts": [
            {"sku": "TS-1", "title": "T-shirt", "quantity": 2.0, "orders": 1},
            {"sku": None, "title": "Mug", "quantity": 3.0, "orders": 1},
        ],
        "order": {
            "lineItems": [
                {"sku": "TS-1", "title": "T-shirt", "quantity": 2.0},
                {"sku": None, "title": "Mug", "quantity": 3.0},
            ]
        },
    }
