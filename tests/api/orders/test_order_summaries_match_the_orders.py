"""The order summaries (README, "Order summaries"; app/db/summaries.py) hold, after any sequence
of writes, exactly what counting every stored order afresh gives: creations, replacements that
move an order to another hour, day, currency, product or statuses, stale writes, replays,
PATCHes (of statuses, set or cleared, or of tags alone), erasure, batches, concurrent writes,
the test space and its reset."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from app.db import summaries
from app.db.tables import order_hours, order_status_hours, orders, product_days
from app.domain.money import to_units
from app.read import products
from app.services import keys
from app.services.test_space import reset_test_data
from tests.conftest import STORE_ID, Api, order_body

TEE = {"sku": "TEE-1", "title": "T-shirt", "quantity": 2, "price": "24.95"}
MUG = {"sku": "MUG-1", "title": "Mug", "quantity": "1.5", "price": "12.50"}
NOTE = {"title": "Gift note"}  # no sku, quantity or price


def _order(external_id: str = "O-1", **overrides: Any) -> dict[str, Any]:
    return order_body(**{"external_id": external_id, "total_price": "60.00", "line_items": [TEE, MUG], **overrides})


async def _posted(api: Api, *bodies: dict[str, Any], key: str | None = None) -> None:
    for body in bodies:
        response = await api.post("/orders", body, key=key)
        assert response.status_code in (200, 201), response.text


Step = Callable[[Api], Awaitable[None]]


async def _new(api: Api) -> None:
    await _posted(api, _order("O-1"), _order("O-2", placed_at="2026-05-18T23:59:59Z", line_items=[NOTE]))


async def _replaced(api: Api) -> None:
    await _posted(
        api,
        _order("O-1"),
        _order("O-1", total_price="9.99"),
        _order("O-1", currency="USD"),
        _order("O-1", placed_at="2026-05-19T03:00:00Z"),  # another hour and another day
        _order("O-1", line_items=[{**TEE, "title": "Tee"}, NOTE, NOTE]),  # a title, lines of their own
        _order("O-1", currency=None, total_price="1", line_items=[]),
    )


async def _stale(api: Api) -> None:
    await _posted(
        api,
        _order("O-1", updated_at="2026-05-18T12:00:00Z"),
        _order("O-1", updated_at="2026-05-18T11:00:00Z", total_price="1.00", line_items=[NOTE]),
    )


async def _replayed(api: Api) -> None:
    await _posted(api, _order("O-1"), _order("O-1"), _order("O-1", tags=["other"]))


async def _patched(api: Api) -> None:
    await _posted(api, _order("O-1"))
    for body in ({"financial_status": "refunded"}, {"fulfillment_status": "fulfilled", "tags": ["x"]}):
        assert (await api.patch("/orders/O-1", body)).status_code == 200


async def _statuses_moved(api: Api) -> None:
    await _posted(api, _order("O-1"), _order("O-2", financial_status=None, fulfillment_status=None))
    await _posted(api, _order("O-1", financial_status="paid"), _order("O-2", placed_at="2026-05-18T11:00:00Z"))
    for external_id, body in (
        ("O-1", {"financial_status": None, "fulfillment_status": None}),  # cleared
        ("O-2", {"financial_status": "paid"}),  # none, then a status
        ("O-2", {"financial_status": "paid"}),  # the same again: nothing
        ("O-1", {"tags": ["only tags"]}),  # counts nothing
    ):
        assert (await api.patch(f"/orders/{external_id}", body)).status_code == 200


async def _erased(api: Api) -> None:
    await _posted(api, _order("O-1"), _order("O-2"))
    assert (await api.delete("/customers/CUST-42")).status_code in (200, 204)


async def _batch(api: Api) -> None:
    items = [_order("B-1"), _order("B-2", currency="USD"), _order("B-1", total_price="5.00", line_items=[NOTE])]
    assert (await api.post("/orders/batch", {"items": items})).status_code == 200


async def _batch_of_new_orders(api: Api) -> None:
    """New orders of distinct customers: written together, one statement per table
    (app/services/order_batches.py), not one by one."""
    items = [
        _order(
            f"N-{n}",
            placed_at=f"2026-05-{10 + n:02d}T{n:02d}:15:00Z",
            currency=("EUR", "USD")[n % 2],
            customer={"external_id": f"CUST-N{n}", "phone": f"+336123456{n:02d}"},
            line_items=[TEE, MUG][: 1 + n % 2],
        )
        for n in range(6)
    ]
    response = await api.post("/orders/batch", {"items": items})
    assert [result["status"] for result in response.json()["results"]] == [201] * 6


async def _concurrent(api: Api) -> None:
    bodies = [
        _order(f"O-{n % 7}", total_price=f"{n}.00", placed_at=f"2026-05-18T{n % 24:02d}:30:00Z") for n in range(40)
    ]
    responses = await asyncio.gather(*(api.post("/orders", body) for body in bodies))
    assert all(response.status_code in (200, 201) for response in responses)


async def _test_space(api: Api) -> None:
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    await _posted(api, _order("T-1"), _order("T-2"), key=test_key)
    await _posted(api, _order("L-1"))


async def _test_space_reset(api: Api) -> None:
    await _test_space(api)
    await reset_test_data(api.db, STORE_ID)


WRITES: dict[str, Step] = {
    "new": _new,
    "replaced": _replaced,
    "stale": _stale,
    "replayed": _replayed,
    "patched": _patched,
    "statuses moved": _statuses_moved,
    "erased": _erased,
    "batch": _batch,
    "batch of new orders": _batch_of_new_orders,
    "concurrent": _concurrent,
    "test space": _test_space,
    "test space reset": _test_space_reset,
}


async def _stored(api: Api) -> dict[str, list[dict[str, Any]]]:
    """The summaries' rows without those that hold nothing (all deltas cancelled out)."""

    def read(conn: Any) -> dict[str, list[dict[str, Any]]]:
        found = {}
        for table in (order_hours, product_days, order_status_hours):
            rows = conn.execute(select(table).order_by(*table.primary_key)).mappings()
            found[table.name] = [dict(row) for row in rows if any(row.get(name) for name in ("orders", "revenue"))]
        return found

    return await api.db.read(read)


@pytest.mark.parametrize("chunk", [5000, 2, 1], ids=["one read", "reads of 2 orders", "reads of 1 order"])
@pytest.mark.parametrize("write", WRITES)
async def test_summaries_equal_a_recount(api: Api, write: str, chunk: int) -> None:
    await WRITES[write](api)
    recounted = summaries.rows_of(await api.db.write(summaries.recount, chunk))
    assert recounted["order_hours"] or write == "test space reset" and not recounted["order_hours"]
    assert await _stored(api) == recounted


async def test_a_summary_write_that_fails_commits_nothing_of_its_transaction(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(summaries, "_upsert", lambda dialect, table: text("INSERT INTO no_such_table VALUES (1)"))
        response = await api.post("/orders", _order("LOST"))
    assert response.status_code == 500
    await _posted(api, _order("KEPT"))
    assert [row["external_id"] for row in await api.rows("orders")] == ["KEPT"]
    assert await _stored(api) == summaries.rows_of(await api.db.write(summaries.recount))


# Periods that take whole UTC days from the summary, add a few hours of orders, or take a day
# less the hours outside the period.
PERIODS = {
    "whole days": ("2026-05-17T00:00:00Z", "2026-05-20T00:00:00Z"),
    "a few hours each side": ("2026-05-17T22:00:00Z", "2026-05-19T02:00:00Z"),
    "most of the days at each side": ("2026-05-18T02:00:00Z", "2026-05-19T22:00:00Z"),
    "inside one day": ("2026-05-18T09:00:00Z", "2026-05-18T23:00:00Z"),
    "one instant": ("2026-05-18T10:00:00Z", "2026-05-18T10:00:00.000001Z"),
}


@pytest.mark.parametrize("period", PERIODS)
async def test_top_products_of_any_period_count_its_orders(api: Api, period: str) -> None:
    placed = ["2026-05-17T23:30:00Z", "2026-05-18T01:00:00Z", "2026-05-18T10:00:00Z", "2026-05-18T23:00:00Z"]
    placed += ["2026-05-19T12:00:00Z", "2026-05-19T23:00:00Z"]
    titles = ["Tee", "T-shirt", "Tee", "Zebra tee", "Tee", "Zebra tee"]  # the sku's title changes
    for n, (at, title) in enumerate(zip(placed, titles, strict=True)):
        await _posted(api, _order(f"O-{n}", placed_at=at, line_items=[{**TEE, "title": title}, MUG, NOTE]))
    start, end = (datetime.fromisoformat(moment) for moment in PERIODS[period])

    def both(conn: Any) -> tuple[Any, Any]:
        from_summaries = products.top_products(conn, STORE_ID, start, end, 100, products.ProductMetric.REVENUE)
        placed_in = select(orders.c.currency, orders.c.line_items).where(
            orders.c.placed_at >= start, orders.c.placed_at < end
        )
        counted: dict[Any, list[Any]] = {}
        for _currency, share in summaries.order_shares(conn.execute(placed_in).mappings()):
            key = (share.sku, share.title if share.sku is None else None)
            held = counted.setdefault(key, [0, 0, 0, None])
            held[0] += share.quantity
            held[1] += share.orders
            held[2] += share.revenue
            held[3] = max(held[3] or "", share.title or "") or None
        return from_summaries, counted

    found, expected = await api.db.write(both)
    assert {
        (product.sku, product.title if product.sku is None else None): [
            to_units(product.quantity),
            product.orders,
            sum(to_units(revenue.amount) for revenue in product.revenue),
            product.title,
        ]
        for product in found
    } == expected
