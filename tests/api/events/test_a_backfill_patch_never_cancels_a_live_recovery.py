"""A backfill PATCH (`Kanal-Backfill: true`, GraphQL `backfill: true`) of a cart's status is
history (README "Backfill": nothing imported changes what a live automation does): for a live
cart whose recovery is still to come it keeps the cart's live status, and the recovery goes out
when due; for a live cart the shop marked `active` or `expired`, which a PATCH `abandoned`
resumes, it keeps that mark, neither resuming the recovery itself nor leaving another status for
the shop's PATCH to read. The answer is the cart's standing (`not_due_yet`; none for a marked
cart: `[]`). Before, the imported status was taken: `expired`, `recovered`, `completed` or
`active` cancelled the live recovery, and `abandoned` resumed a marked cart's."""

from __future__ import annotations

import pytest

from app.services.results import utcnow
from tests.api.events import cart_ways as ways
from tests.conftest import Api

MARKS = ("expired", "recovered", "completed", "active")  # the statuses a shop marks a cart
# (the shop's live mark, the imported status): every other status
OTHER_STATUS = [
    (marked, status) for marked in ("active", "expired") for status in (*MARKS, "abandoned") if status != marked
]


@pytest.mark.parametrize("status", MARKS)
@pytest.mark.parametrize("history", ways.WAITING)
@pytest.mark.parametrize("way", ways.PATCHES)
async def test_a_backfill_status_leaves_a_waiting_recovery_to_go_out(
    api: Api, way: str, history: str, status: str
) -> None:
    now = utcnow()
    await ways.WAITING[history](api, now)
    since = await ways.last_event_id(api)

    answer = await ways.patch_cart(api, status, way, backfill=True)

    assert answer == [(ways.RECOVERY, "not_due_yet")]
    assert await ways.stored_cart(api) == ("abandoned", now - ways.LIVE, "49.90")
    assert await ways.cart_events_since(api, since) == []
    assert await ways.due_sweeps(api, now - ways.LIVE + ways.DELAY) == [[], [], ["fired"]]


@pytest.mark.parametrize(("marked", "status"), OTHER_STATUS)
@pytest.mark.parametrize("way", ways.PATCHES)
async def test_a_backfill_status_leaves_the_shops_mark(api: Api, way: str, marked: str, status: str) -> None:
    now = utcnow()
    await ways.abandoned(api, now)
    await ways.patch_cart(api, marked)
    since = await ways.last_event_id(api)

    answer = await ways.patch_cart(api, status, way, backfill=True)

    assert answer == []
    assert await ways.stored_cart(api) == (marked, now - ways.LIVE, "49.90")
    assert await ways.cart_events_since(api, since) == []
    assert await ways.sweep(api, now - ways.LIVE + ways.DELAY) == []  # not resumed by the import
    # The shop's own PATCH resumes it, its recovery due when it was.
    assert await ways.patch_cart(api, "abandoned") == [(ways.RECOVERY, "not_due_yet")]
    assert await ways.due_sweeps(api, now - ways.LIVE + ways.DELAY) == [[], [], ["fired"]]
