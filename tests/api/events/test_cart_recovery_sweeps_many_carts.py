"""SPEC §6: the recovery sweep settles many due carts at once, each as if it were alone: a
subscribed contact's fires, another's is recorded with its reason (no_consent, erased), one
bought since is recovered by that order, and a settled, backfilled or not yet due cart is left
alone. A sweep takes at most `recovery.BATCH` carts of a store, the earliest abandoned first;
the next sweep takes the rest, and the worker runs it at once, whether the sweep before fired
any recovery or only recorded reasons."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from app.automations import recovery
from app.automations.recovery import Swept, fire_due_recoveries
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.db.tables import orders
from app.services import stores, webhooks
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, Api, cart_body, order_body
from tests.receiver import Receiver

START = datetime(2026, 5, 1, tzinfo=UTC)
# What each kind of cart becomes once swept: the cart's status, then the (type, reason) of each
# event the sweep recorded about it.
KINDS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "subscribed": ("abandoned", [("cart.recovery_due", "fired")]),
    "not subscribed": ("abandoned", [("cart.recovery_due", "no_consent")]),
    "erased": ("abandoned", [("cart.recovery_due", "erased")]),
    "bought since": ("recovered", [("cart.recovered", "recovered_by_order")]),
    "completed": ("completed", []),
    "backfill": ("abandoned", []),
    "not due yet": ("abandoned", []),
}
DUE = ("subscribed", "not subscribed", "erased", "bought since")


def _phone(i: int) -> str:
    return f"+3361200{i:04d}"


def _abandoned(i: int, kind: str) -> str:
    # not due yet: abandoned now, due an hour later (the store's delay), after every sweep here
    at = START + timedelta(minutes=i) if kind != "not due yet" else datetime.now(UTC)
    return at.isoformat().replace("+00:00", "Z")


def _cart(i: int, kind: str) -> dict[str, Any]:
    customer: dict[str, Any] = {"phone": _phone(i), "external_id": f"CUST-{i}"}
    if kind == "subscribed":
        customer["whatsapp_consent"] = {"marketing": "subscribed"}
    return cart_body(external_id=f"CART-{i}", abandoned_at=_abandoned(i, kind), customer=customer)


async def _post_batch(api: Api, items: list[dict[str, Any]], **headers: str) -> None:
    response = await api.client.post(
        f"/api/v1/stores/{STORE_ID}/carts/batch", json={"items": items}, headers={**api.auth(), **headers}
    )
    assert response.status_code == 200, response.text
    assert [item["status"] for item in response.json()["results"]] == [201] * len(items)


async def _shop(api: Api, per_kind: int) -> dict[str, str]:
    """`per_kind` carts of each kind, kinds interleaved by abandoned_at; {external_id: kind}."""
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    kinds = {i: kind for i, kind in enumerate(kind for _ in range(per_kind) for kind in KINDS)}
    await _post_batch(api, [_cart(i, kind) for i, kind in kinds.items() if kind != "backfill"])
    await _post_batch(
        api, [_cart(i, kind) for i, kind in kinds.items() if kind == "backfill"], **{"Kanal-Backfill": "true"}
    )
    for i, kind in kinds.items():
        if kind == "erased":
            assert (await api.delete(f"/customers/CUST-{i}")).status_code == 204
        elif kind == "completed":
            assert (await api.patch(f"/carts/CART-{i}", {"status": "completed"})).status_code == 200
        elif kind == "bought since":
            # Placed before the cart was abandoned as first sent, later than that once corrected.
            placed = START - timedelta(days=1)
            order = order_body(external_id=f"ORDER-{i}", placed_at=placed.isoformat(), customer={"phone": _phone(i)})
            assert (await api.post("/orders", order)).status_code == 201
            await api.db.write(
                lambda conn, i=i: conn.execute(
                    update(orders)
                    .where(orders.c.external_id == f"ORDER-{i}")
                    .values(placed_at=START + timedelta(days=300))
                )
            )
    return {f"CART-{i}": kind for i, kind in kinds.items()}


async def _swept(api: Api) -> dict[str, list[tuple[str, str]]]:
    """The sweep's events so far, by cart."""
    found: dict[str, list[tuple[str, str]]] = {}
    for row in await api.rows("events"):
        if row["type"] in ("cart.recovery_due", "cart.recovered") and row["subject_type"] == "cart":
            if row["type"] == "cart.recovered" and row["reason"] != "recovered_by_order":
                continue
            found.setdefault(row["data"]["subject"]["external_id"], []).append((row["type"], row["reason"]))
    return found


async def test_a_sweep_settles_each_cart_as_if_alone(api: Api) -> None:
    per_kind = 20  # 80 due carts: one sweep
    kinds = await _shop(api, per_kind)
    now = datetime.now(UTC)
    assert await api.db.write(fire_due_recoveries, now) == Swept(settled=len(DUE) * per_kind, fired=per_kind)
    assert await api.db.write(fire_due_recoveries, now) == Swept(0, 0)
    swept = await _swept(api)
    statuses = {cart["external_id"]: cart["status"] for cart in await api.rows("carts")}
    assert {cart: (statuses[cart], swept.get(cart, [])) for cart in kinds} == {
        cart: KINDS[kind] for cart, kind in kinds.items()
    }


async def test_a_sweep_takes_the_earliest_due_carts_and_the_next_the_rest(api: Api) -> None:
    per_kind = recovery.BATCH // len(DUE) + 5  # past one sweep's carts
    kinds = await _shop(api, per_kind)
    due = sorted((int(cart.removeprefix("CART-")) for cart, kind in kinds.items() if kind in DUE))
    now = datetime.now(UTC)
    await api.db.write(fire_due_recoveries, now)
    assert sorted(int(cart.removeprefix("CART-")) for cart in await _swept(api)) == due[: recovery.BATCH]
    await api.db.write(fire_due_recoveries, now)
    assert sorted(int(cart.removeprefix("CART-")) for cart in await _swept(api)) == due
    assert await api.db.write(fire_due_recoveries, now) == Swept(0, 0)


@pytest.mark.parametrize("in_flight", [False, True], ids=["between-passes", "while-a-delivery-is-out"])
async def test_the_worker_sweeps_a_backlog_without_waiting_between_sweeps(api: Api, in_flight: bool) -> None:
    """Two sweeps' worth of carts no recovery may reach (no consent), then a subscribed one: the
    worker fires it at once, not an interval per sweep later; so too while a slow endpoint holds
    a delivery (the pass then looks for due carts between POSTs)."""
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    carts = [_cart(i, "not subscribed") for i in range(recovery.BATCH + recovery.BATCH // 2)]
    await _post_batch(api, [*carts, _cart(len(carts), "subscribed")])
    hold = threading.Event()
    with Receiver(hold=hold) as receiver:
        if in_flight:  # an order's webhook the receiver holds, out for the whole test
            await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
            assert (await api.post("/orders", order_body())).status_code == 201
        stop = asyncio.Event()
        # The held POST is out for its whole budget (60 s), past the wait below: no pass ends
        # meanwhile, and an interval between sweeps would be an hour.
        worker = asyncio.create_task(Worker(api.db, FAST, Limits(timeout_seconds=60)).run(stop, interval=3600))
        try:
            async with asyncio.timeout(30):
                while len(await _swept(api)) < len(carts) + 1:
                    await asyncio.sleep(0.05)
            assert receiver.received == []  # the order's delivery is still out
        finally:
            stop.set()
            hold.set()
            await worker
    assert (await _swept(api))[f"CART-{len(carts)}"] == [("cart.recovery_due", "fired")]
