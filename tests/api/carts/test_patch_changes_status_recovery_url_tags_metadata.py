"""SPEC §3.3: PATCH sets status, recovery_url, tags and metadata."""

from tests.conftest import cart_body


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
