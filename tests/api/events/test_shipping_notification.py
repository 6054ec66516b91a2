"""SPEC §6: shipping notifications fire on shipment creation and status changes, carrying the tracking details."""

from tests.conftest import order_body, shipment_body


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
