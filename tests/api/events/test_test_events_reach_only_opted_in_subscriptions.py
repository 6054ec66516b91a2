"""A test key's events (issue 15, item 4; README "Test keys"): never delivered to a live
subscription; delivered, with `livemode: false`, to one that opted in with `test_events`
(`kanal webhooks add --test-events`), which still gets the live events with `livemode: true`.
A real worker delivers to real receivers."""

from __future__ import annotations

from app.automations.worker import Worker
from app.services import keys, webhooks
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body
from tests.receiver import Receiver

TEST_TYPES = ["cart.recovered", "order.created", "order.financial_status_changed", "shipment.created"]


async def _test_walkthrough(api: Api, key: str) -> None:
    """SPEC §9's four calls with the test key."""
    calls = [
        ("POST", "/orders", order_body()),
        ("PATCH", "/orders/ORDER-1001", {"financial_status": "paid"}),
        ("POST", "/shipments", shipment_body()),
        ("POST", "/carts", cart_body()),
    ]
    for method, path, body in calls:
        response = await api.client.request(
            method, f"/api/v1/stores/{STORE_ID}{path}", json=body, headers=api.auth(key)
        )
        assert response.status_code in (200, 201), response.text


async def test_test_events_reach_only_the_subscription_that_opted_in(api: Api) -> None:
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    with Receiver() as live_only, Receiver() as opted_in:
        await webhooks.add_webhook(api.db, STORE_ID, live_only.url)
        await webhooks.add_webhook(api.db, STORE_ID, opted_in.url, test_events=True)
        await _test_walkthrough(api, test_key)
        live_order = order_body(external_id="LIVE-1", customer={"phone": "+33698765432"})
        assert (await api.post("/orders", live_order)).status_code == 201
        worker = Worker(api.db, FAST)
        tally = await worker.run_once()
        await worker.aclose()
    assert tally.delivered == 1 + len(TEST_TYPES) + 1
    assert [(e["type"], e["store_id"], e["livemode"]) for e in (item["event"] for item in live_only.received)] == [
        ("order.created", STORE_ID, True)
    ]
    delivered = [item["event"] for item in opted_in.received]
    assert sorted(e["type"] for e in delivered if not e["livemode"]) == TEST_TYPES
    assert {e["store_id"] for e in delivered} == {STORE_ID}  # the public id, in both spaces
    assert [e["data"]["subject"]["external_id"] for e in delivered if e["livemode"]] == ["LIVE-1"]
    live_ids = {item["event"]["id"] for item in live_only.received}
    assert all(e["id"] not in live_ids for e in delivered if not e["livemode"])


async def test_a_test_space_with_no_opted_in_subscription_creates_no_delivery(api: Api) -> None:
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    with Receiver() as live_only:
        await webhooks.add_webhook(api.db, STORE_ID, live_only.url)
        await _test_walkthrough(api, test_key)
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    assert live_only.received == []
    assert await api.rows("deliveries") == []
    assert all(row["dispatched_at"] is not None for row in await api.rows("events"))  # fanned out to no one
