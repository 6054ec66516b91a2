"""README "Webhooks": a webhook removed (`kanal webhooks remove`) or disabled (failing for too
long) gets no POST that had not started when the worker next looked (every interval): the
deliveries a worker holds for it, waiting for its connection, are given back instead of sent;
a removed webhook's are then cancelled, a disabled one's wait for `kanal webhooks enable`. A
POST already out finishes and is recorded."""

import asyncio
import threading

import pytest
from sqlalchemy import select, update

from app.automations import health
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.tables import deliveries, webhooks
from app.services import webhooks as subscriptions
from app.services.results import utcnow
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver

ORDERS = 5
ONE_AT_A_TIME = Limits(in_flight=64, per_webhook=1, timeout_seconds=30)  # the others wait in the worker


async def _until(predicate, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


async def _statuses(api) -> list[tuple[str, bool]]:
    """Each delivery's status and whether a worker holds it, in id order."""
    rows = await api.db.read(
        lambda conn: conn.execute(
            select(deliveries.c.status, deliveries.c.locked_until).order_by(deliveries.c.id)
        ).all()
    )
    return [(status, locked is not None) for status, locked in rows]


def _disable(conn, webhook_id: int) -> None:
    """As the health rule disables a webhook failing for too long (app.automations.health)."""
    conn.execute(
        update(webhooks).where(webhooks.c.id == webhook_id).values(disabled_at=utcnow(), disabled_reason="Failing")
    )


@pytest.mark.parametrize("how", ["removed", "disabled"])
async def test_a_webhook_stopped_while_its_deliveries_wait_gets_none_of_them(api, how):
    held = threading.Event()
    with Receiver(hold=held) as receiver:
        webhook = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        webhook_id = webhook["id"]
        for index in range(ORDERS):
            body = order_body(external_id=f"W-{index}", customer={"phone": f"+3361234{index:04d}"})
            assert (await api.post("/orders", body)).status_code == 201
        worker = Worker(api.db, FAST, ONE_AT_A_TIME)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop, interval=0.1))
        try:
            await _until(lambda: asyncio.sleep(0, receiver.arrived == 1))  # the first POST is out, held
            assert [locked for _status, locked in await _statuses(api)] == [True] * ORDERS  # all in hand
            if how == "removed":
                await subscriptions.remove_webhook(api.db, webhook_id)
            else:
                await api.db.write(_disable, webhook_id)
            # The worker looks within its interval and gives back the four it has not sent.
            await _until(lambda: _given_back(api, ORDERS - 1))
            held.set()  # the POST that was out is answered, and recorded
            settled = "cancelled" if how == "removed" else "pending"
            expected = [("delivered", False)] + [(settled, False)] * (ORDERS - 1)
            await _until(lambda: _statuses_are(api, expected))
            await asyncio.sleep(0.5)  # five more looks of the worker: nothing else goes out
            assert receiver.arrived == 1
            assert await _statuses(api) == expected
            if how == "disabled":  # enabled again, the four go out
                await api.db.write(health.enable, webhook_id, utcnow())
                await _until(lambda: _statuses_are(api, [("delivered", False)] * ORDERS))
                assert receiver.arrived == ORDERS
                assert len(receiver.received) == ORDERS
        finally:
            held.set()
            stop.set()
            await asyncio.wait_for(running, 30)


async def _given_back(api, count: int) -> bool:
    return sum(not locked for _status, locked in await _statuses(api)) == count


async def _statuses_are(api, expected: list[tuple[str, bool]]) -> bool:
    return await _statuses(api) == expected
