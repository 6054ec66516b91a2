"""What the address tests of orders and carts share (README, "Phones as shops send them"): the
addresses sent and stored, the refused ones, and each check for one resource."""

from __future__ import annotations

from typing import Any

from tests.api.calls import gql
from tests.conftest import cart_body, order_body

SENT = {
    "first_name": "Marie",
    "last_name": "Durand",
    "company": "Durand SARL",
    "address1": "12 rue des Lilas",
    "address2": "Bât. B",
    "city": "Bordeaux",
    "province": "Gironde",
    "zip": "33000",
    "country_code": "fr",
    "phone": "06 98 76 54 32",
}
STORED = {**SENT, "country_code": "FR"}
BILLING = {"address1": "1 Main St", "city": "Boston", "province": "MA", "zip": "02108", "country_code": "US"}
BILLING_STORED = {name: BILLING.get(name) for name in STORED}

# The resources with addresses, as (path, body, GraphQL query of its one record, the path to
# it in the answer). Carts also answer as checkouts.
RESOURCES = {
    "order": ("/orders", order_body, 'order(storeId: 123, externalId: "ORDER-1001")', ("order",)),
    "cart": ("/carts", cart_body, "carts(storeId: 123)", ("carts", "edges", 0, "node")),
    "checkout": ("/checkouts", cart_body, "carts(storeId: 123)", ("carts", "edges", 0, "node")),
}
ADDRESS_FIELDS = "firstName lastName company address1 address2 city province zip countryCode phone"


def _camel(address: dict[str, Any]) -> dict[str, Any]:
    names = {"first_name": "firstName", "last_name": "lastName", "country_code": "countryCode"}
    return {names.get(name, name): value for name, value in address.items()}


def _document(query: str, fields: str) -> str:
    if query.startswith("carts"):
        return f"{{ {query} {{ edges {{ node {{ {fields} }} }} }} }}"
    return f"{{ {query} {{ {fields} }} }}"


def _at(answer: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        answer = answer[part]
    return answer


async def check_addresses_are_returned_by_post_get_and_graphql(api, resource):
    path, body, query, answer_path = RESOURCES[resource]
    sent = body(shipping_address=SENT, billing_address=BILLING)
    posted = await api.post(path, sent)
    assert posted.status_code == 201, posted.text
    external_id = sent["external_id"]
    read = (await api.get(f"{path}/{external_id}")).json()
    for answer in (posted.json(), read):
        assert (answer["shipping_address"], answer["billing_address"]) == (STORED, BILLING_STORED)
        assert answer["phone_source"] == "customer"
    fields = f"shippingAddress {{ {ADDRESS_FIELDS} }} billingAddress {{ {ADDRESS_FIELDS} }}"
    record = _at((await gql(api, _document(query, fields)))["data"], answer_path)
    assert record == {"shippingAddress": _camel(STORED), "billingAddress": _camel(BILLING_STORED)}


async def check_without_addresses_they_are_null(api, resource):
    path, body, query, answer_path = RESOURCES[resource]
    posted = await api.post(path, body())
    assert (posted.json()["shipping_address"], posted.json()["billing_address"]) == (None, None)
    answer = (await gql(api, _document(query, "shippingAddress { city } billingAddress { city }")))["data"]
    assert _at(answer, answer_path) == {"shippingAddress": None, "billingAddress": None}


# Addresses with nothing in them, as checkouts that ask for no address relay them: no address.
EMPTY = {
    "empty object": {},
    "every field empty": {name: "" for name in SENT},
    "every field blank": {name: " \t" for name in SENT},
    "every field null": dict.fromkeys(SENT),
    "blank and null": {"city": "", "zip": None, "country_code": "  ", "phone": ""},
}


async def check_an_empty_address_is_no_address(api, resource, address):
    path, body, query, answer_path = RESOURCES[resource]
    posted = await api.post(path, body(shipping_address=address, billing_address=address))
    assert posted.status_code == 201, posted.text
    external_id = body()["external_id"]
    for answer in (posted.json(), (await api.get(f"{path}/{external_id}")).json()):
        assert (answer["shipping_address"], answer["billing_address"]) == (None, None)
        assert answer["phone_source"] == "customer"
    answer = (await gql(api, _document(query, "shippingAddress { city } billingAddress { city }")))["data"]
    assert _at(answer, answer_path) == {"shippingAddress": None, "billingAddress": None}


async def check_a_replaced_record_replaces_its_addresses(api, resource):
    path, body, _, _ = RESOURCES[resource]
    await api.post(path, body(shipping_address=SENT, billing_address=BILLING))
    replaced = await api.post(path, body(shipping_address={"city": "Lyon"}))
    assert replaced.status_code == 200
    assert replaced.json()["billing_address"] is None
    assert replaced.json()["shipping_address"]["city"] == "Lyon"


# (the address sent, the failing field, its code): nothing is stored.
REFUSED = {
    "unknown country": ({"country_code": "XX"}, "shipping_address.country_code", "invalid_choice"),
    "alpha-3 country": ({"country_code": "FRA"}, "shipping_address.country_code", "invalid_choice"),
    "number as country": ({"country_code": 33}, "shipping_address.country_code", "invalid_type"),
    "256-character street": ({"address1": "x" * 256}, "shipping_address.address1", "too_long"),
    "256-character city": ({"city": "x" * 256}, "shipping_address.city", "too_long"),
    "33-character zip": ({"zip": "1" * 33}, "shipping_address.zip", "too_long"),
    "65-character phone": ({"phone": "1" * 65}, "shipping_address.phone", "too_long"),
    "number as name": ({"first_name": 7}, "shipping_address.first_name", "invalid_type"),
    "NUL in company": ({"company": "a\x00b"}, "shipping_address.company", "invalid_characters"),
    "a list as address": ([], "shipping_address", "invalid_type"),
}


async def check_an_invalid_address_is_422_and_stores_nothing(api, resource, address, field, code):
    path, body, _, _ = RESOURCES[resource]
    response = await api.post(path, body(shipping_address=address))
    assert response.status_code == 422, response.text
    assert response.json()["codes"] == {field: [code]}
    assert await api.count("orders") + await api.count("carts") + await api.count("contacts") == 0
