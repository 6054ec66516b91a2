"""A cart abandoned again after its first recovery went out waits for its new recovery (README
"Cart recovery": **Abandoned again, never bought**); a write arriving meanwhile with an older
`abandoned_at` (an update the shop sends late or out of order, with a newer `updated_at` or
none: not stale) does not move that recovery earlier. Before, the cart took the older time and
its new recovery fell due at once, going out seconds after the first one; sent the first
abandonment's own time, the new recovery was settled and never went out.

The cart is abandoned 3 hours ago and its recovery goes out; abandoned again 10 minutes ago, its
recovery is due 50 minutes from now. The late write comes through every cart write, or, while
the shop has the cart marked `active`, through a POST before the PATCH `abandoned` that resumes
it; it also carries another total, which is written."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.services.results import utcnow
from tests.api.events.cart_ways import (
    CUSTOMER,
    DELAY,
    MARKED,
    PATCHES,
    POSTS,
    RECOVERY,
    cart_events_since,
    due_sweeps,
    last_event_id,
    patch_cart,
    place_order,
    post_cart,
    stored_cart,
    sweep,
)
from tests.conftest import Api, cart_body

FIRST, AGAIN = timedelta(hours=3), timedelta(minutes=10)
# the late write's abandoned_at, by how long ago
LATE = {
    "between the two abandonments": timedelta(hours=2),
    "the first abandonment's": FIRST,
    "before the first abandonment": timedelta(hours=4),
}


@pytest.mark.parametrize("late", LATE)
@pytest.mark.parametrize("way", [*POSTS, *PATCHES])
async def test_an_older_abandoned_at_leaves_a_new_abandonments_recovery_due_when_it_was(
    api: Api, way: str, late: str
) -> None:
    await _the_late_write_keeps_the_new_abandonment(api, way, LATE[late])


async def _the_late_write_keeps_the_new_abandonment(
    api: Api, way: str, late: timedelta, bought: str | None = None
) -> None:
    """The cart abandoned `FIRST` ago, its recovery sent, then (`bought`: how, else not) bought
    a minute later, abandoned again `AGAIN` ago; the write abandoned `late` ago, the `way`
    given, leaves it at the new abandonment, whose recovery falls due when it was."""
    now = utcnow()
    again = now - AGAIN
    await post_cart(api, now - FIRST)
    assert await sweep(api) == ["fired"]
    if bought is not None:
        await _bought(api, bought, now - FIRST, now - FIRST + timedelta(minutes=1))
    assert await post_cart(api, again) == [(RECOVERY, "not_due_yet")]  # a new abandonment
    since = await last_event_id(api)

    if way in POSTS:
        answer = await post_cart(api, now - late, way, total="59.90")
    else:
        await patch_cart(api, "active", way)
        await post_cart(api, now - late, total="59.90")  # the shop's status kept
        answer = await patch_cart(api, "abandoned", way)

    assert answer == [(RECOVERY, "not_due_yet")]
    assert await stored_cart(api) == ("abandoned", again, "59.90")
    assert await cart_events_since(api, since) == ([] if way in POSTS else MARKED)
    assert await due_sweeps(api, again + DELAY) == [[], [], ["fired"]]


# the late write's abandoned_at, by how long ago, for a cart a purchase recovered after its
# first recovery went out: a relay carrying no purchase of its own (no `completed_at`)
LATE_AFTER_THE_PURCHASE = {
    "the first abandonment's": FIRST,
    "before the first abandonment": FIRST + timedelta(minutes=1),
}


async def _bought(api: Api, how: str, abandoned_at: datetime, at: datetime) -> None:
    """The cart abandoned at `abandoned_at` bought at `at`: by an order of its customer, or by
    its checkout, whose update carries `completed_at`."""
    if how == "an order":
        await place_order(api, at)
        return
    body = cart_body(abandoned_at=abandoned_at.isoformat(), customer=CUSTOMER, completed_at=at.isoformat())
    response = await api.post("/checkouts", body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "recovered", response.text


@pytest.mark.parametrize("how", ["an order", "its checkout"])
@pytest.mark.parametrize("late", LATE_AFTER_THE_PURCHASE)
@pytest.mark.parametrize("way", [*POSTS, *PATCHES])
async def test_an_older_abandoned_at_a_purchase_follows_leaves_a_new_abandonments_recovery_due_when_it_was(
    api: Api, way: str, late: str, how: str
) -> None:
    """The first recovery went out, a purchase a minute after the first abandonment (an order,
    or the checkout's `completed_at`, which the cart keeps) recovered the cart, and the customer
    left it again: the late write's time (through every cart write, or while the shop has the
    cart marked `active`, before the PATCH `abandoned` that resumes it), which that purchase
    follows, is no purchase of the new abandonment, and it carries none. Before, the cart took
    it and was `recovered` (`recovered_by_order`), and the new abandonment's recovery never
    went out."""
    await _the_late_write_keeps_the_new_abandonment(api, way, LATE_AFTER_THE_PURCHASE[late], how)
