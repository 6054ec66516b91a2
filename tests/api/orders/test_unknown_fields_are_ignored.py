"""SPEC §3.1: fields the API does not know are ignored (forward compatibility)."""

from tests.conftest import order_body


async def test_unknown_fields_are_ignored(api):
    response = await api.post("/orders", order_body(brand_new_field={"x": 1}))
    assert response.status_code == 201
    assert "brand_new_field" not in response.json()


async def test_patch_ignores_unknown_fields(api):
    await api.post("/orders", order_body())
    response = await api.patch("/orders/ORDER-1001", {"unknown": 1, "financial_status": "paid"})
    assert response.status_code == 200
