"""SPEC §6 with many deliveries in flight per worker (README, Webhooks): each subject's events
reach a receiver in the order they happened, with retries and with two workers at once; a slow
or dead endpoint does not hold back the others. Real loopback receivers throughout."""

import asyncio
import socket
import threading
import time

import pytest
from sqlalchemy import select

from app.automations.delivery import Backoff
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.tables import deliveries, events, webhooks
from app.services import stores
from app.services import webhooks as subscriptions
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, cart_body, order_body
from tests.receiver import Receiver

ORDERS = 12
CHANGES = [{"financial_status": "paid"}, {"fulfillment_status": "fulfilled"}, {"financial_status": "refunded"}]
NARROW = Limits(in_flight=64, per_webhook=4, timeout_seconds=10)  # several rounds per pass, one endpoint


async def place_orders(api, count: int = ORDERS, changes: list[dict] = CHANGES) -> None:
    for index in range(count):
        body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
        assert (await api.post("/orders", body)).status_code == 201
        for change in changes:
            assert (await api.patch(f"/orders/O-{index}", change)).status_code == 200


async def events_by_subject(api) -> dict[int, list[str]]:
    rows = await api.db.read(
        lambda conn: conn.execute(select(events.c.subject_id, events.c.event_id).order_by(events.c.id)).all()
    )
    ordered: dict[int, list[str]] = {}
    for subject_id, event_id in rows:
        ordered.setdefault(subject_id, []).append(event_id)
    return ordered


def received_by_subject(receiver: Receiver) -> dict[int, list[str]]:
    ordered: dict[int, list[str]] = {}
    for item in receiver.received:
        ordered.setdefault(item["event"]["data"]["subject"]["id"], []).append(item["event"]["id"])
    return ordered


async def until_settled(*workers: Worker, passes: int = 30) -> None:
    """Passes of every worker at once until none has anything left to do."""
    for _ in range(passes):
        tallies = await asyncio.gather(*(worker.run_once() for worker in workers))
        if not any(tally.delivered or tally.failed or tally.dispatched for tally in tallies):
            return
    raise AssertionError("deliveries still going after every pass")


async def test_each_subjects_events_arrive_in_order_with_many_in_flight(api):
    with Receiver() as receiver:
        await subscriptions.add_webhook(api.db, STORE_ID, receiver.url)
        await place_orders(api)
        worker = Worker(api.db, FAST, NARROW)
        await until_settled(worker)
        await worker.aclose()
    assert received_by_subject(receiver) == await events_by_subject(api)
    assert len(receiver.received) == ORDERS * (1 + len(CHANGES))


async def test_two_workers_with_failures_keep_each_subjects_order_and_deliver_once(api):
    with Receiver(failures=7) as receiver:  # the first seven POSTs fail, then are retried
        await subscriptions.add_webhook(api.db, STORE_ID, receiver.url)
        await place_orders(api)
        first, second = Worker(api.db, FAST, NARROW), Worker(api.db, FAST, NARROW)
        await until_settled(first, second)
        await first.aclose()
        await second.aclose()
    assert received_by_subject(receiver) == await events_by_subject(api)
    ids = [item["event"]["id"] for item in receiver.received]
    assert len(ids) == len(set(ids)) == ORDERS * (1 + len(CHANGES))
    rows = await api.rows("deliveries")
    assert {row["status"] for row in rows} == {"delivered"}
    assert sum(row["attempts"] for row in rows) == len(rows) + 7


async def test_a_slow_endpoint_does_not_hold_back_a_fast_one(api):
    release = threading.Event()
    try:
        with Receiver(hold=release) as slow, Receiver() as fast:
            slow_hook = await subscriptions.add_webhook(api.db, STORE_ID, slow.url, ["order.created"])
            await subscriptions.add_webhook(api.db, STORE_ID, fast.url, ["order.created"])
            await place_orders(api, count=40, changes=[])
            worker = Worker(api.db, FAST, Limits(in_flight=64, per_webhook=2, timeout_seconds=30))
            passing = asyncio.create_task(worker.run_once())
            for _ in range(600):  # the fast endpoint gets every event while the slow one answers none
                if len(fast.received) == 40 or passing.done():
                    break
                await asyncio.sleep(0.05)
            assert len(fast.received) == 40
            assert slow.received == []
            held = await api.db.read(
                lambda conn: conn.execute(
                    select(deliveries.c.status).where(
                        deliveries.c.webhook_id == slow_hook["id"], deliveries.c.locked_until.is_not(None)
                    )
                ).all()
            )
            assert len(held) == NARROW.in_flight // 4 == 16  # the slow webhook's share: a quarter of 64
            release.set()
            await passing
            await until_settled(worker)
            await worker.aclose()
    finally:
        release.set()
    assert sorted(item["event"]["id"] for item in slow.received) == sorted(
        item["event"]["id"] for item in fast.received
    )
    assert {row["status"] for row in await api.rows("deliveries")} == {"delivered"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_dead_and_a_silent_endpoint_fail_apart_from_a_live_one(api):
    release = threading.Event()
    try:
        with Receiver(hold=release) as silent, Receiver() as live:
            dead = await subscriptions.add_webhook(api.db, STORE_ID, f"http://127.0.0.1:{closed_port()}/hooks")
            quiet = await subscriptions.add_webhook(api.db, STORE_ID, silent.url)
            await subscriptions.add_webhook(api.db, STORE_ID, live.url)
            await place_orders(api, count=3, changes=[])
            later = Backoff(base_seconds=60, max_attempts=3)  # each failure retried after this pass
            worker = Worker(api.db, later, Limits(in_flight=64, per_webhook=4, timeout_seconds=2.0))
            tally = await worker.run_once()
            await worker.aclose()
    finally:
        release.set()
    assert len(live.received) == 3
    assert tally.delivered == 3 and tally.failed == 6
    rows = await api.db.read(
        lambda conn: conn.execute(
            select(webhooks.c.id, deliveries.c.status, deliveries.c.attempts, deliveries.c.last_error).join(
                webhooks, webhooks.c.id == deliveries.c.webhook_id
            )
        ).all()
    )
    by_hook: dict[int, set] = {}
    for hook_id, status, attempts, error in rows:
        by_hook.setdefault(hook_id, set()).add((status, attempts, (error or "").split(":")[0]))
    assert by_hook[dead["id"]] == {("pending", 1, "ClientConnectorError")}
    assert by_hook[quiet["id"]] == {("pending", 1, "Timeout")}


MID_PASS = {
    # what is written while a slow endpoint holds a POST: the event the live endpoint must get
    "an order placed": (
        order_body(external_id="LATER", customer={"phone": "+33612349999"}),
        "/orders",
        ("order.created", "LATER"),
    ),
    "a cart already due": (
        cart_body(customer={"phone": "+33612349998", "whatsapp_consent": {"marketing": "subscribed"}}),
        "/carts",
        ("cart.recovery_due", "CART-7700"),
    ),
}


@pytest.mark.parametrize(("body", "path", "expected"), MID_PASS.values(), ids=MID_PASS.keys())
async def test_what_happens_while_an_endpoint_hangs_reaches_the_others_within_the_interval(api, body, path, expected):
    """README "Slow or dead endpoints": a receiver that hangs keeps a quarter of a worker, the
    others go on at full speed; a recovery fires within the worker's interval of becoming due.
    A pass waited for a POST to come back before it fanned out new events or fired a recovery:
    up to a whole POST budget (10 s by default) behind a hanging endpoint."""
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    release = threading.Event()
    try:
        with Receiver(hold=release) as slow, Receiver() as live:
            await subscriptions.add_webhook(api.db, STORE_ID, slow.url, ["order.created"])
            await subscriptions.add_webhook(api.db, STORE_ID, live.url)
            worker = Worker(api.db, FAST, Limits(in_flight=64, per_webhook=2, timeout_seconds=30))
            stop = asyncio.Event()
            running = asyncio.create_task(worker.run(stop, interval=0.1))
            await place_orders(api, count=1, changes=[])  # the slow endpoint now holds its POST
            await until_received(live, ("order.created", "O-0"))
            await asyncio.sleep(0.5)  # the pass now waits on the slow POST alone
            assert (await api.post(path, body)).status_code == 201
            took = await until_received(live, expected)
            assert slow.received == []  # still held: the event went out beside it
            assert took < 2, took
            stop.set()
            release.set()
            await running
    finally:
        release.set()


async def until_received(receiver: Receiver, event: tuple[str, str], within: float = 20) -> float:
    """Seconds until `receiver` got `event` (its type, its subject's external id); fails after `within`."""
    started = time.monotonic()
    while event not in [
        (item["event"]["type"], item["event"]["data"]["subject"]["external_id"]) for item in receiver.received
    ]:
        assert time.monotonic() - started < within, (event, receiver.types)
        await asyncio.sleep(0.02)
    return time.monotonic() - started


HELD_FOR = 4.0  # seconds the slow receiver holds its answer: well past the retry's backoff, within the budget
RETRY_DUE = {
    # how the pass with the slow POST out knows of the retry that comes due meanwhile: its
    # interval, the worker's (a due recovery's look goes on as before)
    "scheduled by the pass itself, woken at its time": (False, 60.0),
    "scheduled by another worker, looked for each interval": (True, 0.5),
}


@pytest.mark.parametrize(("earlier", "interval"), RETRY_DUE.values(), ids=RETRY_DUE.keys())
async def test_a_retry_due_while_a_slow_post_is_out_goes_out_beside_it(api, earlier, interval):
    """README "Slow or dead endpoints" (a receiver that hangs keeps at most a quarter of a
    worker, the others go on at full speed) and "Webhooks" (a failure is retried after its
    backoff): a retry of another webhook that comes due while a slow POST is out is delivered
    before that POST comes back. A pass with POSTs out and nothing more to claim claimed again
    only when a POST came back or new events were fanned out: the retry waited for the slow
    receiver (40 s for a 15 s backoff)."""
    release = threading.Event()
    answer = threading.Timer(HELD_FOR, release.set)
    retry_soon = Backoff(base_seconds=1, max_attempts=3)  # the retry is due 0.8-1.2 s after the failure
    limits = Limits(in_flight=64, per_webhook=2, timeout_seconds=10)
    try:
        with Receiver(hold=release) as slow, Receiver(failures=1) as flaky:
            flaky_hook = await subscriptions.add_webhook(api.db, STORE_ID, flaky.url, ["order.created"])
            if earlier:  # this worker's pass never sees the retry scheduled
                await place_order(api, "O-EARLIER")
                other = Worker(api.db, retry_soon, limits)
                assert (await other.run_once()).failed == 1
                await other.aclose()
            slow_hook = await subscriptions.add_webhook(api.db, STORE_ID, slow.url, ["order.created"])
            await place_order(api, "O-NOW")
            worker = Worker(api.db, retry_soon, limits)
            stop = asyncio.Event()
            answer.start()
            running = asyncio.create_task(worker.run(stop, interval=interval))
            rows = await until_delivered(api, 3 if earlier else 2)
            stop.set()
            await running
    finally:
        answer.cancel()
        release.set()
    retried = [row for row in rows if row["webhook_id"] == flaky_hook["id"] and row["attempts"] == 2]
    held = [row for row in rows if row["webhook_id"] == slow_hook["id"]]
    assert len(retried) == len(held) == 1
    assert retried[0]["delivered_at"] < held[0]["delivered_at"]  # went out while the slow POST was out
    assert len(flaky.received) == len(rows) - 1 and len(slow.received) == 1


async def place_order(api, external_id: str) -> None:
    body = order_body(external_id=external_id, customer={"phone": "+33612340001"})
    assert (await api.post("/orders", body)).status_code == 201


async def until_delivered(api, count: int, within: float = 20) -> list[dict]:
    """The deliveries once there are `count`, every one delivered; fails after `within` seconds."""
    started = time.monotonic()
    while True:
        rows = await api.rows("deliveries")
        if len(rows) == count and all(row["status"] == "delivered" for row in rows):
            return rows
        assert time.monotonic() - started < within, rows
        await asyncio.sleep(0.05)
