"""README "Platform payloads": where the customer gives neither name (its own `first_name` and
`last_name`, Magento's `firstname` and `lastname` in it, the top-level `customer_firstname` and
`customer_lastname`: absent, null or blank), its names are an address's, as a pair: both from
the first address holding either, the billing address's before the shipping address's, in any
of the address's names (ours, Magento's, WooCommerce's `billing` and `shipping`). Never mixed:
a name given anywhere on the customer's side reads nothing from an address. On orders, carts
and checkouts, by the single POST and in a batch alike; the contact stored holds the names, the
address keeps its own. A name the address refuses is refused once, at the address's field."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.customer_names import NAME_ADDRESSES, NAMES_IN_ADDRESSES
from app.domain.platform_names import ORDER_NAMES
from tests.api.calls import gql
from tests.api.graphql.documents import order_input
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

PHONE = "+33612345678"
RESOURCES = {
    "order": ("/orders", order_body),
    "cart": ("/carts", cart_body),
    "checkout": ("/checkouts", cart_body),
}


def _address(**names: Any) -> dict[str, Any]:
    """An address in our names (Shopify's) or Magento's, with the names given."""
    return {"city": "Paris", "country_code": "FR", **names}


def _woo(**names: Any) -> dict[str, Any]:
    """WooCommerce's `billing` or `shipping`, with the names given."""
    return {"address_1": "1 Main St", "city": "Boston", "country": "US", **names}


BILLING = _address(first_name="Jo", last_name="Do")
SHIPPING = _address(first_name="Ann", last_name="Lee")
NO_NAMES = {"phone": PHONE}  # the customer of most cases: a phone and no name

# case -> (the body's fields besides its walkthrough fields, the customer's names stored)
READ: dict[str, tuple[dict[str, Any], tuple[str | None, str | None]]] = {
    # the addresses: billing first, then shipping, both names from the one address
    "billing only": ({"billing_address": BILLING}, ("Jo", "Do")),
    "shipping only": ({"shipping_address": SHIPPING}, ("Ann", "Lee")),
    "both, billing wins": ({"billing_address": BILLING, "shipping_address": SHIPPING}, ("Jo", "Do")),
    "billing's first name only": ({"billing_address": _address(first_name="Jo"), "shipping_address": SHIPPING}, ("Jo", None)),
    "billing's last name only": ({"billing_address": _address(last_name="Do"), "shipping_address": SHIPPING}, (None, "Do")),
    "shipping's last name only": ({"billing_address": _address(), "shipping_address": _address(last_name="Lee")}, (None, "Lee")),
    "billing's names blank and null, shipping's": (
        {"billing_address": _address(first_name=" \t", last_name=None), "shipping_address": SHIPPING},
        ("Ann", "Lee"),
    ),
    "billing's names empty, shipping's": ({"billing_address": _address(first_name="", last_name=""), "shipping_address": SHIPPING}, ("Ann", "Lee")),
    "no address names any": ({"billing_address": _address(first_name=None), "shipping_address": _address(last_name=" ")}, (None, None)),
    # WooCommerce's billing and shipping, read as ours
    "WooCommerce billing": ({"billing": _woo(first_name="Jo", last_name="Do")}, ("Jo", "Do")),
    "WooCommerce shipping": ({"shipping": _woo(first_name="Ann", last_name="Lee")}, ("Ann", "Lee")),
    "WooCommerce both, billing wins": (
        {"billing": _woo(first_name="Jo", last_name="Do"), "shipping": _woo(first_name="Ann", last_name="Lee")},
        ("Jo", "Do"),
    ),
    "WooCommerce guest: shipping blank": (
        {"billing": _woo(first_name="Jo", last_name="Do"), "shipping": dict.fromkeys(_woo(first_name="", last_name=""), "")},
        ("Jo", "Do"),
    ),
    # Magento's names in an address
    "Magento billing": ({"billing_address": _address(firstname="Jo", lastname="Do")}, ("Jo", "Do")),
    "Magento shipping": ({"shipping_address": _address(firstname="Ann", lastname="Lee")}, ("Ann", "Lee")),
    "Magento's lastname only": ({"billing_address": _address(lastname="Do"), "shipping_address": SHIPPING}, (None, "Do")),
    "ours beside Magento's in the address, ours win": (
        {"billing_address": _address(first_name="Jo", firstname="X", last_name=" ", lastname="Do")},
        ("Jo", "Do"),
    ),
    # the top level (Magento's) gives a name: it wins, nothing from an address
    "top-level names win": (
        {"customer_firstname": "Mo", "customer_lastname": "Ma", "billing_address": _address(firstname="Jo", lastname="Do")},
        ("Mo", "Ma"),
    ),
    "top-level first name only": ({"customer_firstname": "Mo", "billing_address": BILLING}, ("Mo", None)),
    "top-level last name only": ({"customer_lastname": "Ma", "shipping_address": SHIPPING}, (None, "Ma")),
    "top-level names blank, the address's": ({"customer_firstname": " ", "customer_lastname": None, "billing_address": BILLING}, ("Jo", "Do")),
    # the customer gives a name: nothing from an address
    "the customer's first name": ({"customer": {**NO_NAMES, "first_name": "Own"}, "billing_address": BILLING}, ("Own", None)),
    "the customer's last name": ({"customer": {**NO_NAMES, "last_name": "Own"}, "billing_address": BILLING}, (None, "Own")),
    "the customer's both": ({"customer": {**NO_NAMES, "first_name": "Own", "last_name": "Name"}, "billing_address": BILLING}, ("Own", "Name")),
    "the customer's Magento firstname": ({"customer": {**NO_NAMES, "firstname": "Own"}, "shipping_address": SHIPPING}, ("Own", None)),
    "the customer's last name beside Magento's top-level first": (
        {"customer": {**NO_NAMES, "last_name": "Own"}, "customer_firstname": "Mo", "billing_address": BILLING},
        ("Mo", "Own"),
    ),
    "the customer's names null and blank, the address's": (
        {"customer": {**NO_NAMES, "first_name": None, "last_name": " ", "firstname": ""}, "billing_address": BILLING},
        ("Jo", "Do"),
    ),
}  # fmt: skip


async def _contact(api) -> dict[str, Any]:
    (contact,) = await api.rows("contacts")
    return contact


def _sent(body, fields: dict[str, Any]) -> dict[str, Any]:
    """The walkthrough body with the case's fields, its customer a phone without a name unless
    the case gives its own."""
    return {**body(), "customer": NO_NAMES, **fields}


def test_every_place_read_has_a_case() -> None:
    """Every address, in our names and WooCommerce's, and every key of one holding a name."""
    keys = {key for held in NAMES_IN_ADDRESSES.values() for key in held}
    places = {(address, key) for address in NAME_ADDRESSES for key in keys}
    tested = {
        (ORDER_NAMES.get(address, address), key)
        for fields, _ in READ.values()
        for address, value in fields.items()
        if address in NAME_ADDRESSES or address in ORDER_NAMES
        for key in keys & set(value)
        if isinstance(value[key], str) and value[key].strip()
    }
    assert places == tested
    assert set(ORDER_NAMES) <= {address for fields, _ in READ.values() for address in fields}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", READ)
async def test_the_customers_names_are_an_address_pair_where_it_gives_none(api, case, resource, way) -> None:
    path, body = RESOURCES[resource]
    fields, names = READ[case]
    assert await write(api, path, _sent(body, fields), way) == (201, None)
    contact = await _contact(api)
    assert (contact["phone"], contact["first_name"], contact["last_name"]) == (PHONE, *names)


# how a record carries no customer object: each makes one of the names, attached by an address's phone
NO_CUSTOMER: dict[str, Any] = {"left out": ..., "null": None, "an empty PHP array": [], "blank": ""}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("customer", NO_CUSTOMER)
@pytest.mark.parametrize("address", ["billing_address", "shipping_address", "billing"])
async def test_with_no_customer_object_the_names_make_one(api, address, customer, resource, way) -> None:
    """A Shopify guest's order or checkout (`customer: null`), a WooCommerce order (no customer)."""
    path, body = RESOURCES[resource]
    sent = {key: value for key, value in body().items() if key != "customer"}
    if NO_CUSTOMER[customer] is not ...:
        sent["customer"] = NO_CUSTOMER[customer]
    names = {"first_name": "Jo", "last_name": "Do", "phone": "06 13 13 13 13"}  # read in France
    sent[address] = _woo(**names, country="FR") if address in ORDER_NAMES else _address(**names)
    assert await write(api, path, sent, way) == (201, None)
    contact = await _contact(api)
    assert (contact["phone"], contact["first_name"], contact["last_name"]) == ("+33613131313", "Jo", "Do")
    # the address keeps its own names
    stored = (await api.get(f"{path}/{sent['external_id']}")).json()
    ours = ORDER_NAMES.get(address, address)
    assert (stored[ours]["first_name"], stored[ours]["last_name"], stored["phone_source"]) == ("Jo", "Do", ours)


# case -> (the addresses sent, the field refused, its code, the message after "is invalid: ")
REFUSED: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "billing's first name too long": ({"billing_address": _address(first_name="x" * 256, last_name="Do")}, "billing_address.first_name", "too_long", "Must be at most 255 characters."),
    "billing's last name a number": ({"billing_address": _address(first_name="Jo", last_name=12)}, "billing_address.last_name", "invalid_type", "Must be a string."),
    "shipping's first name a list": ({"shipping_address": _address(first_name=["Ann"])}, "shipping_address.first_name", "invalid_type", "Must be a string."),
    "WooCommerce billing's first name too long": ({"billing": _woo(first_name="x" * 256)}, "billing_address.first_name", "too_long", "Must be at most 255 characters."),
    "Magento shipping's lastname too long": ({"shipping_address": _address(lastname="x" * 256)}, "shipping_address.last_name", "too_long", "Must be at most 255 characters."),
    "Magento billing's firstname an object": ({"billing_address": _address(firstname={"a": 1}), "shipping_address": SHIPPING}, "billing_address.first_name", "invalid_type", "Must be a string."),
}  # fmt: skip


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", REFUSED)
async def test_a_name_refused_is_refused_once_at_the_address_field(api, case, resource, way) -> None:
    """Read into the customer or not (the customer's own names given), the one error is the
    address's own, at its field in our names: the customer's check of the value read adds none."""
    path, body = RESOURCES[resource]
    fields, field, code, message = REFUSED[case]
    refused = (422, {"codes": {field: [code]}, "errors": {field: [f"The {field} field is invalid: {message}"]}})
    assert await write(api, path, _sent(body, fields), way) == refused
    named = {"customer": {**NO_NAMES, "first_name": "Own", "last_name": "Name"}, **fields}
    assert await write(api, path, _sent(body, named), way) == refused
    assert await api.count("contacts") == 0


@pytest.mark.parametrize("way", WAYS)
async def test_text_no_engine_can_store_is_refused_once_at_the_name_sent(api, way) -> None:
    sent = _sent(order_body, {"billing": _woo(first_name="a\x00b")})
    status, refused = await write(api, "/orders", sent, way)
    assert (status, refused["codes"]) == (422, {"billing.first_name": ["invalid_characters"]})
    assert len(refused["errors"]["billing.first_name"]) == 1


UPSERT_ORDER = (
    "mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) { userErrors { field code } } }"
)


@pytest.mark.parametrize(
    ("customer", "expected"),
    [
        ({"phone": PHONE}, ("Jo", "Do")),  # the customer gives no name: the billing address's
        ({"phone": PHONE, "firstName": "Marie"}, ("Marie", None)),  # one given: none read
    ],
)
async def test_graphql_reads_the_same_names(api, customer, expected) -> None:
    """GraphQL builds the same command as REST: a `billingAddress`'s names are the customer's
    where the customer gives neither, and the address keeps them."""
    sent = order_input(customer=customer, billingAddress={"firstName": "Jo", "lastName": "Do"})
    assert (await gql(api, UPSERT_ORDER, {"input": sent}))["data"]["upsertOrder"]["userErrors"] == []
    contact = await _contact(api)
    assert (contact["phone"], contact["first_name"], contact["last_name"]) == (PHONE, *expected)
    (order,) = await api.rows("orders")
    assert (order["billing_address"]["first_name"], order["billing_address"]["last_name"]) == ("Jo", "Do")
