"""SPEC §5: GraphQL mutations and queries through the same domain service as REST."""

import contextlib

import pytest
from sqlalchemy import event

from app.services import keys, stores
from graphql_schema.export import SCHEMA_FILE
from graphql_schema.schema import sdl
from tests.conftest import cart_body, order_body, shipment_body

ORDER_FIELDS = """
  order { externalId totalPrice currency financialStatus tags metadata placedAt
          contact { phone firstName } lineItems { title quantity price } }
  created
  userErrors { field code message }
"""


async def gql(api, query, variables=None, key=None):
    response = await api.client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=api.auth(key)
    )
    assert response.status_code == 200, response.text
    return response.json()


UPSERT_ORDER = f"mutation($input: OrderInput!) {{ upsertOrder(storeId: 123, input: $input) {{ {ORDER_FIELDS} }} }}"


def order_input(**overrides):
    return {
        "externalId": "ORDER-1001",
        "placedAt": "2026-05-18T10:00:00Z",
        "totalPrice": "49.9",
        "currency": "EUR",
        "financialStatus": "pending",
        "customer": {"phone": "06 12 34 56 78", "firstName": "Marie", "externalId": "CUST-42"},
        "lineItems": [{"title": "T-shirt", "quantity": 2, "price": 24.95}],
        "tags": ["web"],
        "metadata": {"source": "dashboard"},
        **overrides,
    }


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


async def test_validation_failures_are_user_errors_with_the_error_code_enum(api):
    body = await gql(
        api, UPSERT_ORDER, {"input": order_input(totalPrice="-1", customer={"phone": "12"}, currency="EUX")}
    )
    assert "errors" not in body
    payload = body["data"]["upsertOrder"]
    assert payload["order"] is None and payload["created"] is None
    codes = {tuple(error["field"]): error["code"] for error in payload["userErrors"]}
    assert codes == {
        ("input", "totalPrice"): "OUT_OF_RANGE",
        ("input", "currency"): "INVALID_CURRENCY",
        ("input", "customer", "phone"): "INVALID_PHONE",
    }
    assert await api.count("orders") == 0


UPDATE_ORDER = f"""mutation($input: OrderUpdateInput!) {{
  updateOrder(storeId: "123", externalId: "ORDER-1001", input: $input) {{ {ORDER_FIELDS} }} }}"""


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


async def test_update_of_unknown_order_is_a_user_error(api):
    payload = (await gql(api, UPDATE_ORDER, {"input": {"financialStatus": "paid"}}))["data"]["updateOrder"]
    assert payload["userErrors"] == [{"field": ["externalId"], "code": "NOT_FOUND", "message": "Order not found"}]


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


async def _seed(api, count=30):
    for index in range(count):
        body = order_body(
            external_id=f"O-{index:03d}",
            placed_at=f"2026-05-{1 + index % 28:02d}T10:{index % 60:02d}:00Z",
            financial_status="paid" if index % 2 else "pending",
            tags=["vip"] if index % 3 == 0 else ["web"],
            customer={"phone": f"+3361234{index % 7:04d}", "first_name": f"N{index % 7}"},
        )
        assert (await api.post("/orders", body)).status_code == 201
        if index % 4 == 0:
            await api.post("/shipments", shipment_body(external_id=f"S-{index}", order_external_id=f"O-{index:03d}"))


ORDERS = """query($filter: OrderFilter, $first: Int!, $after: String) {
  orders(storeId: 123, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { externalId placedAt financialStatus contact { phone } shipments { externalId } lineItems { title } } }
  } }"""


async def test_orders_pages_walk_every_order_once_newest_first(api):
    await _seed(api)
    seen, after, pages = [], None, 0
    while True:
        data = (await gql(api, ORDERS, {"first": 7, "after": after}))["data"]["orders"]
        pages += 1
        assert data["totalCount"] == 30
        seen += [edge["node"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert pages == 5 and len({node["externalId"] for node in seen}) == 30
    placed = [node["placedAt"] for node in seen]
    assert placed == sorted(placed, reverse=True)
    with_shipment = [node for node in seen if node["shipments"]]
    assert len(with_shipment) == 8 and all(node["contact"]["phone"].startswith("+33") for node in seen)


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"financialStatus": "paid"}, 15),
        ({"tag": "vip"}, 10),
        ({"phone": "06 12 34 00 00"}, 5),
        ({"search": "O-00"}, 10),
        ({"placedAfter": "2026-05-20T00:00:00Z"}, 9),
        ({"placedBefore": "2026-05-02T00:00:00+00:00", "financialStatus": "pending"}, 2),
    ],
)
async def test_order_filters(api, filter, expected):
    await _seed(api)
    data = (await gql(api, ORDERS, {"filter": filter, "first": 100}))["data"]["orders"]
    assert data["totalCount"] == expected == len(data["edges"])


async def test_bad_query_arguments_are_clear_errors(api):
    too_many = await gql(api, ORDERS, {"first": 101})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_cursor = await gql(api, ORDERS, {"first": 5, "after": "not-a-cursor"})
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_phone = await gql(api, ORDERS, {"first": 5, "filter": {"phone": "12"}})
    assert bad_phone["errors"][0]["extensions"]["field"] == ["filter", "phone"]


async def test_contact_exposes_orders_carts_and_totals(api):
    await _seed(api, 14)
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


async def test_store_and_store_stats(api):
    await _seed(api, 10)
    await api.post("/carts", cart_body(abandoned_at="2026-05-03T00:00:00Z"))
    await api.post("/carts", cart_body(external_id="CART-2", abandoned_at="2026-05-04T00:00:00Z"))
    await api.patch("/carts/CART-2", {"status": "recovered"})
    query = """{ store(id: 123) { name region }
      storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
        orderCount revenue { currency amount average orders }
        byFinancialStatus { status count } cartsAbandoned cartsRecovered recoveryRate } }"""
    data = (await gql(api, query))["data"]
    assert data["store"] == {"name": "Demo shop", "region": "FR"}
    stats = data["storeStats"]
    assert stats["orderCount"] == 10
    assert stats["revenue"] == [{"currency": "EUR", "amount": "499.00", "average": "49.90", "orders": 10}]
    assert sorted((s["status"], s["count"]) for s in stats["byFinancialStatus"]) == [("paid", 5), ("pending", 5)]
    assert (stats["cartsAbandoned"], stats["cartsRecovered"], stats["recoveryRate"]) == (2, 1, 0.5)


async def test_auth_is_the_rest_auth(api):
    query = '{ order(storeId: 123, externalId: "X") { id } }'
    response = await api.client.post("/graphql", json={"query": query})
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    invalid = await gql(api, query, key="kanal_sk_live_nope")
    assert invalid["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await stores.create_store(api.db, 456, "Other", "DE")
    other, _ = await keys.create_key(api.db, store_id=456)
    forbidden = await gql(api, query, key=other)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN" and forbidden["data"] == {"order": None}
    mutation = await gql(api, UPSERT_ORDER, {"input": order_input()}, key=other)
    assert mutation["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await api.count("orders") == 0
    admin, _ = await keys.create_key(api.db, admin=True)
    assert (await gql(api, '{ order(storeId: 456, externalId: "X") { id } }', key=admin))["data"] == {"order": None}


@contextlib.contextmanager
def counting_statements(db):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", record)


async def test_no_n_plus_one_statements_do_not_grow_with_the_page(api):
    await _seed(api, 120)
    query = """query($first: Int!) { orders(storeId: 123, first: $first) { edges { node {
        externalId contact { phone totals { ordersCount } orders(first: 2) { externalId } } shipments { carrier }
        lineItems { title } } } } }"""
    counts = []
    for first in (10, 100):
        with counting_statements(api.db) as statements:
            data = await gql(api, query, {"first": first})
        assert len(data["data"]["orders"]["edges"]) == first
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        (
            "{ orders(storeId: 123) { edges { node { contact { orders { contact { orders { contact { orders { contact"
            " { orders { contact { phone } } } } } } } } } } } } }",
            "depth",
        ),
        ("{ " + " ".join(f"a{i}: store(id: 123) {{ id }}" for i in range(40)) + " }", "aliases"),
        ("{ store(id: 123) { " + "id " * 3000 + "} }", "token"),
        (
            "mutation { "
            + " ".join(f'd{i}: deleteCustomer(storeId: 123, externalId: "x") {{ erasedContacts }}' for i in range(11))
            + " }",
            "mutations",
        ),
    ],
)
async def test_abusive_documents_get_a_fast_error(api, query, fragment):
    body = await gql(api, query)
    assert body.get("data") is None
    assert fragment in body["errors"][0]["message"].lower()


def test_exported_schema_file_is_current():
    assert SCHEMA_FILE.read_text() == sdl(), "run: .venv/bin/python -m graphql_schema.export"
