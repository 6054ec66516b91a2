"""recoveryFunnel (README "Recovery funnel", "Cart recovery") counts a cart as messaged when the
recovery of the abandonment it takes (the one the cart holds, settled at its `recovery_due_at`)
went out.
It counted the cart when any abandonment's recovery had: a cart abandoned again after a first
message, its second recovery called off (bought before it went out) or not yet due, was credited
with the first message, and with the order that recovered it. A cart re-dated around its message
keeps that message, recorded under the time it had then. Real worker, real receiver on loopback;
the funnel read as a dashboard reads it, over a period holding the first time, the second, both."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from app.automations.dispatch import dispatch_events
from app.automations.recovery import fire_due_recoveries
from app.services import stores, webhooks
from tests.api.consent.consent import consent, customer
from tests.api.events.test_a_suppressed_message_is_logged_unless_one_went_out import _deliver
from tests.api.graphql.test_recovery_funnel import _funnel
from tests.conftest import STORE_ID, Api, cart_body, order_body
from tests.receiver import Receiver

# The worker's sweeps run at the wall clock, after the writes before them, as in production (an
# abandonment's rules compare when its events were recorded): the times are set from it.
_START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
FIRST, SECOND = _START, _START + timedelta(hours=1)  # the two abandoned_at
PLACED = _START + timedelta(hours=4)  # the order that recovers the cart, after every sweep
_SECOND = timedelta(seconds=1)
PERIODS = {
    "first only": {"from": FIRST.isoformat(), "to": (FIRST + _SECOND).isoformat()},
    "second only": {"from": SECOND.isoformat(), "to": (SECOND + _SECOND).isoformat()},
    "both": {"from": FIRST.isoformat(), "to": (SECOND + _SECOND).isoformat()},
}
REVENUE = [{"currency": "EUR", "amount": "49.90", "orders": 1, "average": "49.90"}]

Step = Callable[[Api], Awaitable[None]]


def _abandoned(at: datetime) -> Step:
    async def post(api: Api) -> None:
        body = cart_body(
            abandoned_at=at.isoformat(), customer=customer(consent(marketing="subscribed", at="2026-05-01T00:00:00Z"))
        )
        assert (await api.post("/carts", body)).status_code in (200, 201)

    return post


async def _due(api: Api) -> None:
    """The worker's sweep (the store's delay is 0): the cart's recovery is recorded `fired`."""
    assert (await api.db.write(fire_due_recoveries, datetime.now(UTC))).fired == 1


async def _sent(api: Api) -> None:
    """The recovery just recorded is delivered: the message went out."""
    await _deliver(api)


async def _fanned_out(api: Api) -> None:
    """Its delivery waits to be claimed; the order placed next calls it off at the claim."""
    assert await api.db.write(dispatch_events, datetime.now(UTC)) > 0


async def _ordered(api: Api) -> None:
    body = order_body(placed_at=PLACED.isoformat(), customer=customer(None))
    assert (await api.post("/orders", body)).status_code == 201
    await _deliver(api)  # a delivery still waiting is claimed now, and cancelled


# case → (its writes and sweeps in order, then the order at PLACED; per period: None when the
# cart is not in it (the period holds no cart), else (recoveriesFired, ordersAfterRecovery))
CASES: dict[str, tuple[tuple[Step, ...], dict[str, tuple[int, int] | None]]] = {
    "one abandonment, its recovery fired": (
        (_abandoned(FIRST), _due, _sent),
        {"first only": (1, 1), "second only": None, "both": (1, 1)},
    ),
    "one abandonment, its recovery called off": (
        (_abandoned(FIRST), _due, _fanned_out),
        {"first only": (0, 0), "second only": None, "both": (0, 0)},
    ),
    "abandoned again after a first message, the second fired": (
        (_abandoned(FIRST), _due, _sent, _abandoned(SECOND), _due, _sent),
        {"first only": None, "second only": (1, 1), "both": (1, 1)},
    ),
    "abandoned again after a first message, the second called off": (
        (_abandoned(FIRST), _due, _sent, _abandoned(SECOND), _due, _fanned_out),
        {"first only": None, "second only": (0, 0), "both": (0, 0)},
    ),
    "abandoned again after a first message, bought before the second was due": (
        (_abandoned(FIRST), _due, _sent, _abandoned(SECOND)),
        {"first only": None, "second only": (0, 0), "both": (0, 0)},
    ),
    "abandoned again, the second out, then the first time relayed late": (
        (_abandoned(FIRST), _due, _sent, _abandoned(SECOND), _due, _sent, _abandoned(FIRST)),
        {"first only": (1, 1), "second only": None, "both": (1, 1)},
    ),
    "re-dated earlier before its message, then sent back to its time": (
        (_abandoned(SECOND), _abandoned(FIRST), _due, _sent, _abandoned(SECOND)),
        {"first only": None, "second only": (1, 1), "both": (1, 1)},
    ),
    "re-dated earlier after its message": (
        (_abandoned(SECOND), _due, _sent, _abandoned(FIRST)),
        {"first only": (1, 1), "second only": None, "both": (1, 1)},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_the_funnel_counts_the_message_of_the_abandonment_the_cart_holds(api: Api, case: str) -> None:
    steps, expected = CASES[case]
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["cart.*"])
        for step in steps:
            await step(api)
        await _ordered(api)
    for period, figures in expected.items():
        held = figures is not None
        fired, ordered = figures or (0, 0)
        assert await _funnel(api, PERIODS[period]) == {
            "cartsAbandoned": int(held),
            "recoveriesFired": fired,
            "cartsRecovered": int(held),
            "ordersAfterRecovery": ordered,
            "revenue": REVENUE if ordered else [],
        }, period
