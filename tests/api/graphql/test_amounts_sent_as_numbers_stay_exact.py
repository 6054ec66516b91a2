"""Exact money everywhere (issue 11 item 4), GraphQL's inputs too: an amount sent as a JSON number,
inline in the document or in the variables, keeps every digit, as REST keeps it; so do the
numbers of a line item and of metadata (stored as JSON numbers: exact to 15 digits, as REST's)."""

from __future__ import annotations

import json

import pytest

from tests.api.calls import gql
from tests.conftest import Api

TOTAL = "12345678901234.5678"  # 18 digits: no float holds it
PRICE = "123456789.0123"
_INLINE = """mutation { upsertOrder(storeId: 123, input: {externalId: "O-1", placedAt: "2026-05-18T10:00:00Z",
  totalPrice: %s, lineItems: [{title: "Tee", quantity: 1.0005, price: %s}], metadata: {ratio: 0.1},
  customer: {phone: "+33612345678"}}) { order { totalPrice } userErrors { code } } }"""
_VARIABLES = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) {
  order { totalPrice } userErrors { code } } }"""
# the variables as a client writes them: JSON numbers with every digit
_INPUT = (
    '{"externalId": "O-1", "placedAt": "2026-05-18T10:00:00Z", "totalPrice": %s, '
    '"lineItems": [{"title": "Tee", "quantity": 1.0005, "price": %s}], "metadata": {"ratio": 0.1}, '
    '"customer": {"phone": "+33612345678"}}'
)

FORMS = {
    "inline numbers": (TOTAL, PRICE, None),
    "inline strings": (f'"{TOTAL}"', f'"{PRICE}"', None),
    "variables, numbers": (TOTAL, PRICE, "variables"),
    "variables, strings": (f'"{TOTAL}"', f'"{PRICE}"', "variables"),
}


async def _send(api: Api, total: str, price: str, via: str | None) -> dict:
    if via is None:
        return await gql(api, _INLINE % (total, price))
    variables = _INPUT % (total, price)
    body = f'{{"query": {json.dumps(_VARIABLES)}, "variables": {{"input": {variables}}}}}'
    response = await api.client.post(
        "/graphql", content=body, headers={**api.auth(), "content-type": "application/json"}
    )
    return response.json()


@pytest.mark.parametrize(("total", "price", "via"), FORMS.values(), ids=FORMS.keys())
async def test_amounts_keep_every_digit(api: Api, total: str, price: str, via: str | None) -> None:
    answer = await _send(api, total, price, via)
    assert answer["data"]["upsertOrder"] == {"order": {"totalPrice": TOTAL}, "userErrors": []}
    (row,) = await api.rows("orders")
    assert str(row["total_price"]) == TOTAL
    assert (str(row["line_items"][0]["price"]), str(row["line_items"][0]["quantity"])) == (PRICE, "1.0005")
    assert str(row["metadata"]["ratio"]) == "0.1"
    assert (await api.get("/orders/O-1")).json()["total_price"] == TOTAL
