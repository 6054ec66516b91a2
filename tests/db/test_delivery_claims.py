"""Claims and outcomes in batches (app.automations.delivery): one delivery per webhook and
subject in hand at a time, quotas per webhook, leases, and one statement per kind of outcome."""

import asyncio
from datetime import timedelta

from sqlalchemy import select

from app.automations.delivery import Backoff, Outcome, claim, settle_and_claim
from app.automations.dispatch import dispatch_events
from app.db.tables import deliveries
from app.services import webhooks
from app.services.results import utcnow
from tests.conftest import STORE_ID, order_body

BACKOFF = Backoff(base_seconds=60, max_attempts=2)


async def orders_with_a_change(api, count: int) -> None:
    for index in range(count):
        body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
        assert (await api.post("/orders", body)).status_code == 201
        assert (await api.patch(f"/orders/O-{index}", {"financial_status": "paid"})).status_code == 200


async def statuses(api) -> dict[int, tuple[str, int]]:
    rows = await api.db.read(
        lambda conn: conn.execute(select(deliveries.c.id, deliveries.c.status, deliveries.c.attempts)).all()
    )
    return {row.id: (row.status, row.attempts) for row in rows}


async def test_a_claim_hands_out_each_subjects_first_delivery_once(api):
    hook = await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/hooks")
    await orders_with_a_change(api, 5)
    assert await api.db.write(dispatch_events, utcnow()) == 10
    now = utcnow()
    first = await api.db.write(claim, now, 100)
    assert [item.event_type for item in first] == ["order.created"] * 5  # the changes wait for them
    assert [item.delivery_id for item in first] == sorted(item.delivery_id for item in first)
    assert {item.webhook_id for item in first} == {hook["id"]}
    assert len({item.body for item in first}) == 5 and all(item.secret.startswith("whsec_") for item in first)
    assert await api.db.write(claim, now, 100) == []  # leased, and their successors blocked

    outcomes = [Outcome(item.delivery_id, item.attempts, 204, None) for item in first]
    settled, dispatched, second = await api.db.write(settle_and_claim, outcomes, utcnow(), BACKOFF, 100, {}, 100, False)
    assert settled == ["delivered"] * 5 and dispatched == 0
    assert [item.event_type for item in second] == ["order.financial_status_changed"] * 5


async def test_quotas_per_webhook_and_a_full_webhook_is_skipped(api):
    full = await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/full")
    open_ = await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/open")
    await orders_with_a_change(api, 4)
    await api.db.write(dispatch_events, utcnow())
    claimed = await api.db.write(claim, utcnow(), 100, {full["id"]: 0}, 3)
    assert [item.webhook_id for item in claimed] == [open_["id"]] * 3
    rest = await api.db.write(claim, utcnow(), 100, {}, 100)
    assert sorted(item.webhook_id for item in rest) == [full["id"]] * 4 + [open_["id"]]


async def test_outcomes_are_written_by_kind_and_a_late_one_changes_nothing(api):
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/hooks")
    await orders_with_a_change(api, 3)
    await api.db.write(dispatch_events, utcnow())
    ok, retry, last = await api.db.write(claim, utcnow(), 100)
    outcomes = [
        Outcome(ok.delivery_id, 0, 200, None),
        Outcome(retry.delivery_id, 0, 503, "HTTP 503"),
        Outcome(last.delivery_id, 1, None, "ClientConnectorError: refused"),  # its second attempt: the last
    ]
    before = utcnow()
    settled, _, _ = await api.db.write(settle_and_claim, outcomes, before, BACKOFF, 0, {}, 0, False)
    assert settled == ["delivered", "pending", "dead"]
    rows = {row["id"]: row for row in await api.rows("deliveries")}
    assert (rows[ok.delivery_id]["status"], rows[ok.delivery_id]["last_status"]) == ("delivered", 200)
    assert rows[ok.delivery_id]["delivered_at"] is not None
    assert (rows[retry.delivery_id]["status"], rows[retry.delivery_id]["last_error"]) == ("pending", "HTTP 503")
    assert rows[retry.delivery_id]["next_attempt_at"] >= before + timedelta(seconds=48)  # 60 s, jitter 0.8-1.2
    assert rows[retry.delivery_id]["locked_until"] is None
    assert (rows[last.delivery_id]["status"], rows[last.delivery_id]["last_error"]) == (
        "dead",
        "ClientConnectorError: refused",
    )
    counts = await statuses(api)
    late = [Outcome(ok.delivery_id, 0, 500, "HTTP 500")]  # a worker whose lease ran out reports late
    await api.db.write(settle_and_claim, late, utcnow(), BACKOFF, 0, {}, 0, False)
    assert await statuses(api) == counts


async def test_concurrent_claims_never_hand_out_one_delivery_twice(api):
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/hooks")
    await orders_with_a_change(api, 12)
    await api.db.write(dispatch_events, utcnow())
    batches = await asyncio.gather(*(api.db.write(claim, utcnow(), 5) for _ in range(4)))
    ids = [item.delivery_id for batch in batches for item in batch]
    assert len(ids) == len(set(ids)) == 12  # every order's first delivery, once; the changes wait


async def test_deliveries_held_past_their_lease_are_renewed_before_the_turns_claim(api):
    """A worker's turn renews the leases of the deliveries it still holds before it claims
    (`renew`, app.automations.worker): a lease that ran out (a database outage, a long wait for
    a connection) is not claimed again by its holder, nor by another worker after; a delivery
    no longer pending is left as it is."""
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/hooks")
    await orders_with_a_change(api, 3)
    await api.db.write(dispatch_events, utcnow())
    claimed_at = utcnow()
    held = await api.db.write(claim, claimed_at, 100, None, None, timedelta(seconds=60))
    assert len(held) == 3
    settled_elsewhere = Outcome(held[2].delivery_id, 0, 204, None)
    await api.db.write(settle_and_claim, [settled_elsewhere], claimed_at, BACKOFF, 0, {}, 0, False)
    later = claimed_at + timedelta(seconds=120)  # every lease ran out
    ids = [item.delivery_id for item in held]
    _, _, again = await api.db.write(
        settle_and_claim, [], later, BACKOFF, 100, {}, 100, False, timedelta(seconds=60), ids
    )
    # the holder's own are renewed first, their successors wait for them: only the settled
    # one's successor is claimed
    assert [(item.event_type, item.delivery_id in ids) for item in again] == [("order.financial_status_changed", False)]
    assert await api.db.write(claim, later + timedelta(seconds=59), 100) == []  # another worker's
    rows = {row["id"]: row for row in await api.rows("deliveries")}
    assert [rows[i]["locked_until"] for i in ids] == [later + timedelta(seconds=60)] * 2 + [None]
    assert rows[ids[2]]["status"] == "delivered"


async def test_a_claim_without_takeover_leaves_lapsed_leases(api):
    """A worker back from an outage claims with `takeover` False for a while
    (app.automations.worker.TAKEOVER_AFTER_SECONDS): deliveries never leased, or given back,
    are claimed; one whose lease lapsed (its holder may be back too, about to renew it) is not,
    until a claim with `takeover`."""
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/hooks")
    await orders_with_a_change(api, 3)
    await api.db.write(dispatch_events, utcnow())
    claimed_at = utcnow()
    held = await api.db.write(claim, claimed_at, 1, None, None, timedelta(seconds=60))
    later = claimed_at + timedelta(seconds=120)
    fresh = await api.db.write(claim, later, 100, None, None, timedelta(seconds=60), False)
    assert [item.event_type for item in fresh] == ["order.created"] * 2
    assert held[0].delivery_id not in {item.delivery_id for item in fresh}
    taken = await api.db.write(claim, later, 100, None, None, timedelta(seconds=60), True)
    assert [item.delivery_id for item in taken] == [held[0].delivery_id]
