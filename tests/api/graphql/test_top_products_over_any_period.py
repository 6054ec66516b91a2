"""topProducts answers for any period the DateTime scalar accepts, in the time of a period of
a day (README, "Top products"): one reaching the last instant of the year 9999 (whose next
midnight Python cannot name) and one spanning the whole calendar, cut anywhere, count the
same orders as a month around them — never an internal error, never a loop over each day.
An order placed in the last second of 9999 is refused since (a time more than a day ahead), but
a database may hold one stored before: it is placed at a day of its own, then moved there with
its summaries, as such a database holds it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, update

from app.db.tables import order_hours, orders, product_days
from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

_TOP = """query($from: DateTime!, $to: DateTime!) {
  topProducts(storeId: 123, from: $from, to: $to) { sku quantity orders revenue { currency amount } } }"""

TEE = {"sku": "TEE", "title": "T-shirt", "quantity": 2, "price": "24.95"}
MUG = {"sku": "MUG", "title": "Mug", "quantity": 1, "price": "9.50"}
ORDERS = [  # (placed_at, line): one early in a UTC day, one late, one moved to the last second of 9999
    ("2026-05-18T00:30:00Z", TEE),
    ("2026-05-18T23:30:00Z", TEE),
    ("2026-01-01T00:00:00Z", MUG),
]
PLACED, LAST_SECOND = datetime(2026, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def _moved_to_the_end_of_time(conn: Connection) -> None:
    """The order placed at PLACED, and its summaries, as a database holding it at LAST_SECOND has them."""
    last_hour, last_day = LAST_SECOND.replace(minute=0, second=0), LAST_SECOND.replace(hour=0, minute=0, second=0)
    conn.execute(update(orders).where(orders.c.placed_at == PLACED).values(placed_at=LAST_SECOND))
    conn.execute(update(order_hours).where(order_hours.c.hour == PLACED).values(hour=last_hour))
    conn.execute(update(product_days).where(product_days.c.day == PLACED).values(day=last_day))


BOTH = [
    {"sku": "TEE", "quantity": 4.0, "orders": 2, "revenue": [{"currency": "EUR", "amount": "99.80"}]},
    {"sku": "MUG", "quantity": 1.0, "orders": 1, "revenue": [{"currency": "EUR", "amount": "9.50"}]},
]
TEES = BOTH[:1]
LATE_TEE = [{"sku": "TEE", "quantity": 2.0, "orders": 1, "revenue": [{"currency": "EUR", "amount": "49.90"}]}]
MUGS = BOTH[1:]

PERIODS = {  # name: (from, to, what it holds)
    "the whole calendar": ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", BOTH),
    "the whole calendar but its last day": ("0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z", TEES),
    "from an order's hour to the end of time": ("2026-05-18T23:00:00Z", "9999-12-31T23:59:59.999999Z", LATE_TEE + MUGS),
    "the last day of 9999": ("9999-12-31T00:00:00Z", "9999-12-31T23:59:59.999999Z", MUGS),
    "the last second of 9999": ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999Z", MUGS),
    "the first second after the last day's midnight": ("9999-12-31T00:00:00Z", "9999-12-31T00:00:01Z", []),
    "the first day of the calendar": ("0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z", []),
    "a day cut in its first hour": ("2026-05-18T00:45:00Z", "2026-05-19T00:00:00Z", LATE_TEE),
    "two cut days": ("2026-05-17T12:00:00Z", "2026-05-19T00:31:00Z", TEES),
    "a cut day and a whole one": ("2026-05-17T23:00:00Z", "2026-05-19T00:00:00Z", TEES),
    "a year cut at both ends": ("2025-12-31T23:59:59Z", "2026-12-31T00:00:01Z", TEES),
    "an hour with nothing": ("2026-05-18T12:00:00Z", "2026-05-18T13:00:00Z", []),
}


@pytest.mark.parametrize("period", list(PERIODS))
async def test_top_products_of_any_period(api: Api, period: str) -> None:
    for n, (placed_at, line) in enumerate(ORDERS):
        body = order_body(external_id=f"O-{n}", placed_at=placed_at, total_price="1.00", line_items=[line])
        assert (await api.post("/orders", body)).status_code == 201
    await api.db.write(_moved_to_the_end_of_time)
    start, end, expected = PERIODS[period]
    answer = await gql(api, _TOP, {"from": start, "to": end})
    assert answer == {"data": {"topProducts": expected}}
