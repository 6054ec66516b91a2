"""SPEC §3.2: a shipment is linked to an order of the same store, else 422 on order_external_id."""

from tests.conftest import order_body, shipment_body


async def test_shipment_links_to_the_order(api):
    order = (await api.post("/orders", order_body())).json()
    response = await api.post("/shipments", shipment_body())
    assert response.status_code == 201
    body = response.json()
    assert body.pop("automations") == [
        {
            "automation": "shipping_notification",
            "reason": "fired",
            "subject": {"type": "shipment", "external_id": "SHIP-9001"},
        }
    ]
    assert (body["order_id"], body["status"], body["carrier"]) == (order["id"], "in_transit", "Colissimo")
    assert (await api.get("/shipments/SHIP-9001")).json() == body


async def test_shipment_of_an_unknown_order_is_422_on_that_field(api):
    response = await api.post("/shipments", shipment_body(order_external_id="NOPE"))
    assert response.status_code == 422
    assert response.json()["codes"] == {"order_external_id": ["not_found"]}
    assert await api.count("shipments") == 0


async def test_shipment_cannot_name_an_order_of_another_store(api):
    from app.services import keys, stores

    await stores.create_store(api.db, 8, "Eight", "FR")
    key, _ = await keys.create_key(api.db, store_id=8)
    await api.post("/orders", order_body(), store=8, key=key)
    assert (await api.post("/shipments", shipment_body())).status_code == 422
