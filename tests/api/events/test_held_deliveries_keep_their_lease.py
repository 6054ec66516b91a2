"""SPEC §6, README "Slow or dead endpoints" and "When the database is unavailable": a worker
renews the leases of the deliveries it holds (`Limits.renew_every`), and after an outage takes
over no lapsed lease for a while (`TAKEOVER_AFTER_SECONDS`), so with two workers a delivery goes
out once when it is held longer than its first lease (waiting behind a slow endpoint) and
through a database outage, however long.

Before, a lease was counted from the claim alone: past it, the other worker (or the holder's
own next claim) took the deliveries still in hand and sent them a second time; and after an
outage longer than a lease, the first worker back took the other's."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.automations import worker as worker_module
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.config import Settings
from app.services import webhooks as subscriptions
from tests.api.events.outbox import FAST
from tests.api.events.test_deliveries_in_flight import place_orders
from tests.conftest import STORE_ID, Api
from tests.outages import connections_refused, settings_waiting_briefly, sqlite_locked, until
from tests.receiver import Receiver

ORDERS = 3
LEASE_SECONDS = 4.0  # renewed every second


class ShortLease(Limits):
    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=LEASE_SECONDS)


# one POST out at a time: the other deliveries wait for the connection, in hand
LIMITS = ShortLease(per_webhook=1, timeout_seconds=30)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_waiting_briefly(database_url)


def _outage(api: Api) -> AbstractAsyncContextManager[None]:
    """A SQLite file locked by another process's write; PostgreSQL refusing connections and
    ending those open."""
    return sqlite_locked(api.db) if api.db.dialect == "sqlite" else connections_refused(api.db)


@dataclass(frozen=True)
class Holding:
    """After the holder's first POST went out: how long before an outage (None: none), how
    long the outage lasts, and how long after it the receiver starts answering."""

    before: float
    outage: float | None
    after: float


# Without renewal, each lease runs out at LEASE_SECONDS after the claim, before the receiver
# answers: in the first case while it is held, in the second during the outage.
HOLDINGS = {
    "held one and a half leases behind a slow endpoint": Holding(6.0, None, 0.0),
    "through an outage that outlasts the lease counted from the claim": Holding(2.5, 2.0, 1.0),
    # the lease runs out during the outage: the holder renews it first once the database is back
    "through an outage longer than the lease": Holding(1.0, 6.0, 4.0),
}


@asynccontextmanager
async def _running(worker: Worker) -> AsyncIterator[None]:
    stop = asyncio.Event()
    running = asyncio.ensure_future(worker.run(stop, interval=0.1))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)


@pytest.mark.parametrize("holding", HOLDINGS.values(), ids=list(HOLDINGS))
async def test_a_delivery_held_past_its_first_lease_goes_out_once(
    api: Api, holding: Holding, monkeypatch: pytest.MonkeyPatch
) -> None:
    # through an outage the holder asks again every 2 s, the other worker every 0.1 s: back
    # first, it would take the lapsed leases but for the time it waits
    monkeypatch.setattr(worker_module, "SETTLE_AGAIN_SECONDS", 2.0)
    monkeypatch.setattr(worker_module, "TAKEOVER_AFTER_SECONDS", 3.0)
    release = threading.Event()
    try:
        with Receiver(hold=release) as receiver:
            await subscriptions.add_webhook(api.db, STORE_ID, receiver.url)
            await place_orders(api, count=ORDERS, changes=[])
            async with _running(Worker(api.db, FAST, LIMITS)):
                await until(lambda: receiver.arrived == 1)  # the holder claimed all three
                async with _running(Worker(api.db, FAST, LIMITS)):
                    await asyncio.sleep(holding.before)
                    if holding.outage is not None:
                        async with _outage(api):
                            await asyncio.sleep(holding.outage)
                    await asyncio.sleep(holding.after)
                    arrived = receiver.arrived
                    release.set()
                    await until(lambda: len(receiver.received) >= ORDERS)

                    async def settled() -> bool:
                        rows = await api.rows("deliveries")
                        return all(row["status"] == "delivered" for row in rows)

                    for _ in range(100):
                        if await settled():
                            break
                        await asyncio.sleep(0.1)
                    await asyncio.sleep(0.5)  # time for a second POST of any of them to arrive
    finally:
        release.set()
    assert arrived == 1  # no other POST started while the first was held
    sent = Counter(item["event"]["id"] for item in receiver.received)
    assert sorted(sent.values()) == [1] * ORDERS, sent
    rows = await api.rows("deliveries")
    assert [(row["status"], row["attempts"], row["locked_until"]) for row in rows] == [("delivered", 1, None)] * ORDERS
