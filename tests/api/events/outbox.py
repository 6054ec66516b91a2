"""What the event tests share: the walkthrough, the recorded event types, a fast backoff, a
worker running beside a test."""

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy import select

from app.automations.delivery import Backoff
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.tables import deliveries, events
from tests.conftest import STORE_ID, cart_body, order_body, shipment_body

FAST = Backoff(base_seconds=0.0, max_attempts=3)


async def recovery_deliveries(api) -> dict[str, str]:
    """The status of each `cart.recovery_due` delivery, by its cart's external id."""
    rows = await api.db.read(
        lambda conn: conn.execute(
            select(events.c.data, deliveries.c.status)
            .join(deliveries, deliveries.c.event_id == events.c.id)
            .where(events.c.type == "cart.recovery_due")
        ).all()
    )
    return {row.data["subject"]["external_id"]: row.status for row in rows}


async def event_types(api):
    return [row["type"] for row in await api.rows("events")]


FIRST_TIME, REPLAYED = [201, 200, 201, 201], [200, 200, 200, 200]


async def walkthrough(api, expected=FIRST_TIME, **headers):
    """The four calls of SPEC §9, each answered with its `expected` status."""
    responses = [
        await api.client.post(
            f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers={**api.auth(), **headers}
        ),
        await api.client.patch(
            f"/api/v1/stores/{STORE_ID}/orders/ORDER-1001",
            json={"financial_status": "paid"},
            headers={**api.auth(), **headers},
        ),
        await api.client.post(
            f"/api/v1/stores/{STORE_ID}/shipments", json=shipment_body(), headers={**api.auth(), **headers}
        ),
        await api.client.post(f"/api/v1/stores/{STORE_ID}/carts", json=cart_body(), headers={**api.auth(), **headers}),
    ]
    assert [response.status_code for response in responses] == expected, [r.text for r in responses]


async def until(predicate: Callable[[], Awaitable[bool]], seconds: float = 15.0) -> None:
    """Wait until `predicate()` holds (checked every 50 ms); AssertionError past `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


@contextlib.asynccontextmanager
async def worker_running(db, limits: Limits, held: threading.Event) -> AsyncIterator[asyncio.Event]:
    """A worker's passes (every 0.1 s) while the block runs; yields its stop. On the way out
    `held` (a Receiver's) is set, so that no POST is left waiting, and the worker is stopped."""
    stop = asyncio.Event()
    running = asyncio.create_task(Worker(db, FAST, limits).run(stop, interval=0.1))
    try:
        yield stop
    finally:
        held.set()
        stop.set()
        await asyncio.wait_for(running, 30)
