"""README "WhatsApp consent, and why an automation fired or not": a message whose delivery is
suppressed after its trigger was recorded `fired` (its contact erased) has its event's reason
changed to `erased`: the log shows the last word. An erasure before the worker fanned the event
out left it `fired` with no delivery at all. Real worker, real receiver on loopback; the log read
as a dashboard reads it (GraphQL `events`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.automations.dispatch import dispatch_events
from app.automations.recovery import fire_due_recoveries
from app.automations.worker import Worker
from app.services import stores, webhooks
from tests.api.calls import gql
from tests.api.consent.consent import consent, customer
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body
from tests.receiver import Receiver

AT = "2026-05-01T00:00:00Z"
# each message (app.domain.automations.MESSAGES) → what a shipment sent again changes to record it
# (None: the cart recovery, recorded by the worker's sweep)
MESSAGES = {
    "shipment.created": {},
    "shipment.status_changed": {"status": "delivered"},
    "shipment.tracking_updated": {"tracking_number": "NEW-1Z999"},
    "cart.recovery_due": None,
}
LOG = """query($type: String) { events(storeId: 123, filter: {type: $type}) {
  edges { node { type reason deliveries { status } } } } }"""


async def _message(api: Api, event_type: str) -> None:
    """The writes that record `event_type` for CUST-42 (consented, so reason `fired`), not fanned out yet."""
    change = MESSAGES[event_type]
    if change is None:
        await stores.set_recovery_delay(api.db, STORE_ID, 0)
        body = cart_body(customer=customer(consent(marketing="subscribed", at=AT)))
        assert (await api.post("/carts", body)).status_code == 201
        assert (await api.db.write(fire_due_recoveries, datetime.now(UTC))).fired == 1
        return
    body = order_body(customer=customer(consent(utility="subscribed", at=AT)))
    assert (await api.post("/orders", body)).status_code == 201
    assert (await api.post("/shipments", shipment_body())).status_code == 201
    if change:
        assert (await api.post("/shipments", shipment_body(**change))).status_code == 200


async def _erase(api: Api) -> None:
    assert (await api.delete("/customers/CUST-42")).status_code == 204


async def _deliver(api: Api) -> None:
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()


async def _log(api: Api, event_type: str) -> list[tuple[str, list[str]]]:
    """Each `event_type` event's reason and its deliveries' statuses (sorted)."""
    edges = (await gql(api, LOG, {"type": event_type}))["data"]["events"]["edges"]
    assert [edge["node"]["type"] for edge in edges] == [event_type]
    return [(edge["node"]["reason"], sorted(item["status"] for item in edge["node"]["deliveries"])) for edge in edges]


# erased before the worker fanned the message out: no delivery made, reason `erased`; erased
# after (its delivery waiting to be claimed): the delivery cancelled, reason `erased`
ERASED = {
    "before fan-out": [],
    "after fan-out, before claim": ["cancelled"],
}


@pytest.mark.parametrize("when", list(ERASED))
@pytest.mark.parametrize("event_type", list(MESSAGES))
async def test_a_message_of_a_contact_erased_before_it_went_out_says_erased(
    api: Api, event_type: str, when: str
) -> None:
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["*"])
        await _message(api, event_type)
        if when == "after fan-out, before claim":
            assert await api.db.write(dispatch_events, datetime.now(UTC)) > 0
        await _erase(api)
        await _deliver(api)
    assert event_type not in receiver.types
    assert "customer.erased" in receiver.types  # the worker did go through the outbox
    assert await _log(api, event_type) == [("erased", ERASED[when])]
