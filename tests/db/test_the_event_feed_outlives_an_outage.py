"""README "Live updates", "When the database is unavailable": the tailer of the live event feed
outlives a database that cannot serve for a while. Its subscribers then get every event
committed meanwhile and after, once each, in order, and the log has one warning for the
failing streak and one line when it ends. A subscription whose tailer cannot begin is refused
with DatabaseUnavailable, not left waiting.

Before, the first failed read ended the tailer: its subscribers heard nothing more, their key
checks passing all the while. A subscription that had to start the tailer while the database
was down waited for ever."""

from __future__ import annotations

import asyncio
import logging

import pytest

from app.db.unavailable import DatabaseUnavailable
from app.read.feed import EventFeed, Subscription
from tests.conftest import Api, order_body
from tests.outages import Outage, outages

WARNING = "event feed: database unavailable: "
AGAIN = "event feed: the outbox reads again; subscribers get the events committed meanwhile"


OUTAGES = outages(["events"])


async def _orders(api: Api, *external_ids: str) -> None:
    for external_id in external_ids:
        assert (await api.post("/orders", order_body(external_id=external_id))).status_code == 201


async def _heard(subscription: Subscription, count: int) -> list[str]:
    heard = []
    for _ in range(count):
        event = await subscription.next(10.0)
        assert event is not None, f"heard {heard} only"
        heard.append(event.data["subject"]["external_id"])
    return heard


async def _logged(caplog: pytest.LogCaptureFixture, start: str) -> None:
    for _ in range(200):
        if any(record.getMessage().startswith(start) for record in caplog.records):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no line starting {start!r} in {[r.getMessage() for r in caplog.records]}")


def _feed_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """The feed's log lines, each warning cut after WARNING (its cause follows)."""
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.getMessage().startswith("event feed")]
    return [(level, line[: len(WARNING)] if line.startswith(WARNING) else line) for level, line in lines]


@pytest.mark.parametrize("outage", OUTAGES.values(), ids=list(OUTAGES))
async def test_subscribers_hear_what_was_committed_across_an_outage(
    api: Api, engine_name: str, outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    if engine_name not in outage.engines:
        pytest.skip(f"an outage of {', '.join(outage.engines)}")
    caplog.set_level(logging.INFO, logger="kanal")
    feed = EventFeed(api.db, interval=0.2)
    try:
        async with feed.subscription(123) as mine:
            await _orders(api, "BEFORE")
            assert await _heard(mine, 1) == ["BEFORE"]
            await _orders(api, "MEANWHILE")  # committed as the outage begins: read once it ends
            async with outage.begin(api.db):
                await _logged(caplog, WARNING)
                await asyncio.sleep(1.0)  # more failed reads: still one line
            await _orders(api, "AFTER")
            assert await _heard(mine, 2) == ["MEANWHILE", "AFTER"]
            assert await mine.next(0.5) is None
    finally:
        await feed.aclose()
    assert _feed_lines(caplog) == [("WARNING", WARNING), ("WARNING", AGAIN)]


@pytest.mark.parametrize("outage", OUTAGES.values(), ids=list(OUTAGES))
async def test_a_subscription_whose_tailer_cannot_begin_is_refused(api: Api, engine_name: str, outage: Outage) -> None:
    if engine_name not in outage.engines:
        pytest.skip(f"an outage of {', '.join(outage.engines)}")
    feed = EventFeed(api.db, interval=0.2)
    start = await feed.start()  # as a socket's acknowledgement takes it
    try:
        async with outage.begin(api.db):
            with pytest.raises(DatabaseUnavailable):
                async with asyncio.timeout(30):
                    async with feed.subscription(123, since=start):
                        raise AssertionError("subscribed while the database could not serve")
        await _orders(api, "AFTER")  # then a subscription from that start hears what came since
        async with feed.subscription(123, since=start) as mine:
            assert await _heard(mine, 1) == ["AFTER"]
    finally:
        await feed.aclose()
