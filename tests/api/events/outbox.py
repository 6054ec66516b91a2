"""What the event tests share: the walkthrough, the recorded event types, a fast backoff."""

from app.automations.delivery import Backoff
from tests.conftest import STORE_ID, cart_body, order_body, shipment_body

FAST = Backoff(base_seconds=0.0, max_attempts=3)


async def event_types(api):
    return [row["type"] for row in await api.rows("events")]


FIRST_TIME, REPLAYED = [201, 200, 201, 201], [200, 200, 200, 200]


async def walkthrough(api, expected=FIRST_TIME, **headers):
    """The four calls of SPEC §9, each answered with its `expected` status."""
    responses = [
        await api.client.post(
            f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers={**api.auth(), **headers}
        ),
        await api.client.patch(
            f"/api/v1/stores/{STORE_ID}/orders/ORDER-1001",
            json={"financial_status": "paid"},
            headers={**api.auth(), **headers},
        ),
        await api.client.post(
            f"/api/v1/stores/{STORE_ID}/shipments", json=shipment_body(), headers={**api.auth(), **headers}
        ),
        await api.client.post(f"/api/v1/stores/{STORE_ID}/carts", json=cart_body(), headers={**api.auth(), **headers}),
    ]
    assert [response.status_code for response in responses] == expected, [r.text for r in responses]
