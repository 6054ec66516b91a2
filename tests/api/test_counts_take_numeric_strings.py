"""README "Platform payloads": a customer's `lifetime_value` and `orders_count` take numeric
strings as a line item's `quantity` does (shops send `"1299"`, `"7"`; they answered 422 "Must
be an integer."): the text is the number it spells, checked by the count's rules, and other
text is the quantity's "Must be a number.". Every count field (walked from the models: a
customer's own and the customer's within an order or a cart), by the single POST and in a batch
alike; the stored contact answered by GET."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.commands import CartInput, CustomerInput, OrderInput
from app.domain.types import Count
from tests.api.command_fields import fields_of_type
from tests.api.graphql.documents import gql
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678"}
# endpoint -> (command, body with the customer given, where the customer is in it)
ENDPOINTS = {
    "/customers": (CustomerInput, lambda customer: customer, ""),
    "/orders": (OrderInput, lambda customer: order_body(customer=customer), "customer."),
    "/carts": (CartInput, lambda customer: cart_body(customer=customer), "customer."),
}
FIELDS = [
    (endpoint, field.removeprefix(at))
    for endpoint, (model, _, at) in ENDPOINTS.items()
    for field in sorted(fields_of_type(model, Count))
]

# value sent -> the count stored
READ: dict[str, int] = {"1299": 1299, "7": 7, " 7 ": 7, "+7": 7, "0": 0, "-0": 0, "0007": 7, str(2**62): 2**62}
# value sent -> (code, message): as the JSON number the text spells, or as the quantity's text
REFUSED: dict[str, tuple[str, str]] = {
    "seven": ("invalid_type", "Must be a number."),
    "1,200": ("invalid_type", "Must be a number."),
    "١٢": ("invalid_type", "Must be a number."),  # other scripts' digits, as amounts
    "12.5": ("invalid_type", "Must be an integer."),
    "12.0": ("invalid_type", "Must be an integer."),  # as the JSON number 12.0
    "1e3": ("invalid_type", "Must be an integer."),
    "-1": ("out_of_range", "Must be greater than or equal to 0."),
    str(2**62 + 1): ("out_of_range", f"Must be less than or equal to {2**62}."),
    "9" * 5000: ("out_of_range", f"Must be less than or equal to {2**62}."),
}


def test_every_count_field_is_in_the_table() -> None:
    assert FIELDS == [
        ("/customers", "lifetime_value"),
        ("/customers", "orders_count"),
        ("/orders", "lifetime_value"),
        ("/orders", "orders_count"),
        ("/carts", "lifetime_value"),
        ("/carts", "orders_count"),
    ]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("text", READ)
@pytest.mark.parametrize(("endpoint", "field"), FIELDS)
async def test_a_numeric_string_count_is_stored_as_its_number(api, endpoint, field, text, way) -> None:
    _, body, _ = ENDPOINTS[endpoint]
    assert await write(api, endpoint, body({**CUSTOMER, field: text}), way) == (201, None)
    assert (await api.get("/customers/CUST-42")).json()[field] == READ[text]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("text", REFUSED, ids=[text[:12] for text in REFUSED])
@pytest.mark.parametrize(("endpoint", "field"), FIELDS)
async def test_other_text_is_refused_as_a_quantitys_is(api, endpoint, field, text, way) -> None:
    _, body, at = ENDPOINTS[endpoint]
    code, message = REFUSED[text]
    dotted = at + field
    assert await write(api, endpoint, body({**CUSTOMER, field: text}), way) == (
        422,
        {"codes": {dotted: [code]}, "errors": {dotted: [f"The {dotted} field is invalid: {message}"]}},
    )
    assert await api.count("contacts") == 0


async def test_a_quantity_refuses_the_same_text_with_the_same_message(api) -> None:
    answer = await api.post("/orders", order_body(line_items=[{"title": "Tee", "quantity": "seven"}]))
    assert answer.json()["errors"] == {
        "line_items.0.quantity": ["The line_items.0.quantity field is invalid: Must be a number."]
    }


_UPSERT = """mutation($input: CustomerInput!) { upsertCustomer(storeId: 123, input: $input) {
  customer { lifetimeValue ordersCount } userErrors { field code message } } }"""


@pytest.mark.parametrize(("sent", "answer"), [("1299", (1299, None)), ("seven", None)])
async def test_graphql_takes_the_same_text(api, sent: str, answer: Any) -> None:
    """GraphQL's Long hands the value to the same command."""
    data = await gql(api, _UPSERT, {"input": {"externalId": "CUST-42", "phone": "+33612345678", "lifetimeValue": sent}})
    payload = data["data"]["upsertCustomer"]
    if answer is not None:
        assert payload == {"customer": {"lifetimeValue": 1299, "ordersCount": None}, "userErrors": []}
    else:
        assert payload["customer"] is None
        assert payload["userErrors"] == [
            {
                "field": ["input", "lifetimeValue"],
                "code": "INVALID_TYPE",
                "message": "The lifetimeValue field is invalid: Must be a number.",
            }
        ]
