"""What the GraphQL tests share: a client call, the order mutations' documents and inputs, seed data."""

from tests.api.calls import gql
from tests.conftest import order_body, shipment_body

__all__ = ["gql"]  # the GraphQL tests import it from here with the documents

ORDER_FIELDS = """
  order { externalId totalPrice currency financialStatus tags metadata placedAt
          contact { phone firstName } lineItems { title quantity price } }
  created
  userErrors { field code message }
"""


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


UPDATE_ORDER = f"""mutation($input: OrderUpdateInput!) {{
  updateOrder(storeId: "123", externalId: "ORDER-1001", input: $input) {{ {ORDER_FIELDS} }} }}"""


async def seed_orders(api, count=30):
    """`count` orders over May 2026, of 7 phones, every second one paid, every fourth shipped."""
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
