"""topProducts(by: REVENUE) ranks first by the revenue in the currency of the most orders placed
in the period, each order counted once however many products it holds (README, "Top
products"): one USD order of three products is one order, not three. The orders are counted as
storeStats counts them, over whole days read from the summaries and edge hours read from the
orders alike; a tie goes by ISO code, the orders without a currency last."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

_TOP = """query($from: DateTime!, $to: DateTime!) {
  topProducts(storeId: 123, from: $from, to: $to) { sku revenue { currency } } }"""

DAY = ("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z")  # one whole UTC day: the daily summary
# the 9th's last 4 hours and the 11th's first 4.5 (from the orders), the 10th whole (the summary)
CUT_DAYS = ("2026-03-09T20:00:00Z", "2026-03-11T04:30:00Z")
# most of the 10th: its summary, less the orders after 20:30
MOST_OF_A_DAY = ("2026-03-10T00:00:00Z", "2026-03-10T20:30:00Z")
AT = "2026-03-10T10:00:00Z"


def _line(sku: str, price: str) -> dict[str, Any]:
    return {"title": sku, "sku": sku, "quantity": 1, "price": price}


def _products(price: str, *skus: str) -> list[dict[str, Any]]:
    return [_line(sku, price) for sku in skus]


# name: (period, orders as (placed_at, currency or None, lines), [(sku, its revenue's currencies)] expected)
Order = tuple[str, str | None, list[dict[str, Any]]]
CASES: dict[str, tuple[tuple[str, str], list[Order], list[tuple[str, list[str | None]]]]] = {
    "one order of three products is one order": (
        DAY,
        [(AT, "EUR", _products("100", "A")), (AT, "EUR", _products("100", "A")), (AT, "USD", _products("1", *"BCD"))],
        [("A", ["EUR"]), ("B", ["USD"]), ("C", ["USD"]), ("D", ["USD"])],
    ),
    "a tie goes by ISO code": (
        DAY,
        [(AT, "USD", _products("5", "B", "C")), (AT, "EUR", _products("1", "A"))],
        [("A", ["EUR"]), ("B", ["USD"]), ("C", ["USD"])],
    ),
    "a tie puts the orders without a currency last": (
        DAY,
        [(AT, None, _products("5", "B", "C")), (AT, "EUR", _products("1", "A"))],
        [("A", ["EUR"]), ("B", [None]), ("C", [None])],
    ),
    "an order without lines is an order of its currency": (
        DAY,
        [(AT, "EUR", _products("1", "A")), (AT, "EUR", []), (AT, "USD", _products("5", "B", "C"))],
        [("A", ["EUR"]), ("B", ["USD"]), ("C", ["USD"])],
    ),
    "a product's currencies in the same order": (
        DAY,
        [
            (AT, "EUR", _products("1", "A")),
            (AT, "EUR", _products("1", "A")),
            (AT, "USD", [_line("A", "50"), _line("B", "1"), _line("C", "1")]),
        ],
        [("A", ["EUR", "USD"]), ("B", ["USD"]), ("C", ["USD"])],
    ),
    "three currencies by their orders": (
        DAY,
        [
            (AT, "JPY", _products("9", "J")),
            (AT, "JPY", _products("9", "J")),
            (AT, "USD", _products("5", *"UVW")),
            (AT, "KWD", _products("1", "K")),
            (AT, "KWD", _products("1", "K")),
            (AT, "KWD", _products("1", "K")),
        ],
        [("K", ["KWD"]), ("J", ["JPY"]), ("U", ["USD"]), ("V", ["USD"]), ("W", ["USD"])],
    ),
    "whole days and edge hours, the orders outside left out": (
        CUT_DAYS,
        [
            ("2026-03-09T19:59:59Z", "USD", _products("1", "G")),  # before the period
            ("2026-03-09T21:00:00Z", "EUR", _products("100", "A")),  # the 9th's edge
            ("2026-03-10T12:00:00Z", "EUR", _products("100", "A")),  # the whole 10th
            ("2026-03-10T12:00:00Z", "USD", _products("1", *"BCDF")),
            ("2026-03-11T02:00:00Z", "USD", _products("1", *"BCDF")),  # the 11th's edge
            ("2026-03-11T04:10:00Z", "EUR", _products("100", "A")),  # in the hour the period's end cuts
            ("2026-03-11T04:30:00Z", "USD", _products("1", "G")),  # at its end: after the period
            ("2026-03-11T05:00:00Z", "USD", _products("1", "G")),
        ],
        [("A", ["EUR"]), ("B", ["USD"]), ("C", ["USD"]), ("D", ["USD"]), ("F", ["USD"])],
    ),
    "most of a day, the orders after its end taken away": (
        MOST_OF_A_DAY,
        [
            (AT, "EUR", _products("100", "A")),
            (AT, "EUR", _products("100", "A")),
            (AT, "USD", _products("1", *"BCD")),
            ("2026-03-10T20:30:00Z", "USD", _products("1", "H")),
            ("2026-03-10T21:00:00Z", "USD", _products("1", "H")),
        ],
        [("A", ["EUR"]), ("B", ["USD"]), ("C", ["USD"]), ("D", ["USD"])],
    ),
}


@pytest.mark.parametrize("case", CASES)
async def test_revenue_ranks_first_the_currency_of_the_most_orders(api: Api, case: str) -> None:
    (start, end), placed, expected = CASES[case]
    for n, (placed_at, currency, lines) in enumerate(placed):
        body = order_body(
            external_id=f"O-{n}",
            placed_at=placed_at,
            total_price="100",
            currency=currency,
            customer={"phone": "+12025550123"},
            line_items=lines,
        )
        if currency is None:
            del body["currency"]
        response = await api.post("/orders", body)
        assert response.status_code == 201, response.text
    answer = await gql(api, _TOP, {"from": start, "to": end})
    assert "errors" not in answer, answer
    top = answer["data"]["topProducts"]
    assert [(product["sku"], [revenue["currency"] for revenue in product["revenue"]]) for product in top] == expected
