"""SPEC §3 reads: `GET /{resource}/{external_id}` of an id the store does not hold is
404 `{"error": "<Resource> not found"}`. Ids are matched exactly: another case, a line break
after a real id, an id no engine could store (NUL, a UTF-16 surrogate) or of another resource
name nothing."""

from __future__ import annotations

import pytest

from tests.api.walkthrough import SeededStore

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(
    ("path", "error"),
    [
        pytest.param("/orders/ORDER-404", "Order not found", id="order"),
        pytest.param("/shipments/SHIP-404", "Shipment not found", id="shipment"),
        pytest.param("/carts/CART-404", "Cart not found", id="cart"),
        pytest.param("/checkouts/CART-404", "Checkout not found", id="checkout"),
        pytest.param("/customers/CUST-404", "Customer not found", id="customer"),
        pytest.param("/orders/%00", "Order not found", id="order: NUL id"),
        pytest.param("/orders/%ED%A0%80", "Order not found", id="order: encoded surrogate id"),
        pytest.param("/carts/" + "x" * 2000, "Cart not found", id="cart: 2000-character id"),
        pytest.param("/shipments/ORDER-1001", "Shipment not found", id="shipment: an order's id"),
        pytest.param("/orders/order-1001", "Order not found", id="order: another case"),
        pytest.param("/orders/a%0Ab", "Order not found", id="order: id with a line break"),
        pytest.param("/orders/ORDER-1001%0A", "Order not found", id="order: id + line break"),
        pytest.param("/orders/%0A", "Order not found", id="order: line break id"),
        pytest.param("/customers/CUST-42%0A", "Customer not found", id="customer: id + line break"),
        pytest.param("/checkouts/CART-7700%0D%0A", "Checkout not found", id="checkout: id + CRLF"),
    ],
)
async def test_get_of_an_unknown_id_is_404(seeded_store: SeededStore, path: str, error: str) -> None:
    response = await seeded_store.api.get(path)
    assert (response.status_code, response.json()) == (404, {"error": error})
    assert await seeded_store.changed_tables() == []
