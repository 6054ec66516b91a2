"""SPEC §3.2 and §3.3: shipments linked to orders, carts and their checkout alias."""

import pytest

from tests.conftest import cart_body, order_body, shipment_body


async def test_shipment_links_to_the_order(api):
    order = (await api.post("/orders", order_body())).json()
    response = await api.post("/shipments", shipment_body())
    assert response.status_code == 201
    body = response.json()
    assert (body["order_id"], body["status"], body["carrier"]) == (order["id"], "in_transit", "Colissimo")
    assert (await api.get("/shipments/SHIP-9001")).json() == body


async def test_shipment_repost_replaces_it(api):
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body())
    response = await api.post(
        "/shipments", {"external_id": "SHIP-9001", "order_external_id": "ORDER-1001", "status": "delivered"}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["tracking_number"]) == ("delivered", None)


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


@pytest.mark.parametrize("status", ["shipped", "IN_TRANSIT", 3])
async def test_shipment_status_is_an_enum(api, status):
    await api.post("/orders", order_body())
    assert (await api.post("/shipments", shipment_body(status=status))).status_code == 422


async def test_new_cart_is_abandoned_and_keeps_its_status_on_repost(api):
    created = await api.post("/carts", cart_body())
    assert (created.status_code, created.json()["status"]) == (201, "abandoned")
    assert (await api.patch("/carts/CART-7700", {"status": "completed"})).json()["status"] == "completed"
    reposted = await api.post("/carts", cart_body(total_price=10))
    assert (reposted.status_code, reposted.json()["status"], reposted.json()["total_price"]) == (
        200,
        "completed",
        "10.00",
    )


async def test_checkouts_are_the_same_resource_as_carts(api):
    assert (await api.post("/checkouts", cart_body())).status_code == 201
    assert (await api.post("/carts", cart_body())).status_code == 200
    assert (await api.patch("/checkouts/CART-7700", {"status": "recovered"})).json()["status"] == "recovered"
    assert (await api.get("/carts/CART-7700")).json()["status"] == "recovered"
    assert await api.count("carts") == 1


async def test_cart_patch_rules(api):
    await api.post("/carts", cart_body(tags=["a"], metadata={"k": 1, "drop": True}))
    response = await api.patch(
        "/carts/CART-7700", {"recovery_url": "https://shop.example.com/r/1", "tags": ["b"], "metadata": {"drop": None}}
    )
    body = response.json()
    assert (body["recovery_url"], body["tags"], body["metadata"]) == ("https://shop.example.com/r/1", ["b"], {"k": 1})
    rejected = await api.patch("/carts/CART-7700", {"status": "lost", "total_price": 3})
    assert rejected.json()["codes"] == {"total_price": ["not_allowed"], "status": ["invalid_choice"]}
    assert (await api.patch("/carts/NOPE", {"status": "expired"})).json() == {"error": "Cart not found"}
