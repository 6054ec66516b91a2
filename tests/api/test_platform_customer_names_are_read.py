"""README "Platform payloads": the customer's email and names sent where Magento puts them, at
the top level of its order and quote (`customer_email`, `customer_firstname`,
`customer_lastname`), and an address's `email` (WooCommerce's `billing.email`), are the
customer's where its own are absent (absent, null or blank), on orders, carts and checkouts,
by the single POST and in a batch alike; the customer's own win. With no `customer` they make
one, attached by an address's phone. A value refused is refused at the name sent, as the
customer's own is. The contact stored holds what was read."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.customer_names import CUSTOMER_SOURCES
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

PHONE = "+33612345678"
RESOURCES = {
    "order": ("/orders", order_body),
    "cart": ("/carts", cart_body),
    "checkout": ("/checkouts", cart_body),
}
# Magento's top-level name -> (the customer's field, a value, another value of the field)
NAMES: dict[str, tuple[str, str, str]] = {
    "customer_email": ("email", "jo@example.com", "marie@example.com"),
    "customer_firstname": ("first_name", "Jo", "Marie"),
    "customer_lastname": ("last_name", "Do", "Durand"),
}
# how the customer gives its own field: absent from it, null, blank (SPEC §10)
ABSENT: dict[str, dict[str, Any]] = {"left out": {}, "null": {"of": None}, "empty": {"of": ""}, "blank": {"of": " \t"}}


def _customer(field: str, given: dict[str, Any]) -> dict[str, Any]:
    return {"phone": PHONE, **({field: given["of"]} if "of" in given else {})}


async def _contact(api) -> dict[str, Any]:
    (contact,) = await api.rows("contacts")
    return contact


def test_every_place_read_has_a_case() -> None:
    places = {path for paths in CUSTOMER_SOURCES.values() for path in paths}
    tested = {(name,) for name in NAMES} | {(address, "email") for address in ADDRESS_EMAILS}
    assert places == tested
    assert {field for field, _, _ in NAMES.values()} == set(CUSTOMER_SOURCES)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("absent", ABSENT)
@pytest.mark.parametrize("name", NAMES)
async def test_a_name_at_the_top_level_fills_the_customers_absent_field(api, name, absent, resource, way) -> None:
    path, body = RESOURCES[resource]
    field, value, _ = NAMES[name]
    sent = body(customer=_customer(field, ABSENT[absent]), **{name: value})
    assert await write(api, path, sent, way) == (201, None)
    contact = await _contact(api)
    assert (contact["phone"], contact[field]) == (PHONE, value)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("name", NAMES)
async def test_the_customers_own_field_is_kept(api, name, resource, way) -> None:
    """Even where the top-level value would be refused: it is not read."""
    path, body = RESOURCES[resource]
    field, value, own = NAMES[name]
    for theirs in (value, 12):
        sent = body(external_id=f"R-{theirs}", customer={"phone": PHONE, field: own}, **{name: theirs})
        assert await write(api, path, sent, way) == (201, None)
        assert (await _contact(api))[field] == own


# Magento's top-level name -> (a value refused, the code, the message after "is invalid: ")
REFUSED: dict[str, list[tuple[Any, str, str]]] = {
    "customer_email": [
        ("jo@", "invalid_email", "Must be a valid email address."),
        (12, "invalid_type", "Must be a string."),
    ],
    "customer_firstname": [(["Jo"], "invalid_type", "Must be a string."), ("x" * 256, "too_long", "Must be at most 255 characters.")],
    "customer_lastname": [(True, "invalid_type", "Must be a string."), ("x" * 256, "too_long", "Must be at most 255 characters.")],
}  # fmt: skip
REFUSALS = [(name, index) for name, cases in REFUSED.items() for index in range(len(cases))]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("name", "index"), REFUSALS)
async def test_a_value_read_is_refused_at_the_name_sent_as_the_customers_own(api, name, index, resource, way) -> None:
    """With the code and message the customer's own field gets, naming the field sent."""
    path, body = RESOURCES[resource]
    field, _, _ = NAMES[name]
    value, code, message = REFUSED[name][index]
    status, refused = await write(api, path, body(customer={"phone": PHONE}, **{name: value}), way)
    assert (status, refused) == (
        422,
        {"codes": {name: [code]}, "errors": {name: [f"The {name} field is invalid: {message}"]}},
    )
    own = await write(api, path, body(customer={"phone": PHONE, field: value}), way)
    assert own == (422, {"codes": {f"customer.{field}": [code]}, "errors": {f"customer.{field}": [f"The customer.{field} field is invalid: {message}"]}})  # fmt: skip
    assert await api.count("contacts") == 0


MAGENTO = {"customer_email": "jo@example.com", "customer_firstname": "Jo", "customer_lastname": "Do"}
BILLING = {"firstname": "Jo", "city": "Paris", "country_id": "FR", "telephone": "06 13 13 13 13"}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("customer", ["left out", None, [], ""], ids=repr)
async def test_with_no_customer_they_make_one_attached_by_an_address_phone(api, customer, resource, way) -> None:
    """Magento's order or quote as a shop relays it: no `customer` object."""
    path, body = RESOURCES[resource]
    sent = {key: value for key, value in body(billing_address=BILLING, **MAGENTO).items() if key != "customer"}
    if customer != "left out":
        sent["customer"] = customer
    assert await write(api, path, sent, way) == (201, None)
    contact = await _contact(api)
    read = {key: contact[key] for key in ("phone", "email", "first_name", "last_name")}
    assert read == {"phone": "+33613131313", "email": "jo@example.com", "first_name": "Jo", "last_name": "Do"}
    record = (await api.get(f"{path}/{sent['external_id']}")).json()
    assert (record["phone_source"], record["customer_external_id"]) == ("billing_address", None)


async def test_with_no_customer_and_no_phone_the_customer_phone_is_required(api) -> None:
    """As with no customer at all: the names read give no phone."""
    sent = {key: value for key, value in order_body(**MAGENTO).items() if key != "customer"}
    assert await write(api, "/orders", sent, "single") == (
        422,
        {"codes": {"customer.phone": ["required"]}, "errors": {"customer.phone": ["The customer.phone field is required."]}},
    )  # fmt: skip


# An address's `email` (WooCommerce's billing; Magento's addresses carry one too), read after
# Magento's customer_email: address -> the order's addresses
ADDRESS_EMAILS = ("billing_address", "shipping_address")
WOO_BILLING = {"first_name": "Jo", "address_1": "1 Main St", "city": "Boston", "country": "US", "phone": "+16175550123"}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("address", ADDRESS_EMAILS)
async def test_an_address_email_is_the_customers_where_none_is_given(api, address, resource, way) -> None:
    path, body = RESOURCES[resource]
    sent = {key: value for key, value in body(**{address: {**WOO_BILLING, "email": "jo@example.com"}}).items()}
    del sent["customer"]
    assert await write(api, path, sent, way) == (201, None)
    assert ((await _contact(api))["email"], (await _contact(api))["phone"]) == ("jo@example.com", "+16175550123")
    # the address is stored as it was: the email is the customer's
    stored = (await api.get(f"{path}/{sent['external_id']}")).json()[address]
    assert "email" not in stored and stored["address1"] == "1 Main St"


# case -> (the order's fields besides the walkthrough's, the contact's email)
ORDER_OF_EMAILS: dict[str, tuple[dict[str, Any], str]] = {
    "the customer's beside all": (
        {
            "customer": {"phone": PHONE, "email": "own@example.com"},
            "customer_email": "magento@example.com",
            "billing_address": {"email": "billing@example.com"},
        },
        "own@example.com",
    ),
    "customer_email beside the addresses'": (
        {
            "customer": {"phone": PHONE},
            "customer_email": "magento@example.com",
            "billing_address": {"email": "billing@example.com"},
        },
        "magento@example.com",
    ),
    "billing's beside shipping's": (
        {
            "customer": {"phone": PHONE, "email": ""},
            "customer_email": None,
            "billing_address": {"email": "billing@example.com"},
            "shipping_address": {"email": "shipping@example.com"},
        },
        "billing@example.com",
    ),
    "a blank customer_email is none": (
        {"customer": {"phone": PHONE}, "customer_email": " ", "shipping_address": {"email": "shipping@example.com"}},
        "shipping@example.com",
    ),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("case", ORDER_OF_EMAILS)
async def test_the_first_email_given_is_read(api, case, way) -> None:
    fields, email = ORDER_OF_EMAILS[case]
    assert await write(api, "/orders", order_body(**fields), way) == (201, None)
    assert (await _contact(api))["email"] == email


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("address", ADDRESS_EMAILS)
async def test_an_address_email_read_is_refused_there(api, address, way) -> None:
    sent = order_body(customer={"phone": PHONE}, **{address: {"city": "Paris", "email": "jo@"}})
    dotted = f"{address}.email"
    assert await write(api, "/orders", sent, way) == (
        422,
        {"codes": {dotted: ["invalid_email"]}, "errors": {dotted: [f"The {dotted} field is invalid: Must be a valid email address."]}},
    )  # fmt: skip
    # not read beside the customer's own: not refused
    sent["customer"]["email"] = "own@example.com"
    assert await write(api, "/orders", sent, way) == (201, None)
