"""SPEC §6: each write appends its events in the same transaction; a replay that changes nothing emits nothing; a replayed POST never undoes a PATCH."""

import pytest

from tests.api.events.outbox import REPLAYED, event_types, walkthrough
from tests.conftest import STORE_ID, cart_body, order_body, shipment_body


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
    ("method", "path", "body", "statuses"),
    [
        ("POST", "/orders", order_body(), (200, 200)),
        ("PATCH", "/orders/ORDER-1001", {"financial_status": "paid", "fulfillment_status": "fulfilled"}, (200, 200)),
        ("POST", "/shipments", shipment_body(status="delivered"), (200, 200)),
        ("POST", "/carts", cart_body(external_id="CART-2", abandoned_at="2026-05-19T09:00:00Z"), (201, 200)),
        ("PATCH", "/carts/CART-7700", {"status": "expired"}, (200, 200)),
        ("POST", "/customers", {"external_id": "CUST-42", "phone": "+33612345678"}, (201, 200)),
        ("DELETE", "/customers/CUST-42", None, (204, 204)),
    ],
)
async def test_replaying_a_request_adds_no_event(api, method, path, body, statuses):
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body())
    await api.post("/carts", cart_body(abandoned_at="2026-05-18T11:00:00Z"))
    first = await api.client.request(method, f"/api/v1/stores/{STORE_ID}{path}", json=body, headers=api.auth())
    after_first = await event_types(api)
    replay = await api.client.request(method, f"/api/v1/stores/{STORE_ID}{path}", json=body, headers=api.auth())
    assert (first.status_code, replay.status_code) == statuses
    assert await event_types(api) == after_first


async def test_replaying_the_whole_walkthrough_adds_nothing(api):
    await walkthrough(api)
    recorded = await api.rows("events")
    await walkthrough(api, REPLAYED)
    assert await api.rows("events") == recorded
    assert (await api.get("/orders/ORDER-1001")).json()["financial_status"] == "paid"


async def test_a_post_with_a_new_value_still_replaces_what_a_patch_set(api):
    await api.post("/orders", order_body(tags=["a"]))
    await api.patch("/orders/ORDER-1001", {"financial_status": "paid", "tags": ["patched"]})
    replaced = (await api.post("/orders", order_body(financial_status="refunded", tags=["a"]))).json()
    assert (replaced["financial_status"], replaced["tags"]) == ("refunded", ["patched"])
    assert (await event_types(api))[-1] == "order.financial_status_changed"
    assert (await api.rows("events"))[-1]["data"]["before"] == {"financial_status": "paid"}
