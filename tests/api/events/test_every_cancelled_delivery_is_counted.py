"""README "Metrics and the request log": `kanal_webhook_deliveries_total` counts each attempt
`delivered`, `retrying` or `dead`, and each delivery that ends `cancelled` once, counted by the
worker that cancels it, whatever made it no longer due: its webhook removed (disabled or not),
its contact erased, its message's consent withdrawn, its cart recovery's cart settled. A
delivery is cancelled at its claim, or, its POST out meanwhile, as that attempt fails: then it
is cancelled at once, neither retried nor dead-lettered, and counted `cancelled`, not
`retrying`. The rows say the same as the counter. (Deliveries a worker held, waiting for a
connection, that were called off: tests/api/events/test_held_deliveries_no_longer_due_are_not_sent.py.)"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.automations.delivery import Backoff
from app.automations.dispatch import dispatch_events
from app.automations.recovery import fire_due_recoveries
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.tables import deliveries, events
from app.services import stores
from app.services import webhooks as subscriptions
from app.services.results import utcnow
from tests.api.consent.consent import customer
from tests.api.events.outbox import FAST, counted, disable, erase, opt_out, outcomes, remove, since, until
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body
from tests.receiver import Receiver

ONE_AT_A_TIME = Limits(in_flight=64, per_webhook=1, timeout_seconds=30)

Happening = Callable[[Api, int], Awaitable[None]]


async def _rows(api: Api) -> dict[str, tuple[str, int]]:
    """Each delivery's (status, attempts), by its event's type (one delivery of each)."""
    rows = await api.db.read(
        lambda conn: conn.execute(
            select(events.c.type, deliveries.c.status, deliveries.c.attempts).join(
                events, events.c.id == deliveries.c.event_id
            )
        ).all()
    )
    found = {row.type: (row.status, row.attempts) for row in rows}
    assert len(found) == len(rows)
    return found


# What makes the deliveries: the event types subscribed to, and the writes.


async def _order_shipped(api: Api) -> None:
    """An order of CUST-42 (never asked for consent: shipping notifications go out), shipped."""
    assert (await api.post("/orders", order_body(customer=customer(None)))).status_code == 201
    assert (await api.post("/shipments", shipment_body())).status_code == 201


async def _recovery_due(api: Api) -> None:
    """A cart of a contact who opted in to marketing, its recovery fired."""
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    cart = cart_body(customer={"phone": "+33613000001", "whatsapp_consent": {"marketing": "subscribed"}})
    assert (await api.post("/carts", cart)).status_code == 201
    assert (await api.db.write(fire_due_recoveries, datetime.now(UTC))).fired == 1


SHIPPED = (["order.created", "shipment.created"], _order_shipped)
SHIPMENT = (["shipment.created"], _order_shipped)
RECOVERY = (["cart.recovery_due"], _recovery_due)


# What happens to them before they go out.


async def _disable_then_remove(api: Api, webhook_id: int) -> None:
    await disable(api, webhook_id)
    await remove(api, webhook_id)


def _cart_marked(status: str) -> Happening:
    async def mark(api: Api, _webhook_id: int) -> None:
        assert (await api.patch("/carts/CART-7700", {"status": status})).status_code == 200

    return mark


async def _ordered(api: Api, _webhook_id: int) -> None:
    """The cart's contact places an order: the cart is recovered by it."""
    order = order_body(external_id="ORDER-9", customer={"phone": "+33613000001"})
    assert (await api.post("/orders", order)).status_code == 201


# how → (what is subscribed and written, what happens while the deliveries are pending, each
# delivery's (status, attempts) by event type once a worker's pass is over)
AT_CLAIM: dict[
    str, tuple[tuple[list[str], Callable[[Api], Awaitable[None]]], Happening, dict[str, tuple[str, int]]]
] = {
    "webhook removed": (SHIPPED, remove, {"order.created": ("cancelled", 0), "shipment.created": ("cancelled", 0)}),
    "disabled webhook removed": (
        SHIPPED,
        _disable_then_remove,
        {"order.created": ("cancelled", 0), "shipment.created": ("cancelled", 0)},
    ),
    "webhook disabled": (SHIPPED, disable, {"order.created": ("pending", 0), "shipment.created": ("pending", 0)}),
    # an event that is no message goes out, without the contact's data
    "contact erased": (SHIPPED, erase, {"order.created": ("delivered", 1), "shipment.created": ("cancelled", 0)}),
    "consent withdrawn": (
        SHIPPED,
        opt_out,
        {"order.created": ("delivered", 1), "shipment.created": ("cancelled", 0)},
    ),
    "cart completed": (RECOVERY, _cart_marked("completed"), {"cart.recovery_due": ("cancelled", 0)}),
    "cart expired": (RECOVERY, _cart_marked("expired"), {"cart.recovery_due": ("cancelled", 0)}),
    "cart recovered by the shop": (RECOVERY, _cart_marked("recovered"), {"cart.recovery_due": ("cancelled", 0)}),
    "cart recovered by an order": (RECOVERY, _ordered, {"cart.recovery_due": ("cancelled", 0)}),
}


def _counted_from(rows: dict[str, tuple[str, int]], retried: int = 0) -> dict[str, float]:
    """What the counter says of `rows` settled by one worker: each delivered or dead delivery's
    attempt, each cancelled delivery once; `retried`: failed attempts given another."""
    statuses = Counter(status for status, _ in rows.values())
    return outcomes(
        delivered=statuses["delivered"], dead=statuses["dead"], cancelled=statuses["cancelled"], retrying=retried
    )


@pytest.mark.parametrize("how", list(AT_CLAIM))
async def test_a_delivery_cancelled_at_its_claim_is_counted_once(api: Api, how: str) -> None:
    (types, write), happen, expected = AT_CLAIM[how]
    with Receiver() as receiver:
        webhook = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, types)
        await write(api)
        await api.db.write(dispatch_events, utcnow())
        assert set((await _rows(api)).values()) == {("pending", 0)}  # fanned out before what happens
        await happen(api, webhook["id"])
        before = counted()
        worker = Worker(api.db, FAST)
        try:
            await worker.run_once()
            await worker.run_once()  # a second pass finds nothing more to count
        finally:
            await worker.aclose()
    assert await _rows(api) == expected
    assert since(before) == _counted_from(expected)
    assert len(receiver.received) == sum(status == "delivered" for status, _ in expected.values())


# how its POST is answered → (the receiver's failed answers, the worker's backoff)
FAILS, LAST, THROUGH = "fails", "fails at its last attempt", "goes through"
ANSWERS = {FAILS: (1, FAST), LAST: (1, Backoff(base_seconds=0.0, max_attempts=1)), THROUGH: (0, FAST)}
ORDER = (["order.created"], _order_shipped)
CANCELLED = (("cancelled", 1), outcomes(cancelled=1))
RETRIED_THEN_DELIVERED = (("delivered", 2), outcomes(retrying=1, delivered=1))

# how → (what is subscribed and written, what happens while its POST is out, how that POST is
# answered, then (the delivery's (status, attempts) once settled, what the counter says))
IN_FLIGHT: dict[str, tuple[tuple[list[str], Callable[[Api], Awaitable[None]]], Happening, str, tuple]] = {
    "webhook removed, its POST fails": (SHIPMENT, remove, FAILS, CANCELLED),
    "webhook removed, its last attempt fails": (SHIPMENT, remove, LAST, CANCELLED),
    "disabled webhook removed, its POST fails": (SHIPMENT, _disable_then_remove, FAILS, CANCELLED),
    "webhook removed, its POST goes through": (SHIPMENT, remove, THROUGH, (("delivered", 1), outcomes(delivered=1))),
    "webhook disabled, its POST fails": (SHIPMENT, disable, FAILS, (("pending", 1), outcomes(retrying=1))),
    "webhook disabled, its last attempt fails": (SHIPMENT, disable, LAST, (("dead", 1), outcomes(dead=1))),
    "contact erased, its message's POST fails": (SHIPMENT, erase, FAILS, CANCELLED),
    # no message: retried, and it goes out without the contact's data
    "contact erased, its order event's POST fails": (ORDER, erase, FAILS, RETRIED_THEN_DELIVERED),
    "consent withdrawn, its POST fails": (SHIPMENT, opt_out, FAILS, CANCELLED),
    "consent withdrawn, its last attempt fails": (SHIPMENT, opt_out, LAST, CANCELLED),
    "cart completed, its POST fails": (RECOVERY, _cart_marked("completed"), FAILS, CANCELLED),
    "cart recovered by an order, its POST fails": (RECOVERY, _ordered, FAILS, CANCELLED),
}


@pytest.mark.parametrize("how", list(IN_FLIGHT))
async def test_a_delivery_no_longer_due_whose_post_fails_is_cancelled_then(api: Api, how: str) -> None:
    (types, write), happen, answer, (expected, expected_counts) = IN_FLIGHT[how]
    failures, backoff = ANSWERS[answer]
    held = threading.Event()
    with Receiver(failures=failures, hold=held) as receiver:
        webhook = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, types)
        await write(api)
        before = counted()
        stop = asyncio.Event()
        running = asyncio.create_task(Worker(api.db, backoff, ONE_AT_A_TIME).run(stop, interval=0.1))

        async def out() -> bool:
            return receiver.arrived == 1

        async def settled() -> bool:
            return list((await _rows(api)).values()) == [expected]

        try:
            await until(out)  # its POST is out, held by the receiver
            await happen(api, webhook["id"])
            held.set()  # answered: 500 when it fails
            await until(settled)
        finally:
            held.set()
            stop.set()
            await asyncio.wait_for(running, 30)  # stopped: every turn it took is counted
    assert list((await _rows(api)).values()) == [expected]
    assert since(before) == expected_counts
