"""What the event tests share: the walkthrough, the recorded event types, a fast backoff, a
worker running beside a test, the delivery counter, what makes a delivery no longer due."""

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable

from prometheus_client import REGISTRY
from sqlalchemy import select, update

from app.automations.delivery import Backoff
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.tables import deliveries, events, webhooks
from app.services import webhooks as subscriptions
from app.services.results import utcnow
from tests.api.consent.consent import consent, customer
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body

FAST = Backoff(base_seconds=0.0, max_attempts=3)
DELIVERY_OUTCOMES = ("delivered", "retrying", "dead", "cancelled")  # README "Metrics and the request log"


def counted() -> dict[str, float]:
    """This process's `kanal_webhook_deliveries_total`, by outcome."""
    name = "kanal_webhook_deliveries_total"
    return {outcome: REGISTRY.get_sample_value(name, {"outcome": outcome}) or 0.0 for outcome in DELIVERY_OUTCOMES}


def since(before: dict[str, float]) -> dict[str, float]:
    """What `kanal_webhook_deliveries_total` counted since `counted()` said `before`."""
    now = counted()
    return {outcome: now[outcome] - before[outcome] for outcome in DELIVERY_OUTCOMES}


def outcomes(**counts: int) -> dict[str, float]:
    """`counts` by outcome, 0 for the outcomes not given."""
    return {outcome: float(counts.get(outcome, 0)) for outcome in DELIVERY_OUTCOMES}


# What happens to deliveries of CUST-42's events waiting to go out to webhook `webhook_id`.


async def remove(api: Api, webhook_id: int) -> None:
    await subscriptions.remove_webhook(api.db, webhook_id)


async def disable(api: Api, webhook_id: int) -> None:
    """As the health rule disables a webhook failing for too long (app.automations.health)."""
    disabled = {"disabled_at": utcnow(), "disabled_reason": "Failing"}
    await api.db.write(lambda conn: conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(disabled)))


async def erase(api: Api, _webhook_id: int) -> None:
    assert (await api.delete("/customers/CUST-42")).status_code == 204


async def opt_out(api: Api, _webhook_id: int) -> None:
    """The customer unsubscribes from utility messages, which shipping notifications are."""
    given = consent(utility="unsubscribed", at="2026-06-01T00:00:00Z")
    assert (await api.post("/customers", customer(given))).status_code in (200, 201)


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
