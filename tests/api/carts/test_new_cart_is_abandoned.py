"""SPEC §3.3: POST sets abandoned on create and leaves the status unchanged on update."""

from tests.conftest import cart_body


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
