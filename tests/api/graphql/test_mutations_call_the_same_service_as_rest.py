"""SPEC §5: the mutations take the REST fields (camelCase) and call the same domain service; payloads carry the record and `created`; in updates an absent field is left alone and null clears it."""

from tests.api.graphql.documents import UPDATE_ORDER, UPSERT_ORDER, gql, order_input


async def test_upsert_order_creates_then_updates(api):
    first = (await gql(api, UPSERT_ORDER, {"input": order_input()}))["data"]["upsertOrder"]
    assert (first["created"], first["userErrors"]) == (True, [])
    assert first["order"]["totalPrice"] == "49.90"
    assert first["order"]["contact"] == {"phone": "+33612345678", "firstName": "Marie"}
    assert first["order"]["lineItems"] == [{"title": "T-shirt", "quantity": 2.0, "price": "24.95"}]
    second = (await gql(api, UPSERT_ORDER, {"input": order_input()}))["data"]["upsertOrder"]
    assert second["created"] is False
    assert await api.count("orders") == 1
    # the same record REST reads
    assert (await api.get("/orders/ORDER-1001")).json()["total_price"] == "49.90"


async def test_update_order_tells_absent_from_null(api):
    await gql(api, UPSERT_ORDER, {"input": order_input()})
    paid = (await gql(api, UPDATE_ORDER, {"input": {"financialStatus": "paid"}}))["data"]["updateOrder"]["order"]
    assert (paid["financialStatus"], paid["tags"], paid["metadata"]) == ("paid", ["web"], {"source": "dashboard"})
    cleared = (await gql(api, UPDATE_ORDER, {"input": {"metadata": None, "tags": None}}))["data"]["updateOrder"][
        "order"
    ]
    assert (cleared["financialStatus"], cleared["tags"], cleared["metadata"]) == ("paid", [], {})
    status_null = (await gql(api, UPDATE_ORDER, {"input": {"financialStatus": None}}))["data"]["updateOrder"]["order"]
    assert status_null["financialStatus"] is None


async def test_shipment_cart_and_customer_mutations(api):
    await gql(api, UPSERT_ORDER, {"input": order_input()})
    shipment = await gql(
        api,
        """mutation { createShipment(storeId: 123, input: {externalId: "S1", orderExternalId: "ORDER-1001",
             status: "in_transit", carrier: "Colissimo"}) { shipment { status order { externalId } } created userErrors { code } } }""",
    )
    assert shipment["data"]["createShipment"] == {
        "shipment": {"status": "in_transit", "order": {"externalId": "ORDER-1001"}},
        "created": True,
        "userErrors": [],
    }
    missing = await gql(
        api,
        'mutation { createShipment(storeId: 123, input: {externalId: "S2", orderExternalId: "NOPE"}) { userErrors { field code } } }',
    )
    assert missing["data"]["createShipment"]["userErrors"] == [
        {"field": ["input", "orderExternalId"], "code": "NOT_FOUND"}
    ]
    cart = await gql(
        api,
        """mutation { upsertCart(storeId: 123, input: {externalId: "C1", abandonedAt: "2026-05-18T11:40:00",
             totalPrice: 10, customer: {phone: "+33612345678"}}) { cart { status totalPrice contact { firstName } } created } }""",
    )
    assert cart["data"]["upsertCart"] == {
        "cart": {"status": "abandoned", "totalPrice": "10.00", "contact": {"firstName": "Marie"}},
        "created": True,
    }
    updated = await gql(
        api, 'mutation { updateCart(storeId: 123, externalId: "C1", input: {status: "recovered"}) { cart { status } } }'
    )
    assert updated["data"]["updateCart"]["cart"]["status"] == "recovered"
    customer = await gql(
        api,
        """mutation { upsertCustomer(storeId: 123, input: {externalId: "CUST-9", phone: "0698765432", email: "x@example.com"})
             { customer { externalId email phoneType contact { phone } } created } }""",
    )
    assert customer["data"]["upsertCustomer"] == {
        "customer": {
            "externalId": "CUST-9",
            "email": "x@example.com",
            "phoneType": "mobile",
            "contact": {"phone": "+33698765432"},
        },
        "created": True,
    }
    erased = await gql(api, 'mutation { deleteCustomer(storeId: 123, externalId: "CUST-42") { erasedContacts } }')
    assert erased["data"]["deleteCustomer"]["erasedContacts"] == 1
