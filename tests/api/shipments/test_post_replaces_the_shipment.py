"""SPEC §3.2: no PATCH for shipments: a re-POST replaces it."""

from tests.conftest import order_body, shipment_body


async def test_shipment_repost_replaces_it(api):
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body())
    response = await api.post(
        "/shipments", {"external_id": "SHIP-9001", "order_external_id": "ORDER-1001", "status": "delivered"}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["tracking_number"]) == ("delivered", None)
