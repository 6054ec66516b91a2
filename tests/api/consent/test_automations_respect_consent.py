"""Issue 15: automations respect WhatsApp consent, under the store's policy. By default cart
recovery goes only to contacts subscribed to marketing, shipping notifications to anyone not
unsubscribed from utility; checked when the trigger is recorded and again when its delivery is
claimed (a contact who opts out after the cart became due gets nothing). Real worker, real
receiver on loopback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.automations.dispatch import dispatch_events
from app.automations.recovery import fire_due_recoveries
from app.automations.replay import replay_since
from app.automations.worker import Worker
from app.db.tables import deliveries, events
from app.domain.automations import Automation
from app.domain.rules.consent_policy import Requirement
from app.services import stores, webhooks
from tests.api.calls import gql
from tests.api.consent.consent import consent, customer
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body
from tests.receiver import Receiver

AT = "2026-05-01T00:00:00Z"
STATES = ["subscribed", "unsubscribed", "not_subscribed", None]  # None: never given
# automation → its trigger's event type, and the purpose it needs
TRIGGER = {
    "cart_recovery": ("cart.recovery_due", "marketing"),
    "shipping_notification": ("shipment.created", "utility"),
}
# the default policy: whether the message goes out, per automation and state
DEFAULT = {
    ("cart_recovery", "subscribed"): True,
    ("cart_recovery", "unsubscribed"): False,
    ("cart_recovery", "not_subscribed"): False,
    ("cart_recovery", None): False,
    ("shipping_notification", "subscribed"): True,
    ("shipping_notification", "unsubscribed"): False,
    ("shipping_notification", "not_subscribed"): True,
    ("shipping_notification", None): True,
}


async def _trigger(api: Api, automation: str, state: str | None) -> None:
    """The writes that make `automation` due for CUST-42, whose consent for its purpose is `state`."""
    purpose = TRIGGER[automation][1]
    given = None if state is None else consent(**{purpose: state, "at": AT})
    if automation == "cart_recovery":
        assert (await api.post("/carts", cart_body(customer=customer(given)))).status_code == 201
    else:
        assert (await api.post("/orders", order_body(customer=customer(given)))).status_code == 201
        assert (await api.post("/shipments", shipment_body())).status_code == 201


async def _subscribe(api: Api, receiver: Receiver) -> None:
    """A webhook of the triggers, added before them: it receives the events recorded after it."""
    await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["cart.recovery_due", "shipment.created"])


async def _run(api: Api, receiver: Receiver) -> list[str]:
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()
    return receiver.types


@pytest.mark.parametrize(("automation", "state"), list(DEFAULT))
async def test_default_policy(api: Api, automation: str, state: str | None) -> None:
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    with Receiver() as receiver:
        await _subscribe(api, receiver)
        await _trigger(api, automation, state)
        received = await _run(api, receiver)
    event_type = TRIGGER[automation][0]
    sent = DEFAULT[(automation, state)]
    assert received == ([event_type] if sent else [])
    (row,) = [row for row in await api.rows("events") if row["type"] == event_type]
    assert (row["automation"], row["reason"]) == (automation, "fired" if sent else "no_consent")


# A policy of `any` sends to every state; `subscribed` on shipping only to the subscribed.
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(
    ("automation", "requirement"),
    [("cart_recovery", Requirement.ANY), ("shipping_notification", Requirement.SUBSCRIBED)],
)
async def test_the_store_policy_decides(api: Api, automation: str, requirement: Requirement, state: str | None) -> None:
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    await stores.set_consent_policy(api.db, STORE_ID, {Automation(automation): requirement})
    with Receiver() as receiver:
        await _subscribe(api, receiver)
        await _trigger(api, automation, state)
        received = await _run(api, receiver)
    sent = requirement == Requirement.ANY or state == "subscribed"
    assert received == ([TRIGGER[automation][0]] if sent else [])


async def test_an_opt_out_after_the_cart_became_due_stops_the_recovery(api: Api) -> None:
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url)
        answer = await api.post("/carts", cart_body(customer=customer(consent(marketing="subscribed", at=AT))))
        assert [item["reason"] for item in answer.json()["automations"]] == ["not_due_yet"]
        now = datetime.now(UTC)
        assert (await api.db.write(fire_due_recoveries, now)).fired == 1  # due: cart.recovery_due recorded, fired
        assert await api.db.write(dispatch_events, now) > 0  # and on its way to the webhook
        opt_out = consent(marketing="unsubscribed", at="2026-05-02T00:00:00Z", source="whatsapp")
        assert (await api.post("/customers", customer(opt_out))).status_code == 201
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    assert "cart.recovery_due" not in receiver.types
    # (subjects are each delivered in order; between subjects the order is free)
    assert sorted(receiver.types) == ["cart.abandoned", "contact.consent_changed", "contact.consent_changed"]
    rows = await api.db.read(
        lambda conn: conn.execute(
            select(events.c.type, events.c.reason, deliveries.c.status)
            .join(deliveries, deliveries.c.event_id == events.c.id)
            .where(events.c.type == "cart.recovery_due")
        ).all()
    )
    assert [tuple(row) for row in rows] == [("cart.recovery_due", "no_consent", "cancelled")]
    log = await gql(
        api,
        '{ contact(storeId: "123", externalId: "CUST-42") { automationLog { type automation reason } '
        "consent { marketing { state source } } } }",
    )
    contact = log["data"]["contact"]
    assert contact["automationLog"] == [
        {"type": "cart.abandoned", "automation": "cart_recovery", "reason": "not_due_yet"},
        {"type": "cart.recovery_due", "automation": "cart_recovery", "reason": "no_consent"},
    ]
    assert contact["consent"]["marketing"] == {"state": "unsubscribed", "source": "whatsapp"}


async def test_an_opt_in_before_the_cart_is_due_lets_it_fire(api: Api) -> None:
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    answer = await api.post("/carts", cart_body(customer=customer(None)))
    assert [item["reason"] for item in answer.json()["automations"]] == ["no_consent"]
    await api.post("/customers", customer(consent(marketing="subscribed", at=AT)))
    with Receiver() as receiver:
        await _subscribe(api, receiver)  # after the cart's writes: its recovery falls due after it
        received = await _run(api, receiver)
    assert received == ["cart.recovery_due"]


async def test_a_suppressed_message_is_not_replayed_to_a_new_subscription(api: Api) -> None:
    unsubscribed = customer(consent(utility="unsubscribed", at=AT))
    assert (await api.post("/orders", order_body(customer=unsubscribed))).status_code == 201
    assert (await api.post("/shipments", shipment_body())).status_code == 201  # no_consent
    with Receiver() as receiver:
        worker = Worker(api.db, FAST)
        await worker.run_once()  # fanned out to nobody
        await api.post("/customers", customer(consent(utility="subscribed", at="2026-05-02T00:00:00Z")))
        hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["shipment.*"])
        since = datetime(2000, 1, 1, tzinfo=UTC)
        assert await api.db.write(replay_since, hook["id"], since, datetime.now(UTC)) == 0
        await worker.run_once()
        await worker.aclose()
    assert receiver.types == []
