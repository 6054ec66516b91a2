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

from datetime import timedelta

import pytest

from app.services.results import utcnow
from tests.api.events.cart_ways import (
    DELAY,
    MARKED,
    PATCHES,
    POSTS,
    RECOVERY,
    cart_events_since,
    due_sweeps,
    last_event_id,
    patch_cart,
    post_cart,
    stored_cart,
    sweep,
)
from tests.conftest import Api

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
    now = utcnow()
    again = now - AGAIN
    await post_cart(api, now - FIRST)
    assert await sweep(api) == ["fired"]
    assert await post_cart(api, again) == [(RECOVERY, "not_due_yet")]  # a new abandonment
    since = await last_event_id(api)

    if way in POSTS:
        answer = await post_cart(api, now - LATE[late], way, total="59.90")
    else:
        await patch_cart(api, "active", way)
        await post_cart(api, now - LATE[late], total="59.90")  # the shop's status kept
        answer = await patch_cart(api, "abandoned", way)

    assert answer == [(RECOVERY, "not_due_yet")]
    assert await stored_cart(api) == ("abandoned", again, "59.90")
    assert await cart_events_since(api, since) == ([] if way in POSTS else MARKED)
    assert await due_sweeps(api, again + DELAY) == [[], [], ["fired"]]
