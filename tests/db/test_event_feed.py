"""The live event feed (README, "Live updates"): each subscriber gets its store's events committed
after it subscribed, in outbox order, filtered by type; one that falls behind its bound ends."""

from __future__ import annotations

import asyncio

import pytest

from app.read.feed import EventFeed, SubscriberTooSlow
from app.services import stores
from tests.conftest import Api, order_body


async def _orders(api: Api, *external_ids: str) -> None:
    for external_id in external_ids:
        assert (await api.post("/orders", order_body(external_id=external_id))).status_code == 201


async def test_events_after_the_subscription_in_order_of_their_store(api: Api) -> None:
    await _orders(api, "BEFORE")
    await stores.create_store(api.db, 124, "Other", "FR")
    feed = EventFeed(api.db, interval=0.05)
    try:
        async with feed.subscription(123) as mine, feed.subscription(123, ["order.financial_status_*"]) as paid:
            await _orders(api, "O-1", "O-2")
            assert (await api.patch("/orders/O-1", {"financial_status": "paid"})).status_code == 200
            got = [await mine.next(2.0) for _ in range(3)]
            assert [(event.type, event.data["subject"]["external_id"]) for event in got if event] == [
                ("order.created", "O-1"),
                ("order.created", "O-2"),
                ("order.financial_status_changed", "O-1"),
            ]
            only = await paid.next(2.0)
            assert only is not None and only.type == "order.financial_status_changed"
            assert await mine.next(0.3) is None and await paid.next(0.3) is None
    finally:
        await feed.aclose()


async def test_a_subscriber_that_falls_behind_its_bound_ends(api: Api) -> None:
    feed = EventFeed(api.db, interval=0.05, queue=3)
    try:
        async with feed.subscription(123) as subscription:
            await _orders(api, "O-1", "O-2", "O-3", "O-4")
            await asyncio.sleep(0.5)  # a slow reader: the feed offers all four meanwhile
            with pytest.raises(SubscriberTooSlow, match="more than 3 events behind"):
                for _ in range(5):
                    await subscription.next(2.0)
    finally:
        await feed.aclose()
