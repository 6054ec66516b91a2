"""A path id names exactly its record (SPEC §3: every record is addressed by its external id):
the id percent-encoded as one path segment reaches it by GET, PATCH and DELETE, whatever it holds
(slashes, as Shopify's gid://shopify/Order/1 does), and is matched whole (a line break after it
names no other record)."""

from __future__ import annotations

import pytest

from tests.api.calls import quoted
from tests.conftest import Api, cart_body, order_body, shipment_body


@pytest.mark.parametrize(
    "external_id", ["gid://shopify/Order/1", "a/b", "/leading", "trailing/", "a//b", "a%2Fb", "*/ x /*"]
)
async def test_ids_holding_slashes_are_addressable_by_every_path(api: Api, external_id: str) -> None:
    """Shopify ids look like gid://shopify/Order/1. Such an id, accepted by POST, must be reachable
    by GET / PATCH / DELETE with the id percent-encoded as one segment (it once met the router's
    404 {"error": "Not found"}: Starlette decodes %2F before routing)."""
    segment = quoted(external_id)
    order = order_body(external_id=external_id, customer={"external_id": external_id, "phone": "+33612345678"})
    assert (await api.post("/orders", order)).status_code == 201
    assert (
        await api.post("/shipments", shipment_body(external_id=external_id, order_external_id=external_id))
    ).status_code == 201
    assert (await api.post("/carts", cart_body(external_id=external_id))).status_code == 201
    for path in (
        f"/orders/{segment}",
        f"/shipments/{segment}",
        f"/carts/{segment}",
        f"/checkouts/{segment}",
        f"/customers/{segment}",
    ):
        response = await api.get(path)
        assert (response.status_code, response.json().get("external_id")) == (200, external_id), (
            path,
            response.text[:200],
        )
    for path, body in (
        (f"/orders/{segment}", {"financial_status": "paid"}),
        (f"/carts/{segment}", {"status": "expired"}),
    ):
        response = await api.patch(path, body)
        assert (response.status_code, response.json().get("external_id")) == (200, external_id), (
            path,
            response.text[:200],
        )
    assert (await api.delete(f"/customers/{segment}")).status_code == 204
    assert (await api.get(f"/customers/{segment}")).status_code == 404
    assert (await api.get(f"/orders/{segment}")).json()["customer_external_id"] is None  # erased


@pytest.mark.parametrize("suffix", ["%0A", "%0D%0A", "%0Ax"])
async def test_an_id_with_a_line_break_names_no_other_record(api: Api, suffix: str) -> None:
    """A path id is matched whole: `CUST-1%0A` is not CUST-1 (a route pattern ending in `$`
    matches before a final line break), and it reaches the handlers, not the router's 404."""
    customer = {"external_id": "CUST-1", "phone": "+33612345678"}
    assert (await api.post("/orders", order_body(customer=customer))).status_code == 201
    for path, error in (
        (f"/orders/ORDER-1001{suffix}", "Order not found"),
        (f"/customers/CUST-1{suffix}", "Customer not found"),
    ):
        response = await api.get(path)
        assert (response.status_code, response.json()) == (404, {"error": error}), path
    patched = await api.patch(f"/orders/ORDER-1001{suffix}", {"financial_status": "paid"})
    assert (patched.status_code, patched.json()["error"]) == (404, "Order not found")
    assert (await api.delete(f"/customers/CUST-1{suffix}")).status_code == 204
    order = (await api.get("/orders/ORDER-1001")).json()
    assert (order["financial_status"], order["customer_external_id"]) == ("pending", "CUST-1")
    assert (await api.get("/customers/CUST-1")).status_code == 200
