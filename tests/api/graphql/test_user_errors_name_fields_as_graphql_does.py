"""A userError's message names its field as its `field` path does, GraphQL's camelCase
(`The customer.firstName field …`), where it named REST's body field (`customer.first_name`)
beside a `field` of `["input", "customer", "firstName"]`. The code and the rest of the message
are REST's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.graphql.documents import UPSERT_ORDER, gql, order_input
from tests.conftest import Api

CUSTOMER = order_input()["customer"]
# case -> (input overrides, the field path under input, the message's start)
CASES: dict[str, tuple[dict[str, Any], list[str], str]] = {
    "a customer's first name with a NUL": (
        {"customer": {**CUSTOMER, "firstName": "a\x00b"}},
        ["customer", "firstName"],
        "The customer.firstName field contains a NUL character",
    ),
    "a line item's price below zero": (
        {"lineItems": [{"title": "T", "quantity": 1, "price": -1}]},
        ["lineItems", "0", "price"],
        "The lineItems.0.price field is invalid",
    ),
    "a shipping address's country code": (
        {"shippingAddress": {"countryCode": "FRA"}},
        ["shippingAddress", "countryCode"],
        "The shippingAddress.countryCode field is invalid",
    ),
    "a total price with too many decimals": (
        {"totalPrice": "1.234"},
        ["totalPrice"],
        "The totalPrice field is invalid",
    ),
    "a blank external id": ({"externalId": " "}, ["externalId"], "The externalId field is required."),
    "a field of one word": ({"currency": "EURO"}, ["currency"], "The currency field is invalid"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_a_user_errors_message_names_its_field_as_graphql_does(api: Api, case: str) -> None:
    overrides, path, start = CASES[case]
    answer = await gql(api, UPSERT_ORDER, {"input": order_input(**overrides)})
    assert "errors" not in answer, answer
    (error,) = answer["data"]["upsertOrder"]["userErrors"]
    assert error["field"] == ["input", *path]
    assert error["message"].startswith(start), error["message"]
    assert await api.rows("orders") == []
