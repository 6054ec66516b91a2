"""README, "Phones as shops send them" (SPEC §4.1 amended): the phone an order or a cart is
attached by is `customer.phone`, else `shipping_address.phone`, else `billing_address.phone`;
numbers without `+` are read in the shipping address's country, else the billing address's,
else the store's region (FR here); an address's own phone in that address's country first. The record, the response and the contact say which phone
was used (`phone_source`); with no phone anywhere the write is 422 on customer.phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import cart_body, order_body

MARIE = {"first_name": "Marie"}

# (body changes, the contact's E.164, phone_source): one row per source and per region rule.
ATTACHED = {
    "customer phone first": (
        {"customer": {"phone": "+33612345678"}, "shipping_address": {"phone": "+33698765432"}},
        "+33612345678",
        "customer",
    ),
    "customer without phone: shipping": (
        {
            "customer": MARIE,
            "shipping_address": {"phone": "+33698765432"},
            "billing_address": {"phone": "+33611111111"},
        },
        "+33698765432",
        "shipping_address",
    ),
    "no customer: billing": (
        {"customer": ..., "billing_address": {"phone": "06 11 11 11 11"}},
        "+33611111111",
        "billing_address",
    ),
    "null customer, shipping without phone: billing": (
        {"customer": None, "shipping_address": {"city": "Lyon"}, "billing_address": {"phone": "+33611111111"}},
        "+33611111111",
        "billing_address",
    ),
    "blank customer phone: shipping": (
        {"customer": {"phone": "", "first_name": "Marie"}, "shipping_address": {"phone": "+33698765432"}},
        "+33698765432",
        "shipping_address",
    ),
    "blank shipping phone: billing": (
        {"customer": MARIE, "shipping_address": {"phone": "  "}, "billing_address": {"phone": "+33611111111"}},
        "+33611111111",
        "billing_address",
    ),
    "national number in the shipping country": (
        {"customer": MARIE, "shipping_address": {"phone": "(11) 98123-4567", "country_code": "BR"}},
        "+5511981234567",
        "shipping_address",
    ),
    "customer's national number in the shipping country": (
        {"customer": {"phone": "912 345 678"}, "shipping_address": {"country_code": "pt"}},
        "+351912345678",
        "customer",
    ),
    "shipping country before billing country": (
        {
            "customer": {"phone": "912 345 678"},
            "shipping_address": {"country_code": "PT"},
            "billing_address": {"country_code": "ES"},
        },
        "+351912345678",
        "customer",
    ),
    "billing country when shipping has none": (
        {
            "customer": MARIE,
            "shipping_address": {"city": "x"},
            "billing_address": {"phone": "612 34 56 78", "country_code": "ES"},
        },
        "+34612345678",
        "billing_address",
    ),
    "billing phone in the billing country, shipped abroad": (
        {
            "customer": ...,
            "billing_address": {"first_name": "Jan", "country_code": "BE", "phone": "0470 12 34 56"},
            "shipping_address": {"first_name": "Oma", "country_code": "DE", "phone": ""},
        },
        "+32470123456",
        "billing_address",
    ),
    "billing mobile in the billing country, shipped next door": (
        {
            "customer": MARIE,
            "billing_address": {"country_code": "DE", "phone": "0151 23456789"},
            "shipping_address": {"country_code": "AT"},
        },
        "+4915123456789",
        "billing_address",
    ),
    "billing phone valid at home only, shipped abroad": (
        {
            "customer": MARIE,
            "billing_address": {"country_code": "GB", "phone": "07911 123456"},
            "shipping_address": {"country_code": "FR", "address1": "x"},
        },
        "+447911123456",
        "billing_address",
    ),
    "shipping phone in the shipping country, billed elsewhere": (
        {
            "customer": MARIE,
            "shipping_address": {"country_code": "PT", "phone": "912 345 678"},
            "billing_address": {"country_code": "ES"},
        },
        "+351912345678",
        "shipping_address",
    ),
    "billing phone, its address without country: the shipping country": (
        {"customer": MARIE, "billing_address": {"phone": "912 345 678"}, "shipping_address": {"country_code": "PT"}},
        "+351912345678",
        "billing_address",
    ),
    "top-level phone: the shipping country, not the billing's": (
        {
            "customer": MARIE,
            "phone": "912 345 678",
            "shipping_address": {"country_code": "PT"},
            "billing_address": {"country_code": "ES"},
        },
        "+351912345678",
        "phone",
    ),
    "no country: the store's region": (
        {"customer": MARIE, "shipping_address": {"phone": "06 98 76 54 32"}},
        "+33698765432",
        "shipping_address",
    ),
    "digits-only international, valid only abroad": (
        {"customer": MARIE, "shipping_address": {"phone": "5511981234567", "country_code": "FR"}},
        "+5511981234567",
        "shipping_address",
    ),
    "Brazilian mobile without its ninth digit": (
        {"customer": {"phone": "+55 11 8123-4567"}},
        "+5511981234567",
        "customer",
    ),
}


def _with(body: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = {**body, **changes}
    return {name: value for name, value in merged.items() if value is not ...}


@pytest.mark.parametrize(("changes", "e164", "source"), ATTACHED.values(), ids=ATTACHED.keys())
@pytest.mark.parametrize(("path", "body", "table"), [("/orders", order_body, "orders"), ("/carts", cart_body, "carts")])
async def test_the_phone_used_and_its_source(api, path, body, table, changes, e164, source):
    response = await api.post(path, _with(body(), changes))
    assert response.status_code == 201, response.text
    assert (response.json()["contact"]["phone"], response.json()["phone_source"]) == (e164, source)
    [contact] = await api.rows("contacts")
    assert (contact["phone"], contact["phone_source"]) == (e164, source)
    [row] = await api.rows(table)
    assert (row["contact_id"], row["phone_source"]) == (contact["id"], source)
    external_id = body()["external_id"]
    read = (await api.get(f"{path}/{external_id}")).json()
    assert (read["contact"]["phone"], read["phone_source"]) == (e164, source)


# (body changes, the failing field, its code): nothing is stored.
REFUSED = {
    "no customer, no address": ({"customer": ...}, "customer.phone", "required"),
    "null customer": ({"customer": None}, "customer.phone", "required"),
    "blank customer phone, no address": ({"customer": {"phone": " "}}, "customer.phone", "required"),
    "customer without phone, addresses without phone": (
        {"customer": MARIE, "shipping_address": {"city": "Lyon"}, "billing_address": {"phone": None}},
        "customer.phone",
        "required",
    ),
    "Peruvian mobile without + shipped to Brazil": (
        {"customer": MARIE, "shipping_address": {"phone": "51965123456", "country_code": "BR"}},
        "shipping_address.phone",
        "ambiguous_phone",
    ),
    "the customer's digits, ambiguous in the billing country": (
        {"customer": {"phone": "51965123456"}, "billing_address": {"country_code": "BR"}},
        "customer.phone",
        "ambiguous_phone",
    ),
    "an invalid billing phone, used": (
        {"customer": ..., "billing_address": {"phone": "12"}},
        "billing_address.phone",
        "invalid_phone",
    ),
}


@pytest.mark.parametrize(("changes", "field", "code"), REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize(("path", "body"), [("/orders", order_body), ("/carts", cart_body)])
async def test_no_usable_phone_is_422_and_stores_nothing(api, path, body, changes, field, code):
    response = await api.post(path, _with(body(), changes))
    assert response.status_code == 422, response.text
    assert response.json()["codes"] == {field: [code]}
    if code == "ambiguous_phone":
        assert "write it with + and the country code" in response.json()["errors"][field][0]
    assert await api.count("contacts") == 0


async def test_the_contact_says_where_its_phone_was_last_taken_from(api):
    await api.post("/orders", order_body())
    cart = cart_body(customer={"first_name": "Marie"}, shipping_address={"phone": "+33612345678"})
    assert (await api.post("/carts", cart)).status_code == 201
    [contact] = await api.rows("contacts")
    assert (contact["phone_source"], contact["first_name"]) == ("shipping_address", "Marie")


ORDER_PHONE = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) {
  order { phoneSource contact { phone phoneSource } } userErrors { field code message } } }"""
CART_PHONE = """mutation($input: CartInput!) { upsertCart(storeId: 123, input: $input) {
  cart { phoneSource contact { phone phoneSource } } userErrors { field code message } } }"""
ORDER = {"externalId": "O-1", "placedAt": "2026-05-18T10:00:00Z", "totalPrice": "1"}
CART = {"externalId": "C-1", "abandonedAt": "2026-05-18T10:00:00Z", "totalPrice": "1"}


@pytest.mark.parametrize(
    ("document", "base", "name"), [(ORDER_PHONE, ORDER, "upsertOrder"), (CART_PHONE, CART, "upsertCart")]
)
async def test_graphql_takes_the_phone_from_an_address_and_says_so(api, document, base, name):
    given = {
        **base,
        "customer": {"firstName": "Marie"},
        "shippingAddress": {"phone": "(11) 8123-4567", "countryCode": "BR"},
    }
    payload = (await gql(api, document, {"input": given}))["data"][name]
    record = payload["order" if name == "upsertOrder" else "cart"]
    assert payload["userErrors"] == []
    assert record == {
        "phoneSource": "shipping_address",
        "contact": {"phone": "+5511981234567", "phoneSource": "shipping_address"},
    }


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({}, ["input", "customer", "phone"], "REQUIRED"),
        ({"customer": None, "billingAddress": {"city": "Lima"}}, ["input", "customer", "phone"], "REQUIRED"),
        (
            {"shippingAddress": {"phone": "51965123456", "countryCode": "BR"}},
            ["input", "shippingAddress", "phone"],
            "AMBIGUOUS_PHONE",
        ),
    ],
)
async def test_graphql_refuses_no_phone_and_ambiguous_digits(api, changes, field, code):
    payload = (await gql(api, ORDER_PHONE, {"input": {**ORDER, **changes}}))["data"]["upsertOrder"]
    assert payload["order"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(field, code)]
    assert await api.count("orders") == 0
