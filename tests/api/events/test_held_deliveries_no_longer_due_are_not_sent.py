"""README "Webhooks", **Called off**: a delivery a worker holds, waiting for a connection to its
endpoint, is not sent when, by the worker's next look (every interval), it may no longer go out
as claimed: its webhook removed or disabled, its contact erased (the body it holds carries the
erased phone), its message's consent withdrawn, its test space reset. The worker gives it back
and the next claim settles it as it would have: cancelled (or gone), or, for a disabled
webhook, pending until `kanal webhooks enable`. A POST already out finishes and is recorded.
`kanal_webhook_deliveries_total` counts each cancelled one once, `cancelled` (README "Metrics
and the request log")."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from app.automations import delivery, health
from app.automations import worker as worker_module
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.read_budget import ReadTimedOut
from app.db.tables import deliveries
from app.services import keys, test_space
from app.services import webhooks as subscriptions
from app.services.results import utcnow
from tests.api.consent.consent import customer
from tests.api.events.outbox import FAST, counted, disable, erase, opt_out, outcomes, remove, since, until
from tests.conftest import STORE_ID, Api, order_body, shipment_body
from tests.receiver import Receiver

SHIPMENTS = 5  # five subjects: claimed together, POSTed one at a time
ONE_AT_A_TIME = Limits(in_flight=64, per_webhook=1, timeout_seconds=30)  # the others wait in the worker


async def _reset(api: Api, _webhook_id: int) -> None:
    await test_space.reset_test_data(api.db, STORE_ID)


# how → (what happens while four deliveries wait, what becomes of them, written with a test key)
WAYS: dict[str, tuple[Callable[[Api, int], Awaitable[None]], str | None, bool]] = {
    "webhook removed": (remove, "cancelled", False),
    "webhook disabled": (disable, "pending", False),
    "contact erased": (erase, "cancelled", False),
    "consent withdrawn": (opt_out, "cancelled", False),
    "test space reset": (_reset, None, True),  # None: the rows are gone
}


async def _statuses(api: Api) -> list[tuple[str, bool]]:
    """Each delivery's status and whether a worker holds it, in id order."""
    rows = await api.db.read(
        lambda conn: conn.execute(
            select(deliveries.c.status, deliveries.c.locked_until).order_by(deliveries.c.id)
        ).all()
    )
    return [(status, locked is not None) for status, locked in rows]


async def _ship(api: Api, key: str | None) -> None:
    """Five orders of CUST-42 (never asked for consent: shipping notifications go out), each shipped."""
    for index in range(SHIPMENTS):
        order = order_body(external_id=f"O-{index}", customer=customer(None))
        assert (await api.post("/orders", order, key=key)).status_code == 201
        shipment = shipment_body(external_id=f"S-{index}", order_external_id=f"O-{index}")
        assert (await api.post("/shipments", shipment, key=key)).status_code == 201


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """What each look of the worker at the deliveries it holds called off, in order."""
    seen: list[set[int]] = []

    def called_off(conn, held):
        seen.append(off := delivery.called_off(conn, held))
        return off

    monkeypatch.setattr(worker_module, "called_off", called_off)
    return seen


@pytest.mark.parametrize("how", list(WAYS))
async def test_a_held_delivery_no_longer_due_is_not_sent(api: Api, how: str, looks: list[set[int]]) -> None:
    happen, settled, test_mode = WAYS[how]
    key = (await keys.create_key(api.db, store_id=STORE_ID, test=True))[0] if test_mode else None
    before = counted()
    held = threading.Event()
    with Receiver(hold=held) as receiver:
        webhook = await subscriptions.add_webhook(
            api.db, STORE_ID, receiver.url, ["shipment.created"], test_events=test_mode
        )
        await _ship(api, key)
        worker = Worker(api.db, FAST, ONE_AT_A_TIME)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop, interval=0.1))
        try:

            async def first_out() -> bool:
                return receiver.arrived == 1

            await until(first_out)  # the first POST is out, held by the receiver
            assert await _statuses(api) == [("pending", True)] * SHIPMENTS  # all five in hand
            await happen(api, webhook["id"])

            async def called_off_four() -> bool:  # the worker looked: the four it had not sent
                return any(len(off) == SHIPMENTS - 1 for off in looks)

            await until(called_off_four)
            held.set()  # the POST that was out is answered, and recorded
            first = [] if settled is None else [("delivered", False)]
            expected = first + ([] if settled is None else [(settled, False)] * (SHIPMENTS - 1))

            async def settled_as_expected() -> bool:
                return await _statuses(api) == expected

            await until(settled_as_expected)
            await asyncio.sleep(0.5)  # five more looks of the worker: nothing else goes out
            assert receiver.arrived == 1
            assert await _statuses(api) == expected
            if how == "webhook disabled":  # enabled again, the four go out

                async def all_delivered() -> bool:
                    return await _statuses(api) == [("delivered", False)] * SHIPMENTS

                await api.db.write(health.enable, webhook["id"], utcnow())
                await until(all_delivered)
                assert receiver.arrived == len(receiver.received) == SHIPMENTS
        finally:
            held.set()
            stop.set()
            await asyncio.wait_for(running, 30)
    cancelled = SHIPMENTS - 1 if settled == "cancelled" else 0
    # the POST that was out went through (its row gone with a reset: it was delivered all the same)
    delivered = SHIPMENTS if how == "webhook disabled" else 1
    assert since(before) == outcomes(delivered=delivered, cancelled=cancelled)


async def test_a_stopping_worker_starts_no_post(api: Api) -> None:
    """A stop lets the POST already out finish (up to its budget) and starts none of those
    waiting for a connection: they are given back at once, not started only to be cut off at
    the end of the stop and sent again by the next worker (twice). The next worker sends each once."""
    held = threading.Event()
    with Receiver(hold=held) as receiver:
        await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["shipment.created"])
        await _ship(api, None)
        worker = Worker(api.db, FAST, ONE_AT_A_TIME)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop, interval=0.1))
        try:

            async def first_out() -> bool:
                return receiver.arrived == 1

            await until(first_out)
            stop.set()  # the POST out may take its 30 s budget; the four waiting behind it are given back

            async def given_back() -> bool:
                return await _statuses(api) == [("pending", True)] + [("pending", False)] * (SHIPMENTS - 1)

            await until(given_back)
            await asyncio.sleep(0.3)
            assert receiver.arrived == 1
            held.set()
            await asyncio.wait_for(running, 30)
            assert await _statuses(api) == [("delivered", False)] + [("pending", False)] * (SHIPMENTS - 1)
            await Worker(api.db, FAST).run_once()
        finally:
            held.set()
            stop.set()
    assert await _statuses(api) == [("delivered", False)] * SHIPMENTS
    assert receiver.arrived == len(receiver.received) == SHIPMENTS
    assert len({item["event"]["id"] for item in receiver.received}) == SHIPMENTS  # each once


async def test_a_check_that_fails_leaves_the_pass_going(api: Api, monkeypatch, caplog) -> None:
    """The look at what the worker holds is a read under the read budget; one that fails (a
    lock held past the budget) is skipped, not the pass: every delivery goes out once."""
    failures = []

    def called_off(conn, held):
        failures.append(held)
        raise ReadTimedOut(5.0)

    monkeypatch.setattr(worker_module, "called_off", called_off)
    held = threading.Event()
    with Receiver(hold=held) as receiver:
        await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["shipment.created"])
        await _ship(api, None)
        worker = Worker(api.db, FAST, ONE_AT_A_TIME)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop, interval=0.05))

        async def a_check_failed() -> bool:
            return bool(failures)

        async def all_delivered() -> bool:
            return await _statuses(api) == [("delivered", False)] * SHIPMENTS

        try:
            await until(a_check_failed)  # while the first POST is held, the four waiting
            held.set()
            await until(all_delivered)
        finally:
            held.set()
            stop.set()
            await asyncio.wait_for(running, 30)
    assert receiver.arrived == len(receiver.received) == SHIPMENTS
    assert len({item["event"]["id"] for item in receiver.received}) == SHIPMENTS  # each once
    assert "worker pass failed" not in caplog.text
