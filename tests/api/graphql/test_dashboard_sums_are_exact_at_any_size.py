"""storeTimeseries and topProducts add up exactly whatever the sizes (README, "Order
summaries"): the largest quantity and price a line may have, many orders of the largest total
in one hour, on both engines (SQLite's integers stop at 2^63); and in a zone at :30 or :45 from
UTC, whose local days cut UTC hours, an order counts in the day of its local time."""

from __future__ import annotations

import pytest

from app.services import stores
from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

_SERIES = """query($from: DateTime!, $to: DateTime!) {
  storeTimeseries(storeId: 123, from: $from, to: $to, interval: DAY) {
    start orderCount revenue { currency amount orders } } }"""
_TOP = """query($from: DateTime!, $to: DateTime!) {
  topProducts(storeId: 123, from: $from, to: $to) { sku quantity orders revenue { currency amount orders } } }"""

LARGEST_QUANTITY = "9999999999999999999999999999999.9999"  # stored as the double 1e31
LARGEST_PRICE = "99999999999999.99"  # EUR: stored as the double 99999999999999.98
LARGEST_TOTAL = "99999999999999.99"
ORDERS = 20  # 20 x 10^18 ten-thousandths: beyond 2^63


async def _query(api: Api, document: str, start: str, end: str) -> list[dict]:
    answer = await gql(api, document, {"from": start, "to": end})
    assert "errors" not in answer, answer
    return answer["data"][document.split("(")[1].split()[-1]]


@pytest.mark.parametrize("timezone", ["Europe/Paris", "Asia/Kolkata"])
async def test_the_largest_lines_and_totals_add_up_exactly(api: Api, timezone: str) -> None:
    await stores.set_timezone(api.db, 123, timezone)
    line = {"sku": "BIG", "quantity": LARGEST_QUANTITY, "price": LARGEST_PRICE}
    items = [
        order_body(
            external_id=f"O-{n}",
            placed_at="2026-05-18T12:00:00Z",
            total_price=LARGEST_TOTAL,
            line_items=[line],
        )
        for n in range(ORDERS)
    ]
    for half in (items[: ORDERS // 2], items[ORDERS // 2 :]):  # two transactions: the second adds to the first's
        response = await api.post("/orders/batch", {"items": half})
        assert response.status_code == 200, response.text

    top = await _query(api, _TOP, "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z")
    revenue = "19999999999999996" + "0" * 30 + ".00"  # 1e31 x 99999999999999.98 a line, exactly
    assert top == [
        {
            "sku": "BIG",
            "quantity": 2e32,
            "orders": ORDERS,
            "revenue": [{"currency": "EUR", "amount": revenue, "orders": ORDERS}],
        }
    ]
    series = await _query(api, _SERIES, "2026-05-18T00:00:00Z", "2026-05-19T00:00:00Z")
    total = "1999999999999999.80"
    counted = [bucket for bucket in series if bucket["orderCount"]]
    assert [(bucket["orderCount"], bucket["revenue"]) for bucket in counted] == [
        (ORDERS, [{"currency": "EUR", "amount": total, "orders": ORDERS}])
    ]


# Asia/Kolkata is UTC+05:30, Asia/Kathmandu UTC+05:45: 18:30 / 18:15 UTC is local midnight.
CUT_HOURS = {
    "Asia/Kolkata": ("2026-05-17T18:30:00Z", "2026-05-18T18:29:59Z", "2026-05-18T18:30:00Z", "2026-05-18T18:59:59Z"),
    "Asia/Kathmandu": ("2026-05-17T18:15:00Z", "2026-05-18T18:14:59Z", "2026-05-18T18:15:00Z", "2026-05-18T18:59:59Z"),
}


@pytest.mark.parametrize("timezone", CUT_HOURS)
async def test_a_local_day_that_cuts_utc_hours_counts_its_own_orders(api: Api, timezone: str) -> None:
    await stores.set_timezone(api.db, 123, timezone)
    day_start, last_of_day, next_day, later = CUT_HOURS[timezone]
    for external_id, placed_at, total in (
        ("A", day_start, "1.00"),  # the first instant of the 18th, local
        ("B", "2026-05-18T06:00:00Z", "2.00"),  # a whole hour inside it
        ("C", last_of_day, "4.00"),  # its last second, in the hour its end cuts
        ("D", next_day, "8.00"),  # the same UTC hour, the next local day
        ("E", later, "16.00"),
    ):
        body = order_body(external_id=external_id, placed_at=placed_at, total_price=total, line_items=[])
        assert (await api.post("/orders", body)).status_code == 201
    series = await _query(api, _SERIES, day_start, "2026-05-19T18:00:00Z")
    assert [(bucket["start"], bucket["orderCount"], bucket["revenue"]) for bucket in series] == [
        (day_start.replace("Z", "+00:00"), 3, [{"currency": "EUR", "amount": "7.00", "orders": 3}]),
        (next_day.replace("Z", "+00:00"), 2, [{"currency": "EUR", "amount": "24.00", "orders": 2}]),
    ]


# Each day's quantity 9 x 10^17 ten-thousandths (18 digits: SQLite reads it as an integer), the
# period's sum 9.9 x 10^18: past 2^63, so SQLite's SUM overflows and the days are added exactly
# in Python; and at the sizes a shop sells, the database's own sums (README, "Top products").
DAILY = {"overflowing sum": ("90000000000000", 11, 990000000000000), "a shop's": ("3", 11, 33)}


@pytest.mark.parametrize(("quantity", "days", "total"), DAILY.values(), ids=DAILY)
async def test_top_products_add_whole_days_exactly(api: Api, quantity: str, days: int, total: int) -> None:
    for day in range(1, days + 1):
        line = {"sku": "BIG", "title": f"Big {day % 2}", "quantity": quantity, "price": "2.00"}
        body = order_body(external_id=f"D-{day}", placed_at=f"2026-05-{day:02d}T12:00:00Z", line_items=[line])
        assert (await api.post("/orders", body)).status_code == 201
    top = await _query(api, _TOP, "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z")
    revenue = f"{2 * total}.00"
    assert top == [
        {
            "sku": "BIG",
            "quantity": total,
            "orders": days,
            "revenue": [{"currency": "EUR", "amount": revenue, "orders": days}],
        }
    ]
