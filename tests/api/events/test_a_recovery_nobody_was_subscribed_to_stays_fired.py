"""README "Cart recovery" and "WhatsApp consent, and why an automation fired or not": a cart
recovery that no subscription took when the worker fanned it out (none, or none of that event)
had nothing waiting to be sent: it went out as it fell due, and its `cart.recovery_due` says
`fired` for good, counted by recoveryFunnel, however the cart is bought or marked afterwards. A
subscription added later with `--since` is replayed it, and the claim cancels that copy once the
cart is bought or marked (nobody is messaged about a cart bought); the log said the purchase's or
the mark's reason then, and the funnel, which followed the log, would have dropped a message
(and the order after it) when a subscriber was added. Real worker, real receiver on loopback;
the log and the funnel read as a dashboard reads them (GraphQL `events`, `recoveryFunnel`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from app.automations.recovery import fire_due_recoveries
from app.automations.replay import replay_since
from app.services import stores, webhooks
from tests.api.calls import gql
from tests.api.consent.consent import consent, customer
from tests.api.events.test_a_suppressed_message_is_logged_unless_one_went_out import STOPS, _deliver, _log
from tests.conftest import STORE_ID, Api, cart_body
from tests.receiver import Receiver

DUE = datetime(2026, 5, 18, 9, 50, tzinfo=UTC)  # ten minutes after cart_body's abandoned_at; its order is at 10:00
FUNNEL = """{ recoveryFunnel(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
  cartsAbandoned recoveriesFired cartsRecovered ordersAfterRecovery revenue { currency amount orders average } } }"""
REVENUE = [{"currency": "EUR", "amount": "49.90", "orders": 1, "average": "49.90"}]

# how the cart is bought or marked after its recovery fell due → (the write, whether the cart is
# `recovered` then, whether an order recovered it after the message)
WAYS: dict[str, tuple[Callable[[Api, str], Awaitable[None]], bool, bool]] = {
    "an order placed": (STOPS["cart recovered by an order"][0], True, True),
    "its checkout completed": (STOPS["its checkout completed"][0], True, False),
    **{
        f"PATCH status {status}": (STOPS[f"cart marked {status}"][0], status == "recovered", False)
        for status in ("recovered", "completed", "expired", "active")
    },
}

# who was subscribed → (the events a webhook subscribed before the cart takes, None: no webhook;
# whether the worker fans the recovery out before the purchase; whether a webhook taking every
# event is added with --since before or after the purchase; the recovery's deliveries' statuses)
SUBSCRIBERS: dict[str, tuple[list[str] | None, bool, str | None, list[str]]] = {
    "no webhook, bought before the worker's pass": (None, False, None, []),
    "no webhook, bought after the worker's pass": (None, True, None, []),
    "a webhook of order events only": (["order.*"], True, None, []),
    "a webhook added with --since before the purchase": (None, True, "before", ["cancelled"]),
    "a webhook added with --since after the purchase": (None, True, "after", ["cancelled"]),
}


async def _replay_to(api: Api, receiver: Receiver) -> None:
    """`kanal webhooks add --since 2000-01-01` of a webhook taking every event."""
    hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["*"])
    since = datetime(2000, 1, 1, tzinfo=UTC)
    assert await api.db.write(replay_since, hook["id"], since, datetime.now(UTC)) > 0


@pytest.mark.parametrize("subscribers", list(SUBSCRIBERS))
@pytest.mark.parametrize("way", list(WAYS))
async def test_a_recovery_no_subscription_took_stays_fired_once_the_cart_is_bought(
    api: Api, way: str, subscribers: str
) -> None:
    buy, recovered, ordered = WAYS[way]
    patterns, fanned_out_first, added, statuses = SUBSCRIBERS[subscribers]
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    with Receiver() as receiver:
        if patterns is not None:
            await webhooks.add_webhook(api.db, STORE_ID, receiver.url, patterns)
        body = cart_body(customer=customer(consent(marketing="subscribed", at="2026-05-01T00:00:00Z")))
        assert (await api.post("/carts", body)).status_code == 201
        assert (await api.db.write(fire_due_recoveries, DUE)).fired == 1
        if fanned_out_first:
            await _deliver(api)
        if added == "before":
            await _replay_to(api, receiver)
        await buy(api, "cart.recovery_due")
        if added == "after":
            await _replay_to(api, receiver)
        await _deliver(api)
    assert "cart.recovery_due" not in receiver.types
    assert await _log(api, "cart.recovery_due") == [("fired", statuses)]
    assert (await gql(api, FUNNEL))["data"]["recoveryFunnel"] == {
        "cartsAbandoned": 1,
        "recoveriesFired": 1,
        "cartsRecovered": int(recovered),
        "ordersAfterRecovery": int(ordered),
        "revenue": REVENUE if ordered else [],
    }
