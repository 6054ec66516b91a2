"""SPEC §3.1: PATCH changes financial_status, fulfillment_status, tags (replaced) and metadata (JSON merge patch, RFC 7386); other fields are 422; unknown orders 404."""

import pytest

from tests.conftest import order_body


async def test_patch_changes_only_present_fields(api):
    await api.post("/orders", order_body())
    response = await api.patch("/orders/ORDER-1001", {"fulfillment_status": "fulfilled"})
    assert response.status_code == 200
    body = response.json()
    assert (body["financial_status"], body["fulfillment_status"], body["tags"]) == ("pending", "fulfilled", ["web"])


async def test_patch_replaces_tags(api):
    await api.post("/orders", order_body())
    assert (await api.patch("/orders/ORDER-1001", {"tags": ["gift", "b2b"]})).json()["tags"] == ["gift", "b2b"]
    assert (await api.patch("/orders/ORDER-1001", {"tags": None})).json()["tags"] == []


async def test_patch_metadata_is_a_json_merge_patch(api):
    await api.post("/orders", order_body(metadata={"source": "web", "utm": {"campaign": "x", "medium": "sms"}, "n": 1}))
    response = await api.patch(
        "/orders/ORDER-1001", {"metadata": {"source": None, "utm": {"medium": None, "term": "t"}, "new": [1]}}
    )
    assert response.json()["metadata"] == {"utm": {"campaign": "x", "term": "t"}, "n": 1, "new": [1]}
    assert (await api.patch("/orders/ORDER-1001", {"metadata": None})).json()["metadata"] == {}


async def test_patch_of_fields_it_may_not_change_is_422_and_changes_nothing(api):
    await api.post("/orders", order_body())
    before = await api.snapshot()
    response = await api.patch("/orders/ORDER-1001", {"total_price": 1, "customer": {}, "financial_status": "paid"})
    assert response.status_code == 422
    assert response.json()["codes"] == {"total_price": ["not_allowed"], "customer": ["not_allowed"]}
    assert await api.snapshot() == before


async def test_patch_and_get_of_unknown_order_are_404(api):
    assert (await api.patch("/orders/NOPE", {"financial_status": "paid"})).json() == {"error": "Order not found"}
    response = await api.get("/orders/NOPE")
    assert (response.status_code, response.json()) == (404, {"error": "Order not found"})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 5),
        ("store_id", 456),
        ("contact", {"id": 1}),
        ("customer_external_id", "OTHER"),
        ("created_at", "2026-01-01T00:00:00Z"),
        # `updated_at` in a PATCH is the source's time (README, "Stale and out-of-order writes"):
        # the stored source time itself may not be written.
        ("source_updated_at", "2026-01-01T00:00:00Z"),
    ],
)
async def test_a_response_field_in_a_patch_is_not_allowed(api, field, value):
    """SPEC §3.1: fields the API knows — in the POST body or the response — but a PATCH may not
    change are 422 `not_allowed`, and nothing changes."""
    await api.post("/orders", order_body())
    before = await api.snapshot()
    response = await api.patch("/orders/ORDER-1001", {"financial_status": "paid", field: value})
    assert (response.status_code, response.json()["codes"]) == (422, {field: ["not_allowed"]})
    assert await api.snapshot() == before
