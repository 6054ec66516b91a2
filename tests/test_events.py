"""SPEC §6: the outbox, replay safety, backfill, cart recovery, signed webhook delivery."""

import asyncio

import pytest
from sqlalchemy import select

from app.automations.delivery import Backoff
from app.automations.signing import verify
from app.automations.worker import Worker
from app.db.tables import deliveries, events
from app.services import stores, webhooks
from tests.conftest import STORE_ID, cart_body, order_body, shipment_body
from tests.receiver import Receiver

FAST = Backoff(base_seconds=0.0, max_attempts=3)


async def event_types(api):
    return [row["type"] for row in await api.rows("events")]


async def walkthrough(api, **headers):
    responses = [
        await api.client.post(
            f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers={**api.auth(), **headers}
        ),
        await api.client.patch(
            f"/api/v1/stores/{STORE_ID}/orders/ORDER-1001",
            json={"financial_status": "paid"},
            headers={**api.auth(), **headers},
        ),
        await api.client.post(
            f"/api/v1/stores/{STORE_ID}/shipments", json=shipment_body(), headers={**api.auth(), **headers}
        ),
        await api.client.post(f"/api/v1/stores/{STORE_ID}/carts", json=cart_body(), headers={**api.auth(), **headers}),
    ]
    assert all(response.status_code in (200, 201) for response in responses)


async def test_walkthrough_records_one_event_per_real_change(api):
    await walkthrough(api)
    assert await event_types(api) == [
        "order.created",
        "order.financial_status_changed",
        "shipment.created",
        "cart.recovered",
    ]
    changed = (await api.rows("events"))[1]
    assert (changed["data"]["before"], changed["data"]["after"]) == (
        {"financial_status": "pending"},
        {"financial_status": "paid"},
    )
    assert changed["data"]["contact"]["phone"] == "+33612345678" and changed["event_id"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/orders", order_body()),
        ("PATCH", "/orders/ORDER-1001", {"financial_status": "paid", "fulfillment_status": "fulfilled"}),
        ("POST", "/shipments", shipment_body(status="delivered")),
        ("POST", "/carts", cart_body(external_id="CART-2", abandoned_at="2026-05-19T09:00:00Z")),
        ("PATCH", "/carts/CART-7700", {"status": "expired"}),
        ("POST", "/customers", {"external_id": "CUST-42", "phone": "+33612345678"}),
        ("DELETE", "/customers/CUST-42", None),
    ],
)
async def test_replaying_a_request_adds_no_event(api, method, path, body):
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body())
    await api.post("/carts", cart_body(abandoned_at="2026-05-18T11:00:00Z"))
    first = await api.client.request(method, f"/api/v1/stores/{STORE_ID}{path}", json=body, headers=api.auth())
    assert first.status_code in (200, 201, 204)
    after_first = await event_types(api)
    replay = await api.client.request(method, f"/api/v1/stores/{STORE_ID}{path}", json=body, headers=api.auth())
    assert replay.status_code in (200, 204)
    assert await event_types(api) == after_first


async def test_shipment_events_carry_the_notification(api):
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body())
    await api.post("/shipments", shipment_body(status="delivered", tracking_number="NEW"))
    shipment_events = [row for row in await api.rows("events") if row["subject_type"] == "shipment"]
    assert [row["type"] for row in shipment_events] == [
        "shipment.created",
        "shipment.status_changed",
        "shipment.tracking_updated",
    ]
    created = shipment_events[0]["data"]
    assert created["contact"] == {
        "id": 1,
        "phone": "+33612345678",
        "phone_type": "mobile",
        "first_name": "Marie",
        "last_name": "Durand",
        "locale": "fr",
    }
    assert created["after"] == {
        "external_id": "SHIP-9001",
        "order_external_id": "ORDER-1001",
        "status": "in_transit",
        "carrier": "Colissimo",
        "tracking_number": "1Z999AA10123456784",
        "tracking_url": "https://track.example.com/1Z999AA10123456784",
    }


async def test_backfill_is_recorded_and_never_delivered(api):
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/never")
    await walkthrough(api, **{"Kanal-Backfill": "true"})
    assert len(await api.rows("events")) == 4
    assert all(row["backfill"] for row in await api.rows("events"))
    worker = Worker(api.db, FAST)
    tally = await worker.run_once()
    await worker.aclose()
    assert (tally.dispatched, await api.count("deliveries")) == (0, 0)


async def test_cart_recovery_fires_once_after_the_delay(api):
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    await api.post("/carts", cart_body())  # abandoned long ago: due now
    await api.post("/carts", cart_body(external_id="FRESH", abandoned_at="2999-01-01T00:00:00Z"))
    worker = Worker(api.db, FAST)
    assert (await worker.run_once()).recoveries == 1
    assert (await worker.run_once()).recoveries == 0
    await worker.aclose()
    due = [row for row in await api.rows("events") if row["type"] == "cart.recovery_due"]
    assert len(due) == 1 and due[0]["data"]["subject"]["external_id"] == "CART-7700"
    assert due[0]["data"]["contact"]["phone"] == "+33612345678"


@pytest.mark.parametrize("order_first", [True, False])
async def test_no_recovery_after_a_purchase_whichever_arrives_first(api, order_first):
    requests = [api.post("/orders", order_body()), api.post("/carts", cart_body())]
    for request in requests if order_first else reversed(requests):
        assert (await request).status_code == 201
    assert (await api.get("/carts/CART-7700")).json()["status"] == "recovered"
    worker = Worker(api.db, FAST)
    assert (await worker.run_once()).recoveries == 0
    await worker.aclose()
    types = await event_types(api)
    assert "cart.recovery_due" not in types and types.count("cart.recovered") == 1


@pytest.mark.parametrize("settle", ["completed", "expired", "recovered", "erased"])
async def test_no_recovery_for_settled_carts_or_erased_contacts(api, settle):
    await api.post("/carts", cart_body(customer={"phone": "+33612345678", "external_id": "CUST-42"}))
    if settle == "erased":
        assert (await api.delete("/customers/CUST-42")).status_code == 204
    else:
        await api.patch("/carts/CART-7700", {"status": settle})
    worker = Worker(api.db, FAST)
    assert (await worker.run_once()).recoveries == 0
    await worker.aclose()
    assert "cart.recovery_due" not in await event_types(api)


async def test_signed_delivery_to_a_real_receiver_in_subject_order(api):
    with Receiver() as receiver:
        hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url)
        await walkthrough(api)
        worker = Worker(api.db, FAST)
        tally = await worker.run_once()
        await worker.aclose()
    assert tally.delivered == 4
    assert sorted(receiver.types) == [
        "cart.recovered",
        "order.created",
        "order.financial_status_changed",
        "shipment.created",
    ]
    order_events = [t for t in receiver.types if t.startswith("order.")]
    assert order_events == ["order.created", "order.financial_status_changed"]  # a subject's events in order
    for item in receiver.received:
        assert verify(hook["secret"], item["headers"]["Kanal-Signature"], item["body"])
        assert not verify("whsec_wrong", item["headers"]["Kanal-Signature"], item["body"])
        assert set(item["event"]) == {"id", "type", "store_id", "created_at", "data"}
    assert not verify(hook["secret"], receiver.received[0]["headers"]["Kanal-Signature"], b"{}")


async def test_failed_deliveries_retry_then_succeed(api):
    with Receiver(failures=2) as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        await api.post("/orders", order_body())
        worker = Worker(api.db, FAST)
        outcomes = []
        for _ in range(3):
            outcomes += (await worker.run_once()).outcomes
        await worker.aclose()
    assert outcomes == ["pending", "pending", "delivered"]
    row = (await api.rows("deliveries"))[0]
    assert (row["status"], row["attempts"], row["last_status"]) == ("delivered", 3, 204)
    assert receiver.types == ["order.created"]


async def test_deliveries_are_dead_lettered_after_the_last_attempt(api):
    with Receiver(failures=100) as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.*"])
        await api.post("/orders", order_body())
        worker = Worker(api.db, FAST)
        for _ in range(4):
            await worker.run_once()
        await worker.aclose()
    row = (await api.rows("deliveries"))[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 3, "HTTP 500")


async def test_two_workers_deliver_each_event_exactly_once(api):
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url)
        for index in range(40):
            body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
            await api.post("/orders", body)
            await api.patch(f"/orders/O-{index}", {"financial_status": "paid"})
        first, second = Worker(api.db, FAST), Worker(api.db, FAST)
        await asyncio.gather(first.run_once(), second.run_once(), first.run_once(), second.run_once())
        # a subject's next event waits while the other worker delivers the previous one: one more pass
        await first.run_once()
        await first.aclose()
        await second.aclose()
    ids = [item["event"]["id"] for item in receiver.received]
    assert len(ids) == 80 == len(set(ids))
    per_order: dict[str, list[str]] = {}
    for item in receiver.received:
        per_order.setdefault(item["event"]["data"]["subject"]["external_id"], []).append(item["event"]["type"])
    assert all(types == ["order.created", "order.financial_status_changed"] for types in per_order.values())


async def test_removed_webhooks_and_patterns(api):
    with Receiver() as receiver:
        wanted = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["shipment.*"])
        removed = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["*"])
        await webhooks.remove_webhook(api.db, removed["id"])
        await walkthrough(api)
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    assert receiver.types == ["shipment.created"]
    rows = await api.db.read(lambda conn: conn.execute(select(deliveries.c.webhook_id)).scalars().all())
    assert set(rows) == {wanted["id"]}
    assert await api.db.read(lambda conn: conn.execute(select(events.c.dispatched_at)).scalars().all())


async def test_graphql_reads_events_and_deliveries(api):
    with Receiver(failures=1) as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.*"])
        await walkthrough(api)
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    query = """{
      events(storeId: 123, filter: {type: "order.*"}, first: 10) { totalCount edges { node {
        id type subjectType data backfill deliveries { status attempts lastStatus lastError url } } } }
      order(storeId: 123, externalId: "ORDER-1001") { events { type } }
      contact(storeId: 123, phone: "+33612345678") { events { type } }
      carts(storeId: 123) { edges { node { externalId events { type } } } }
    }"""
    response = await api.client.post("/graphql", json={"query": query}, headers=api.auth())
    data = response.json()["data"]
    nodes = [edge["node"] for edge in data["events"]["edges"]]
    assert data["events"]["totalCount"] == 2
    assert [node["type"] for node in nodes] == ["order.financial_status_changed", "order.created"]
    created = nodes[1]
    assert created["deliveries"][0]["url"] == receiver.url and created["deliveries"][0]["status"] in (
        "pending",
        "delivered",
    )
    assert [event["type"] for event in data["order"]["events"]] == ["order.created", "order.financial_status_changed"]
    assert len(data["contact"]["events"]) == 4
    assert data["carts"]["edges"][0]["node"]["events"] == [{"type": "cart.recovered"}]


async def test_replaying_the_whole_walkthrough_adds_nothing(api):
    await walkthrough(api)
    recorded = await api.rows("events")
    await walkthrough(api)
    assert await api.rows("events") == recorded
    assert (await api.get("/orders/ORDER-1001")).json()["financial_status"] == "paid"


async def test_a_post_with_a_new_value_still_replaces_what_a_patch_set(api):
    await api.post("/orders", order_body(tags=["a"]))
    await api.patch("/orders/ORDER-1001", {"financial_status": "paid", "tags": ["patched"]})
    replaced = (await api.post("/orders", order_body(financial_status="refunded", tags=["a"]))).json()
    assert (replaced["financial_status"], replaced["tags"]) == ("refunded", ["patched"])
    assert (await event_types(api))[-1] == "order.financial_status_changed"
    assert (await api.rows("events"))[-1]["data"]["before"] == {"financial_status": "paid"}
