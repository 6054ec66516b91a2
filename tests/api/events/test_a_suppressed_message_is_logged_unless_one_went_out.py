"""README "WhatsApp consent, and why an automation fired or not": a message whose delivery is
suppressed after its trigger was recorded `fired` (its contact erased, its consent withdrawn, a
cart recovery's cart no longer abandoned) has its event's reason changed to why: the log shows
the last word, unless a delivery of it was delivered: then it is `fired`. An erasure before the
worker fanned the event out left it `fired` with no delivery at all, and a consent withdrawn
after one webhook had the message made the log say suppressed while it went out. A recovery
whose cart was bought or marked before it went out stayed `fired`; a POST of the message out
when another delivery of it was stopped went through under the stop's reason; a delivery sent
again (`kanal webhooks redeliver`) forgot that it had gone out. recoveryFunnel counts a cart
recovery as sent exactly when its log says `fired`: it counted every recovery the sweep recorded
`fired`, called off at its claim or fan-out or not. Real worker, real receivers on loopback; the
log read as a dashboard reads it (GraphQL `events`, `recoveryFunnel`)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from app.automations import health, redelivery
from app.automations.delivery import Backoff, claim
from app.automations.dispatch import dispatch_events
from app.automations.recovery import fire_due_recoveries
from app.automations.replay import replay_since
from app.automations.worker import Worker
from app.db import tables
from app.services import stores, webhooks
from tests.api.calls import gql
from tests.api.consent.consent import consent, customer
from tests.api.events.outbox import FAST, until
from tests.api.graphql.test_statements_do_not_grow_with_the_page import counting_statements
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body
from tests.receiver import Receiver

AT, LATER = "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z"
# each message (app.domain.automations.MESSAGES) → what a shipment sent again changes to record it
# (None: the cart recovery, recorded by the worker's sweep)
MESSAGES = {
    "shipment.created": {},
    "shipment.status_changed": {"status": "delivered"},
    "shipment.tracking_updated": {"tracking_number": "NEW-1Z999"},
    "cart.recovery_due": None,
}
LOG = """query($type: String) { events(storeId: 123, filter: {type: $type}) {
  edges { node { reason deliveries { status } } } } }"""
# the month of cart_body's abandoned_at
SENT = """{ recoveryFunnel(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
  recoveriesFired } }"""


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


async def _erase(api: Api, event_type: str) -> None:
    assert (await api.delete("/customers/CUST-42")).status_code == 204


async def _opt_out(api: Api, event_type: str) -> None:
    purpose = "marketing" if event_type == "cart.recovery_due" else "utility"
    response = await api.post("/customers", customer(consent(**{purpose: "unsubscribed"}, at=LATER)))
    assert response.status_code in (200, 201), response.text


async def _order(api: Api, event_type: str) -> None:
    """CUST-42 orders at 10:00, after abandoning CART-7700 at 09:40: the cart is recovered."""
    assert (await api.post("/orders", order_body(customer=customer(None)))).status_code == 201


async def _checkout_completed(api: Api, event_type: str) -> None:
    body = cart_body(customer=customer(None), completed_at="2026-05-18T10:00:00Z")
    assert (await api.post("/carts", body)).status_code == 200


def _marked(status: str) -> Callable[[Api, str], Awaitable[None]]:
    async def mark(api: Api, event_type: str) -> None:
        assert (await api.patch("/carts/CART-7700", {"status": status})).status_code == 200

    return mark


RECOVERY, BOTH = ("cart.recovery_due",), ("shipment.created", "cart.recovery_due")
# what stops a message going out once recorded `fired` → (the messages it stops, the reason it
# gives: a cart recovery's cart no longer abandoned says why)
STOPS: dict[str, tuple[Callable[[Api, str], Awaitable[None]], tuple[str, ...], str]] = {
    "erased": (_erase, BOTH, "erased"),
    "consent withdrawn": (_opt_out, BOTH, "no_consent"),
    "cart recovered by an order": (_order, RECOVERY, "recovered_by_order"),
    "its checkout completed": (_checkout_completed, RECOVERY, "completed"),
    **{
        f"cart marked {status}": (_marked(status), RECOVERY, "marked_by_shop")
        for status in ("recovered", "completed", "expired", "active")
    },
}
STOPPED = [(stop, event_type) for stop, (_, messages, _) in STOPS.items() for event_type in messages]
# one stop of each kind (the contact's, the cart's): what the tests running a worker beside take
EACH_KIND = [
    (stop, event_type)
    for stop, event_type in STOPPED
    if stop in ("erased", "consent withdrawn", "cart recovered by an order")
]


async def _deliver(api: Api, backoff: Backoff = FAST) -> None:
    worker = Worker(api.db, backoff)
    await worker.run_once()
    await worker.aclose()


async def _log(api: Api, event_type: str) -> list[tuple[str, list[str]]]:
    """Each `event_type` event's reason and its deliveries' statuses (sorted)."""
    edges = (await gql(api, LOG, {"type": event_type}))["data"]["events"]["edges"]
    return [(edge["node"]["reason"], sorted(item["status"] for item in edge["node"]["deliveries"])) for edge in edges]


async def _logged(api: Api, event_type: str, reason: str, statuses: list[str]) -> None:
    """The one `event_type` event says `reason`, its deliveries `statuses`; a cart recovery is
    counted sent by recoveryFunnel when, and only when, it says `fired`."""
    assert await _log(api, event_type) == [(reason, statuses)]
    if event_type == "cart.recovery_due":
        answer = await gql(api, SENT)
        assert answer["data"]["recoveryFunnel"]["recoveriesFired"] == int(reason == "fired"), answer


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
        await _erase(api, event_type)
        await _deliver(api)
    assert event_type not in receiver.types
    assert "customer.erased" in receiver.types  # the worker did go through the outbox
    await _logged(api, event_type, "erased", ERASED[when])


# case → (webhooks subscribed, whether the first had the message before the stop, the event's
# reason (None: the stop's), its deliveries' statuses, sorted)
AT_CLAIM = {
    "one webhook": (1, False, None, ["cancelled"]),
    "two webhooks, one delivered": (2, True, "fired", ["cancelled", "delivered"]),
    "two webhooks, none delivered": (2, False, None, ["cancelled", "cancelled"]),
}


@pytest.mark.parametrize("case", list(AT_CLAIM))
@pytest.mark.parametrize(("stop", "event_type"), STOPPED)
async def test_a_message_suppressed_at_claim_says_so_unless_one_went_out(
    api: Api, event_type: str, stop: str, case: str
) -> None:
    """A cart recovery cancelled at its claim because its cart was bought or marked since kept
    its reason `fired`: the log said a message went out to someone who had bought."""
    hooks, delivered_first, reason, statuses = AT_CLAIM[case]
    withdraw, _, suppressed = STOPS[stop]
    with Receiver() as first, Receiver() as second:
        await webhooks.add_webhook(api.db, STORE_ID, first.url, ["*"])
        if hooks == 2 and not delivered_first:
            await webhooks.add_webhook(api.db, STORE_ID, second.url, ["*"])
        await _message(api, event_type)
        if delivered_first:
            await _deliver(api)  # the first webhook has the message
            hook = await webhooks.add_webhook(api.db, STORE_ID, second.url, ["*"])
            since, now = datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC)
            assert await api.db.write(replay_since, hook["id"], since, now) > 0  # the second's waits
        else:
            assert await api.db.write(dispatch_events, datetime.now(UTC)) > 0
        await withdraw(api, event_type)
        await _deliver(api)
    assert first.types.count(event_type) == (1 if delivered_first else 0)
    assert event_type not in second.types
    await _logged(api, event_type, reason or suppressed, statuses)


SHIPMENTS = 5


async def test_one_claim_logs_all_its_suppressed_messages_in_one_statement(api: Api) -> None:
    """Each message's reason was changed by a statement of its own: a claim of many whose
    consent was withdrawn cost as many statements."""
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["shipment.*"])
        for index in range(SHIPMENTS):
            order = order_body(external_id=f"ORDER-{index}", customer=customer(consent(utility="subscribed", at=AT)))
            assert (await api.post("/orders", order)).status_code == 201
            shipment = shipment_body(external_id=f"SHIP-{index}", order_external_id=f"ORDER-{index}")
            assert (await api.post("/shipments", shipment)).status_code == 201
        assert await api.db.write(dispatch_events, datetime.now(UTC)) == SHIPMENTS
        await _opt_out(api, "shipment.created")
        with counting_statements(api.db) as statements:
            assert await api.db.write(claim, datetime.now(UTC), 100) == []
    logging = [statement for statement in statements if statement.lstrip().upper().startswith("UPDATE EVENTS")]
    assert len(logging) == 1, logging
    assert await _log(api, "shipment.created") == [("no_consent", ["cancelled"])] * SHIPMENTS


# what becomes of the first webhook's POST, out when the message was stopped → (its receiver's
# failed answers, the backoff, whether the message went out, the deliveries' statuses, sorted).
# A failed attempt of a message that may no longer go out is cancelled then: neither retried
# nor, at its last attempt, dead-lettered.
IN_FLIGHT: dict[str, tuple[int, Backoff, bool, list[str]]] = {
    "delivered": (0, FAST, True, ["cancelled", "delivered"]),
    "failed, with attempts left": (1, FAST, False, ["cancelled", "cancelled"]),
    "failed at its last attempt": (1, Backoff(base_seconds=0.0, max_attempts=1), False, ["cancelled", "cancelled"]),
}


async def _set_disabled(api: Api, webhook_id: int, disabled: bool) -> None:
    """As the health rule disables a webhook failing for too long, and `kanal webhooks enable`."""
    if disabled:
        values = {"disabled_at": datetime.now(UTC), "disabled_reason": "Failing"}
        await api.db.write(
            lambda conn: conn.execute(update(tables.webhooks).where(tables.webhooks.c.id == webhook_id).values(values))
        )
    else:
        await api.db.write(health.enable, webhook_id, datetime.now(UTC))


@pytest.mark.parametrize("outcome", list(IN_FLIGHT))
@pytest.mark.parametrize(("stop", "event_type"), EACH_KIND)
async def test_a_message_stopped_while_another_delivery_of_it_is_in_flight(
    api: Api, stop: str, event_type: str, outcome: str
) -> None:
    """The first webhook's POST of the message is out (its receiver holds it) when the message
    is stopped; the second webhook's delivery is claimed then, and cancelled. The log said the
    stop's reason although the POST out then went through; it says `fired` once a delivery of
    the message is delivered, and the stop's reason when none is."""
    stopping, _, why = STOPS[stop]
    failures, backoff, went_out, statuses = IN_FLIGHT[outcome]
    hold = threading.Event()
    with Receiver(failures=failures, hold=hold) as first, Receiver() as second:
        await webhooks.add_webhook(api.db, STORE_ID, first.url, [event_type])
        hook = await webhooks.add_webhook(api.db, STORE_ID, second.url, ["*"])
        await _set_disabled(api, hook["id"], True)  # its delivery waits, unclaimed
        await _message(api, event_type)
        sending = asyncio.create_task(_deliver(api, backoff))

        async def out() -> bool:
            return first.arrived == 1

        try:
            await until(out)
            await stopping(api, event_type)
            await _set_disabled(api, hook["id"], False)
            await _deliver(api, backoff)  # claims the second webhook's delivery: cancelled
        finally:
            hold.set()
            await asyncio.wait_for(sending, 30)
        await _deliver(api, backoff)
    assert first.types.count(event_type) == went_out
    assert event_type not in second.types
    await _logged(api, event_type, "fired" if went_out else why, statuses)


async def _event_id(api: Api, event_type: str) -> str:
    edges = (await gql(api, LOG.replace("reason", "id reason"), {"type": event_type}))["data"]["events"]["edges"]
    return str(edges[0]["node"]["id"])


async def _redeliver_event(api: Api, event_id: str, webhook_id: int, receiver: Receiver) -> None:
    assert await api.db.write(redelivery.redeliver_event, event_id, None, datetime.now(UTC)) == 1


async def _redeliver_to_webhook(api: Api, event_id: str, webhook_id: int, receiver: Receiver) -> None:
    assert await api.db.write(redelivery.redeliver_event, event_id, webhook_id, datetime.now(UTC)) == 1


async def _redeliver_dead(api: Api, event_id: str, webhook_id: int, receiver: Receiver) -> None:
    """Sent again, it fails for good; then its dead letters are re-driven."""
    await _redeliver_event(api, event_id, webhook_id, receiver)
    receiver.failures_left = 1
    await _deliver(api, Backoff(base_seconds=0.0, max_attempts=1))
    since = datetime(2000, 1, 1, tzinfo=UTC)
    assert await api.db.write(redelivery.redeliver_dead, webhook_id, since, datetime.now(UTC)) == 1


# how an operator sends a delivered message again (`kanal webhooks redeliver`)
REDELIVERIES: dict[str, Callable[[Api, str, int, Receiver], Awaitable[None]]] = {
    "--event": _redeliver_event,
    "--event --webhook": _redeliver_to_webhook,
    "--event, died, then --dead-since": _redeliver_dead,
}


@pytest.mark.parametrize("redeliver", list(REDELIVERIES))
@pytest.mark.parametrize(("stop", "event_type"), EACH_KIND)
async def test_a_message_sent_again_then_stopped_still_went_out(
    api: Api, stop: str, event_type: str, redeliver: str
) -> None:
    """A delivery sent again was pending as if it had never been delivered: stopped at its
    claim, its message's reason became the stop's although the message had gone out."""
    stopping = STOPS[stop][0]
    with Receiver() as receiver:
        hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, [event_type])
        await _message(api, event_type)
        await _deliver(api)
        assert receiver.types == [event_type]
        await REDELIVERIES[redeliver](api, await _event_id(api, event_type), hook["id"], receiver)
        await stopping(api, event_type)
        await _deliver(api)
    assert receiver.types == [event_type]
    await _logged(api, event_type, "fired", ["cancelled"])
