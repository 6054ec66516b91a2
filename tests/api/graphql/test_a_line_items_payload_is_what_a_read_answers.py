"""A mutation's payload carries the record as stored (SPEC §5): its line items' `price`,
`quantity` and `data` are what a later read answers. A line item is free-form JSON, its
numbers stored as JSON numbers (README "Free-form JSON": exact to 15 significant digits), so a
price of 16 digits is stored as the double nearest it; the payload said the digits sent, where
every read (GraphQL and REST) answers the stored ones."""

import pytest

from tests.api.graphql.documents import gql, order_input
from tests.conftest import cart_body

LINE_FIELDS = "lineItems { price quantity data }"

# a line item as sent -> the price and quantity every answer shows (its currency EUR)
LINES = [
    ({"title": "a", "price": "99999999999999.99", "quantity": 1}, "99999999999999.98", 1.0),
    ({"title": "b", "price": "12345678901234.57", "quantity": "1.2345"}, "12345678901234.57", 1.2345),
    ({"title": "c", "price": 24.95, "quantity": 2}, "24.95", 2.0),
    ({"title": "d", "price": "0.10", "quantity": "3"}, "0.10", 3.0),
    ({"title": "e", "price": "70000000000000.01", "quantity": 1}, "70000000000000.01", 1.0),
    ({"title": "f", "price": 5}, "5.00", None),
]
IDS = [line["title"] for line, _, _ in LINES]

UPSERT_ORDER = f"""mutation($input: OrderInput!) {{
  upsertOrder(storeId: 123, input: $input) {{ order {{ {LINE_FIELDS} }} userErrors {{ code }} }} }}"""
UPSERT_ORDERS = f"""mutation($inputs: [OrderInput!]!) {{
  upsertOrders(storeId: 123, inputs: $inputs) {{ results {{ order {{ {LINE_FIELDS} }} userErrors {{ code }} }} }} }}"""
READ_ORDER = f'{{ order(storeId: 123, externalId: "ORDER-1001") {{ {LINE_FIELDS} }} }}'

UPSERT_CART = f"""mutation($input: CartInput!) {{
  upsertCart(storeId: 123, input: $input) {{ cart {{ {LINE_FIELDS} }} userErrors {{ code }} }} }}"""
UPSERT_CARTS = f"""mutation($inputs: [CartInput!]!) {{
  upsertCarts(storeId: 123, inputs: $inputs) {{ results {{ cart {{ {LINE_FIELDS} }} userErrors {{ code }} }} }} }}"""
READ_CART = f"{{ carts(storeId: 123) {{ edges {{ node {{ {LINE_FIELDS} }} }} }} }}"


def _cart_input(line):
    return {
        "externalId": "CART-7700",
        "abandonedAt": cart_body()["abandoned_at"],
        "totalPrice": "49.90",
        "currency": "EUR",
        "customer": {"phone": "+33612345678"},
        "lineItems": [line],
    }


def _order_input(line):
    return order_input(lineItems=[line], totalPrice="49.90")


# mutation -> (its document, its variables of a line item, where its record is in the answer)
MUTATIONS = {
    "upsertOrder": (UPSERT_ORDER, lambda line: {"input": _order_input(line)}, ("upsertOrder", "order")),
    "upsertOrders": (UPSERT_ORDERS, lambda line: {"inputs": [_order_input(line)]}, ("upsertOrders", 0, "order")),
    "upsertCart": (UPSERT_CART, lambda line: {"input": _cart_input(line)}, ("upsertCart", "cart")),
    "upsertCarts": (UPSERT_CARTS, lambda line: {"inputs": [_cart_input(line)]}, ("upsertCarts", 0, "cart")),
}


def _at(data, path):
    for step in path:
        data = data["results"][step] if isinstance(step, int) else data[step]
    return data


async def _read(api, mutation):
    if mutation.endswith("Order") or mutation.endswith("Orders"):
        return (await gql(api, READ_ORDER))["data"]["order"]
    (edge,) = (await gql(api, READ_CART))["data"]["carts"]["edges"]
    return edge["node"]


@pytest.mark.parametrize("mutation", list(MUTATIONS))
@pytest.mark.parametrize(("line", "price", "quantity"), LINES, ids=IDS)
async def test_the_payloads_line_items_are_the_stored_ones(api, mutation, line, price, quantity):
    document, variables, path = MUTATIONS[mutation]
    answer = await gql(api, document, variables(line))
    assert "errors" not in answer, answer
    written = _at(answer["data"], path)
    assert written["lineItems"][0]["price"] == price
    assert written["lineItems"][0]["quantity"] == quantity
    assert written == await _read(api, mutation)
    if mutation.endswith("Order"):  # REST reads the same number
        (stored,) = (await api.get("/orders/ORDER-1001")).json()["line_items"]
        assert f"{stored['price']:.2f}" == price
