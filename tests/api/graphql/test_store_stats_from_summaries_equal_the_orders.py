"""storeStats counts the whole UTC hours of its period from the order summaries (`order_hours`,
`order_status_hours`) and the parts of an hour at its edges from the orders (README, "Store
stats"): after any sequence of order writes — creations, replacements that move an order to
another hour, currency or statuses, PATCHes of statuses (null among them), stale writes, batches
and backfills, erasure, test-space writes, concurrent writes — it answers, for any [from, to)
(on the hour, off it, to the microsecond, at the ends of the calendar), exactly what counting
the stored orders gives. And a period of whole hours reads no order."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from itertools import combinations
from typing import Any

import pytest

from app.read.stats import store_stats
from app.services import keys
from tests.api.graphql.documents import gql
from tests.api.graphql.test_statements_do_not_grow_with_the_page import counting_statements
from tests.conftest import STORE_ID, Api, order_body
from tests.store_stats_counted import mismatches


def _order(external_id: str, placed_at: str, **overrides: Any) -> dict[str, Any]:
    if overrides.get("currency") == "JPY":  # no decimals, in its lines too
        overrides["line_items"] = [{"title": "Tea", "quantity": 1, "price": 1200}]
    return order_body(external_id=external_id, placed_at=placed_at, **overrides)


async def _posted(api: Api, *bodies: dict[str, Any], **headers: str) -> None:
    for body in bodies:
        response = await api.client.post(
            f"/api/v1/stores/{STORE_ID}/orders", json=body, headers={**api.auth(), **headers}
        )
        assert response.status_code in (200, 201), response.text


async def _patched(api: Api, external_id: str, body: dict[str, Any]) -> None:
    response = await api.patch(f"/orders/{external_id}", body)
    assert response.status_code == 200, response.text


async def _batch(api: Api, items: list[dict[str, Any]], **headers: str) -> None:
    response = await api.client.post(
        f"/api/v1/stores/{STORE_ID}/orders/batch", json={"items": items}, headers={**api.auth(), **headers}
    )
    assert response.status_code == 200, response.text
    assert all(result["status"] in (200, 201) for result in response.json()["results"]), response.text


async def _created(api: Api) -> None:
    await _posted(
        api,
        _order("O-1", "2026-05-18T10:00:00Z"),  # on the hour
        _order("O-2", "2026-05-18T10:59:59.999999Z", total_price="10.01", financial_status="paid"),
        _order("O-3", "2026-05-18T11:00:00.000001Z", currency="USD", fulfillment_status=None),
        _order("O-4", "2026-05-18T11:30:00.5Z", currency=None, financial_status=None, fulfillment_status=None),
        _order("O-5", "2026-05-18T12:00:00Z", total_price="0.00", financial_status="paid"),
        _order("O-6", "2026-05-17T23:15:00Z", currency="JPY", total_price="1200"),
    )


async def _moved(api: Api) -> None:
    await _posted(
        api,
        _order("O-1", "2026-05-18T11:45:00Z"),  # to another hour
        _order("O-2", "2026-05-18T10:59:59.999999Z", currency="USD", total_price="10.01", financial_status="paid"),
        _order("O-3", "2026-05-18T09:00:00Z", currency="USD", financial_status="refunded"),  # hour and statuses
        _order("O-6", "2026-05-18T12:00:00.000001Z", currency="JPY", total_price="1300", fulfillment_status="shipped"),
    )


async def _statuses_patched(api: Api) -> None:
    await _patched(api, "O-1", {"financial_status": "refunded"})
    await _patched(api, "O-2", {"fulfillment_status": "fulfilled", "tags": ["x"]})
    await _patched(api, "O-4", {"financial_status": "paid"})  # none, then a status
    await _patched(api, "O-5", {"financial_status": None, "fulfillment_status": None})  # cleared
    await _patched(api, "O-5", {"tags": ["only tags"]})  # counts nothing


async def _stale(api: Api) -> None:
    await _posted(api, _order("S-1", "2026-05-18T10:30:00Z", updated_at="2026-05-18T12:00:00Z"))
    stale = _order("S-1", "2026-05-18T13:30:00Z", updated_at="2026-05-18T11:00:00Z", financial_status="voided")
    await _posted(api, stale, _order("O-1", "2026-05-18T11:45:00Z"))  # and a replay of O-1's last POST


async def _batched(api: Api) -> None:
    items = [
        _order(
            f"B-{n}",
            f"2026-05-18T{9 + n % 4:02d}:{n * 7 % 60:02d}:00Z",
            currency=("EUR", "USD", None)[n % 3],
            financial_status=("paid", "pending", None)[n % 3],
            customer={"external_id": f"CUST-B{n}", "phone": f"+336123450{n:02d}"},
        )
        for n in range(8)
    ]
    await _batch(api, items)
    again = [{**items[0], "placed_at": "2026-05-18T12:30:00Z"}, {**items[1], "fulfillment_status": "fulfilled"}]
    await _batch(api, [*again, _order("B-9", "2026-05-18T10:10:10.101010Z")])


async def _backfilled(api: Api) -> None:
    old = [_order(f"H-{n}", f"2026-05-18T{10 + n:02d}:20:00Z", financial_status="paid") for n in range(3)]
    await _batch(api, old, **{"Kanal-Backfill": "true"})
    await _posted(api, _order("H-0", "2026-05-18T09:20:00Z", financial_status="refunded"), **{"Kanal-Backfill": "true"})


async def _erased(api: Api) -> None:
    assert (await api.delete("/customers/CUST-42")).status_code in (200, 204)


async def _test_space(api: Api) -> None:
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    response = await api.post("/orders", _order("T-1", "2026-05-18T10:30:00Z"), key=test_key)
    assert response.status_code == 201, response.text


async def _concurrent(api: Api) -> None:
    writes = [_posted(api, _order(f"C-{n % 5}", f"2026-05-18T{9 + n % 4:02d}:{n:02d}:00Z")) for n in range(20)]
    writes += [_patched(api, "O-2", {"financial_status": "refunded"}), _patched(api, "O-3", {"financial_status": None})]
    await asyncio.gather(*writes)


Step = Callable[[Api], Awaitable[None]]
STEPS: dict[str, Step] = {
    "created": _created,
    "moved": _moved,
    "statuses patched": _statuses_patched,
    "stale": _stale,
    "batched": _batched,
    "backfilled": _backfilled,
    "erased": _erased,
    "test space": _test_space,
    "concurrent": _concurrent,
}

# Every pair of these, from before to after: on the hour, off it by a microsecond, inside an
# hour, at the orders' own instants, hours with no order, the ends of the calendar.
INSTANTS = [
    "0001-01-01T00:00:00Z",
    "2026-05-17T00:00:00Z",
    "2026-05-18T09:00:00Z",
    "2026-05-18T09:30:00Z",
    "2026-05-18T10:00:00Z",
    "2026-05-18T10:59:59.999999Z",
    "2026-05-18T11:00:00Z",
    "2026-05-18T11:00:00.000001Z",
    "2026-05-18T11:30:00.5Z",
    "2026-05-18T12:00:00Z",
    "2026-05-18T12:00:00.000001Z",
    "2026-05-18T13:15:00Z",
    "2026-05-19T00:00:00Z",
    "2027-01-01T00:00:00Z",
    "9999-12-31T23:30:00Z",
    "9999-12-31T23:59:59.999999Z",
]
PERIODS = [(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in combinations(INSTANTS, 2)]


async def test_store_stats_equal_a_count_of_the_orders_after_every_write(api: Api) -> None:
    for name, step in STEPS.items():
        await step(api)
        assert await api.db.read(mismatches, STORE_ID, PERIODS) == [], name
    whole_calendar = (datetime.fromisoformat(INSTANTS[0]), datetime.fromisoformat(INSTANTS[-1]))
    stats = await api.db.read(store_stats, STORE_ID, *whole_calendar)
    assert stats["order_count"] == await api.count("orders") - 1  # every order but the test space's


# (from, to) -> whether storeStats reads the orders table: only for a part of an hour at an edge
READS = {
    ("2026-05-18T09:00:00Z", "2026-05-18T13:00:00Z"): False,
    ("2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z"): False,
    ("2026-05-18T09:00:00Z", "2026-05-18T13:00:00.000001Z"): True,
    ("2026-05-18T08:59:59.999999Z", "2026-05-18T13:00:00Z"): True,
    ("2026-05-18T09:59:00Z", "2026-05-18T10:30:00Z"): True,  # no whole hour
}
_READS_ORDERS = re.compile(r"\b(from|join)\s+\"?orders\"?(\s|$)", re.IGNORECASE)


@pytest.mark.parametrize(("start", "end"), READS, ids=[f"{start} to {end}" for start, end in READS])
async def test_whole_hours_are_read_from_the_summaries(api: Api, start: str, end: str) -> None:
    await _created(api)
    query = """query($from: DateTime!, $to: DateTime!) { storeStats(storeId: 123, from: $from, to: $to) {
        orderCount byFinancialStatus { status count } } }"""
    with counting_statements(api.db) as statements:
        data = (await gql(api, query, {"from": start, "to": end}))["data"]
    assert data["storeStats"]["orderCount"] > 0
    assert any(_READS_ORDERS.search(statement) for statement in statements) is READS[(start, end)]
