"""topProducts' sums keep every digit at any size (README, "Top products": "exact at any size (a
quantity up to 10^31 and a price up to 10^14 a line)"), rendered in the currency's decimals:
a revenue past 28 significant digits (Python's default decimal context) lost its last digits
(9999999999999996000000000001.2304 EUR answered "9999999999999996000000000001"), its average
was divided in 28 digits, and products whose revenue or quantity differed past the 28th digit
were ranked as a tie. On both engines, over whole days (the daily summary), edge hours (the
orders) and a day less its last hours; JPY, EUR and KWD (0, 2 and 3 decimals). A quantity or
price past 15 significant digits counts as the double stored for it (README, "Line items")."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import Any

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

_TOP = """query($from: DateTime!, $to: DateTime!, $by: ProductMetric!) {
  topProducts(storeId: 123, from: $from, to: $to, by: $by) {
    title quantity orders revenue { currency amount orders average } } }"""

WIDE = Context(prec=200)
PLACES = {"JPY": 0, "EUR": 2, "KWD": 3}
TEN_THOUSANDTH = Decimal("0.0001")

DAY = ("2026-05-19T00:00:00Z", "2026-05-20T00:00:00Z")  # one whole UTC day: the daily summary
EDGE = ("2026-05-19T09:00:00Z", "2026-05-19T11:00:00Z")  # two hours of a day: the orders
# the 18th's last 4 hours and the 20th's first 3 (the orders), the 19th whole (the summary)
CUT_DAYS = ("2026-05-18T20:00:00Z", "2026-05-20T03:00:00Z")
MOST_OF_A_DAY = ("2026-05-19T00:00:00Z", "2026-05-19T20:00:00Z")  # the summary less the orders after 20:00
AT = "2026-05-19T10:00:00Z"

QUANTITY_31 = "1234567890123456789012345678901.2345"  # 10^30-ish with 4 decimals: a double is stored
QUANTITY_15 = "12345678901.2345"  # 15 significant digits: stored as sent
PRICE_EUR = "99999999999999.99"  # stored as the double 99999999999999.98
PRICE_KWD = "99999999999.999"
PRICE_JPY = "99999999999999"

Line = tuple[str, str, str]  # (title, quantity, price)
Order = tuple[str, list[Line]]  # (placed_at, lines)


def _huge(title: str, price: str = PRICE_EUR, quantity: str = "99999999999999.99") -> Line:
    return (title, quantity, price)


# name: (currency, by, period, orders, titles in the expected order)
CASES: dict[str, tuple[str, str, tuple[str, str], list[Order], list[str]]] = {
    "the reported pair, a whole day": (
        "EUR",
        "REVENUE",
        DAY,
        [(AT, [_huge("Huge")]), (AT, [("Huge", "1", "1.23")])],
        ["Huge"],
    ),
    "the reported pair, edge hours": (
        "EUR",
        "REVENUE",
        EDGE,
        [(AT, [_huge("Huge")]), (AT, [("Huge", "1", "1.23")])],
        ["Huge"],
    ),
    "the largest quantity with 4 decimals, several lines": (
        "EUR",
        "REVENUE",
        DAY,
        [
            (AT, [_huge("Huge", quantity=QUANTITY_31), _huge("Huge", quantity=QUANTITY_15), ("Huge", "1.5", "0.01")]),
            (AT, [_huge("Huge", quantity=QUANTITY_31), ("Huge", "0.0001", "0.01")]),
        ],
        ["Huge"],
    ),
    "JPY: no decimals": (
        "JPY",
        "REVENUE",
        DAY,
        [(AT, [("Huge", QUANTITY_31, PRICE_JPY), ("Huge", "0.5", "1")]), (AT, [("Huge", QUANTITY_15, PRICE_JPY)])],
        ["Huge"],
    ),
    "JPY: a whole sum": (
        "JPY",
        "REVENUE",
        EDGE,
        [(AT, [("Huge", "999999999999999", PRICE_JPY)]), (AT, [("Huge", "3", "7")])],  # 29 digits, whole
        ["Huge"],
    ),
    "KWD: three decimals": (
        "KWD",
        "REVENUE",
        DAY,
        [(AT, [("Huge", "9999999999999999999999999999999.9999", PRICE_KWD)]), (AT, [("Huge", "1", "0.003")])],
        ["Huge"],
    ),
    "KWD: edge hours": (
        "KWD",
        "REVENUE",
        EDGE,
        [(AT, [("Huge", QUANTITY_31, PRICE_KWD)]), (AT, [("Huge", QUANTITY_15, "0.123")])],
        ["Huge"],
    ),
    "whole days and edge hours": (
        "EUR",
        "REVENUE",
        CUT_DAYS,
        [
            ("2026-05-18T19:59:59Z", [_huge("Huge")]),  # before the period
            ("2026-05-18T21:00:00Z", [_huge("Huge", quantity=QUANTITY_31)]),  # the 18th's edge
            ("2026-05-19T10:00:00Z", [_huge("Huge"), ("Huge", "1", "1.23")]),  # the whole 19th
            ("2026-05-20T01:00:00Z", [("Huge", QUANTITY_15, "0.07")]),  # the 20th's edge
            ("2026-05-20T03:00:00Z", [_huge("Huge")]),  # at the period's end: after it
        ],
        ["Huge"],
    ),
    "a day less its last hours": (
        "EUR",
        "REVENUE",
        MOST_OF_A_DAY,
        [
            (AT, [_huge("Huge"), ("Huge", "1", "1.23")]),
            (AT, [_huge("Huge", quantity=QUANTITY_31)]),
            ("2026-05-19T21:00:00Z", [_huge("Huge", quantity=QUANTITY_31), ("Huge", "1", "0.01")]),  # taken away
        ],
        ["Huge"],
    ),
    "revenues apart past the 28th digit": (  # a tie would put Apple first
        "EUR",
        "REVENUE",
        DAY,
        [(AT, [_huge("Apple"), ("Apple", "1", "1.23"), _huge("Zebra"), ("Zebra", "1.0001", "1.23")])],
        ["Zebra", "Apple"],
    ),
    "quantities apart past the 28th digit": (  # a tie would put Apple first
        "EUR",
        "QUANTITY",
        EDGE,
        [
            (AT, [("Apple", "1000000000000000000000000000000", "0")]),
            (AT, [("Zebra", "1000000000000000000000000000000", "0"), ("Zebra", "0.0001", "0")]),
        ],
        ["Zebra", "Apple"],
    ),
}


def _stored(text: str) -> Decimal:
    """A quantity or price as the stored JSON holds it: as sent up to 15 significant digits,
    else the nearest double (README, "Line items")."""
    value = Decimal(text)
    return value if len(value.normalize(WIDE).as_tuple().digits) <= 15 else Decimal(repr(float(value)))


def _money(amount: Decimal, places: int) -> str:
    """The text of an amount: the currency's decimals, more only when it has more."""
    rounded = amount.quantize(Decimal(1).scaleb(-places), context=WIDE)
    return f"{rounded:f}" if rounded == amount else f"{amount.normalize(WIDE):f}"


def _expected(currency: str, period: tuple[str, str], placed: list[Order], titles: list[str]) -> list[dict[str, Any]]:
    """Each product's figures added up in a 200-digit context from the stored values."""
    start, end = (datetime.fromisoformat(bound) for bound in period)
    quantity = dict.fromkeys(titles, Decimal(0))
    revenue = dict.fromkeys(titles, Decimal(0))
    orders = dict.fromkeys(titles, 0)
    for placed_at, lines in placed:
        if not start <= datetime.fromisoformat(placed_at) < end:
            continue
        for title, sent_quantity, price in lines:
            line_quantity = _stored(sent_quantity)
            line = WIDE.multiply(line_quantity, _stored(price)).quantize(TEN_THOUSANDTH, ROUND_HALF_UP, WIDE)
            quantity[title] = WIDE.add(quantity[title], line_quantity)
            revenue[title] = WIDE.add(revenue[title], line)
        for title in {line[0] for line in lines}:
            orders[title] += 1
    places = PLACES[currency]
    unit = Decimal(1).scaleb(-places)
    return [
        {
            "title": title,
            "quantity": float(quantity[title]),
            "orders": orders[title],
            "revenue": [
                {
                    "currency": currency,
                    "amount": _money(revenue[title], places),
                    "orders": orders[title],
                    "average": f"{WIDE.divide(revenue[title], orders[title]).quantize(unit, ROUND_HALF_EVEN, WIDE):f}",
                }
            ],
        }
        for title in titles
    ]


@pytest.mark.parametrize("case", CASES)
async def test_top_products_sums_keep_every_digit(api: Api, case: str) -> None:
    currency, by, period, placed, titles = CASES[case]
    for n, (placed_at, lines) in enumerate(placed):
        items = [{"title": title, "quantity": quantity, "price": price} for title, quantity, price in lines]
        body = order_body(
            external_id=f"O-{n}", placed_at=placed_at, currency=currency, total_price="100", line_items=items
        )
        response = await api.post("/orders", body)
        assert response.status_code == 201, response.text
    answer = await gql(api, _TOP, {"from": period[0], "to": period[1], "by": by})
    assert answer == {"data": {"topProducts": _expected(currency, period, placed, titles)}}
