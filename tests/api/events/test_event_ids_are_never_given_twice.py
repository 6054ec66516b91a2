"""An event's id is never given twice (README "Outbox lifecycle"), whatever deletes the newest
events: the test space's reset and the outbox's prune. On SQLite the next events took the
deleted ids again, below the first event of a webhook written meanwhile (marked dispatched,
delivered to none) and below where the live feed had read (its subscribers never got them);
migration 0027 gives the events table SQLite's AUTOINCREMENT."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from app.automations.retention import prune
from app.automations.worker import Worker
from app.services import keys, test_space, webhooks
from app.services.results import utcnow
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, Api, order_body
from tests.receiver import Receiver


async def _run_worker(api: Api) -> None:
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()


async def _test_orders_then_reset(api: Api, url: str) -> None:
    """Test orders, the newest events; a live webhook; the test space's reset deletes them."""
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    for n in range(3):
        assert (await api.post("/orders", order_body(external_id=f"T-{n}"), key=test_key)).status_code == 201
    await webhooks.add_webhook(api.db, STORE_ID, url)
    await test_space.reset_test_data(api.db, STORE_ID)


async def _orders_then_prune(api: Api, url: str) -> None:
    """Live orders fanned out to no webhook (settled), the newest events; a live webhook; the
    prune deletes them."""
    for n in range(3):
        assert (await api.post("/orders", order_body(external_id=f"P-{n}"))).status_code == 201
    await _run_worker(api)
    await webhooks.add_webhook(api.db, STORE_ID, url)
    assert await prune(api.db, utcnow() + timedelta(seconds=1)) == 4  # FIRST's event too


# how the newest events go -> what writes them, subscribes a webhook, then deletes them
DELETIONS: dict[str, Callable[[Api, str], Awaitable[None]]] = {
    "test space reset": _test_orders_then_reset,
    "outbox prune": _orders_then_prune,
}


@pytest.mark.parametrize("deletion", DELETIONS)
async def test_the_next_event_takes_a_new_id_and_reaches_the_webhook(api: Api, deletion: str) -> None:
    assert (await api.post("/orders", order_body(external_id="FIRST"))).status_code == 201
    with Receiver() as receiver:
        await DELETIONS[deletion](api, receiver.url)
        [webhook] = await api.rows("webhooks")
        given = webhook["first_event_id"] - 1  # the largest id given when the webhook was written
        assert (await api.post("/orders", order_body(external_id="AFTER"))).status_code == 201
        ids = [row["id"] for row in await api.rows("events") if row["data"]["subject"]["external_id"] == "AFTER"]
        assert len(ids) == 1 and ids[0] > given, (ids, given)
        await _run_worker(api)
    assert [(item["event"]["type"], item["event"]["data"]["subject"]["external_id"]) for item in receiver.received] == [
        ("order.created", "AFTER")
    ]
