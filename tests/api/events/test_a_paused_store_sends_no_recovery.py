"""A paused store's carts fall due for no recovery while it is paused (README "Cart recovery",
`kanal stores pause`): the worker's sweep recorded and delivered `cart.recovery_due` (a
marketing message) for a store whose API answered every key `404 Store not found or paused`.
Its carts wait; once resumed, each still abandoned fires at the next sweep, as a cart whose
delay passed while no worker ran. Its test space alike (a test key's cart). Another store is
swept as before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services import keys, stores
from app.services.results import utcnow
from tests.api.events import cart_ways as ways
from tests.conftest import STORE_ID, Api, cart_body

OTHER_STORE = 124


async def _test_key_cart(api: Api) -> None:
    key, _ = await keys.create_key(api.db, store_id=STORE_ID, name="test", test=True)
    body = cart_body(abandoned_at=(utcnow() - timedelta(hours=2)).isoformat(), customer=ways.CUSTOMER)
    assert (await api.post("/carts", body, key=key)).status_code == 201


async def _live_cart(api: Api) -> None:
    await ways.abandoned(api, utcnow())


@pytest.mark.parametrize("space", ["live", "test"])
async def test_a_paused_store_fires_its_recoveries_once_resumed(api: Api, space: str) -> None:
    await (_live_cart if space == "live" else _test_key_cart)(api)
    await stores.create_store(api.db, OTHER_STORE, "Other", "FR")
    other_key, _ = await keys.create_key(api.db, store_id=OTHER_STORE, name="other")
    other = cart_body(abandoned_at=(utcnow() - timedelta(hours=2)).isoformat(), customer=ways.CUSTOMER)
    assert (await api.post("/carts", other, store=OTHER_STORE, key=other_key)).status_code == 201
    await stores.pause(api.db, STORE_ID)
    later = utcnow() + ways.DELAY
    assert await ways.sweep(api, later) == ["fired"]  # the other store's cart alone
    assert [row["store_id"] for row in await api.rows("events") if row["type"] == "cart.recovery_due"] == [OTHER_STORE]
    await stores.resume(api.db, STORE_ID)
    assert await ways.sweep(api, later) == ["fired"]
