"""recoveryFunnel's figures (README "Recovery funnel", "Outbox lifecycle") are the same before
and after the outbox is pruned: whether a cart's recovery fired is kept with the cart's
abandonments, not read from its `cart.recovery_due` events. Before, a prune took every message
off the funnel: `recoveriesFired` and `ordersAfterRecovery` fell to 0."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from app.automations import retention
from app.automations.recovery import fire_due_recoveries
from app.automations.worker import Worker
from app.services.results import utcnow
from tests.api.events.outbox import FAST
from tests.api.graphql.test_recovery_funnel import MAY, _cart, _funnel, _order
from tests.conftest import Api, cart_body


async def _fire(api: Api, day: int) -> None:
    await api.db.write(fire_due_recoveries, datetime(2026, 5, day, tzinfo=UTC))


async def _messaged_and_bought(api: Api) -> None:
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _cart(api, "C2", "B", "2026-05-02T11:00:00Z")
    await _cart(api, "C3", "C", "2026-05-03T10:00:00Z")  # messaged, never bought
    await _fire(api, 5)
    await _order(api, "O-A1", "A", "2026-05-06T10:00:00Z", "49.90")
    await _order(api, "O-A2", "A", "2026-05-07T10:00:00Z", "20.00")  # not the recovering one
    await _order(api, "O-B", "B", "2026-05-06T12:00:00Z", "1500", currency="JPY")


async def _suppressed(api: Api) -> None:
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _cart(api, "C2", "B", "2026-05-02T10:00:00Z", marketing="unsubscribed")
    await _fire(api, 5)


async def _abandoned_again_and_messaged_again(api: Api) -> None:
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _fire(api, 5)
    await _order(api, "O-A1", "A", "2026-05-06T10:00:00Z", "49.90")
    customer = {"phone": "+33612345001", "whatsapp_consent": {"marketing": "subscribed"}}
    again = cart_body(external_id="C1", abandoned_at="2026-05-07T10:00:00Z", customer=customer)
    assert (await api.post("/carts", again)).status_code == 200  # a new abandonment
    await _fire(api, 9)
    await _order(api, "O-A2", "A", "2026-05-10T10:00:00Z", "20.00")  # recovers it after its message


async def _abandoned_again(api: Api) -> None:
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _fire(api, 5)  # the first abandonment's message
    customer = {"phone": "+33612345001", "whatsapp_consent": {"marketing": "subscribed"}}
    again = cart_body(external_id="C1", abandoned_at="2026-05-07T10:00:00Z", customer=customer)
    assert (await api.post("/carts", again)).status_code == 200  # left again, still abandoned


async def _abandoned_again_never_bought(api: Api) -> None:
    await _abandoned_again(api)
    await _fire(api, 9)  # its own message


async def _messaged_then_an_older_update(api: Api) -> None:
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _fire(api, 5)
    customer = {"phone": "+33612345001", "whatsapp_consent": {"marketing": "subscribed"}}
    late = cart_body(external_id="C1", abandoned_at="2026-05-02T09:00:00Z", customer=customer)
    assert (await api.post("/carts", late)).status_code == 200  # arriving late: the message stays its


EUR = {"currency": "EUR", "amount": "49.90", "orders": 1, "average": "49.90"}
# case -> (its writes, the May funnel they give: cartsAbandoned, recoveriesFired, cartsRecovered,
# ordersAfterRecovery, revenue)
CASES: dict[str, tuple[Callable[[Api], Awaitable[None]], tuple[int, int, int, int, list[dict[str, object]]]]] = {
    "messaged, then bought": (
        _messaged_and_bought,
        (3, 3, 2, 2, [EUR, {"currency": "JPY", "amount": "1500", "orders": 1, "average": "1500"}]),
    ),
    "a recovery suppressed for want of consent": (_suppressed, (2, 1, 0, 0, [])),
    "abandoned again after its purchase, messaged again": (
        _abandoned_again_and_messaged_again,
        (1, 1, 1, 1, [{"currency": "EUR", "amount": "20.00", "orders": 1, "average": "20.00"}]),
    ),
    "abandoned again, never bought, messaged again": (_abandoned_again_never_bought, (1, 1, 0, 0, [])),
    "messaged, then an older update": (_messaged_then_an_older_update, (1, 1, 0, 0, [])),
}
NAMES = ("cartsAbandoned", "recoveriesFired", "cartsRecovered", "ordersAfterRecovery", "revenue")


@pytest.mark.parametrize("case", CASES)
async def test_the_funnel_is_the_same_after_a_prune(api: Api, case: str) -> None:
    writes, figures = CASES[case]
    await writes(api)
    expected = dict(zip(NAMES, figures, strict=True))
    assert await _funnel(api, MAY) == expected

    worker = Worker(api.db, FAST)  # fans every event out (no webhook: settled at once)
    await worker.run_once()
    await worker.aclose()
    assert await retention.prune(api.db, utcnow() + timedelta(seconds=1)) > 0
    assert await api.rows("events") == []
    assert await _funnel(api, MAY) == expected
