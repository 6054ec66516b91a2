"""SPEC §3.2: a shipment's `order_external_id` must name an order of the same store, else 422 on
that field. An order of another store, even under the same key name, is no order here."""

from __future__ import annotations

from app.services import keys, stores
from tests.conftest import Api, order_body, shipment_body


async def test_shipment_of_another_stores_order_is_422_on_order_external_id(shop: Api) -> None:
    await stores.create_store(shop.db, 124, "Other shop", "FR")
    other_key, _ = await keys.create_key(shop.db, store_id=124, name="other")
    other = await shop.post("/orders", order_body(external_id="ORDER-OTHER"), store=124, key=other_key)
    assert other.status_code == 201, other.text

    before = await shop.snapshot()
    response = await shop.post("/shipments", shipment_body(external_id="SHIP-X", order_external_id="ORDER-OTHER"))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["codes"] == {"order_external_id": ["not_found"]}
    assert set(body["errors"]) == {"order_external_id"} and body["message"] == body["errors"]["order_external_id"][0]
    assert await shop.snapshot() == before
