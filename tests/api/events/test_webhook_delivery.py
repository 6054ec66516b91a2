"""SPEC §6: signed webhook deliveries with retries, backoff and dead letters; several workers never deliver an event twice."""

import asyncio
import threading

from sqlalchemy import select

from app.automations.sender import Limits
from app.automations.signing import verify
from app.automations.worker import Worker
from app.db.tables import deliveries, events
from app.services import webhooks
from tests.api.events.outbox import FAST, walkthrough
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver


async def test_signed_delivery_to_a_real_receiver_in_subject_order(api):
    with Receiver() as receiver:
        hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url)
        await walkthrough(api)
        worker = Worker(api.db, FAST)
        tally = await worker.run_once()
        await worker.aclose()
    assert tally.delivered == 4
    assert sorted(receiver.types) == [
        "cart.recovered",
        "order.created",
        "order.financial_status_changed",
        "shipment.created",
    ]
    order_events = [t for t in receiver.types if t.startswith("order.")]
    assert order_events == ["order.created", "order.financial_status_changed"]  # a subject's events in order
    for item in receiver.received:
        assert verify(hook["secret"], item["headers"]["Kanal-Signature"], item["body"])
        assert not verify("whsec_wrong", item["headers"]["Kanal-Signature"], item["body"])
        assert set(item["event"]) == {"id", "type", "store_id", "livemode", "created_at", "data"}
    assert not verify(hook["secret"], receiver.received[0]["headers"]["Kanal-Signature"], b"{}")


async def test_failed_deliveries_retry_then_succeed(api):
    with Receiver(failures=2) as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        await api.post("/orders", order_body())
        worker = Worker(api.db, FAST)
        outcomes = []
        for _ in range(3):
            outcomes += (await worker.run_once()).outcomes
        await worker.aclose()
    assert outcomes == ["pending", "pending", "delivered"]
    row = (await api.rows("deliveries"))[0]
    assert (row["status"], row["attempts"], row["last_status"]) == ("delivered", 3, 204)
    assert receiver.types == ["order.created"]


async def test_deliveries_are_dead_lettered_after_the_last_attempt(api):
    with Receiver(failures=100) as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.*"])
        await api.post("/orders", order_body())
        worker = Worker(api.db, FAST)
        for _ in range(4):
            await worker.run_once()
        await worker.aclose()
    row = (await api.rows("deliveries"))[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 3, "HTTP 500")


async def test_two_workers_deliver_each_event_exactly_once(api):
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url)
        for index in range(40):
            body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
            await api.post("/orders", body)
            await api.patch(f"/orders/O-{index}", {"financial_status": "paid"})
        first, second = Worker(api.db, FAST), Worker(api.db, FAST)
        await asyncio.gather(first.run_once(), second.run_once(), first.run_once(), second.run_once())
        # a subject's next event waits while the other worker delivers the previous one: one more pass
        await first.run_once()
        await first.aclose()
        await second.aclose()
    ids = [item["event"]["id"] for item in receiver.received]
    assert len(ids) == 80 == len(set(ids))
    per_order: dict[str, list[str]] = {}
    for item in receiver.received:
        per_order.setdefault(item["event"]["data"]["subject"]["external_id"], []).append(item["event"]["type"])
    assert all(types == ["order.created", "order.financial_status_changed"] for types in per_order.values())


async def test_removed_webhooks_and_patterns(api):
    with Receiver() as receiver:
        wanted = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["shipment.*"])
        removed = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["*"])
        await webhooks.remove_webhook(api.db, removed["id"])
        await walkthrough(api)
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    assert receiver.types == ["shipment.created"]
    rows = await api.db.read(lambda conn: conn.execute(select(deliveries.c.webhook_id)).scalars().all())
    assert set(rows) == {wanted["id"]}
    assert await api.db.read(lambda conn: conn.execute(select(events.c.dispatched_at)).scalars().all())


async def test_a_delivery_is_signed_as_its_post_starts(api):
    """README "How a worker delivers": signed as its POST starts, not at claim. The second of a
    webhook's two deliveries waits for the first (one connection) and carries the time it went
    out: signed at claim, a wait of minutes made it older than a receiver's five minutes."""
    held = threading.Event()
    with Receiver(hold=held) as receiver:
        hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        for n in range(2):
            assert (await api.post("/orders", order_body(external_id=f"SIGNED-{n}"))).status_code == 201
        worker = Worker(api.db, FAST, Limits(in_flight=64, per_webhook=1, timeout_seconds=30))
        running = asyncio.create_task(worker.run_once())
        for _ in range(300):
            if receiver.arrived == 1:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.2)  # the second waits behind the first
        held.set()
        await running
        await worker.aclose()
    first, second = (int(item["headers"]["Kanal-Signature"].split(",")[0][2:]) for item in receiver.received)
    assert second - first >= 2
    assert all(verify(hook["secret"], item["headers"]["Kanal-Signature"], item["body"]) for item in receiver.received)
