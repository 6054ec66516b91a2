"""SPEC §3: /checkouts is the same resource as /carts."""

from tests.conftest import cart_body


async def test_checkouts_are_the_same_resource_as_carts(api):
    assert (await api.post("/checkouts", cart_body())).status_code == 201
    assert (await api.post("/carts", cart_body())).status_code == 200
    assert (await api.patch("/checkouts/CART-7700", {"status": "recovered"})).json()["status"] == "recovered"
    assert (await api.get("/carts/CART-7700")).json()["status"] == "recovered"
    assert await api.count("carts") == 1
