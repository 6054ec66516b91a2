"""README "Platform payloads": an address's fields under WooCommerce's and Magento's names
(`platform_names.ADDRESS_NAMES`) are read where ours are absent, on orders and carts, both
addresses, by the single POST and in a batch alike; what is stored is answered by GET. The
table covers every name the service reads (checked against ADDRESS_NAMES), so a new one needs
its case."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.platform_names import ADDRESS_NAMES
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "city",
    "province",
    "zip",
    "country_code",
    "phone",
)
BESIDE = {"city": "Paris"}  # sent with each case: an address read into nothing is still one
REGION = {"region": "Île-de-France", "region_code": "IDF", "region_id": 257}

# case -> (the address's fields sent beside BESIDE, the fields stored besides its city)
READ: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # WooCommerce
    "address_1": ({"address_1": "1 Main St"}, {"address1": "1 Main St"}),
    "address_2": ({"address_2": "Apt 2"}, {"address2": "Apt 2"}),
    "state": ({"state": "MA"}, {"province": "MA"}),
    "postcode": ({"postcode": "02108"}, {"zip": "02108"}),
    "country, a code": ({"country": "us"}, {"country_code": "US"}),
    "country, a name, is not read": ({"country": "France"}, {}),
    # Magento
    "firstname": ({"firstname": "Jo"}, {"first_name": "Jo"}),
    "lastname": ({"lastname": "Do"}, {"last_name": "Do"}),
    "telephone": ({"telephone": "06 13 13 13 13"}, {"phone": "06 13 13 13 13"}),
    "street, one line": ({"street": ["1 rue X"]}, {"address1": "1 rue X"}),
    "street, two lines": ({"street": ["1 rue X", "Bat B"]}, {"address1": "1 rue X", "address2": "Bat B"}),
    "street, three lines": (
        {"street": ["1 rue X", "Bat B", "3e étage"]},
        {"address1": "1 rue X", "address2": "Bat B, 3e étage"},
    ),
    "street, a blank line": ({"street": ["1 rue X", " "]}, {"address1": "1 rue X"}),
    "street, no line": ({"street": []}, {}),
    "street, text": ({"street": "1 rue X"}, {"address1": "1 rue X"}),
    "street, text of lines": ({"street": "1 rue X\nBat B\r\n3e étage"}, {"address1": "1 rue X", "address2": "Bat B, 3e étage"}),
    "region, text": ({"region": "IDF"}, {"province": "IDF"}),
    "region, an object": ({"region": REGION}, {"province": "Île-de-France"}),
    "region, an object with a code only": ({"region": {"region": None, "region_code": "IDF"}}, {"province": "IDF"}),
    "region, an object with neither": ({"region": {"region_id": 0}}, {}),
    "region, an empty PHP array": ({"region": []}, {}),
    "country_id": ({"country_id": "fr"}, {"country_code": "FR"}),
    # ours win where they hold a value; a blank one is absent (SPEC §10)
    "first_name beside firstname": ({"first_name": "Marie", "firstname": "Jo"}, {"first_name": "Marie"}),
    "a blank first_name beside firstname": ({"first_name": " ", "firstname": "Jo"}, {"first_name": "Jo"}),
    "address1 beside street": ({"address1": "2 rue Y", "street": ["1 rue X", "Bat B"]}, {"address1": "2 rue Y"}),
    "address2 beside street": ({"address2": "Bat C", "street": ["1 rue X", "Bat B"]}, {"address2": "Bat C"}),
    "province beside region": ({"province": "Gironde", "region": REGION}, {"province": "Gironde"}),
    "zip beside postcode": ({"zip": "75001", "postcode": "99999"}, {"zip": "75001"}),
    "a null zip beside postcode": ({"zip": None, "postcode": "99999"}, {"zip": "99999"}),
    "country_code beside country_id": ({"country_code": "BE", "country_id": "FR"}, {"country_code": "BE"}),
    "phone beside telephone": ({"phone": "+33600000000", "telephone": "06 13 13 13 13"}, {"phone": "+33600000000"}),
    # WooCommerce's name, read first, beside Magento's
    "address_1 beside street": ({"address_1": "2 rue Y", "street": ["1 rue X"]}, {"address1": "2 rue Y"}),
    "state beside region": ({"state": "MA", "region": "IDF"}, {"province": "MA"}),
    "a country name beside country_id": ({"country": "France", "country_id": "FR"}, {"country_code": "FR"}),
}  # fmt: skip

# case -> (the address's fields sent beside BESIDE, the field refused, its code, its message)
REFUSED: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "street of numbers": ({"street": [1, 2]}, "address1", "invalid_type", "Must be a string."),
    "street, an object": ({"street": {"0": "1 rue X"}}, "address1", "invalid_type", "Must be a string."),
    "street too long": ({"street": ["x" * 256]}, "address1", "too_long", "Must be at most 255 characters."),
    "region, a number": ({"region": 12}, "province", "invalid_type", "Must be a string."),
    "country_id, a name": (
        {"country_id": "France"},
        "country_code",
        "invalid_choice",
        "Must be an ISO 3166 alpha-2 country code, e.g. FR.",
    ),
    "firstname, a number": ({"firstname": 7}, "first_name", "invalid_type", "Must be a string."),
    "telephone too long": ({"telephone": "1" * 65}, "phone", "too_long", "Must be at most 64 characters."),
}

RESOURCES = {"order": ("/orders", order_body, "ORDER-1001"), "cart": ("/carts", cart_body, "CART-7700")}
ADDRESSES = ("shipping_address", "billing_address")


def test_every_other_name_has_a_case() -> None:
    sent = {name for address, _ in READ.values() for name in address}
    assert set(ADDRESS_NAMES) <= sent


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", READ)
async def test_an_address_in_other_names_is_stored_in_ours(api, case, resource, address, way) -> None:
    path, body, external_id = RESOURCES[resource]
    sent, read = READ[case]
    status, refused = await write(api, path, body(**{address: {**BESIDE, **sent}}), way)
    assert (status, refused) == (201, None)
    stored = (await api.get(f"{path}/{external_id}")).json()[address]
    assert stored == {**dict.fromkeys(FIELDS), **BESIDE, **read}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("case", REFUSED)
async def test_a_value_under_another_name_is_refused_at_our_field(api, case, address, way) -> None:
    """As a value of the field itself is (WooCommerce's `postcode` too long is `zip`'s)."""
    sent, field, code, message = REFUSED[case]
    status, refused = await write(api, "/orders", order_body(**{address: {**BESIDE, **sent}}), way)
    dotted = f"{address}.{field}"
    assert (status, refused) == (
        422,
        {"codes": {dotted: [code]}, "errors": {dotted: [f"The {dotted} field is invalid: {message}"]}},
    )
    assert await api.count("orders") == 0


MAGENTO_ORDER = {
    "external_id": "000000123",
    "placed_at": "2026-11-26 10:00:00",
    "total_price": "59.0000",
    "currency": "EUR",
    "customer": {"external_id": "5", "email": "jo@example.com"},
    "billing_address": {
        "firstname": "Jo",
        "lastname": "Do",
        "street": ["1 rue X", "Bat B"],
        "city": "Paris",
        "postcode": "75001",
        "region": "IDF",
        "country_id": "FR",
        "telephone": "06 13 13 13 13",
        "company": "ACME",
    },
}


@pytest.mark.parametrize("way", WAYS)
async def test_a_magento_order_is_attached_by_its_billing_telephone(api, way) -> None:
    """Where it answered 422 "The customer.phone field is required." (the phone was sent, as
    `telephone`)."""
    assert await write(api, "/orders", MAGENTO_ORDER, way) == (201, None)
    order = (await api.get("/orders/000000123")).json()
    assert order["billing_address"] == {
        "first_name": "Jo",
        "last_name": "Do",
        "company": "ACME",
        "address1": "1 rue X",
        "address2": "Bat B",
        "city": "Paris",
        "province": "IDF",
        "zip": "75001",
        "country_code": "FR",
        "phone": "06 13 13 13 13",
    }
    assert (order["shipping_address"], order["phone_source"], order["contact"]["phone"]) == (
        None,
        "billing_address",
        "+33613131313",
    )
    contact = (await api.get("/customers/5")).json()
    assert (contact["contact"]["phone"], contact["email"]) == ("+33613131313", "jo@example.com")
