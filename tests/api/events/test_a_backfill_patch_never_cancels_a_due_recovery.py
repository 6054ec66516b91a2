"""A backfill PATCH (`Kanal-Backfill: true`, GraphQL `backfill: true`) of a cart's status is
history (README "Backfill": nothing imported changes what a live automation does) also once the
live cart's recovery has fallen due, for as long as the worker still reads the cart's status for
it: its `cart.recovery_due` waiting in the outbox to be fanned out, or a delivery of it still
pending (waiting for its claim, or retried after a failure). The cart keeps its status, the rest
of the PATCH is stored, no event is recorded, and the answer is the cart's standing: none, `[]`,
its recovery recorded. The worker then delivers the recovery (`fired`, the abandonment's
`recovery_fired` set), or, for a cart the shop marked itself, cancels it as `marked_by_shop`
(`recovery_fired` unset), as it would have without the import. Before, the imported status was
taken: `expired`, `recovered`, `completed` or `active` made the worker cancel the recovery as
`marked_by_shop`, and `abandoned` over a cart the shop marked `recovered` or `completed` sent it.
Once the recovery went out (delivered, or no subscription took it at its fan-out) nothing is
left to change: a backfill status is stored as before. Real worker, real receiver on loopback.
No batch carries a status (a `POST` body's is ignored), so the PATCH ways are every way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import update

from app.automations.delivery import Backoff
from app.automations.dispatch import dispatch_events
from app.db.tables import deliveries
from app.services import stores, webhooks
from app.services.results import utcnow
from tests.api.events import cart_ways as ways
from tests.api.events.test_a_suppressed_message_is_logged_unless_one_went_out import _deliver, _log
from tests.conftest import STORE_ID, Api
from tests.receiver import Receiver

MARKS = ("expired", "recovered", "completed", "active")  # the statuses a shop marks a cart
# (the shop's live mark after the recovery fell due, the imported status): every other status
OTHER_STATUS = [(marked, status) for marked in MARKS for status in (*MARKS, "abandoned") if status != marked]


async def _in_the_outbox(api: Api) -> None:
    """The recovery recorded `fired` by the sweep, not fanned out yet."""


async def _fanned_out(api: Api) -> None:
    """Its delivery made, waiting for the worker's claim."""
    assert await api.db.write(dispatch_events, utcnow()) > 0


async def _failed_once(api: Api) -> None:
    """Its delivery claimed and POSTed, answered 500: pending, to be retried (in 15 s)."""
    await _deliver(api, Backoff())
    [delivery] = [row for row in await api.rows("deliveries") if row["status"] == "pending"]
    assert delivery["attempts"] == 1


# Where the due recovery waits for the worker, which reads the cart's status again at its claim
# → (how it comes there, the first POSTs the receiver answers 500)
LIVE: dict[str, tuple[Callable[[Api], Awaitable[None]], int]] = {
    "in the outbox": (_in_the_outbox, 0),
    "its delivery waiting for its claim": (_fanned_out, 0),
    "its delivery retried after a failure": (_failed_once, 1),
}


async def _due(api: Api, receiver: Receiver, subscribed: bool = True) -> None:
    """The live cart (its customer consented), abandoned 30 minutes ago, its recovery recorded
    `fired` by the worker's sweep: the store's delay set to nothing."""
    if subscribed:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["cart.recovery_due"])
    await ways.abandoned(api, utcnow())
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    assert await ways.sweep(api) == ["fired"]


async def _retry_now(api: Api) -> None:
    """A retry's next attempt brought forward to now (the worker's backoff is 15 s)."""
    await api.db.write(lambda conn: conn.execute(update(deliveries).values(next_attempt_at=utcnow())))


async def _recovery_fired(api: Api) -> list[bool]:
    return [row["recovery_fired"] for row in await api.rows("cart_abandonments")]


@pytest.mark.parametrize("status", MARKS)
@pytest.mark.parametrize("way", ways.PATCHES)
@pytest.mark.parametrize("stage", LIVE)
async def test_a_backfill_status_leaves_a_due_recovery_to_go_out(api: Api, stage: str, way: str, status: str) -> None:
    come, failures = LIVE[stage]
    with Receiver(failures=failures) as receiver:
        await _due(api, receiver)
        await come(api)
        since = await ways.last_event_id(api)

        answer = await ways.patch_cart(api, status, way, backfill=True)

        assert answer == []
        assert (await ways.stored_cart(api))[0] == "abandoned"
        assert await ways.cart_events_since(api, since) == []
        await _retry_now(api)
        await _deliver(api)
    assert receiver.types == ["cart.recovery_due"]
    assert await _log(api, "cart.recovery_due") == [("fired", ["delivered"])]
    assert await _recovery_fired(api) == [True]


@pytest.mark.parametrize(("marked", "status"), OTHER_STATUS)
@pytest.mark.parametrize("way", ways.PATCHES)
async def test_a_backfill_status_leaves_the_shops_mark_on_a_due_recovery(
    api: Api, way: str, marked: str, status: str
) -> None:
    with Receiver() as receiver:
        await _due(api, receiver)
        await _fanned_out(api)
        assert await ways.patch_cart(api, marked) == []  # the shop's live mark
        since = await ways.last_event_id(api)

        answer = await ways.patch_cart(api, status, way, backfill=True)

        assert answer == []
        assert (await ways.stored_cart(api))[0] == marked
        assert await ways.cart_events_since(api, since) == []
        await _deliver(api)
    assert receiver.types == []
    assert await _log(api, "cart.recovery_due") == [("marked_by_shop", ["cancelled"])]
    assert await _recovery_fired(api) == [False]


# The recovery went out, nothing of it left for the worker to read the cart's status for →
# (whether a webhook takes cart events, the recovery's deliveries' statuses)
GONE_OUT: dict[str, tuple[bool, list[str]]] = {
    "delivered": (True, ["delivered"]),
    "no subscription at its fan-out": (False, []),
}


@pytest.mark.parametrize("status", MARKS)
@pytest.mark.parametrize("way", ways.PATCHES)
@pytest.mark.parametrize("gone", GONE_OUT)
async def test_a_backfill_status_is_stored_once_the_recovery_went_out(
    api: Api, gone: str, way: str, status: str
) -> None:
    subscribed, statuses = GONE_OUT[gone]
    with Receiver() as receiver:
        await _due(api, receiver, subscribed)
        await _deliver(api)
        since = await ways.last_event_id(api)

        answer = await ways.patch_cart(api, status, way, backfill=True)

        assert answer == []
        assert (await ways.stored_cart(api))[0] == status
        recovered = [("cart.recovered", "abandoned", status)] if status == "recovered" else []
        assert await ways.cart_events_since(api, since) == [("cart.status_changed", "abandoned", status), *recovered]
        await _deliver(api)
    assert receiver.types == (["cart.recovery_due"] if subscribed else [])
    assert await _log(api, "cart.recovery_due") == [("fired", statuses)]
    assert await _recovery_fired(api) == [True]


async def _dead_lettered(api: Api) -> None:
    """Its one delivery answered 500 with no attempt left: dead, nothing of it pending."""
    await _deliver(api, Backoff(base_seconds=0.0, max_attempts=1))


# The recovery settled, nothing of it left for the worker → (whether a webhook takes cart
# events, the first POSTs the receiver answers 500, how it settles, its deliveries' statuses)
SETTLED: dict[str, tuple[bool, int, Callable[[Api], Awaitable[None]], list[str]]] = {
    "delivered": (True, 0, _deliver, ["delivered"]),
    "no subscription at its fan-out": (False, 0, _deliver, []),
    "dead-lettered": (True, 1, _dead_lettered, ["dead"]),
}


@pytest.mark.parametrize(("marked", "status"), OTHER_STATUS)
@pytest.mark.parametrize("way", ways.PATCHES)
@pytest.mark.parametrize("settled", SETTLED)
async def test_a_backfill_status_is_stored_over_the_shops_mark_once_the_recovery_settled(
    api: Api, settled: str, way: str, marked: str, status: str
) -> None:
    """The shop's live mark after its recovery settled, then an imported status: stored, as over
    a cart still `abandoned` (README "Backfill": nothing is left for a status to change). Before,
    a cart the shop marked `active` or `expired` kept its mark, the imported status lost."""
    subscribed, failures, settle, statuses = SETTLED[settled]
    with Receiver(failures=failures) as receiver:
        await _due(api, receiver, subscribed)
        await settle(api)
        assert await ways.patch_cart(api, marked) == []  # the shop's live mark
        since = await ways.last_event_id(api)

        answer = await ways.patch_cart(api, status, way, backfill=True)

        # abandoned again: its recorded time keeps its recovery settled
        assert answer == ([("cart_recovery", "unchanged")] if status == "abandoned" else [])
        assert (await ways.stored_cart(api))[0] == status
        recovered = [("cart.recovered", marked, status)] if status == "recovered" else []
        assert await ways.cart_events_since(api, since) == [("cart.status_changed", marked, status), *recovered]
        await _deliver(api)
    assert receiver.types == (["cart.recovery_due"] if settled == "delivered" else [])  # none since the mark
    assert await _log(api, "cart.recovery_due") == [("fired", statuses)]
    assert await _recovery_fired(api) == [True]
