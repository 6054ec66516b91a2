"""A backfill write (`Kanal-Backfill: true`, GraphQL `backfill: true`) for a live cart whose
recovery is still to come keeps the cart's live `abandoned_at` (README "Backfill"); carrying
another time and nothing else new, it writes nothing, yet it is no replay: its answer is the
cart's standing, as any update's (`not_due_yet`; a cart the shop marked `active` or `expired`
has none: `[]`), whatever way it comes and whatever came before. Only a replay, the cart's own
time sent again, is `unchanged`. Before, such a write answered `unchanged`, where one that also
carried another total answered `not_due_yet`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest

from app.services.results import utcnow
from tests.api.events import cart_ways as ways
from tests.conftest import Api


def _marked(status: str) -> Callable[[Api, datetime], Awaitable[None]]:
    async def history(api: Api, now: datetime) -> None:
        await ways.abandoned(api, now)
        await ways.patch_cart(api, status)  # resumed by a PATCH abandoned, at the time it has

    return history


# history -> (how the live cart came to wait, the status it has)
WAITING: dict[str, tuple[Callable[[Api, datetime], Awaitable[None]], str]] = {
    **{name: (history, "abandoned") for name, history in ways.WAITING.items()},
    "marked active": (_marked("active"), "active"),
    "marked expired": (_marked("expired"), "expired"),
}
# the imported abandoned_at, by how long ago
IMPORTED = {
    "later": timedelta(minutes=5),
    "earlier, an order placed since in some histories": timedelta(hours=3),
    "the first abandonment's": ways.FIRST,
    "the cart's own (a replay)": ways.LIVE,
}
STANDING = {"abandoned": [(ways.RECOVERY, "not_due_yet")], "active": [], "expired": []}


@pytest.mark.parametrize("imported", IMPORTED)
@pytest.mark.parametrize("history", WAITING)
@pytest.mark.parametrize("way", ways.POSTS)
async def test_a_backfill_write_that_changes_nothing_answers_the_standing(
    api: Api, way: str, history: str, imported: str
) -> None:
    make, status = WAITING[history]
    now = utcnow()
    await make(api, now)
    since = await ways.last_event_id(api)

    answer = await ways.post_cart(api, now - IMPORTED[imported], way, backfill=True)

    replay = IMPORTED[imported] == ways.LIVE
    assert answer == ([(ways.RECOVERY, "unchanged")] if replay else STANDING[status])
    assert await ways.stored_cart(api) == (status, now - ways.LIVE, "49.90")
    assert await ways.cart_events_since(api, since) == []
    fires = ["fired"] if status == "abandoned" else []
    assert await ways.due_sweeps(api, now - ways.LIVE + ways.DELAY) == [[], [], fires]
