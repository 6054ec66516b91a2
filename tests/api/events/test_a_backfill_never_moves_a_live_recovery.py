"""A backfill write (`Kanal-Backfill: true`, GraphQL `backfill: true`) is history (README
"Backfill": nothing imported fires an automation): sent for a live cart whose recovery waits, its
`abandoned_at` neither re-dates, cancels nor hastens that recovery; the rest of it is stored.
Before, the cart took the imported time: a later one put the recovery off, an earlier one made it
due at once, one an order follows recovered the cart, and the time of an abandonment whose
recovery went out settled it, never to go out.

The live cart is abandoned 30 minutes ago, its recovery due 30 minutes from now. The import comes
through every cart write, or, while the shop has the cart marked `active`, through a POST before
the live PATCH `abandoned` that resumes it; it also carries another total, which is written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest

from app.services.results import utcnow
from tests.api.events import cart_ways as ways
from tests.conftest import Api

LIVE = timedelta(minutes=30)  # the live abandonment, by how long ago


async def _abandoned(api: Api, now: datetime) -> None:
    assert await ways.post_cart(api, now - LIVE) == [(ways.RECOVERY, "not_due_yet")]


async def _ordered_since(api: Api, now: datetime) -> None:
    await _abandoned(api, now)
    await ways.place_order(api, now - timedelta(hours=2))  # before the live abandonment: recovers nothing


async def _abandoned_again(api: Api, now: datetime) -> None:
    await ways.post_cart(api, now - timedelta(hours=4))
    assert await ways.sweep(api) == ["fired"]
    await _abandoned(api, now)  # a new abandonment


# case -> (the live history, the imported abandoned_at by how long ago)
CASES: dict[str, tuple[Callable[[Api, datetime], Awaitable[None]], timedelta]] = {
    "later": (_abandoned, timedelta(minutes=5)),
    "earlier": (_abandoned, timedelta(hours=3)),
    "earlier, an order placed since": (_ordered_since, timedelta(hours=3)),
    "the first abandonment's, whose recovery went out": (_abandoned_again, timedelta(hours=4)),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("way", [*ways.POSTS, *ways.PATCHES])
async def test_an_imported_abandoned_at_leaves_a_live_recovery_due_when_it_was(api: Api, way: str, case: str) -> None:
    history, imported = CASES[case]
    now = utcnow()
    await history(api, now)
    since = await ways.last_event_id(api)

    if way in ways.POSTS:
        answer = await ways.post_cart(api, now - imported, way, backfill=True, total="59.90")
    else:
        await ways.patch_cart(api, "active", way)
        await ways.post_cart(api, now - imported, backfill=True, total="59.90")  # the shop's status kept
        answer = await ways.patch_cart(api, "abandoned", way)

    assert answer == [(ways.RECOVERY, "not_due_yet")]
    assert await ways.stored_cart(api) == ("abandoned", now - LIVE, "59.90")
    assert await ways.cart_events_since(api, since) == ([] if way in ways.POSTS else ways.MARKED)
    assert await ways.due_sweeps(api, now - LIVE + ways.DELAY) == [[], [], ["fired"]]
