"""A line item is free-form JSON as the shop sent it: GraphQL's `lineItems { sku title }` read
any JSON value as text by the rule topProducts groups by (README, "Top products": a value that
is not a JSON string by its JSON text, `json_values.as_text`), on orders and carts, queried or
in a mutation's payload, where they answered null for anything but a string."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.graphql.documents import gql, order_input
from tests.conftest import Api, cart_body, order_body

_ABSENT = object()

# the value sent as a line item's sku and title -> the text GraphQL answers
VALUES: list[tuple[Any, str | None]] = [
    ("Mug", "Mug"),
    (" A-1 ", " A-1 "),
    ("", ""),
    (12345, "12345"),
    (-7, "-7"),
    (0, "0"),
    (12.5, "12.5"),
    (2.5e-7, "2.5e-7"),
    (True, "true"),
    (False, "false"),
    ({"size": "L", "n": 1}, '{"size":"L","n":1}'),
    ([1, "x", None], '[1,"x",null]'),
    (None, None),
    (_ABSENT, None),
]
IDS = ["text", "spaced text", "empty text", "integer", "negative", "zero", "fraction", "exponent", "true",
       "false", "object", "array", "null", "absent"]  # fmt: skip


def _line(value: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"quantity": 1, "price": 2}
    return line if value is _ABSENT else {**line, "sku": value, "title": value}


_ORDER = '{ order(storeId: 123, externalId: "O-1") { lineItems { sku title } } }'
_CARTS = "{ carts(storeId: 123) { edges { node { lineItems { sku title } } } } }"
_UPSERT = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) {
  order { lineItems { sku title } } userErrors { field } } }"""
_TOP = """{ topProducts(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { sku title } }"""


async def _order_queried(api: Api, value: Any) -> list[dict[str, Any]]:
    response = await api.post("/orders", order_body(external_id="O-1", line_items=[_line(value)]))
    assert response.status_code == 201, response.text
    return (await gql(api, _ORDER))["data"]["order"]["lineItems"]


async def _cart_queried(api: Api, value: Any) -> list[dict[str, Any]]:
    response = await api.post("/carts", cart_body(line_items=[_line(value)]))
    assert response.status_code == 201, response.text
    (edge,) = (await gql(api, _CARTS))["data"]["carts"]["edges"]
    return edge["node"]["lineItems"]


async def _order_mutated(api: Api, value: Any) -> list[dict[str, Any]]:
    payload = (await gql(api, _UPSERT, {"input": order_input(externalId="O-1", lineItems=[_line(value)])}))["data"]
    assert payload["upsertOrder"]["userErrors"] == []
    return payload["upsertOrder"]["order"]["lineItems"]


READS = {"order queried": _order_queried, "cart queried": _cart_queried, "upsertOrder payload": _order_mutated}


@pytest.mark.parametrize("read", READS.values(), ids=list(READS))
@pytest.mark.parametrize(("value", "text"), VALUES, ids=IDS)
async def test_line_item_text_fields_read_every_json_value(api: Api, read: Any, value: Any, text: str | None) -> None:
    assert await read(api, value) == [{"sku": text, "title": text}]


@pytest.mark.parametrize(("value", "text"), VALUES, ids=IDS)
async def test_top_products_reads_them_by_the_same_rule(api: Api, value: Any, text: str | None) -> None:
    """topProducts groups by the same text (a sku trimmed, a blank one no sku)."""
    assert await _order_queried(api, value) == [{"sku": text, "title": text}]
    sku = text.strip(" ") or None if text is not None else None
    assert (await gql(api, _TOP))["data"]["topProducts"] == [{"sku": sku, "title": text}]


async def test_the_newcomers_order(api: Api) -> None:
    """The report: REST echoed numbers GraphQL answered as null."""
    items = [
        {"title": "Mug", "sku": 12345, "quantity": 1, "price": 5},
        {"title": 777, "sku": True, "quantity": 1, "price": 5},
    ]
    response = await api.post("/orders", order_body(external_id="O-1", line_items=items))
    assert [(item["sku"], item["title"]) for item in response.json()["line_items"]] == [(12345, "Mug"), (True, 777)]
    line_items = (await gql(api, _ORDER))["data"]["order"]["lineItems"]
    assert line_items == [{"sku": "12345", "title": "Mug"}, {"sku": "true", "title": "777"}]
