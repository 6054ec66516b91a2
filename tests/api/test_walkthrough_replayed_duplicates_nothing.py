"""SPEC §9: the four calls of the walkthrough; every step can be replayed safely."""

from tests.conftest import cart_body, order_body, shipment_body


async def test_walkthrough_then_replay_duplicates_nothing(api):
    for expected in (201, 200):
        first = await api.post("/orders", order_body())
        assert first.status_code == expected
        paid = await api.patch("/orders/ORDER-1001", {"financial_status": "paid"})
        assert paid.status_code == 200
        assert paid.json()["financial_status"] == "paid"
        shipped = await api.post("/shipments", shipment_body())
        assert shipped.status_code == expected
        cart = await api.post("/carts", cart_body())
        assert cart.status_code == expected

    assert [await api.count(t) for t in ("orders", "shipments", "carts", "contacts")] == [1, 1, 1, 1]
    order = (await api.get("/orders/ORDER-1001")).json()
    assert order["financial_status"] == "paid"
    assert order["total_price"] == "49.90"
    assert order["contact"]["phone"] == "+33612345678"
