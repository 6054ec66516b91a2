"""A claim reads no more due deliveries than its quotas can take (`delivery._looked_at`): the
webhooks the worker holds at their quotas, and one webhook more at the default quota. Each row
a claim reads is locked until its transaction ends (FOR UPDATE on PostgreSQL) whether leased or
not: a worker whose one webhook had 30 deliveries back read its whole room (about a thousand)
to lease 30, and those row locks were most of PostgreSQL's CPU per delivery. Leases are as
before: in id order, each webhook up to its quota, a full webhook skipped."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from app.automations.delivery import claim
from app.automations.dispatch import dispatch_events
from app.db.tables import deliveries
from app.services import webhooks
from app.services.results import utcnow
from tests.conftest import STORE_ID, order_body

ORDERS = 12  # each order's order.created: one due delivery per webhook, none blocked


@dataclass(frozen=True)
class Case:
    hooks: int  # webhooks subscribed, all to every event: deliveries go A1, B1, A2, B2, …
    quotas: tuple[int | None, ...]  # per webhook: its quota (held by the worker), None: not held
    default_quota: int
    limit: int  # the worker's room
    leased: tuple[tuple[int, int], ...]  # (webhook index, its n-th delivery, from 0) leased
    looked_at: int  # the deliveries read (and so locked) in id order


CASES = {
    # one webhook, 3 of its deliveries back: 3 for it and a default quota more read, not 12
    "a returned quota": Case(1, (3,), 5, 100, ((0, 0), (0, 1), (0, 2)), 8),
    "nothing held yet": Case(1, (None,), 5, 100, tuple((0, n) for n in range(5)), 5),
    "a full webhook is skipped": Case(1, (0,), 5, 100, (), 0),
    "the room is less": Case(1, (50,), 64, 4, tuple((0, n) for n in range(4)), 4),
    "the room is more than all": Case(1, (50,), 64, 100, tuple((0, n) for n in range(ORDERS)), ORDERS),
    # A held at 2, B not held (default 3): A1 B1 A2 B2 A3 read, A3 past A's quota
    "two webhooks": Case(2, (2, None), 3, 100, ((0, 0), (1, 0), (0, 1), (1, 1)), 5),
    "two webhooks, one full": Case(2, (0, None), 3, 100, ((1, 0), (1, 1), (1, 2)), 3),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_a_claim_reads_what_its_quotas_take_and_leases_as_before(api, case):
    hooks = [
        (await webhooks.add_webhook(api.db, STORE_ID, f"http://127.0.0.1:9/h{n}"))["id"] for n in range(case.hooks)
    ]
    for index in range(ORDERS):
        body = order_body(external_id=f"Q-{index}", customer={"phone": f"+3361234{index:04d}"})
        assert (await api.post("/orders", body)).status_code == 201
    assert await api.db.write(dispatch_events, utcnow()) == ORDERS * case.hooks
    rows = await api.db.read(
        lambda conn: conn.execute(select(deliveries.c.id, deliveries.c.webhook_id).order_by(deliveries.c.id)).all()
    )
    in_order = [row.id for row in rows]
    of_hook = {hook: [row.id for row in rows if row.webhook_id == hook] for hook in hooks}
    quotas = {hook: quota for hook, quota in zip(hooks, case.quotas, strict=True) if quota is not None}
    expected = sorted(of_hook[hooks[index]][n] for index, n in case.leased)

    if api.db.dialect != "postgresql":  # one writer: nothing to lock
        claimed = await api.db.write(claim, utcnow(), case.limit, quotas, case.default_quota)
        assert [item.delivery_id for item in claimed] == expected
        return
    full = {hook for hook, quota in quotas.items() if quota <= 0}
    readable = [delivery for delivery in in_order if not any(delivery in of_hook[hook] for hook in full)]
    engine = api.db._backend.engine  # type: ignore[union-attr]
    async with engine.connect() as first, first.begin():
        claimed = await first.run_sync(claim, utcnow(), case.limit, quotas, case.default_quota)
        assert [item.delivery_id for item in claimed] == expected
        # another worker, meanwhile, may take every due delivery the claim did not read
        async with engine.connect() as second, second.begin():
            free = await second.execute(
                text("SELECT id FROM deliveries WHERE status = 'pending' ORDER BY id FOR UPDATE SKIP LOCKED")
            )
            locked = set(readable[: case.looked_at])
            assert list(free.scalars()) == [delivery for delivery in in_order if delivery not in locked]
