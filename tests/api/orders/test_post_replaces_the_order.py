"""SPEC §3: POST replaces the resource; omitted optional fields become null or empty."""

from tests.conftest import order_body


async def test_post_replaces_omitted_optional_fields(api):
    await api.post("/orders", order_body())
    minimal = {k: v for k, v in order_body().items() if k in ("external_id", "placed_at", "total_price", "customer")}
    response = await api.post("/orders", minimal)
    assert response.status_code == 200
    body = response.json()
    assert (body["currency"], body["financial_status"], body["tags"], body["metadata"], body["line_items"]) == (
        None,
        None,
        [],
        {},
        [],
    )
