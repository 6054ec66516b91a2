"""topProducts (issue 16; README, "Top products"): the line items of the orders placed in a
period, grouped by sku (else title), ranked by revenue, quantity or orders, with revenue per
currency summed exactly."""

from __future__ import annotations

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

_TOP = """query($from: DateTime!, $to: DateTime!, $first: Int!, $by: ProductMetric!) {
  topProducts(storeId: 123, from: $from, to: $to, first: $first, by: $by) {
    sku title quantity orders revenue { currency amount orders average } } }"""
MAY = {"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"}

TEE = {"sku": "TEE-1", "title": "T-shirt Bordeaux", "quantity": 2, "price": "24.95"}
MUG = {"sku": "MUG-1", "title": "Mug", "quantity": 1, "price": "12.50"}
CAP = {"title": "Cap", "quantity": 5, "price": "3.10"}  # no sku: grouped by title
ORDERS = [
    ("O-1", "2026-05-02T10:00:00Z", "EUR", [TEE, MUG]),
    ("O-2", "2026-05-03T10:00:00Z", "EUR", [{**TEE, "title": "Tee Bordeaux", "quantity": 1}]),  # same sku, new title
    ("O-3", "2026-05-04T10:00:00Z", "EUR", [CAP]),
    ("O-4", "2026-05-05T10:00:00Z", "JPY", [{"sku": "MUG-1", "title": "Mug", "quantity": 3, "price": 1500}]),
    ("O-5", "2026-05-06T10:00:00Z", "EUR", [{"title": "Gift note"}]),  # no quantity: 1; no price: 0
    ("O-6", "2026-04-30T10:00:00Z", "EUR", [MUG]),  # April
    ("O-7", "2026-05-07T10:00:00Z", "EUR", [{"sku": "MUG-1", "quantity": 1, "price": "0.10"}] * 3),  # 3 lines, 1 order
]


async def _seed(api: Api) -> None:
    for external_id, placed_at, currency, items in ORDERS:
        total = "100" if currency == "JPY" else "100.00"
        body = order_body(
            external_id=external_id, placed_at=placed_at, currency=currency, total_price=total, line_items=items
        )
        assert (await api.post("/orders", body)).status_code == 201, external_id


async def _top(api: Api, by: str, first: int = 10) -> list[dict]:
    answer = await gql(api, _TOP, {**MAY, "first": first, "by": by})
    assert "errors" not in answer, answer
    return answer["data"]["topProducts"]


def _eur(amount: str, orders: int, average: str) -> dict:
    return {"currency": "EUR", "amount": amount, "orders": orders, "average": average}


TEE_SALES = {
    "sku": "TEE-1",
    "title": "Tee Bordeaux",  # of its titles, the last in sort order
    "quantity": 3.0,
    "orders": 2,
    "revenue": [_eur("74.85", 2, "37.42")],  # 37.425, half-even
}
MUG_SALES = {
    "sku": "MUG-1",
    "title": "Mug",
    "quantity": 7.0,
    "orders": 3,
    "revenue": [_eur("12.80", 2, "6.40"), {"currency": "JPY", "amount": "4500", "orders": 1, "average": "4500"}],
}
CAP_SALES = {"sku": None, "title": "Cap", "quantity": 5.0, "orders": 1, "revenue": [_eur("15.50", 1, "15.50")]}
NOTE_SALES = {"sku": None, "title": "Gift note", "quantity": 1.0, "orders": 1, "revenue": [_eur("0.00", 1, "0.00")]}

RANKINGS = {
    # EUR has the most orders: ranked by EUR first (no exchange rates), then JPY
    "REVENUE": [TEE_SALES, CAP_SALES, MUG_SALES, NOTE_SALES],
    "QUANTITY": [MUG_SALES, CAP_SALES, TEE_SALES, NOTE_SALES],
    "ORDERS": [MUG_SALES, TEE_SALES, CAP_SALES, NOTE_SALES],
}


@pytest.mark.parametrize("by", RANKINGS)
async def test_products_ranked(api: Api, by: str) -> None:
    await _seed(api)
    assert await _top(api, by) == RANKINGS[by]


async def test_first_keeps_the_best(api: Api) -> None:
    await _seed(api)
    assert await _top(api, "REVENUE", first=2) == [TEE_SALES, CAP_SALES]
    assert await _top(api, "REVENUE", first=0) == []


@pytest.mark.parametrize("first", [-1, 101])
async def test_first_out_of_range_is_bad_user_input(api: Api, first: int) -> None:
    answer = await gql(api, _TOP, {**MAY, "first": first, "by": "REVENUE"})
    assert [(e["message"], e["extensions"]) for e in answer["errors"]] == [
        ("first must be between 0 and 100.", {"code": "BAD_USER_INPUT", "field": ["first"]})
    ]


async def test_no_orders_no_products(api: Api) -> None:
    assert await _top(api, "REVENUE") == []


# Products tied on every metric (one line each, of one order) -> their order: by title, then
# sku, each ascending by code point, a product without a title or a sku after those with one.
# (sku, title) of each, as the order lists its lines.
TIES: dict[str, tuple[list[tuple[str | None, str | None]], list[tuple[str | None, str | None]]]] = {
    "title before sku": ([("A-1", "Bag"), ("Z-1", "Apron")], [("Z-1", "Apron"), ("A-1", "Bag")]),
    "one title: by sku": ([("B-2", "Mug"), ("A-2", "Mug")], [("A-2", "Mug"), ("B-2", "Mug")]),
    "no sku last": ([(None, "Mug"), ("Z-3", "Mug")], [("Z-3", "Mug"), (None, "Mug")]),
    "no title last": ([("A-4", None), ("B-4", "Zip")], [("B-4", "Zip"), ("A-4", None)]),
    "code point order": ([("A-5", "mug"), ("B-5", "Mug")], [("B-5", "Mug"), ("A-5", "mug")]),
    "all of them": (
        [("C-6", "Mug"), (None, "Mug"), ("A-6", None), ("A-6b", "Mug"), ("B-6", "Cap"), (None, "Apron")],
        [(None, "Apron"), ("B-6", "Cap"), ("A-6b", "Mug"), ("C-6", "Mug"), (None, "Mug"), ("A-6", None)],
    ),
}


@pytest.mark.parametrize("case", TIES)
async def test_ties_go_by_title_then_sku_absent_last(api: Api, case: str) -> None:
    sold, expected = TIES[case]
    lines = [
        {"quantity": 1, "price": "5.00"} | ({"sku": sku} if sku else {}) | ({"title": title} if title else {})
        for sku, title in sold
    ]
    body = order_body(external_id="T-1", placed_at="2026-05-02T10:00:00Z", currency="EUR", line_items=lines)
    assert (await api.post("/orders", body)).status_code == 201
    for by in ("REVENUE", "QUANTITY", "ORDERS"):
        assert [(p["sku"], p["title"]) for p in await _top(api, by)] == expected, by
