"""Stale and out-of-order writes (README; amends SPEC §10 "Ordering"): an order POST or PATCH
whose `updated_at` is older than the stored one answers 200 with the stored order and
`Kanal-Stale: true`, changes nothing (neither the order nor the contact its customer would
merge into) and emits nothing; equal, newer or absent `updated_at` is written as before."""

from __future__ import annotations

import pytest

from tests.api.stale_writes import ARRIVALS, STORED_AT, Write, check_replay, check_write
from tests.conftest import Api, order_body

PAID = order_body(financial_status="paid", updated_at=STORED_AT)
WRITES = {
    # The late webhook of the issue: `pending` (and an old name) after `paid`.
    "POST": Write(
        "POST",
        "/orders",
        order_body(financial_status="pending", customer={**PAID["customer"], "first_name": "Old"}),
        ("financial_status", "pending"),
        ("order.financial_status_changed",),
    ),
    "PATCH": Write(
        "PATCH",
        "/orders/ORDER-1001",
        {"fulfillment_status": "fulfilled"},
        ("fulfillment_status", "fulfilled"),
        ("order.fulfillment_status_changed",),
    ),
}


@pytest.mark.parametrize("arrival", ARRIVALS)
@pytest.mark.parametrize("method", WRITES)
async def test_an_older_write_is_stale(api: Api, method: str, arrival: str) -> None:
    assert (await api.post("/orders", PAID)).status_code == 201
    await check_write(api, "orders", "/orders/ORDER-1001", WRITES[method], arrival)


async def test_a_stale_post_does_not_touch_the_contact(api: Api) -> None:
    await api.post("/orders", PAID)
    await api.post("/orders", WRITES["POST"].dated("older"))
    (contact,) = await api.rows("contacts")
    assert contact["first_name"] == "Marie"


@pytest.mark.parametrize("arrival", ["equal", "absent"])
async def test_a_replay_changes_nothing(api: Api, arrival: str) -> None:
    """Our own updated_at and the revision stay when a POST or a PATCH changes nothing."""
    await api.post("/orders", PAID)
    body = PAID if arrival == "equal" else {k: v for k, v in PAID.items() if k != "updated_at"}
    await check_replay(api, "orders", "/orders/ORDER-1001", "POST", "/orders", body)
    await check_replay(api, "orders", "/orders/ORDER-1001", "PATCH", "/orders/ORDER-1001", {"financial_status": "paid"})


async def test_the_source_time_is_returned(api: Api) -> None:
    created = (await api.post("/orders", PAID)).json()
    assert created["source_updated_at"] == "2026-05-18T12:00:00+00:00"
    undated = (await api.post("/orders", order_body())).json()
    assert undated["source_updated_at"] == "2026-05-18T12:00:00+00:00"  # an undated write keeps it


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        pytest.param("yesterday", 422, "invalid_datetime", id="not a time"),
        pytest.param("2026-05-18", 422, "invalid_datetime", id="a date without a time"),
        pytest.param(1747562400, 422, "invalid_type", id="a number (as for placed_at)"),
        pytest.param(None, 201, None, id="null is absent"),
    ],
)
async def test_updated_at_is_a_time(api: Api, sent: object, status: int, code: str | None) -> None:
    response = await api.post("/orders", order_body(updated_at=sent))
    assert response.status_code == status
    if code is not None:
        assert response.json()["codes"] == {"updated_at": [code]}
        assert await api.count("orders") == 0
    else:
        assert response.json()["source_updated_at"] is None
