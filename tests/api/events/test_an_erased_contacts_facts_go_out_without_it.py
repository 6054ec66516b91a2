"""SPEC §4.3, §6 (README "Erasure", "Webhooks"): an erasure fires no automation for the contact
afterwards — its messages (shipping notifications, cart recoveries) are never sent — but the
events that are facts go out, without the contact's data: `customer.erased` itself, which tells
each subscriber to erase its copy, and an order's events not yet delivered when it was erased.
They were all dropped: no subscriber ever learnt of an erasure. A fact a worker already holds,
its body carrying the erased phone, is given back and sent again without it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app.automations.sender import Limits
from app.automations.worker import Worker
from app.services import webhooks
from tests.api.consent.consent import customer
from tests.api.events.outbox import FAST, until, worker_running
from tests.conftest import STORE_ID, Api, order_body, shipment_body
from tests.receiver import Receiver

PHONE = "+33612345678"


async def _deliver(api: Api) -> None:
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()


@pytest.mark.parametrize("pattern", ["*", "customer.erased"])
async def test_an_erasure_is_delivered_without_the_contact(api: Api, pattern: str) -> None:
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, [pattern])
        assert (await api.post("/orders", order_body(customer=customer(None)))).status_code == 201
        await _deliver(api)
        assert (await api.delete("/customers/CUST-42")).status_code == 204
        await _deliver(api)
    erased = [item["event"] for item in receiver.received if item["event"]["type"] == "customer.erased"]
    assert len(erased) == 1
    contact_id = (await api.rows("contacts"))[0]["id"]
    assert erased[0]["data"]["contact"] is None
    # named by the id earlier events gave the contact (README "Erasure"), no customer id kept
    assert erased[0]["data"]["subject"] == {"type": "contact", "id": contact_id, "external_id": None}
    assert PHONE not in str(erased[0])


async def test_facts_not_yet_delivered_go_out_scrubbed_and_messages_never(api: Api) -> None:
    """An order and its shipment written, then the customer erased before any worker ran: the
    order's events and the erasure go out without the phone; the shipping notification (a
    message) does not go out at all."""
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["*"])
        assert (await api.post("/orders", order_body(customer=customer(None)))).status_code == 201
        assert (await api.patch("/orders/ORDER-1001", {"financial_status": "paid"})).status_code == 200
        assert (await api.post("/shipments", shipment_body())).status_code == 201
        assert (await api.delete("/customers/CUST-42")).status_code == 204
        await _deliver(api)
    assert sorted(receiver.types) == ["customer.erased", "order.created", "order.financial_status_changed"]
    assert all(item["event"]["data"]["contact"] is None for item in receiver.received)
    assert all(PHONE not in item["body"].decode() for item in receiver.received)
    statuses = {row["status"] for row in await api.rows("deliveries")}
    assert statuses == {"delivered"}  # the shipment's notification was never a delivery


ONE_AT_A_TIME = Limits(in_flight=64, per_webhook=1, timeout_seconds=30)
ORDERS = 5


async def test_a_held_fact_of_a_contact_erased_meanwhile_goes_out_without_it(api: Api) -> None:
    held = threading.Event()
    with Receiver(hold=held) as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        for index in range(ORDERS):
            body = order_body(external_id=f"O-{index}", customer=customer(None))
            assert (await api.post("/orders", body)).status_code == 201

        async def one_out() -> bool:
            return receiver.arrived == 1

        async def all_delivered() -> bool:
            return [row["status"] for row in await api.rows("deliveries")] == ["delivered"] * ORDERS

        async with worker_running(api.db, ONE_AT_A_TIME, held):
            await until(one_out)  # one POST out (with the phone: sent before the erasure), four in hand
            assert (await api.delete("/customers/CUST-42")).status_code == 204
            await asyncio.sleep(0.5)  # the worker looks: the four bodies it holds carry the phone
            held.set()
            await until(all_delivered)
    assert receiver.arrived == len(receiver.received) == ORDERS  # each once
    bodies = [item["body"].decode() for item in receiver.received]
    assert PHONE in bodies[0]
    assert all(PHONE not in body for body in bodies[1:])
    assert all(item["event"]["data"]["contact"] is None for item in receiver.received[1:])
