"""Stale and out-of-order writes (README; amends SPEC §10 "Ordering"): a cart POST or PATCH
whose `updated_at` is older than the stored one answers 200 with the stored cart and
`Kanal-Stale: true`, changes nothing and emits nothing; equal, newer or absent `updated_at` is
written as before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.api.stale_writes import ARRIVALS, STORED_AT, Write, check_replay, check_write
from tests.conftest import Api, cart_body

STORED = cart_body(updated_at=STORED_AT)
WRITES = {
    "POST": Write(
        "POST",
        "/carts",
        cart_body(total_price="39.90", customer={"phone": "+33612345678", "first_name": "Old"}),
        ("total_price", "39.90"),
        in_row=Decimal("39.90"),
    ),
    "PATCH": Write(
        "PATCH", "/carts/CART-7700", {"status": "completed"}, ("status", "completed"), ("cart.status_changed",)
    ),
}


@pytest.mark.parametrize("arrival", ARRIVALS)
@pytest.mark.parametrize("method", WRITES)
async def test_an_older_write_is_stale(api: Api, method: str, arrival: str) -> None:
    assert (await api.post("/carts", STORED)).status_code == 201
    await check_write(api, "carts", "/carts/CART-7700", WRITES[method], arrival)


@pytest.mark.parametrize("arrival", ["equal", "absent"])
async def test_a_replay_changes_nothing(api: Api, arrival: str) -> None:
    """Our own updated_at and the revision stay when a POST or a PATCH changes nothing."""
    await api.post("/carts", STORED)
    body = STORED if arrival == "equal" else cart_body()
    await check_replay(api, "carts", "/carts/CART-7700", "POST", "/carts", body)
    await check_replay(api, "carts", "/carts/CART-7700", "PATCH", "/carts/CART-7700", {"status": "abandoned"})
