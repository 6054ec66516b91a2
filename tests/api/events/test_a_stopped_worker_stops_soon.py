"""README "The worker": a stop (SIGTERM, Ctrl-C) ends `kanal worker` within about one POST's time
budget however many deliveries are due and however slow an endpoint is: the pass in progress
claims nothing more, records what comes back meanwhile, and gives the deliveries still out
back at once (claimable by the next worker, not leased until their lease lapses). Nothing is
lost: each delivery is delivered or pending."""

import asyncio
import threading
import time

from sqlalchemy import select

from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.tables import deliveries
from app.services import webhooks
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver

BUDGET = 2.0  # seconds a POST may take
LIMITS = Limits(in_flight=256, per_webhook=2, timeout_seconds=BUDGET)


async def test_a_stop_mid_pass_ends_it_within_a_post_budget_and_loses_nothing(api):
    held = threading.Event()  # the slow endpoint answers only at the end
    with Receiver() as fast, Receiver(hold=held) as slow:
        await webhooks.add_webhook(api.db, STORE_ID, fast.url, ["order.created"])
        await webhooks.add_webhook(api.db, STORE_ID, slow.url, ["order.created"])
        for index in range(40):
            body = order_body(external_id=f"S-{index}", customer={"phone": f"+3361234{index:04d}"})
            assert (await api.post("/orders", body)).status_code == 201
        worker = Worker(api.db, FAST, LIMITS)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop, interval=0.1))
        while len(fast.received) < 10:  # the pass is under way, the slow endpoint holding 2 POSTs
            await asyncio.sleep(0.05)
        stop.set()
        asked = time.monotonic()
        await asyncio.wait_for(running, 30)
        took = time.monotonic() - asked
        held.set()
    # Without the stop rule the pass went on: 40 deliveries to the slow endpoint, 2 at a time,
    # each waiting its 2 s budget: about 40 s.
    assert took < BUDGET + 3, took
    rows = await api.db.read(lambda conn: conn.execute(select(deliveries.c.status, deliveries.c.locked_until)).all())
    assert len(rows) == 80
    assert {status for status, _ in rows} <= {"delivered", "pending"}
    assert [locked for status, locked in rows if status == "pending"] == [None] * sum(
        status == "pending" for status, _ in rows
    )
    assert sum(status == "pending" for status, _ in rows) >= 30  # the slow endpoint's, given back
