"""SPEC §3.1: order upserts, replacement, PATCH rules, money and time."""

import pytest

from tests.conftest import order_body


async def test_first_post_is_201_then_200_with_the_same_body(api):
    first = await api.post("/orders", order_body())
    second = await api.post("/orders", order_body())
    assert (first.status_code, second.status_code) == (201, 200)
    volatile = {"updated_at"}
    assert {k: v for k, v in first.json().items() if k not in volatile} == {
        k: v for k, v in second.json().items() if k not in volatile
    }
    assert await api.count("orders") == 1


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


@pytest.mark.parametrize(
    ("sent", "rendered", "stored_units"),
    [
        (49.9, "49.90", 499000),
        ("49.9", "49.90", 499000),
        (0.125, "0.125", 1250),
        (10, "10.00", 100000),
        ("0.0001", "0.0001", 1),
        ("12345678901234.5678", "12345678901234.5678", 123456789012345678),
        (0, "0.00", 0),
    ],
)
async def test_money_is_exact_and_rendered_with_two_decimals_or_more(api, sent, rendered, stored_units):
    response = await api.post("/orders", order_body(total_price=sent))
    assert response.status_code == 201, response.text
    assert response.json()["total_price"] == rendered
    units = await api.db.read(lambda conn: conn.exec_driver_sql("SELECT total_price FROM orders").scalar())
    assert units == stored_units


async def test_more_than_four_decimals_is_rejected(api):
    response = await api.post("/orders", order_body(total_price="1.00001"))
    assert response.status_code == 422
    assert response.json()["codes"] == {"total_price": ["too_precise"]}


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2026-05-18T10:00:00Z", "2026-05-18T10:00:00+00:00"),
        ("2026-05-18T12:00:00+02:00", "2026-05-18T10:00:00+00:00"),
        ("2026-05-18T10:00:00", "2026-05-18T10:00:00+00:00"),
        ("2026-05-18T05:30:00.250-04:30", "2026-05-18T10:00:00.250000+00:00"),
    ],
)
async def test_timestamps_are_stored_in_utc(api, sent, stored):
    response = await api.post("/orders", order_body(placed_at=sent))
    assert response.json()["placed_at"] == stored
    assert (await api.get("/orders/ORDER-1001")).json()["placed_at"] == stored


async def test_currency_is_upper_cased_and_unknown_codes_rejected(api):
    assert (await api.post("/orders", order_body(currency="eur"))).json()["currency"] == "EUR"
    response = await api.post("/orders", order_body(currency="EUX"))
    assert response.status_code == 422
    assert response.json()["codes"] == {"currency": ["invalid_currency"]}


async def test_unknown_fields_are_ignored(api):
    response = await api.post("/orders", order_body(brand_new_field={"x": 1}))
    assert response.status_code == 201
    assert "brand_new_field" not in response.json()


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


async def test_patch_ignores_unknown_fields(api):
    await api.post("/orders", order_body())
    response = await api.patch("/orders/ORDER-1001", {"unknown": 1, "financial_status": "paid"})
    assert response.status_code == 200


async def test_patch_and_get_of_unknown_order_are_404(api):
    assert (await api.patch("/orders/NOPE", {"financial_status": "paid"})).json() == {"error": "Order not found"}
    response = await api.get("/orders/NOPE")
    assert (response.status_code, response.json()) == (404, {"error": "Order not found"})


async def test_orders_of_two_stores_with_one_external_id_are_distinct(api):
    from app.services import keys, stores

    await stores.create_store(api.db, 5, "Five", "FR")
    key, _ = await keys.create_key(api.db, store_id=5)
    assert (await api.post("/orders", order_body())).status_code == 201
    assert (await api.post("/orders", order_body(), store=5, key=key)).status_code == 201
    assert await api.count("orders") == 2
