"""README "Platform payloads": Magento 2's order and quote (a cart or checkout) carry their line
items at the top level as `items` (`platform_names.ORDER_ITEMS_NAMES`). It is read as
`line_items` where ours is absent (null or blank), and dropped where ours is present (`[]`, a
list, is); each item is then read as a line item (`name`, `qty_ordered`, `qty`). On orders,
carts and checkouts, by the single POST and in a batch alike; GET answers what is stored and
topProducts counts it, where `items` was an unknown field, ignored: `"line_items": []`."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.platform_names import ORDER_ITEMS_NAMES
from tests.api.graphql.documents import gql
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

# Magento 2's REST `OrderItemInterface` and `CartItemInterface`, as relayed
ORDER_ITEM = {"item_id": 51, "name": "Joust Duffle Bag", "sku": "24-MB01", "qty_ordered": "1.0000", "price": "45.4000"}
ORDER_ITEM_STORED = {**ORDER_ITEM, "title": "Joust Duffle Bag", "quantity": 1, "price": 45.4}
QUOTE_ITEM = {"item_id": 7, "name": "Sprite Yoga Strap", "sku": "24-WG02", "qty": 2, "price": 14}
QUOTE_ITEM_STORED = {**QUOTE_ITEM, "title": "Sprite Yoga Strap", "quantity": 2}
OURS = {"title": "T-shirt", "sku": "TS-1", "quantity": 3, "price": 20}

# case -> (the body's fields beside the rest, the line items stored)
READ: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "Magento's order items": ({"items": [ORDER_ITEM]}, [ORDER_ITEM_STORED]),
    "Magento's quote items": ({"items": [QUOTE_ITEM]}, [QUOTE_ITEM_STORED]),
    "both kinds": ({"items": [ORDER_ITEM, QUOTE_ITEM]}, [ORDER_ITEM_STORED, QUOTE_ITEM_STORED]),
    "items beside a null line_items": ({"items": [ORDER_ITEM], "line_items": None}, [ORDER_ITEM_STORED]),
    "items beside a blank line_items": ({"items": [ORDER_ITEM], "line_items": " "}, [ORDER_ITEM_STORED]),
    "line_items beside items, ours win": ({"items": [ORDER_ITEM], "line_items": [OURS]}, [OURS]),
    "an empty line_items beside items, a list": ({"items": [ORDER_ITEM], "line_items": []}, []),
    "a null items": ({"items": None}, []),
    "a blank items": ({"items": ""}, []),
    "an empty items": ({"items": []}, []),
}  # fmt: skip

# case -> (the body's fields, the field refused, its code, its message)
REFUSED: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "an item's qty_ordered, text": (
        {"items": [ORDER_ITEM, {**ORDER_ITEM, "qty_ordered": "two"}]},
        "line_items.1.quantity",
        "invalid_type",
        "Must be a number.",
    ),
    "an item's price, negative": (
        {"items": [{**QUOTE_ITEM, "price": "-1"}]},
        "line_items.0.price",
        "out_of_range",
        "Must be greater than or equal to 0.",
    ),
    "items, an object": ({"items": {"name": "Mug"}}, "line_items", "invalid_type", "Must be a list."),
    "an item, a number": ({"items": [5]}, "line_items.0", "invalid_type", "Must be an object."),
    "text no engine can store, at the name sent": (
        {"items": [{**ORDER_ITEM, "name": "Bag\u0000"}]},
        "items.0.name",
        "invalid_characters",
        "contains a NUL character or a lone surrogate.",
    ),
}

RESOURCES = {
    "order": ("/orders", order_body, "ORDER-1001"),
    "cart": ("/carts", cart_body, "CART-7700"),
    "checkout": ("/checkouts", cart_body, "CART-7700"),
}


def _body(resource: str, sent: dict[str, Any]) -> dict[str, Any]:
    path, body, _ = RESOURCES[resource]
    fields = body(**sent)
    if "line_items" not in sent:  # the walkthrough's order has its own
        fields.pop("line_items", None)
    return fields


def test_every_other_name_has_a_case() -> None:
    assert set(ORDER_ITEMS_NAMES) <= {name for sent, _ in READ.values() for name in sent}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", READ)
async def test_items_are_stored_as_line_items(api, case, resource, way) -> None:
    path, _, external_id = RESOURCES[resource]
    sent, stored = READ[case]
    assert await write(api, path, _body(resource, sent), way) == (201, None)
    assert (await api.get(f"{path}/{external_id}")).json()["line_items"] == stored


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", REFUSED)
async def test_an_item_is_refused_as_a_line_item(api, case, resource, way) -> None:
    """Its errors are the line item's, at `line_items.N` (as WooCommerce's `billing` errors are
    `billing_address`'s), but for text no engine can store, refused at the name sent."""
    path, _, _ = RESOURCES[resource]
    sent, field, code, message = REFUSED[case]
    answer = await write(api, path, _body(resource, sent), way)
    assert answer[0] == 422
    assert answer[1]["codes"] == {field: [code]}
    assert answer[1]["errors"][field][0].endswith(message)
    assert await api.count("orders") + await api.count("carts") == 0


_TOP = """{ topProducts(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z")
  { sku title quantity orders } }"""


@pytest.mark.parametrize("way", WAYS)
async def test_top_products_count_an_orders_items(api, way) -> None:
    """Where they missed them: the order stored no line items."""
    sent = _body("order", {"items": [ORDER_ITEM, QUOTE_ITEM]})
    assert await write(api, "/orders", sent, way) == (201, None)
    answer = await gql(api, _TOP)
    assert answer["data"]["topProducts"] == [
        {"sku": "24-MB01", "title": "Joust Duffle Bag", "quantity": 1.0, "orders": 1},
        {"sku": "24-WG02", "title": "Sprite Yoga Strap", "quantity": 2.0, "orders": 1},
    ]


async def test_a_patch_sending_items_is_not_allowed(api) -> None:
    """As any field of the POST body, WooCommerce's `billing` too."""
    assert (await api.post("/orders", order_body())).status_code == 201
    response = await api.patch("/orders/ORDER-1001", {"items": [ORDER_ITEM]})
    assert response.status_code == 422
    assert response.json()["codes"] == {"items": ["not_allowed"]}
