"""SPEC §6: a recovery message goes out only while its cart is still abandoned, checked again
when the worker claims it: a cart completed, expired or recovered (by the shop, or by an order
of its contact) after its recovery fell due and before the message was sent gets no message;
its delivery is cancelled. Several carts' messages in one claim are each checked."""

from __future__ import annotations

from datetime import UTC, datetime

from app.automations.dispatch import dispatch_events
from app.automations.recovery import fire_due_recoveries
from app.automations.worker import Worker
from app.services import stores, webhooks
from tests.api.events.outbox import FAST, recovery_deliveries
from tests.conftest import STORE_ID, Api, cart_body, order_body
from tests.receiver import Receiver

# How each cart is settled after its recovery fell due -> whether its message is still sent.
SETTLED = {
    "still abandoned": True,
    "completed": False,
    "expired": False,
    "recovered by the shop": False,
    "recovered by an order": False,
}


def _phone(i: int) -> str:
    return f"+3361300{i:04d}"


async def test_only_the_carts_still_abandoned_get_their_message(api: Api) -> None:
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    kinds = {f"CART-{i}": kind for i, kind in enumerate(kind for _ in range(3) for kind in SETTLED)}
    for i, cart in enumerate(kinds):
        customer = {"phone": _phone(i), "whatsapp_consent": {"marketing": "subscribed"}}
        assert (await api.post("/carts", cart_body(external_id=cart, customer=customer))).status_code == 201
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["cart.recovery_due"])
        now = datetime.now(UTC)
        assert (await api.db.write(fire_due_recoveries, now)).fired == len(kinds)
        assert await api.db.write(dispatch_events, now) == len(kinds)  # each on its way
        for i, (cart, kind) in enumerate(kinds.items()):
            if kind == "recovered by an order":
                order = order_body(external_id=f"ORDER-{i}", customer={"phone": _phone(i)})
                assert (await api.post("/orders", order)).status_code == 201
            elif kind != "still abandoned":
                status = kind.removesuffix(" by the shop")
                assert (await api.patch(f"/carts/{cart}", {"status": status})).status_code == 200
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    sent = sorted(item["event"]["data"]["subject"]["external_id"] for item in receiver.received)
    assert sent == sorted(cart for cart, kind in kinds.items() if SETTLED[kind])
    assert await recovery_deliveries(api) == {
        cart: "delivered" if SETTLED[kind] else "cancelled" for cart, kind in kinds.items()
    }
