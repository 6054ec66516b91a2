"""SPEC §3.1: the order response's fields."""

from tests.conftest import order_body


async def test_response_has_the_documented_fields(api):
    body = (await api.post("/orders", order_body())).json()
    assert body["external_id"] == "ORDER-1001"
    assert body["store_id"] == 123
    assert body["total_price"] == "49.90"
    assert body["currency"] == "EUR"
    assert body["financial_status"] == "pending"
    assert body["fulfillment_status"] == "unfulfilled"
    assert body["tags"] == ["web"]
    assert body["created_at"].endswith("+00:00")
    assert body["placed_at"] == "2026-05-18T10:00:00+00:00"
    assert body["contact"]["phone"] == "+33612345678"
