"""SPEC §6, README "When the database is unavailable": the answers a worker has in hand when the
database stops taking its writes (PostgreSQL refusing connections and ending those open, a
SQLite file locked by another process's write) are kept and recorded once it answers again.
Each delivery goes out once: its receiver gets it once, and its row says delivered.

Before, the write that records the answers failed and the pass ended: the answers were dropped
and the POSTs still out cancelled. Each of those deliveries went out again once its lease lapsed
(about 70 s later), though its receiver had taken it."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

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
WARNED = (
    r"worker: database unavailable: .+; the deliveries in hand go on, their answers kept until it answers "
    r"\([0-3] so far\)"
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_waiting_briefly(database_url)


@dataclass(frozen=True)
class Outage:
    begin: Callable[[Api], AbstractAsyncContextManager[None]]
    engine: str


OUTAGES = {
    "a SQLite file locked by another process's write": Outage(lambda api: sqlite_locked(api.db), "sqlite"),
    "PostgreSQL refusing connections and ending those open": Outage(
        lambda api: connections_refused(api.db), "postgresql"
    ),
}


# when the held POSTs are answered -> the worker's per-webhook cap: one POST at a time leaves two
# waiting for a connection, which the worker looks at again every interval of the outage
ANSWERED = {
    "during the outage": (True, 32),
    "after it, one POST out at a time through it": (False, 1),
}


@pytest.mark.parametrize("answered", ANSWERED.values(), ids=list(ANSWERED))
@pytest.mark.parametrize("outage", OUTAGES.values(), ids=list(OUTAGES))
async def test_answers_in_hand_are_recorded_once_the_database_is_back(
    api: Api,
    engine_name: str,
    outage: Outage,
    answered: tuple[bool, int],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if engine_name != outage.engine:
        pytest.skip(f"an outage of {outage.engine}")
    during, per_webhook = answered
    monkeypatch.setattr(worker_module, "SETTLE_AGAIN_SECONDS", 0.2)
    caplog.set_level(logging.INFO, logger="kanal.worker")
    release = threading.Event()
    try:
        with Receiver(hold=release) as receiver:
            await subscriptions.add_webhook(api.db, STORE_ID, receiver.url)
            await place_orders(api, count=ORDERS, changes=[])
            worker = Worker(api.db, FAST, Limits(per_webhook=per_webhook, timeout_seconds=30))
            passing = asyncio.ensure_future(worker.run_once())
            await until(lambda: receiver.arrived == per_webhook if per_webhook < ORDERS else receiver.arrived == ORDERS)
            async with outage.begin(api):
                if during:
                    release.set()  # each answered 204 while the database takes no write
                await until(lambda: any("kept until it answers" in r.getMessage() for r in caplog.records))
                await asyncio.sleep(2.5)  # writes and looks tried again, and failing, meanwhile
                assert not passing.done()
            release.set()
            tally = await asyncio.wait_for(passing, 60)
            await worker.aclose()
    finally:
        release.set()
    assert tally.delivered == ORDERS and len(receiver.received) == ORDERS
    rows = await api.rows("deliveries")
    assert [(row["status"], row["attempts"], row["locked_until"]) for row in rows] == [("delivered", 1, None)] * ORDERS
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "kanal.worker"]
    assert [level for level, _ in lines] == ["WARNING", "WARNING"], lines
    # as many answers as had come back at that write (the rest came back while it failed)
    assert re.fullmatch(WARNED, lines[0][1]), lines[0][1]
    assert lines[1][1] == "worker: the database answers again; the answers kept are recorded"
