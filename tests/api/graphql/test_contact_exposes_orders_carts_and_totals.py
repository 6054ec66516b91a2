"""SPEC §5: each contact exposes its orders, carts and totals."""

from tests.api.graphql.documents import gql, seed_orders
from tests.conftest import cart_body


async def test_contact_exposes_orders_carts_and_totals(api):
    await seed_orders(api, 14)
    await api.post("/carts", cart_body(customer={"phone": "+33612340000"}))
    query = """{ contact(storeId: 123, phone: "0612340000") { phone whatsappCapable firstName
        orders(first: 5) { externalId } carts { externalId status } totals { ordersCount spent { currency amount } } } }"""
    contact = (await gql(api, query))["data"]["contact"]
    assert contact["phone"] == "+33612340000" and contact["whatsappCapable"] is True
    assert [order["externalId"] for order in contact["orders"]] == ["O-007", "O-000"]
    assert contact["carts"] == [{"externalId": "CART-7700", "status": "abandoned"}]
    assert contact["totals"] == {"ordersCount": 2, "spent": [{"currency": "EUR", "amount": "99.80"}]}
    listing = (await gql(api, "{ contacts(storeId: 123, first: 3) { totalCount edges { node { phone } } } }"))["data"]
    assert listing["contacts"]["totalCount"] == 7 and len(listing["contacts"]["edges"]) == 3
