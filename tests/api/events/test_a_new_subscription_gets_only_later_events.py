"""README "Outbox lifecycle": a new subscription receives only events that happen after it,
unless it is added with `--since TIME`, which replays the earlier ones. The fan-out gives an
event to the webhooks that existed when it was committed, by commit order whatever its stamp
says (a write stamped before the webhook that committed after it, or clocks apart, was withheld
before: 8 of 8 such cases failed), however long it waited for a worker
(none running yet, or one that already fanned it out to nobody): a backlog never goes to a
subscription added after it. Each kind of event (an order, a shipment, a cart and its recovery,
a test key's order to a `--test-events` subscription) × when it was recorded, on each engine:
`kanal webhooks add` as a user runs it, the real worker, a real receiver on loopback; what the
receiver got and the deliveries rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Executable, select, update

from app.automations.recovery import fire_due_recoveries
from app.automations.worker import Worker
from app.db.tables import deliveries, events, webhooks
from app.services import keys
from app.services.results import utcnow
from tests.api.consent.consent import consent, customer
from tests.api.events.outbox import FAST
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body
from tests.receiver import Receiver


async def _order(api: Api, key: str | None) -> None:
    assert (await api.post("/orders", order_body(), key=key)).status_code == 201


async def _shipment(api: Api, key: str | None) -> None:
    assert (await api.post("/shipments", shipment_body(), key=key)).status_code == 201


async def _cart_falling_due(api: Api, key: str | None) -> None:
    """A cart abandoned long ago, its contact subscribed to marketing; its recovery falls due
    at once (the worker's sweep, run here without its fan-out)."""
    body = cart_body(customer=customer(consent(marketing="subscribed", at="2026-05-01T00:00:00Z")))
    assert (await api.post("/carts", body, key=key)).status_code == 201
    assert (await api.db.write(fire_due_recoveries, utcnow())).fired == 1


@dataclass(frozen=True)
class Kind:
    patterns: list[str]  # the subscription's --events
    record: Callable[[Api, str | None], Awaitable[None]]  # writes that record the events
    types: list[str]  # the events recorded that the subscription matches, in order
    test_key: bool = False  # recorded with a test key, to a --test-events subscription


KINDS: dict[str, Kind] = {
    "an order": Kind(["order.*"], _order, ["order.created"]),
    "a shipment": Kind(["shipment.*"], _shipment, ["shipment.created"]),
    "a cart and its recovery": Kind(["cart.*"], _cart_falling_due, ["cart.abandoned", "cart.recovery_due"]),
    "a test key's order": Kind(["order.*"], _order, ["order.created"], test_key=True),
}


@dataclass(frozen=True)
class When:
    steps: list[str]  # in order: record, add, add --since, pass (of the worker), stamped …, disable, enable
    delivered: bool  # whether the subscription gets the events


WHEN: dict[str, When] = {
    "recorded before the webhook, no worker yet": When(["record", "add", "pass"], False),
    "recorded before the webhook, fanned out to nobody": When(["record", "pass", "add", "pass"], False),
    "recorded after the webhook": When(["add", "record", "pass"], True),
    # a write stamped before the webhook that committed after it, or a server's clock behind the
    # command's: the webhook's, by commit order
    "stamped before the webhook, committed after it": When(["add", "record", "stamped earlier", "pass"], True),
    "stamped after the webhook, committed before it": When(["record", "stamped later", "add", "pass"], False),
    "recorded while the webhook was disabled, enabled since": When(
        ["add", "disable", "record", "pass", "enable", "pass"], True
    ),
    "recorded before, no worker yet, added with --since": When(["record", "add --since", "pass"], True),
    "recorded before, fanned out to nobody, added with --since": When(["record", "pass", "add --since", "pass"], True),
}


async def _pass(api: Api) -> None:
    """Two passes of the real worker: fan-out, recoveries and deliveries."""
    worker = Worker(api.db, FAST)
    try:
        await worker.run_once()
        await worker.run_once()
    finally:
        await worker.aclose()


async def _deliveries(api: Api) -> list[tuple[str, int, str]]:
    """(event type, webhook id, status) of every delivery, in delivery order."""
    statement = (
        select(events.c.type, deliveries.c.webhook_id, deliveries.c.status)
        .join(events, events.c.id == deliveries.c.event_id)
        .order_by(deliveries.c.id)
    )
    return [tuple(row) for row in await api.db.read(lambda conn: conn.execute(statement).all())]


async def _execute(api: Api, statement: Executable) -> None:
    await api.db.write(lambda conn: conn.execute(statement))


async def _hook_id(api: Api) -> int:
    (row,) = await api.rows("webhooks")
    return int(row["id"])


@pytest.mark.parametrize("when", list(WHEN))
@pytest.mark.parametrize("kind", list(KINDS))
async def test_a_subscription_gets_the_events_recorded_after_it_or_replayed_to_it(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, kind: str, when: str
) -> None:
    case, timing = KINDS[kind], WHEN[when]
    key = (await keys.create_key(api.db, store_id=STORE_ID, test=True))[0] if case.test_key else None
    if kind == "a shipment":  # its order first, which the subscription does not take
        await _order(api, key)
    with Receiver() as receiver:
        add = ["webhooks", "add", "--store", str(STORE_ID), "--url", receiver.url, "--events", *case.patterns]
        add += ["--test-events"] if case.test_key else []
        for step in timing.steps:
            if step == "record":
                await case.record(api, key)
            elif step == "add":
                await run_cli(monkeypatch, database_url, add)
            elif step == "add --since":
                await run_cli(monkeypatch, database_url, [*add, "--since", "2d"])
            elif step == "pass":
                await _pass(api)
            elif step in ("stamped earlier", "stamped later"):
                earlier = step == "stamped earlier"
                stamp = (await api.rows("webhooks"))[0]["created_at"] if earlier else utcnow() + timedelta(minutes=5)
                await _execute(api, update(events).values(created_at=stamp - timedelta(seconds=1 if earlier else 0)))
            elif step in ("disable", "enable"):
                hook_id = await _hook_id(api)
                if step == "disable":
                    off = update(webhooks).where(webhooks.c.id == hook_id)
                    await _execute(api, off.values(disabled_at=utcnow(), disabled_reason="Failing since then: 500"))
                else:
                    await run_cli(monkeypatch, database_url, ["webhooks", "enable", str(hook_id)])
            else:
                raise AssertionError(step)
    expected = case.types if timing.delivered else []
    hook_id = await _hook_id(api)
    assert await _deliveries(api) == [(kind_of, hook_id, "delivered") for kind_of in expected]
    got: list[dict[str, Any]] = [item["event"] for item in receiver.received]
    assert [event["type"] for event in got] == expected
    assert all(event["livemode"] is not case.test_key for event in got)
    assert all(row["dispatched_at"] is not None for row in await api.rows("events"))  # every one fanned out


async def test_a_cart_abandoned_before_the_webhook_whose_recovery_falls_due_after_it(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The abandonment was recorded before the subscription, its recovery (recorded when the
    worker finds it due) after: the subscription gets the recovery only."""
    body = cart_body(customer=customer(consent(marketing="subscribed", at="2026-05-01T00:00:00Z")))
    assert (await api.post("/carts", body)).status_code == 201
    with Receiver() as receiver:
        add = ["webhooks", "add", "--store", str(STORE_ID), "--url", receiver.url, "--events", "cart.*"]
        await run_cli(monkeypatch, database_url, add)
        await _pass(api)  # fans out cart.abandoned to nobody, then sweeps: cart.recovery_due
    assert [item["event"]["type"] for item in receiver.received] == ["cart.recovery_due"]
    assert await _deliveries(api) == [("cart.recovery_due", await _hook_id(api), "delivered")]
